"""`refill`, `refill_status` and `cancel`: passed on to standard providers for the
customer's own orders of services that offer them; a clear error everywhere else."""

import pytest

from orders.forwarding import forward_one
from orders.models import Order, Refill
from orders.states import State
from orders.tracking import poll
from provider.models import Service
from tests.panel.api.helpers import FOLLOWERS, LIKES, LINK, TELEGRAM, synced

pytestmark = pytest.mark.django_db


@pytest.fixture
def standard(sandbox):
    return synced(sandbox, name="standard", standard=True)


def placed(api, key, provider, upstream_id, quantity=100):
    service = Service.objects.get(provider=provider, upstream_id=upstream_id)
    order_id = api(key, "add", service=service.pk, quantity=quantity, link=LINK)[1]["order"]
    assert forward_one(order_id) == State.PLACED
    return order_id


def completed(api, key, provider, sandbox, upstream_id=FOLLOWERS):
    order_id = placed(api, key, provider, upstream_id)
    sandbox.advance(31)
    poll(everything=True)
    assert Order.objects.get(pk=order_id).state in (State.COMPLETED, State.PARTIAL)
    return order_id


def test_refill_is_passed_on_and_known_by_our_id(api, alice_key, standard, sandbox):
    order_id = completed(api, alice_key, standard, sandbox)
    status, answer = api(alice_key, "refill", order=order_id)
    assert status == 200
    refill = Refill.objects.get()
    assert answer == {"refill": refill.pk} and refill.order_id == order_id
    assert refill.upstream_id != refill.pk
    assert api(alice_key, "refill_status", refill=refill.pk) == (200, {"status": "Pending"})
    sandbox.advance(11)
    assert api(alice_key, "refill_status", refill=refill.pk) == (200, {"status": "Completed"})
    refill.refresh_from_db()
    assert refill.status == "Completed" and refill.checked_at is not None


def test_refill_only_once_completed(api, alice_key, standard):
    order_id = placed(api, alice_key, standard, FOLLOWERS)
    assert api(alice_key, "refill", order=order_id) == (
        200, {"error": "Refill is available once the order is completed"})


def test_refill_only_for_services_with_refill(api, alice_key, standard, sandbox):
    order_id = completed(api, alice_key, standard, sandbox, LIKES)
    assert api(alice_key, "refill", order=order_id) == (
        200, {"error": "Refill is not available for this service"})


def test_refill_where_the_provider_has_no_such_action(api, alice_key, provider, sandbox):
    order_id = completed(api, alice_key, provider, sandbox)  # HstockPlus: no refill action
    assert api(alice_key, "refill", order=order_id) == (
        200, {"error": "Refill is not supported for this service"})
    assert not Refill.objects.exists()


def test_refill_when_the_provider_fails(api, alice_key, standard, sandbox):
    order_id = completed(api, alice_key, standard, sandbox)
    sandbox.fault("refill", "http500")
    assert api(alice_key, "refill", order=order_id) == (
        200, {"error": "The provider did not answer; try again later"})
    sandbox.reset()
    sandbox.fault("refill", "error", message=f"Order {Order.objects.get().upstream_id} is "
                  "too old")
    answer = api(alice_key, "refill", order=order_id)[1]
    assert answer == {"error": f"Refill refused: Order {order_id} is too old"}


def test_refills_are_the_customers_own(api, alice_key, bob_key, standard, sandbox):
    order_id = completed(api, alice_key, standard, sandbox)
    assert api(bob_key, "refill", order=order_id) == (200, {"error": "Incorrect order ID"})
    refill_id = api(alice_key, "refill", order=order_id)[1]["refill"]
    assert api(bob_key, "refill_status", refill=refill_id) == (
        200, {"error": "Refill not found"})
    assert api(alice_key, "refill") == (200, {"error": "Order ID is required"})
    assert api(alice_key, "refill_status") == (200, {"error": "Refill ID is required"})
    assert api(alice_key, "refill_status", refill="x") == (200, {"error": "Refill not found"})


def test_cancel(api, alice_key, bob_key, standard, sandbox):
    mine = placed(api, alice_key, standard, TELEGRAM)
    no_cancel = placed(api, alice_key, standard, FOLLOWERS)
    bobs = placed(api, bob_key, standard, TELEGRAM)
    status, answer = api(alice_key, "cancel", orders=f"{mine},{no_cancel},{bobs},999999,x")
    assert status == 200
    assert answer == [
        {"order": mine, "cancel": 1},
        {"order": no_cancel, "cancel": {"error": "Cancel is not available for this service"}},
        {"order": bobs, "cancel": {"error": "Incorrect order ID"}},
        {"order": 999999, "cancel": {"error": "Incorrect order ID"}},
        {"order": "x", "cancel": {"error": "Incorrect order ID"}},
    ]
    # The polling settles it, with the refund, like any other final status.
    poll(everything=True)
    order = Order.objects.get(pk=mine)
    assert order.state == State.CANCELED and order.refunded == order.charge
    assert Order.objects.get(pk=bobs).state == State.PLACED
    assert api(alice_key, "cancel", orders=mine)[1] == [
        {"order": mine, "cancel": {"error": "The order has ended"}}]


def test_cancel_before_the_order_is_sent(api, alice_key, standard):
    service = Service.objects.get(provider=standard, upstream_id=TELEGRAM)
    order_id = api(alice_key, "add", service=service.pk, quantity=100, link=LINK)[1]["order"]
    assert api(alice_key, "cancel", orders=order_id)[1] == [{"order": order_id, "cancel": {
        "error": "The order is not with the provider yet; try again shortly"}}]


def test_cancel_where_the_provider_has_no_such_action(api, alice_key, provider):
    order_id = placed(api, alice_key, provider, TELEGRAM)
    assert api(alice_key, "cancel", orders=order_id)[1] == [
        {"order": order_id, "cancel": {"error": "Cancel is not supported for this service"}}]


def test_cancel_when_the_provider_fails(api, alice_key, standard, sandbox):
    order_id = placed(api, alice_key, standard, TELEGRAM)
    sandbox.fault("cancel", "lost", delay=0)
    assert api(alice_key, "cancel", orders=order_id)[1] == [
        {"order": order_id, "cancel": {"error": "The provider did not answer; try again later"}}]


def test_cancel_needs_ids(api, alice_key, standard):
    assert api(alice_key, "cancel") == (200, {"error": "Order ID is required"})
    ids = ",".join(str(i) for i in range(1, 102))
    assert api(alice_key, "cancel", orders=ids) == (
        200, {"error": "Too many ids: at most 100 per call"})


def test_batch_refill_and_refill_status(api, alice_key, bob_key, standard, sandbox):
    """`refill` with `orders=` and `refill_status` with `refills=`: one item per id, a
    refusal costs only its own item."""
    done = completed(api, alice_key, standard, sandbox)
    no_refill = completed(api, alice_key, standard, sandbox, LIKES)
    bobs = completed(api, bob_key, standard, sandbox)
    running = placed(api, alice_key, standard, FOLLOWERS)
    status, answer = api(alice_key, "refill", orders=f"{done},{no_refill},{running},{bobs},x")
    assert status == 200
    refill = Refill.objects.get()
    assert answer == [
        {"order": done, "refill": refill.pk},
        {"order": no_refill, "refill": {"error": "Refill is not available for this service"}},
        {"order": running,
         "refill": {"error": "Refill is available once the order is completed"}},
        {"order": bobs, "refill": {"error": "Incorrect order ID"}},
        {"order": "x", "refill": {"error": "Incorrect order ID"}},
    ]
    assert api(alice_key, "refill", order=f"{done},{bobs}")[1][1] == {
        "order": bobs, "refill": {"error": "Incorrect order ID"}}
    bobs_refill = api(bob_key, "refill", order=bobs)[1]["refill"]
    status, answer = api(alice_key, "refill_status", refills=f"{refill.pk},{bobs_refill},y")
    assert answer == [
        {"refill": refill.pk, "status": "Pending"},
        {"refill": bobs_refill, "status": {"error": "Refill not found"}},
        {"refill": "y", "status": {"error": "Refill not found"}},
    ]
    sandbox.advance(11)
    assert api(alice_key, "refill_status", refills=refill.pk)[1] == [
        {"refill": refill.pk, "status": "Completed"}]


def test_flags_say_only_what_the_panel_can_carry_out(api, alice_key, provider, standard):
    """`refill`/`cancel` in `services` are true only where the service offers it and its
    provider has the action: the HstockPlus dialect has neither."""
    assert (provider.has_refill, provider.has_cancel) == (False, False)
    assert (standard.has_refill, standard.has_cancel) == (True, True)
    rows = {row["service"]: row for row in api(alice_key, "services")[1]}
    for service in Service.objects.filter(pk__in=rows):
        row = rows[service.pk]
        if service.provider_id == provider.pk:
            assert (row["refill"], row["cancel"]) == (False, False)
        else:
            assert (row["refill"], row["cancel"]) == (service.refill, service.cancel)
    followers = Service.objects.get(provider=standard, upstream_id=FOLLOWERS)
    telegram = Service.objects.get(provider=standard, upstream_id=TELEGRAM)
    assert rows[followers.pk]["refill"] is True and rows[telegram.pk]["cancel"] is True
    assert Service.objects.get(provider=provider, upstream_id=FOLLOWERS).refill  # upstream's
