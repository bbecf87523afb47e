"""SMS numbers end to end against the sandbox: rent, code, expiry, refusal, unknown."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from orders.forwarding import sweep_stale_sending
from orders.models import LedgerEntry, Order
from orders.placing import NotEnoughFunds, PlacementError
from orders.sms import rent_numbers
from orders.sms_tracking import expire_overdue, poll_numbers
from orders.states import State
from provider.models import PricingRule, SmsPrice, SmsProject
from provider.repricing import reprice


def project(name: str) -> SmsProject:
    return SmsProject.objects.get(name=name)


def rent(user, name="OpenAI / ChatGPT", country="us", quantity=1, **extra):
    return rent_numbers(user=user, project_id=project(name).pk, country=country,
                        quantity=quantity, **extra)


def balance(user) -> D:
    user.wallet.refresh_from_db()
    return user.wallet.balance


def test_sms_catalog_is_synced_and_priced(provider):
    PricingRule.objects.create(provider=provider, percent=D("12.5"))
    reprice(provider.pk)
    price = SmsPrice.objects.get(project__name="OpenAI / ChatGPT", country__code="us")
    assert price.cost == D("0.5000")
    assert price.sell_price == D("0.5625"), "four decimals kept"


def test_rent_one_number_then_the_code_arrives(alice, provider, sandbox):
    [order] = rent(alice)
    assert order.state == State.PLACED
    assert order.phone.startswith("+")
    assert order.charge == D("0.5000")
    assert balance(alice) == D("99.5000")
    poll_numbers(everything=True)
    order.refresh_from_db()
    assert order.state == State.PLACED and order.sms_code == ""
    assert order.expires_at is not None
    sandbox.advance(9)
    summary = poll_numbers(everything=True)
    order.refresh_from_db()
    assert summary.codes == 1
    assert order.state == State.COMPLETED
    assert order.sms_code and order.sms_code in order.sms_text
    assert balance(alice) == D("99.5000"), "a number with a code is paid for"


def test_rent_several_numbers_each_its_own_order(alice, provider):
    orders = rent(alice, quantity=3)
    assert len(orders) == 3
    assert len({o.phone for o in orders}) == 3
    assert len({o.upstream_id for o in orders}) == 3
    assert len({o.batch for o in orders}) == 1
    assert balance(alice) == D("100.00") - 3 * D("0.5000")


def test_numbers_not_returned_are_refunded(alice, provider, sandbox):
    orders = rent(alice, name="Telegram", country="gb", quantity=5)
    states = [o.state for o in orders]
    assert states.count(State.PLACED) == 2
    assert states.count(State.REJECTED) == 3
    assert balance(alice) == D("100.00") - 2 * D("0.2500")
    assert len(sandbox.numbers()) == 2


def test_expiry_without_a_code_refunds_exactly_once(alice, provider, sandbox):
    [order] = rent(alice, name="WhatsApp")
    sandbox.advance(61)
    poll_numbers(everything=True)
    order.refresh_from_db()
    assert order.state == State.CANCELED
    assert order.refunded == order.charge
    assert expire_overdue(timezone.now() + timedelta(hours=1)) == 0
    poll_numbers(everything=True)
    assert LedgerEntry.objects.filter(order=order, kind="refund").count() == 1
    assert balance(alice) == D("100.00")


def test_expiry_sweep_and_poll_race_refund_once(alice, provider, sandbox):
    [order] = rent(alice, name="WhatsApp")
    poll_numbers(everything=True)  # learns expires_at
    order.refresh_from_db()
    sandbox.advance(61)
    with time_machine.travel(order.expires_at + timedelta(minutes=5)):
        assert expire_overdue() == 1
        poll_numbers(everything=True)
        assert expire_overdue() == 0
    assert LedgerEntry.objects.filter(order=order, kind="refund").count() == 1
    assert balance(alice) == D("100.00")


def test_upstream_cancel_refunds(alice, provider, sandbox):
    [order] = rent(alice, name="Discord")
    sandbox.advance(16)
    call_command("poll_orders", verbosity=0)
    order.refresh_from_db()
    assert order.state == State.CANCELED and order.refunded == order.charge


def test_upstream_refusal_refunds_at_once(alice, provider, sandbox):
    sandbox.fault("add_sms", "error", message="No numbers available")
    orders = rent(alice, quantity=2)
    assert {o.state for o in orders} == {State.REJECTED}
    assert orders[0].error == "No numbers available"
    assert balance(alice) == D("100.00")


@pytest.mark.parametrize("kind", ["lost", "http500", "malformed"])
def test_unknown_outcome_goes_to_review_money_held(alice, provider, sandbox, kind):
    sandbox.fault("add_sms", kind, delay=2)
    orders = rent(alice, quantity=2)
    assert {o.state for o in orders} == {State.REVIEW}
    assert balance(alice) == D("100.00") - 2 * D("0.5000")
    call_command("forward_orders", verbosity=0)
    assert {o.state for o in Order.objects.filter(kind="sms")} == {State.REVIEW}


def test_unknown_sms_status_is_flagged(alice, provider, sandbox, monkeypatch):
    from provider.client import ProviderClient, SmsStatus

    [order] = rent(alice)
    monkeypatch.setattr(ProviderClient, "sms_status", lambda self, oid: SmsStatus(
        "on_hold", None, None, None, "USD", None))
    summary = poll_numbers(everything=True)
    order.refresh_from_db()
    assert summary.unknown == 1
    assert order.state == State.PLACED and order.status_unknown
    assert order.upstream_status == "on_hold"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"quantity": 11}, "between 1 and 10"), ({"quantity": 0}, "between 1 and 10"),
    ({"quantity": "x"}, "whole number"), ({"country": "zz"}, "not available"),
    ({"phone": "abc"}, "phone"),
])
def test_renting_validation_charges_nothing(alice, provider, kwargs, message):
    with pytest.raises(PlacementError, match=message):
        rent(alice, **kwargs)
    assert balance(alice) == D("100.00")
    assert not Order.objects.exists()


def test_disabled_project_is_not_rented(alice, provider):
    SmsProject.objects.filter(name="OpenAI / ChatGPT").update(enabled=False)
    with pytest.raises(PlacementError):
        rent(alice)


def test_not_enough_balance(make_customer, provider):
    poor = make_customer("poor@example.com", balance="0.60")
    with pytest.raises(NotEnoughFunds):
        rent(poor, quantity=2)
    assert balance(poor) == D("0.60")


def test_a_rental_never_sent_is_refunded_by_the_sweep(alice, provider, settings):
    from orders.sms import _charge_and_create, sms_offer

    offer = sms_offer(project_id=project("OpenAI / ChatGPT").pk, country="us")
    [order] = _charge_and_create(alice, offer, 1)  # the request died before add_sms
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.ORDER_SEND_TIMEOUT + 1)):
        sweep_stale_sending()
    order.refresh_from_db()
    assert order.state == State.REJECTED and order.refunded == order.charge


def test_staff_see_numbers_near_expiry_in_admin(alice, provider, admin_client):
    from django.urls import reverse

    [order] = rent(alice)
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() + timedelta(minutes=2))
    url = reverse("admin:orders_order_changelist")
    assert order.phone in admin_client.get(url, {"expiry": "soon"}).content.decode()
    assert order.phone not in admin_client.get(url, {"expiry": "past"}).content.decode()
    assert order.phone in admin_client.get(url, {"state": "placed", "kind": "sms"}
                                           ).content.decode()
