"""Races between real threads, each with its own database connection: the money and the
sends stay exactly-once whoever wins (DESIGN.md, "Money rules" and "Claim before acting").

The threads meet at a barrier after connecting, so their first queries go out together.
On SQLite the writers queue on the database lock (IMMEDIATE transactions, 20 s busy timeout);
on PostgreSQL they contend on row locks and conditional updates.
"""

import threading
from collections.abc import Callable
from decimal import Decimal as D

import pytest
from django.db import connection

from orders.forwarding import forward_one, forward_waiting
from orders.ledger import refund_order
from orders.models import EntryKind, LedgerEntry, Order, OrderEvent, Wallet
from orders.placing import NotEnoughFunds, place_order, quote
from orders.staff import StaffActionError, deliver_manually, fail_and_refund
from orders.states import FINAL, State
from orders.tracking import poll, refund_for_remains, settle
from panel.models import User
from provider.models import Provider
from tests.orders.helpers import COMMENTS, FOLLOWERS, NETFLIX, order_for

pytestmark = pytest.mark.django_db(transaction=True)

LINK = "https://instagram.com/p/abc"


class Outcome:
    """What one thread's call returned or raised."""

    def __init__(self) -> None:
        self.value: object = None
        self.error: BaseException | None = None


def run_together(*calls: Callable[[], object]) -> list[Outcome]:
    """Run each call in its own thread and connection, all released at once by a barrier."""
    barrier = threading.Barrier(len(calls))
    outcomes = [Outcome() for _ in calls]

    def run(call: Callable[[], object], outcome: Outcome) -> None:
        try:
            connection.ensure_connection()
            barrier.wait(timeout=10)
            outcome.value = call()
        except BaseException as exc:
            outcome.error = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in zip(calls, outcomes,
                                                                         strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return outcomes


def raised(outcomes: list[Outcome], allowed: tuple[type[BaseException], ...] = ()) -> list:
    """The errors the threads raised; any error not `allowed` fails the test here."""
    unexpected = [o.error for o in outcomes if o.error and not isinstance(o.error, allowed)]
    if unexpected:
        raise AssertionError(f"unexpected errors in threads: {unexpected!r}") from unexpected[0]
    return [o.error for o in outcomes if o.error]


def assert_ledger_consistent(user: User) -> D:
    """The cached balance is the sum of the entries and not negative; returns it."""
    wallet = Wallet.objects.get(user=user)
    # Summed here, not with Sum(): SQLite adds decimals as floats.
    total = sum(wallet.entries.values_list("amount", flat=True), D(0))
    assert wallet.balance == total
    assert wallet.balance >= 0
    return wallet.balance


def refunds_of(order: Order) -> list[LedgerEntry]:
    return list(LedgerEntry.objects.filter(order=order, kind=EntryKind.REFUND))


@pytest.fixture
def enqueued(monkeypatch) -> list[int]:
    """Orders handed to the broker after commit, recorded instead of sent to Celery."""
    sent: list[int] = []
    monkeypatch.setattr("orders.placing.enqueue_forwarding", sent.append)
    return sent


@pytest.fixture
def staff() -> User:
    return User.objects.create_user(email="staff@example.com", is_staff=True)


def test_simultaneous_orders_never_spend_more_than_the_balance(make_customer, service,
                                                               enqueued):
    followers = service(FOLLOWERS)
    price = quote(service_id=followers.pk, quantity=100, link=LINK).amount
    carol = make_customer("carol@example.com", balance=str(price * 5))

    outcomes = run_together(*[
        lambda: place_order(user=carol, service_id=followers.pk, quantity=100, link=LINK)
    ] * 12)

    assert len(raised(outcomes, allowed=(NotEnoughFunds,))) == 7
    placed = [o.value for o in outcomes if o.error is None]
    assert len(placed) == 5
    assert Order.objects.filter(user=carol).count() == 5
    assert LedgerEntry.objects.filter(wallet__user=carol, kind=EntryKind.CHARGE).count() == 5
    assert assert_ledger_consistent(carol) == 0
    assert sorted(enqueued) == sorted(order.pk for order in placed), \
        "only committed orders are queued for sending"


def test_staff_failing_an_order_while_refunds_race_pays_back_once(alice, service, sandbox,
                                                                  staff, enqueued):
    sandbox.fault("add", "http500", times=1)
    order = order_for(alice, service, FOLLOWERS)
    assert forward_one(order.pk) == State.REVIEW

    outcomes = run_together(
        *[lambda: fail_and_refund(order.pk, reason="upstream has no such order", actor=staff)]
        * 3,
        *[lambda: refund_order(order.pk, order.charge, reason="duplicate refund attempt")] * 3,
    )

    raised(outcomes)
    assert [o.value for o in outcomes[:3]].count(True) == 1, "one staff action wins"
    order.refresh_from_db()
    assert order.state == State.REJECTED
    assert OrderEvent.objects.filter(order=order, to_state=State.REJECTED).count() == 1
    [refund] = refunds_of(order)
    assert refund.amount == order.refunded == order.charge
    assert assert_ledger_consistent(alice) == D("100.00")


def test_settling_a_cancel_while_refunds_race_pays_back_once(alice, service, sandbox,
                                                             enqueued):
    order = order_for(alice, service, COMMENTS)
    assert forward_one(order.pk) == State.PLACED
    order.refresh_from_db()

    outcomes = run_together(
        *[lambda: settle(order, State.CANCELED, note="upstream: Canceled")] * 3,
        *[lambda: refund_order(order.pk, order.charge, reason="duplicate refund attempt")] * 3,
    )

    raised(outcomes)
    assert [o.value for o in outcomes[:3]].count(True) == 1, "one settle wins"
    order.refresh_from_db()
    assert order.state == State.CANCELED
    assert OrderEvent.objects.filter(order=order, to_state=State.CANCELED).count() == 1
    [refund] = refunds_of(order)
    assert refund.amount == order.refunded == order.charge
    assert assert_ledger_consistent(alice) == D("100.00")


def test_two_workers_forwarding_one_order_send_it_once(alice, service, sandbox, enqueued):
    order = order_for(alice, service, FOLLOWERS)

    outcomes = run_together(lambda: forward_one(order.pk), lambda: forward_one(order.pk))

    raised(outcomes)
    assert sorted((o.value for o in outcomes), key=str) == [None, State.PLACED], \
        "one worker sends, the other finds it claimed"
    [upstream] = sandbox.orders()
    order.refresh_from_db()
    assert order.state == State.PLACED
    assert order.upstream_id == upstream.order.id


def test_overlapping_forwarding_passes_send_each_order_once(alice, service, sandbox,
                                                            enqueued):
    orders = [order_for(alice, service, FOLLOWERS) for _ in range(5)]

    outcomes = run_together(*[lambda: forward_waiting(ignore_backoff=True)] * 3)

    raised(outcomes)
    upstream_ids = sorted(o.order.id for o in sandbox.orders())
    assert len(upstream_ids) == 5
    placed = Order.objects.filter(pk__in=[o.pk for o in orders], state=State.PLACED)
    assert sorted(placed.values_list("upstream_id", flat=True)) == upstream_ids


def test_a_poll_racing_a_manual_delivery_settles_once(alice, service, sandbox, staff,
                                                      enqueued, scripted):
    """Staff complete a manual product the upstream called Completed with no accounts,
    while a poll brings the accounts after all."""
    order = order_for(alice, service, NETFLIX, 2)
    assert forward_one(order.pk) == State.PLACED
    Provider.objects.filter(pk=order.provider_id).update(api_url=scripted.url)
    order.refresh_from_db()
    scripted.answer(order.upstream_id, "Completed", quantity=2, auto=False)
    poll(everything=True)
    assert Order.objects.get(pk=order.pk).needs_staff, "held short, for staff"
    scripted.answer(order.upstream_id, "Completed", quantity=2, auto=False,
                    accounts=["late@x:1", "late@x:2"])

    outcomes = run_together(
        lambda: poll(everything=True),
        lambda: deliver_manually(order.pk, ["pasted@example.com:pw"], actor=staff),
    )

    raised(outcomes, allowed=(StaffActionError,))  # staff came second: already settled
    order.refresh_from_db()
    assert order.state in FINAL
    assert OrderEvent.objects.filter(order=order, to_state__in=FINAL).count() == 1
    refunds = refunds_of(order)
    if order.state == State.COMPLETED:  # the poll won
        assert isinstance(outcomes[1].error, StaffActionError)
        assert refunds == [] and order.refunded == 0
        assert len(order.account_list) == 2
    else:  # staff won: one of two delivered, half refunded; the poll kept its answer
        assert order.state == State.PARTIAL
        assert outcomes[1].value == State.PARTIAL
        assert order.account_list == ["pasted@example.com:pw"]
        [refund] = refunds
        assert refund.amount == order.refunded == refund_for_remains(order, 1)
        assert "late@x:2" in order.late_answer and order.needs_staff
    assert assert_ledger_consistent(alice) == D("100.00") - order.charge + order.refunded
