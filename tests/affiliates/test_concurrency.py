"""Two processes finalising the same referred order at once (a polling pass and staff, or
two passes): one commission, whoever wins. Real threads, each with its own connection; on
PostgreSQL (DATABASE_URL) they contend on row locks and the unique commission entry."""

from decimal import Decimal as D

import pytest

from affiliates.commission import commission_on, credit_commission
from orders.models import EntryKind, LedgerEntry, Order
from orders.states import State
from orders.tracking import settle
from tests.affiliates.test_commission import placed
from tests.orders.test_concurrency import assert_ledger_consistent, raised, run_together

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_finalisations_credit_one_commission(alice, carol, service, rate):
    rate("10")
    order = placed(carol, service)
    outcomes = run_together(*[lambda: settle(order, State.COMPLETED)] * 3)
    raised(outcomes)
    assert sorted(o.value for o in outcomes) == [False, False, True]
    [entry] = LedgerEntry.objects.filter(kind=EntryKind.COMMISSION)
    assert entry.amount == commission_on(order.charge, D("10"))
    assert_ledger_consistent(alice)


def test_concurrent_direct_credits_credit_one_commission(alice, carol, service, rate):
    rate("10")
    order = placed(carol, service)
    Order.objects.filter(pk=order.pk).update(state=State.COMPLETED)
    outcomes = run_together(*[lambda: credit_commission(order.pk)] * 3)
    raised(outcomes)
    assert sum(o.value is not None for o in outcomes) == 1
    assert LedgerEntry.objects.filter(kind=EntryKind.COMMISSION, order=order).count() == 1
    assert_ledger_consistent(alice)
