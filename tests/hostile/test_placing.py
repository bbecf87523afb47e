"""Placing with a hostile upstream: an `add` or `add_sms` answer the panel cannot store is an
unknown outcome. The order goes to review with the money held, the customer gets a clear
answer (never a 500), and staff find the upstream's answer on the order."""

import pytest

from orders.forwarding import forward_waiting
from orders.models import LedgerEntry, Order
from orders.placing import place_order
from orders.states import State
from panel.apikeys import regenerate_api_key
from provider.models import Provider, Service, SmsProject
from tests.fixtures.hostile import synced
from tests.hostile.helpers import LINK, balance, forwarded, rent_hostile, with_sms_catalog

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("answer", [
    {"order": 10**20},  # beyond a BigIntegerField
    {"order": "1e20"},
    {"order": -5},
    {"order": "12\x00"},
    {"order": {"id": 12}},
])
def test_an_unstorable_order_id_sends_the_order_to_review_with_the_money_held(
        alice, hostile, hostile_provider, answer):
    synced(hostile_provider)
    hostile.answer("add", answer)

    order = forwarded(alice, hostile_provider)

    assert order.state == State.REVIEW and order.upstream_id is None
    assert balance(alice) == 100 - order.charge  # held: neither refunded nor lost
    assert not LedgerEntry.objects.filter(order=order, kind="refund").exists()
    assert "outcome unknown: add: unexpected answer: `order`" in order.error
    assert "raw answer: {\"order\":" in order.error
    assert len(hostile.calls_of("add")) == 1  # never sent again by a machine


def test_the_api_customer_gets_the_order_id_and_its_state(client, alice, hostile,
                                                          hostile_provider):
    synced(hostile_provider)
    hostile.answer("add", {"order": 10**20})
    key = regenerate_api_key(alice)
    service = Service.objects.get(provider=hostile_provider, upstream_id=1)

    placed = client.post("/api/v2", {"key": key, "action": "add", "service": service.pk,
                                     "quantity": 100, "link": LINK})
    forward_waiting()
    status = client.post("/api/v2", {"key": key, "action": "status",
                                     "order": placed.json()["order"]})

    assert placed.status_code == 200 and status.status_code == 200
    assert Order.objects.get(pk=placed.json()["order"]).state == State.REVIEW
    assert status.json()["status"] == "Pending"


@pytest.mark.parametrize("number", [
    {"order": 10**20, "phone": "+15550001"},
    {"order": 7, "phone": "+1555\x000001"},
    {"order": 7, "phone": "+1" * 40},
    {"order": 7, "phone": ["+15550001"]},
])
def test_an_unstorable_number_sends_the_rental_to_review_with_the_money_held(
        alice, hostile, hostile_provider, number):
    with_sms_catalog(hostile, hostile_provider)
    hostile.answer("add_sms", {"orders": [{"country": "us", "status": "active", **number}]})

    [order] = rent_hostile(alice)

    assert order.state == State.REVIEW and order.phone == "" and order.upstream_id is None
    assert balance(alice) == 100 - order.charge
    assert "add_sms outcome unknown" in order.error and "raw answer" in order.error


def test_the_api_renter_is_told_the_number_is_being_checked(client, alice, hostile,
                                                            hostile_provider):
    with_sms_catalog(hostile, hostile_provider)
    hostile.answer("add_sms", {"orders": [{"order": 7, "phone": "+1555\x000001"}]})
    key = regenerate_api_key(alice)

    response = client.post("/api/v2", {
        "key": key, "action": "add_sms", "country": "us",
        "project_id": SmsProject.objects.get(project_id="p1").pk})

    order = Order.objects.get(user=alice)
    assert response.status_code != 500
    assert response.json() == {
        "error": f"No number yet: the request is being checked (order #{order.pk})"}
    assert order.state == State.REVIEW


def test_the_storefront_renter_sees_the_order_not_an_error_page(client, alice, hostile,
                                                                hostile_provider):
    with_sms_catalog(hostile, hostile_provider)
    hostile.answer("add_sms", {"orders": [{"order": 10**20, "phone": "+15550001"}]})
    client.force_login(alice)

    response = client.post("/sms/rent/", {
        "project": SmsProject.objects.get(project_id="p1").pk, "country": "us"})

    order = Order.objects.get(user=alice)
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.pk}/"
    page = client.get(response["Location"])
    assert page.status_code == 200 and order.state == State.REVIEW


def test_a_provider_the_client_refuses_never_takes_the_money(client, alice, hostile,
                                                             hostile_provider):
    """Nothing was sent: the SMM order waits to be sent again, the rental is refunded at once,
    and the storefront renter sees the order, never a 500."""
    with_sms_catalog(hostile, hostile_provider)
    Provider.objects.filter(pk=hostile_provider.pk).update(timeout=0)
    client.force_login(alice)

    order = forwarded(alice, hostile_provider)
    response = client.post("/sms/rent/", {
        "project": SmsProject.objects.get(project_id="p1").pk, "country": "us"})

    assert order.state == State.QUEUED and "cannot call the provider" in order.error
    rental = Order.objects.get(user=alice, kind="sms")
    assert response.status_code == 302 and rental.state == State.REJECTED
    assert rental.refunded == rental.charge
    assert not hostile.calls_of("add") and not hostile.calls_of("add_sms")


def test_one_order_that_fails_to_forward_never_stops_the_others(alice, hostile,
                                                               hostile_provider, monkeypatch):
    from provider.client import ProviderClient

    synced(hostile_provider)
    first_service = Service.objects.get(provider=hostile_provider, upstream_id=1)
    first = place_order(user=alice, service_id=first_service.pk, quantity=100, link=LINK)
    second = place_order(user=alice, service_id=Service.objects.get(
        provider=hostile_provider, upstream_id=2).pk, quantity=100, link=LINK)
    real = ProviderClient.add

    def add(self, *, service_id, **kwargs):
        if service_id == 1:
            raise RuntimeError("a bug no test foresaw")
        return real(self, service_id=service_id, **kwargs)

    monkeypatch.setattr(ProviderClient, "add", add)

    counts = forward_waiting()

    assert counts[State.PLACED] == 1 and counts["failed"] == 1
    assert Order.objects.get(pk=second.pk).state == State.PLACED
    # Left sending: the sweep sends it to review, since nobody knows what left.
    assert Order.objects.get(pk=first.pk).state == State.SENDING
