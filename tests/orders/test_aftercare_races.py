"""Two clicks (or two tabs) at once, in real threads with their own connections: a cancel
happens once and refunds once, a refill is sent once."""

import pytest

from orders import aftercare
from orders.models import EntryKind, LedgerEntry, Order, Refill
from orders.states import State
from tests.orders.test_aftercare import _load, completed, placed
from tests.orders.test_concurrency import run_together
from tests.panel.api.helpers import FOLLOWERS, synced

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def standard(sandbox):
    return synced(sandbox, name="standard", standard=True)


def test_two_cancels_of_an_order_never_sent_refund_once(alice, standard):
    order = placed(alice, standard, FOLLOWERS, send=False)
    outcomes = run_together(
        *[lambda: aftercare.cancel_orders([_load(order.pk)], here=True)[order.pk]] * 2
    )
    assert [o.error for o in outcomes] == [None, None]
    assert sorted(o.value is None for o in outcomes) == [False, True]
    order = Order.objects.get(pk=order.pk)
    assert order.state == State.CANCELED and order.refunded == order.charge
    assert LedgerEntry.objects.filter(order=order, kind=EntryKind.REFUND).count() == 1


def test_two_refills_at_once_send_one(alice, standard, sandbox):
    order = completed(alice, standard, sandbox)

    def refill() -> object:
        try:
            return aftercare.request_refill(_load(order.pk)).pk
        except aftercare.Refused as exc:
            return exc.refusal.code

    outcomes = run_together(refill, refill)
    assert [o.error for o in outcomes] == [None, None]
    assert sorted(str(o.value) for o in outcomes)[1] == "recent"
    assert Refill.objects.count() == 1
