"""Delivered less than paid, and staff never racing the upstream.

Orders are placed through the sandbox; their `status` then comes from a scripted upstream
over HTTP (`tests/orders/scripted.py`), which says what the sandbox never does: Completed
with fewer accounts than ordered, and accounts arriving after the order was settled."""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.urls import reverse

from orders.forwarding import forward_one
from orders.models import LedgerEntry, Order, OrderEvent
from orders.staff import (
    NOT_DELIVERABLE,
    StaffActionError,
    can_deliver_manually,
    deliver_manually,
)
from orders.states import State
from orders.tracking import due_orders, poll, refund_for_remains
from panel.models import User
from provider.models import Provider
from tests.orders.helpers import GMAIL, NETFLIX, order_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return User.objects.create_superuser(email="staff@example.com", password="pw-staff-123")


def placed(alice, service, upstream_id: int, quantity: int, scripted) -> Order:
    """An order placed with the sandbox, whose status the scripted upstream answers now."""
    order = order_for(alice, service, upstream_id, quantity=quantity)
    assert forward_one(order.pk) == State.PLACED
    Provider.objects.filter(pk=order.provider_id).update(api_url=scripted.url)
    return Order.objects.get(pk=order.pk)


def refunds(order) -> list[D]:
    return list(LedgerEntry.objects.filter(order=order, kind="refund")
                .values_list("amount", flat=True))


def events(order, action) -> int:
    return OrderEvent.objects.filter(order=order, action=action).count()


@pytest.mark.parametrize("accounts", [(), ("a@x:1",)], ids=["none", "one of two"])
def test_automatic_product_completed_short_refunds_the_missing_items_once(
        alice, service, scripted, accounts):
    order = placed(alice, service, GMAIL, 2, scripted)
    scripted.answer(order.upstream_id, "Completed", quantity=2, accounts=accounts)
    poll(everything=True)
    poll(everything=True)

    order.refresh_from_db()
    missing = 2 - len(accounts)
    assert order.state == State.PARTIAL and order.remains == missing
    assert order.account_list == list(accounts)
    assert refunds(order) == [refund_for_remains(order, missing)]
    assert order.needs_staff, "staff see it"
    assert OrderEvent.objects.get(order=order, to_state=State.PARTIAL).note == (
        f"upstream: Completed with {len(accounts)} of 2 accounts; {missing} refunded")


def test_a_plain_partial_is_not_flagged(alice, service, scripted):
    order = placed(alice, service, GMAIL, 2, scripted)
    scripted.answer(order.upstream_id, "Partial", quantity=2, accounts=["a@x:1"], remains=1)
    poll(everything=True)
    order.refresh_from_db()
    assert order.state == State.PARTIAL and not order.needs_staff
    assert refunds(order) == [refund_for_remains(order, 1)]


def test_manual_product_completed_short_is_held_until_its_accounts_come(
        alice, service, scripted):
    order = placed(alice, service, NETFLIX, 2, scripted)
    scripted.answer(order.upstream_id, "Completed", quantity=2, auto=False)
    poll(everything=True)
    poll(everything=True)
    order.refresh_from_db()
    assert order.state == State.PLACED and order.needs_staff and order.refunded == 0
    assert events(order, "delivered short") == 1, "said once, however often polled"

    scripted.answer(order.upstream_id, "Completed", quantity=2, auto=False,
                    accounts=["n@x:1", "n@x:2"])
    poll(everything=True)
    order.refresh_from_db()
    assert order.state == State.COMPLETED and order.account_list == ["n@x:1", "n@x:2"]
    assert refunds(order) == []


def test_staff_cannot_complete_an_order_the_upstream_is_working_on(
        alice, service, scripted, staff, client):
    order = placed(alice, service, NETFLIX, 1, scripted)
    scripted.answer(order.upstream_id, "In progress", quantity=1, auto=False, remains=1)
    poll(everything=True)
    order.refresh_from_db()
    assert not can_deliver_manually(order)
    with pytest.raises(StaffActionError, match="still working"):
        deliver_manually(order.pk, ["x@x:1"], actor=staff)

    client.force_login(staff)
    url = reverse("admin:orders_order_changelist")
    page = client.post(url, {"action": "deliver", "_selected_action": [order.pk]}, follow=True)
    assert NOT_DELIVERABLE in page.content.decode()
    page = client.post(url, {"action": "deliver", "_selected_action": [order.pk],
                             "apply": "1", "accounts": "x@x:1"}, follow=True)
    assert Order.objects.get(pk=order.pk).state == State.PLACED


def test_staff_complete_a_short_order_and_late_accounts_are_kept_for_staff(
        alice, service, scripted, staff, client):
    order = placed(alice, service, NETFLIX, 2, scripted)
    scripted.answer(order.upstream_id, "Completed", quantity=2, auto=False)
    poll(everything=True)

    client.force_login(staff)
    url = reverse("admin:orders_order_changelist")
    client.post(url, {"action": "deliver", "_selected_action": [order.pk], "apply": "1",
                      "accounts": "pasted@x:1"})
    order.refresh_from_db()
    assert order.state == State.PARTIAL and order.account_list == ["pasted@x:1"]
    assert refunds(order) == [refund_for_remains(order, 1)]
    assert not order.needs_staff

    # The supplier delivers after all: both accounts, listed by the upstream.
    scripted.answer(order.upstream_id, "Completed", quantity=2, auto=False,
                    accounts=["late@x:1", "late@x:2"])
    poll(everything=True)
    poll(everything=True)
    order.refresh_from_db()
    assert order.state == State.PARTIAL and order.account_list == ["pasted@x:1"]
    assert refunds(order) == [refund_for_remains(order, 1)], "money moved once"
    assert order.needs_staff and "late@x:2" in order.late_answer
    with connection.cursor() as cursor:  # credentials: encrypted at rest
        cursor.execute("SELECT late_answer FROM orders_order WHERE id = %s", [order.pk])
        assert "late@x" not in cursor.fetchone()[0]
    assert events(order, "late upstream answer") == 1
    change = client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert "late@x:2" in change and "late upstream answer" in change

    client.post(url, {"action": "mark_seen", "_selected_action": [order.pk]})
    order.refresh_from_db()
    assert not order.needs_staff
    assert order.pk not in {row.pk for row in due_orders(everything=True)}, \
        "no longer asked about"


def test_nothing_delivered_confirmed_by_staff_refunds_everything(
        alice, service, scripted, staff):
    order = placed(alice, service, NETFLIX, 2, scripted)
    scripted.answer(order.upstream_id, "Completed", quantity=2, auto=False)
    poll(everything=True)
    assert deliver_manually(order.pk, [], actor=staff) == State.CANCELED
    order.refresh_from_db()
    assert refunds(order) == [order.charge]


def test_staff_complete_an_order_in_review(alice, service, sandbox, staff):
    sandbox.fault("add", "http500", times=1)
    order = order_for(alice, service, GMAIL, quantity=2)
    assert forward_one(order.pk) == State.REVIEW
    with pytest.raises(StaffActionError, match="at least one account"):
        deliver_manually(order.pk, [], actor=staff)
    assert deliver_manually(order.pk, ["r@x:1", "r@x:2"], actor=staff) == State.COMPLETED
    order.refresh_from_db()
    assert order.account_list == ["r@x:1", "r@x:2"] and refunds(order) == []
