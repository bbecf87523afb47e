"""Forwarding against the sandbox: every way `sending` can end (DESIGN.md)."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from orders.forwarding import claim, forward_one, forward_waiting, sweep_stale_sending
from orders.models import Order
from orders.states import State
from tests.orders.helpers import FOLLOWERS, GMAIL, order_for


def refreshed(order: Order) -> Order:
    return Order.objects.get(pk=order.pk)


def test_accepted_order_stores_the_upstream_id(alice, service, sandbox):
    order = order_for(alice, service, FOLLOWERS)
    assert forward_one(order.pk) == State.PLACED
    order = refreshed(order)
    assert order.state == State.PLACED
    [upstream] = sandbox.orders()
    assert order.upstream_id == upstream.order.id
    assert upstream.order.quantity == order.quantity
    assert upstream.order.link == order.link


def test_an_order_is_sent_once_even_if_forwarded_twice(alice, service, sandbox):
    order = order_for(alice, service, FOLLOWERS)
    assert forward_one(order.pk) == State.PLACED
    assert forward_one(order.pk) is None
    assert len(sandbox.orders()) == 1


def test_claim_is_exclusive(alice, service):
    order = order_for(alice, service, FOLLOWERS)
    assert claim(order.pk) is True
    assert claim(order.pk) is False


def test_refusal_rejects_and_refunds_in_full(alice, service, sandbox):
    sandbox.fault("add", "error", message="Service not found")
    order = order_for(alice, service, FOLLOWERS)
    assert forward_one(order.pk) == State.REJECTED
    order = refreshed(order)
    assert order.error == "Service not found"
    assert order.refunded == order.charge
    alice.wallet.refresh_from_db()
    assert alice.wallet.balance == D("100.00")
    assert sandbox.orders() == []


def test_upstream_insufficient_balance_holds_the_order_and_alerts_staff(alice, service,
                                                                        sandbox, settings):
    settings.STAFF_ALERT_EMAILS = ["ops@example.com"]
    sandbox.configure(balance="0.00")
    order = order_for(alice, service, FOLLOWERS)
    assert forward_one(order.pk) == State.PROVIDER_FUNDS
    order = refreshed(order)
    assert order.refunded == 0, "money stays held"
    assert mail.outbox and "out of funds" in mail.outbox[0].subject
    # Funds come back: the next pass sends it.
    sandbox.configure(balance="1000.00")
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.PROVIDER_FUNDS_RETRY + 1)):
        forward_waiting()
    assert refreshed(order).state == State.PLACED
    assert len(sandbox.orders()) == 1


def test_unreachable_upstream_retries_later_with_backoff(alice, service, provider):
    provider.api_url = "http://127.0.0.1:9/api/v2"  # nothing listens on the discard port
    provider.save()
    order = order_for(alice, service, FOLLOWERS)
    assert forward_one(order.pk) == State.QUEUED
    order = refreshed(order)
    assert order.attempts == 1
    assert order.next_attempt_at > timezone.now()
    assert forward_waiting()["review (stale)"] == 0
    assert refreshed(order).attempts == 1, "backoff respected by the periodic pass"


@pytest.mark.parametrize("kind", ["timeout", "lost", "reset", "http500", "html", "malformed"])
def test_unknown_outcome_goes_to_review_and_is_never_resent(alice, service, sandbox, kind):
    sandbox.fault("add", kind, delay=2)
    order = order_for(alice, service, FOLLOWERS)
    assert forward_one(order.pk) == State.REVIEW
    order = refreshed(order)
    assert order.refunded == 0, "money held for staff"
    assert order.error
    created = len(sandbox.orders())
    call_command("forward_orders", verbosity=0)
    forward_waiting(ignore_backoff=True)
    assert refreshed(order).state == State.REVIEW
    assert len(sandbox.orders()) == created, "no machine resends an order in review"


def test_lost_response_produces_exactly_one_upstream_order(alice, service, sandbox):
    sandbox.fault("add", "lost", delay=2)
    order = order_for(alice, service, GMAIL)
    forward_one(order.pk)
    call_command("forward_orders", verbosity=0)
    assert len(sandbox.orders()) == 1
    assert refreshed(order).state == State.REVIEW


def test_dead_worker_order_goes_to_review_not_back_to_queue(alice, service, settings):
    order = order_for(alice, service, FOLLOWERS)
    assert claim(order.pk)  # the worker then dies
    assert sweep_stale_sending() == 0, "not yet past the send timeout"
    later = timezone.now() + timedelta(seconds=settings.ORDER_SEND_TIMEOUT + 1)
    with time_machine.travel(later):
        assert sweep_stale_sending() == 1
    assert refreshed(order).state == State.REVIEW


def test_forward_orders_command_sends_everything_waiting_now(alice, service, sandbox, provider):
    orders = [order_for(alice, service, FOLLOWERS) for _ in range(3)]
    Order.objects.filter(pk=orders[0].pk).update(attempts=3, next_attempt_at=timezone.now()
                                                 + timedelta(hours=1))
    call_command("forward_orders", verbosity=0)
    assert {refreshed(o).state for o in orders} == {State.PLACED}
    assert len(sandbox.orders()) == 3


def test_reject_and_refund_are_one_transaction(alice, service, sandbox, monkeypatch):
    sandbox.fault("add", "error", message="Service not found")
    order = order_for(alice, service, FOLLOWERS)

    def crash(*args, **kwargs):
        raise RuntimeError("process died mid-refund")

    monkeypatch.setattr("orders.forwarding.refund_order", crash)
    with pytest.raises(RuntimeError):
        forward_one(order.pk)
    assert refreshed(order).state == State.SENDING, "not rejected without its refund"
