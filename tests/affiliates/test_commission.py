"""The referrer's commission: once per referred order when it is final, on what the customer
paid net of refunds, rounded down, never when the program is off; the ledger still adds up."""

from decimal import Decimal as D

import pytest

from affiliates.commission import commission_on, credit_commission
from orders.forwarding import forward_one, reject
from orders.models import EntryKind, LedgerEntry, Order
from orders.states import State
from orders.tracking import apply_status, refund_for_remains, settle
from provider.client import OrderStatus
from tests.orders.helpers import FOLLOWERS, LIKES, order_for
from tests.orders.test_concurrency import assert_ledger_consistent


def placed(user, service, upstream_id=FOLLOWERS, quantity=1000):
    order = order_for(user, service, upstream_id, quantity)
    assert forward_one(order.pk) == State.PLACED
    return Order.objects.get(pk=order.pk)


def commissions(user):
    return list(LedgerEntry.objects.filter(wallet__user=user, kind=EntryKind.COMMISSION))


def test_the_amount_is_rounded_down_to_the_currency(settings):
    assert commission_on(D("1.2345"), D("10")) == D("0.12")
    assert commission_on(D("0.0999"), D("10")) == D("0.00")
    assert commission_on(D("-5"), D("10")) == D(0)
    settings.PANEL_CURRENCY = "JPY"
    assert commission_on(D("999"), D("7.5")) == D("74")


def test_a_completed_order_credits_the_referrer_once(alice, carol, service, rate):
    rate("10")
    order = placed(carol, service)
    assert settle(order, State.COMPLETED)
    assert not settle(order, State.COMPLETED)  # a second finalisation: nothing moves
    assert credit_commission(order.pk) is None  # a direct re-run: the constraint says no
    [entry] = commissions(alice)
    assert entry.amount == commission_on(order.charge, D("10")) > 0
    assert entry.order_id == order.pk
    assert "carol" not in entry.reason
    assert commissions(carol) == []
    assert assert_ledger_consistent(alice) == D("100.00") + entry.amount
    assert_ledger_consistent(carol)


def test_a_partial_order_earns_on_what_was_not_refunded(alice, carol, service, rate, sandbox):
    rate("12.5")
    order = placed(carol, service, LIKES, 1000)
    sandbox.advance(31)  # the sandbox ends this one Partial with 500 remaining
    apply_status(order.pk, OrderStatus("Partial", None, 0, 500, "USD", None, None, ()))
    order.refresh_from_db()
    assert order.state == State.PARTIAL
    assert order.refunded == refund_for_remains(order, 500) > 0
    [entry] = commissions(alice)
    assert entry.amount == commission_on(order.charge - order.refunded, D("12.5"))
    assert entry.amount < commission_on(order.charge, D("12.5"))
    assert_ledger_consistent(alice)
    assert_ledger_consistent(carol)


def test_a_partial_whose_refund_is_unknown_earns_nothing(alice, carol, service, rate):
    rate("10")
    order = placed(carol, service)
    assert order.remains is None
    settle(order, State.PARTIAL)  # no remains: staff must work the refund out by hand
    assert commissions(alice) == []


def test_canceled_and_rejected_orders_earn_nothing(alice, carol, service, rate):
    rate("10")
    canceled = placed(carol, service)
    settle(canceled, State.CANCELED)
    refused = order_for(carol, service, FOLLOWERS, 1000)
    reject(refused.pk, reason="no", expected=[State.QUEUED])
    assert credit_commission(refused.pk) is None
    assert commissions(alice) == []
    assert_ledger_consistent(carol)


def test_no_commission_while_the_order_is_not_final(alice, carol, service, rate):
    rate("10")
    order = placed(carol, service)
    assert credit_commission(order.pk) is None
    assert commissions(alice) == []


def test_no_commission_when_the_program_is_off(alice, carol, service, rate):
    rate("0")
    settle(placed(carol, service), State.COMPLETED)
    assert commissions(alice) == []


def test_no_commission_without_a_referrer(alice, bob, service, rate):
    rate("10")
    settle(placed(bob, service), State.COMPLETED)
    assert LedgerEntry.objects.filter(kind=EntryKind.COMMISSION).count() == 0


def test_a_failed_settle_takes_its_commission_with_it(alice, carol, service, rate, monkeypatch):
    rate("10")
    order = placed(carol, service)

    def credit_then_fail(order_id):
        assert credit_commission(order_id) is not None
        raise RuntimeError("the settle fails after the commission")

    monkeypatch.setattr("orders.tracking.credit_commission", credit_then_fail)
    with pytest.raises(RuntimeError):
        settle(order, State.COMPLETED)
    assert commissions(alice) == []
    assert Order.objects.get(pk=order.pk).state == State.PLACED
    assert_ledger_consistent(alice)
