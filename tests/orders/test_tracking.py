"""Tracking placed orders by polling the sandbox, and settling them exactly once."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders.forwarding import forward_one
from orders.models import LedgerEntry, Order
from orders.states import State
from orders.tracking import apply_status, poll, refund_for_remains
from provider.client import OrderStatus
from tests.orders.helpers import COMMENTS, FOLLOWERS, GMAIL, LIKES, NETFLIX, OUTLOOK, order_for


def placed(user, service, upstream_id, quantity=None):
    order = order_for(user, service, upstream_id, quantity)
    assert forward_one(order.pk) == State.PLACED
    return Order.objects.get(pk=order.pk)


def refreshed(order):
    return Order.objects.get(pk=order.pk)


def test_progress_then_completed(alice, service, sandbox):
    order = placed(alice, service, FOLLOWERS, 1000)
    sandbox.advance(15)
    poll(everything=True)
    order = refreshed(order)
    assert order.state == State.PLACED
    assert order.upstream_status == "In progress"
    assert order.start_count == 1000
    assert 0 < order.remains < 1000
    sandbox.advance(20)
    summary = poll(everything=True)
    order = refreshed(order)
    assert order.state == State.COMPLETED
    assert order.remains == 0
    assert order.upstream_charge is not None
    assert order.refunded == 0
    assert summary.settled == {State.COMPLETED: 1}


def test_partial_refunds_the_undelivered_part_once(alice, service, sandbox):
    order = placed(alice, service, LIKES, 1000)
    sandbox.advance(31)
    poll(everything=True)
    order = refreshed(order)
    assert order.state == State.PARTIAL
    assert order.remains == 500
    assert order.refunded == refund_for_remains(order, 500) > 0
    poll(everything=True)
    apply_status(order.pk, OrderStatus("Partial", None, 0, 500, "USD", None, None, ()))
    assert LedgerEntry.objects.filter(order=order, kind="refund").count() == 1
    alice.wallet.refresh_from_db()
    assert alice.wallet.balance == D("100.00") - order.charge + order.refunded


def test_canceled_refunds_everything(alice, service, sandbox):
    order = placed(alice, service, COMMENTS, 10)
    sandbox.advance(11)
    call_command("poll_orders", verbosity=0)
    order = refreshed(order)
    assert order.state == State.CANCELED
    assert order.refunded == order.charge
    alice.wallet.refresh_from_db()
    assert alice.wallet.balance == D("100.00")


def test_product_accounts_are_delivered_in_full(alice, service, sandbox):
    order = placed(alice, service, GMAIL, 3)
    sandbox.advance(4)
    poll(everything=True)
    order = refreshed(order)
    assert order.state == State.COMPLETED
    assert len(order.account_list) == 3
    assert all(":" in account for account in order.account_list)


def test_product_partial_delivery_shows_what_came_and_refunds_the_rest(alice, service,
                                                                      sandbox):
    order = placed(alice, service, OUTLOOK, 4)
    sandbox.advance(4)
    poll(everything=True)
    order = refreshed(order)
    assert order.state == State.PLACED
    assert len(order.account_list) == 2, "accounts so far are shown"
    sandbox.advance(7)
    poll(everything=True)
    order = refreshed(order)
    assert order.state == State.PARTIAL
    assert len(order.account_list) == 2
    assert order.refunded == refund_for_remains(order, 2)


def test_manual_products_are_marked_and_slow(alice, service, sandbox):
    order = placed(alice, service, NETFLIX, 1)
    assert order.auto_delivery is False
    sandbox.advance(25)
    poll(everything=True)
    assert refreshed(order).state == State.PLACED
    sandbox.advance(30)
    poll(everything=True)
    assert refreshed(order).state == State.COMPLETED


def test_unknown_status_is_kept_raw_and_flagged(alice, service):
    order = placed(alice, service, FOLLOWERS)
    state = apply_status(order.pk, OrderStatus("Awaiting moderation", None, None, None, "USD",
                                               None, None, ()))
    order = refreshed(order)
    assert state == State.PLACED
    assert order.upstream_status == "Awaiting moderation"
    assert order.status_unknown is True


def test_scheduled_poll_skips_orders_not_due(alice, service, sandbox):
    placed(alice, service, FOLLOWERS)
    first = poll()
    assert first.checked == 1
    second = poll()
    assert second.checked == 0, "next check is scheduled later"
    assert poll(everything=True).checked == 1


@pytest.mark.parametrize("multi", [False, True])
def test_polling_uses_multi_status_when_supported(alice, service, sandbox, provider, multi):
    provider.multi_status = multi
    provider.save()
    sandbox.configure(multi_status=multi)
    for _ in range(3):
        placed(alice, service, FOLLOWERS)
    summary = poll(everything=True)
    assert summary.checked == 3
    assert summary.calls == (1 if multi else 3)


def test_poll_query_count_does_not_grow_with_orders(alice, service, sandbox, provider,
                                                    django_assert_max_num_queries):
    """With multi-status (one call for up to 100 orders) a pass's queries are flat; answers
    are written as they arrive, so the count follows the calls, never the orders."""
    provider.multi_status = True
    provider.save()
    sandbox.configure(multi_status=True)
    for _ in range(3):
        placed(alice, service, FOLLOWERS)
    poll(everything=True)  # first pass writes the progress
    with django_assert_max_num_queries(6):
        poll(everything=True)
    for _ in range(6):
        placed(alice, service, FOLLOWERS)
    poll(everything=True)
    with django_assert_max_num_queries(6):
        poll(everything=True)


def _updates_in_transactions(queries: list[dict]) -> int:
    """The UPDATE statements among `queries`, each checked to run inside a transaction (a
    savepoint here, inside the test's transaction)."""
    depth, updates = 0, 0
    for query in (q["sql"] for q in queries):
        depth += query.startswith("SAVEPOINT") - query.startswith("RELEASE")
        if "UPDATE " in query:  # executemany is logged as "N times: UPDATE ..."
            updates += 1
            assert depth > 0, f"written outside a transaction: {query}"
    return updates


def test_poll_gathers_the_writes_of_answers_arriving_one_by_one(alice, service, sandbox,
                                                                 monkeypatch):
    """One status per call, one call at a time: the answers arrive one by one, yet the
    progress of a pass, and then its checks, are written together (one transaction, one bulk
    statement), not one transaction per answer (thousands of commits on SQLite)."""
    monkeypatch.setattr("orders.tracking.FLUSH_SECONDS", 3600)
    orders = [placed(alice, service, FOLLOWERS) for _ in range(9)]
    for expected_changed in (len(orders), 0):  # progress first, then only checks
        before = timezone.now()
        with CaptureQueriesContext(connection) as ctx:
            summary = poll(everything=True, concurrency=1)
        assert (summary.calls, summary.checked, summary.changed) == (
            len(orders), len(orders), expected_changed)
        assert _updates_in_transactions(ctx.captured_queries) == 1, ctx.captured_queries
        assert all(refreshed(order).last_checked_at >= before for order in orders)
    assert len(ctx.captured_queries) <= 5


def test_poll_writes_once_enough_answers_wait(alice, service, sandbox, monkeypatch):
    """Gathered writes are bounded: once FLUSH_ORDERS answers wait, they are written, while
    the calls still in flight go on."""
    monkeypatch.setattr("orders.tracking.FLUSH_SECONDS", 3600)
    monkeypatch.setattr("orders.tracking.FLUSH_ORDERS", 2)
    orders = [placed(alice, service, FOLLOWERS) for _ in range(9)]
    poll(everything=True)
    with CaptureQueriesContext(connection) as ctx:
        poll(everything=True, concurrency=1)
    # Answers that arrive together are written together: how many writes depends on the
    # arrivals' timing, but never one for the whole pass.
    assert 2 <= _updates_in_transactions(ctx.captured_queries) <= len(orders)


def test_settle_and_refund_are_one_transaction(alice, service, sandbox, monkeypatch):
    order = placed(alice, service, COMMENTS, 10)
    sandbox.advance(11)

    def crash(*args, **kwargs):
        raise RuntimeError("process died mid-refund")

    monkeypatch.setattr("orders.tracking.refund_order", crash)
    summary = poll(everything=True)  # the pass goes on: one order's failure is that order's

    order = refreshed(order)
    assert order.state == State.PLACED, "not canceled without its refund"
    assert summary.flagged == 1 and order.status_unknown and "mid-refund" in order.error


def test_merge_accounts_keeps_order_and_drops_repeats():
    from orders.tracking import merge_accounts

    assert merge_accounts("a:1\nb:2", ["b:2", "c:3", "", "c:3"]) == "a:1\nb:2\nc:3"
    assert merge_accounts("", ["x:1"]) == "x:1"


def test_a_pass_loads_no_accounts(alice, service, sandbox):
    """The encrypted `accounts` are not read (nor decrypted) for every order of a pass: only
    an answer that delivers accounts needs them, and `apply_status` reads them itself."""
    from orders.tracking import due_orders

    placed(alice, service, FOLLOWERS)
    with CaptureQueriesContext(connection) as ctx:
        due = due_orders(everything=True)
    assert len(due) == 1 and not hasattr(due[0], "accounts")
    assert len(ctx.captured_queries) == 1
    assert "accounts" not in ctx.captured_queries[0]["sql"]


@pytest.mark.parametrize(("age", "interval"), [
    (timedelta(minutes=1), timedelta(seconds=20)), (timedelta(minutes=30), timedelta(minutes=2)),
    (timedelta(hours=5), timedelta(minutes=15)), (timedelta(days=3), timedelta(hours=1))])
def test_the_database_computes_the_same_check_interval_as_python(alice, service, sandbox,
                                                                 age, interval):
    """A pass reads no date of the order: the age class comes from the database, and must
    agree with `check_interval`."""
    from orders.poll_rows import check_interval
    from orders.tracking import due_orders

    order = placed(alice, service, FOLLOWERS)
    now = timezone.now()
    Order.objects.filter(pk=order.pk).update(placed_at=now - age)
    [row] = due_orders(everything=True, now=now)
    assert row.interval == interval == check_interval(age)
    assert row.next_check(now) == now + interval
