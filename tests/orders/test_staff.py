"""What staff may do by hand, each action logged with who and when."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from orders.forwarding import forward_one
from orders.models import Order, OrderEvent
from orders.staff import (
    StaffActionError,
    attach_upstream_id,
    deliver_manually,
    fail_and_refund,
    resend,
)
from orders.states import State
from orders.tracking import poll
from panel.models import User
from tests.orders.helpers import FOLLOWERS, NETFLIX, order_for


@pytest.fixture
def staff(db):
    return User.objects.create_superuser(email="staff@example.com", password="pw-staff-123")


def in_review(alice, service, sandbox):
    sandbox.fault("add", "http500", times=1)
    order = order_for(alice, service, FOLLOWERS)
    assert forward_one(order.pk) == State.REVIEW
    return order


def last_event(order):
    return OrderEvent.objects.filter(order=order).last()


def test_resend_needs_a_confirmation_and_is_logged(alice, service, sandbox, staff):
    order = in_review(alice, service, sandbox)
    with pytest.raises(StaffActionError, match="confirm"):
        resend(order.pk, actor=staff, confirmed=False)
    assert resend(order.pk, actor=staff, confirmed=True)
    event = last_event(order)
    assert (event.actor, event.to_state, event.action) == (staff, State.QUEUED, "staff resend")
    assert forward_one(order.pk) == State.PLACED


def test_attach_upstream_id_places_the_order(alice, service, sandbox, staff):
    order = in_review(alice, service, sandbox)
    assert attach_upstream_id(order.pk, 555, actor=staff)
    order.refresh_from_db()
    assert (order.state, order.upstream_id) == (State.PLACED, 555)
    assert last_event(order).actor == staff


def test_fail_and_refund(alice, service, sandbox, staff):
    order = in_review(alice, service, sandbox)
    assert fail_and_refund(order.pk, reason="duplicate upstream", actor=staff)
    order.refresh_from_db()
    assert order.state == State.REJECTED and order.refunded == order.charge
    alice.wallet.refresh_from_db()
    assert alice.wallet.balance == D("100.00")
    assert not fail_and_refund(order.pk, reason="again", actor=staff), "refund happens once"


def test_staff_cannot_fail_a_placed_order_or_resend_a_placed_one(alice, service, staff):
    order = order_for(alice, service, FOLLOWERS)
    forward_one(order.pk)
    assert not fail_and_refund(order.pk, reason="no", actor=staff)
    assert not resend(order.pk, actor=staff, confirmed=True)


def test_manual_delivery_in_full_and_in_part(alice, service, sandbox, staff):
    """Of orders in review (the upstream does not track them); placed orders the upstream
    delivered short: tests/orders/test_short_delivery.py."""
    sandbox.fault("add", "http500", times=2)
    full = order_for(alice, service, NETFLIX, quantity=2)
    part = order_for(alice, service, NETFLIX, quantity=3)
    assert (forward_one(full.pk), forward_one(part.pk)) == (State.REVIEW, State.REVIEW)
    assert deliver_manually(full.pk, ["a@x:1", "b@x:2"], actor=staff) == State.COMPLETED
    assert deliver_manually(part.pk, ["c@x:3", "", "  "], actor=staff) == State.PARTIAL
    part.refresh_from_db()
    assert part.account_list == ["c@x:3"]
    assert part.refunded == (part.unit_price * 2).quantize(D("0.0001"))
    assert last_event(part).actor == staff
    with pytest.raises(StaffActionError):
        deliver_manually(full.pk, ["x"], actor=staff)


def test_polling_after_a_manual_delivery_changes_nothing(alice, service, sandbox, staff):
    sandbox.fault("add", "http500", times=1)
    order = order_for(alice, service, NETFLIX, quantity=1)
    forward_one(order.pk)
    deliver_manually(order.pk, ["a@x:1"], actor=staff)
    sandbox.advance(60)
    poll(everything=True)
    order.refresh_from_db()
    assert order.state == State.COMPLETED and order.refunded == 0


def test_admin_actions_through_django_admin(alice, service, sandbox, staff, client):
    order = in_review(alice, service, sandbox)
    client.force_login(staff)
    url = reverse("admin:orders_order_changelist")
    page = client.post(url, {"action": "resend", "_selected_action": [order.pk]})
    assert b"may already have this order" in page.content
    client.post(url, {"action": "resend", "_selected_action": [order.pk], "apply": "1",
                      "confirm": "on"})
    assert Order.objects.get(pk=order.pk).state == State.QUEUED
    change = client.get(reverse("admin:orders_order_change", args=[order.pk]))
    assert change.status_code == 200
    assert b"staff resend" in change.content


def test_a_move_outside_the_state_table_is_refused(alice, service):
    from orders.states import IllegalTransition
    from orders.transitions import move

    order = order_for(alice, service, FOLLOWERS)
    with pytest.raises(IllegalTransition):
        move(order.pk, State.COMPLETED, expected=[State.QUEUED])
    assert Order.objects.get(pk=order.pk).state == State.QUEUED
