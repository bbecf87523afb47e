"""Two staff members act on one row at the same moment, in real threads with their own
database connections: exactly one action takes effect, the other is told who won."""

from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse

from orders.models import EntryKind, LedgerEntry, Order
from orders.states import State
from panel.models import AuditEntry
from tests.orders.test_concurrency import raised, run_together

pytestmark = pytest.mark.django_db(transaction=True)


def poster(user, order: Order, action: str, **data):
    client = Client()
    client.force_login(user)
    url = reverse("staff_order_action", args=[order.pk, action])
    return lambda: client.post(url, data, HTTP_HX_REQUEST="true").content.decode()


def test_attach_and_fail_at_once_one_wins_the_other_is_told(staff, carol, make_order):
    order = make_order(State.REVIEW, charge=D("2.00"))
    outcomes = run_together(poster(staff, order, "attach", upstream_id="777"),
                            poster(carol, order, "fail", note="no such order upstream"))
    raised(outcomes)
    answers = [o.value for o in outcomes]
    order.refresh_from_db()
    winner = 0 if order.state == State.PLACED else 1
    assert order.state == (State.PLACED, State.REJECTED)[winner]
    assert "already resolved by" in answers[1 - winner]
    assert "already resolved by" not in answers[winner]
    refunds = LedgerEntry.objects.filter(order=order, kind=EntryKind.REFUND).count()
    assert refunds == (0 if winner == 0 else 1)
    assert AuditEntry.objects.filter(target_id=str(order.pk)).count() == 1


def test_two_staff_failing_one_order_refund_it_once(staff, carol, make_order):
    order = make_order(State.REVIEW, charge=D("2.00"))
    outcomes = run_together(poster(staff, order, "fail", note="mine"),
                            poster(carol, order, "fail", note="hers"))
    raised(outcomes)
    told = [o.value for o in outcomes if "already resolved by" in o.value]
    assert len(told) == 1
    order.refresh_from_db()
    assert (order.state, order.refunded) == (State.REJECTED, D("2.00"))
    assert LedgerEntry.objects.filter(order=order, kind=EntryKind.REFUND).count() == 1
    assert AuditEntry.objects.filter(target_id=str(order.pk)).count() == 1
