"""Refills and cancels (`orders.aftercare`): the window, the flags, the provider's support,
the order's state, one refill a day, a cancel asked once, a refund given once."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from orders import aftercare
from orders.forwarding import forward_one
from orders.models import EntryKind, LedgerEntry, Order, Refill, RefillState, Wallet
from orders.placing import place_order
from orders.states import State
from orders.tracking import poll
from provider.models import Service
from tests.panel.api.helpers import FOLLOWERS, LIKES, LINK, TELEGRAM, synced

pytestmark = pytest.mark.django_db


@pytest.fixture
def standard(sandbox):
    return synced(sandbox, name="standard", standard=True)


def _load(order_id: int) -> Order:
    return Order.objects.select_related("service", "provider").get(pk=order_id)


def placed(user, provider, upstream_id: int, *, send: bool = True) -> Order:
    service = Service.objects.get(provider=provider, upstream_id=upstream_id)
    order = place_order(user=user, service_id=service.pk, quantity=100, link=LINK)
    if send:
        assert forward_one(order.pk) == State.PLACED
    return _load(order.pk)


def completed(user, provider, sandbox, upstream_id: int = FOLLOWERS) -> Order:
    order = placed(user, provider, upstream_id)
    sandbox.advance(31)
    poll(everything=True)
    order = _load(order.pk)
    assert order.state in aftercare.REFILLABLE
    return order


def refunds(order: Order) -> list[D]:
    return list(
        LedgerEntry.objects.filter(order=order, kind=EntryKind.REFUND).values_list(
            "amount", flat=True
        )
    )


# --- refill ------------------------------------------------------------------------------


def test_the_window_is_the_services_else_the_providers(alice, standard, sandbox):
    order = completed(alice, standard, sandbox)
    assert aftercare.refill_window_end(order) is None  # none set: no limit from the panel
    standard.refill_days = 30
    standard.save()
    order = _load(order.pk)
    assert aftercare.refill_window_end(order) == order.finished_at + timedelta(days=30)
    Service.objects.filter(pk=order.service_id).update(refill_days=7)
    order = _load(order.pk)
    end = order.finished_at + timedelta(days=7)
    assert aftercare.refill_window_end(order) == end
    assert aftercare.refill_refusal(order, last=None, now=end - timedelta(seconds=1)) is None
    refusal = aftercare.refill_refusal(order, last=None, now=end + timedelta(seconds=1))
    assert refusal.code == "window" and refusal.when == end
    assert refusal.message == f"The refill period ended on {end:%Y-%m-%d}"
    with pytest.raises(aftercare.Refused):
        aftercare.request_refill(order, now=end + timedelta(seconds=1))
    assert not Refill.objects.exists()


def test_refill_needs_the_flag_the_action_and_a_finished_order(alice, standard, provider, sandbox):
    assert (
        aftercare.refill_refusal(completed(alice, standard, sandbox, LIKES), last=None).code
        == "service"
    )
    hstock = completed(alice, provider, sandbox)  # HstockPlus: no refill action
    refusal = aftercare.refill_refusal(hstock, last=None)
    assert refusal.code == "provider" and not aftercare.offers_refill(hstock, refusal)
    running = placed(alice, standard, FOLLOWERS)
    assert aftercare.refill_refusal(running, last=None).code == "state"
    done = completed(alice, standard, sandbox)
    assert aftercare.offers_refill(done, aftercare.refill_refusal(done, last=None))
    # An action not detected yet: the API tries it, the shop does not offer it.
    standard.has_refill = None
    standard.save()
    done = _load(done.pk)
    refusal = aftercare.refill_refusal(done, last=None)
    assert refusal is None and not aftercare.offers_refill(done, refusal)


def test_one_refill_a_day(alice, standard, sandbox):
    order = completed(alice, standard, sandbox)
    first = aftercare.request_refill(order)
    assert first.upstream_id and first.status == "Pending"
    assert first.state == RefillState.REQUESTED
    with pytest.raises(aftercare.Refused) as refused:
        aftercare.request_refill(order)
    assert refused.value.refusal.code == "recent"
    assert refused.value.refusal.when == first.created_at + timedelta(hours=24)
    assert Refill.objects.count() == 1
    later = timezone.now() + timedelta(hours=24, minutes=1)
    assert aftercare.request_refill(order, now=later).pk != first.pk
    assert Refill.objects.count() == 2


def test_a_refused_or_failed_refill_is_not_counted(alice, standard, sandbox):
    order = completed(alice, standard, sandbox)
    sandbox.fault("refill", "error", times=1, message=f"Order {order.upstream_id} is too old")
    with pytest.raises(aftercare.Refused) as refused:
        aftercare.request_refill(order)
    assert refused.value.refusal.message == f"Refill refused: Order {order.pk} is too old"
    sandbox.fault("refill", "http500", times=1)
    with pytest.raises(aftercare.Refused) as refused:
        aftercare.request_refill(order)
    assert refused.value.refusal.code == "unavailable"
    assert not Refill.objects.exists()
    assert aftercare.request_refill(order).upstream_id


def test_the_beat_follows_open_refills_in_bounded_queries(
    alice, standard, sandbox, django_assert_max_num_queries
):
    refills = [aftercare.request_refill(completed(alice, standard, sandbox)) for _ in range(3)]
    sandbox.advance(11)
    with django_assert_max_num_queries(3):  # read them, then one batch of updates
        assert aftercare.poll_refills() == 3
    assert {r.state for r in Refill.objects.all()} == {RefillState.COMPLETED}
    assert all(r.status == "Completed" and r.checked_at for r in Refill.objects.all())
    assert aftercare.poll_refills() == 0  # completed ones are not asked again
    Refill.objects.filter(pk=refills[0].pk).update(
        state=RefillState.IN_PROGRESS, checked_at=timezone.now()
    )
    assert aftercare.poll_refills() == 0  # checked a moment ago: not yet


def test_refill_words_read_as_states():
    assert aftercare.refill_state("Rejected", RefillState.REQUESTED) == RefillState.REJECTED
    assert aftercare.refill_state(" In progress ", "requested") == RefillState.IN_PROGRESS
    assert aftercare.refill_state("weird", RefillState.IN_PROGRESS) == RefillState.IN_PROGRESS


# --- cancel ------------------------------------------------------------------------------


def test_an_order_never_sent_is_canceled_here_and_refunded_once(alice, standard):
    before = Wallet.objects.get(user=alice).balance
    order = placed(alice, standard, FOLLOWERS, send=False)  # no cancel flag: nothing upstream
    assert aftercare.cancel_refusal(order, here=False).code == "service"  # the API's rule
    stale = _load(order.pk)  # a second tab, still showing it queued
    assert aftercare.cancel_orders([order], here=True, actor=alice) == {order.pk: None}
    order = _load(order.pk)
    assert order.state == State.CANCELED and order.refunded == order.charge
    assert refunds(order) == [order.charge]
    assert aftercare.cancel_orders([stale], here=True, actor=alice)[order.pk].code == "moved"
    assert aftercare.cancel_orders([order], here=True, actor=alice)[order.pk] is not None
    assert refunds(order) == [order.charge]
    assert Wallet.objects.get(user=alice).balance == before
    assert forward_one(order.pk) is None  # the worker finds nothing to send


def test_waiting_for_provider_funds_is_canceled_here(alice, standard):
    order = placed(alice, standard, TELEGRAM, send=False)
    Order.objects.filter(pk=order.pk).update(state=State.PROVIDER_FUNDS)
    assert aftercare.cancel_orders([_load(order.pk)], here=True) == {order.pk: None}
    assert refunds(order) == [order.charge]


@pytest.mark.parametrize("state", [State.REVIEW, State.SENDING])
def test_an_order_the_upstream_may_have_is_not_canceled_by_the_customer(alice, standard, state):
    order = placed(alice, standard, TELEGRAM, send=False)
    Order.objects.filter(pk=order.pk).update(state=state)
    order = _load(order.pk)
    refusal = aftercare.cancel_orders([order], here=True)[order.pk]
    assert refusal.code == "held" and not aftercare.offers_cancel(order, refusal)
    assert _load(order.pk).state == state and not refunds(order)


def test_a_placed_order_is_asked_once_and_settled_by_the_polling(alice, standard, sandbox):
    order = placed(alice, standard, TELEGRAM)
    assert aftercare.offers_cancel(order, aftercare.cancel_refusal(order, here=True))
    assert aftercare.cancel_orders([order], here=True) == {order.pk: None}
    order = _load(order.pk)
    assert order.cancel_requested_at is not None and order.state == State.PLACED
    again = aftercare.cancel_orders([order], here=True)[order.pk]
    assert again.code == "requested" and again.message == "Cancel already requested"
    poll()  # due at once: the cancel asked for an early check
    order = _load(order.pk)
    assert order.state == State.CANCELED and refunds(order) == [order.charge]


def test_a_cancel_refused_or_lost_upstream_may_be_asked_again(alice, standard, sandbox):
    order = placed(alice, standard, TELEGRAM)
    sandbox.fault("cancel", "http500", times=1)
    assert aftercare.cancel_orders([order], here=True)[order.pk].code == "unavailable"
    assert _load(order.pk).cancel_requested_at is None
    sandbox.fault("cancel", "error", message="Not now", times=1)
    refusal = aftercare.cancel_orders([_load(order.pk)], here=True)[order.pk]
    assert refusal.message == "Cancel refused: Not now"
    assert _load(order.pk).cancel_requested_at is None
    assert aftercare.cancel_orders([_load(order.pk)], here=True) == {order.pk: None}


def test_cancel_needs_the_flag_and_the_providers_action(alice, standard, provider):
    no_flag = placed(alice, standard, FOLLOWERS)
    assert aftercare.cancel_refusal(no_flag, here=True).code == "service"
    hstock = placed(alice, provider, TELEGRAM)  # HstockPlus: no cancel action
    refusal = aftercare.cancel_refusal(hstock, here=True)
    assert refusal.code == "provider" and not aftercare.offers_cancel(hstock, refusal)


def test_the_beat_runs_the_refill_pass(alice, standard, sandbox, settings):
    from orders.tasks import poll_refills

    assert settings.CELERY_BEAT_SCHEDULE["poll-refills"]["task"] == "orders.tasks.poll_refills"
    aftercare.request_refill(completed(alice, standard, sandbox))
    sandbox.advance(11)
    poll_refills()
    assert Refill.objects.get().state == RefillState.COMPLETED
