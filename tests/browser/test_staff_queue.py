"""The delivery queue in a real browser: staff resolve an order in review from the queue,
the row leaves without a reload, and the customer's order page (already open, updating on
its own) shows the new state."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from orders.forwarding import forward_one
from orders.models import Order
from orders.staff import fail_and_refund
from orders.states import State
from panel.models import User
from tests.browser.conftest import (
    mark_page,
    run_upstream_work,
    same_document,
    settled,
    shoot,
    sign_in,
)
from tests.orders.helpers import FOLLOWERS, NETFLIX, order_for

pytestmark = pytest.mark.browser


@pytest.fixture
def staff(db):
    return User.objects.create_user(email="sam@novaboost.example", password="pw-secret-123",
                                    is_staff=True, email_verified=True)


def busy_queue(alice, bob, service, provider) -> None:
    """A few rows in each other section, as a shop sees on a busy day."""
    now = timezone.now()
    Order.objects.filter(pk=order_for(bob, service, FOLLOWERS).pk).update(
        state=State.PROVIDER_FUNDS, error="Insufficient balance",
        next_attempt_at=now + timedelta(minutes=8))
    provider.balance, provider.balance_alert_below = D("1.20"), D("25")
    provider.balance_checked_at = now
    provider.save()
    manual = order_for(bob, service, NETFLIX, quantity=2)
    Order.objects.filter(pk=manual.pk).update(state=State.PLACED, auto_delivery=False,
                                              upstream_id=90210, placed_at=now,
                                              created_at=now - timedelta(hours=30))
    odd = order_for(alice, service, FOLLOWERS, link="https://instagram.com/p/odd")
    Order.objects.filter(pk=odd.pk).update(state=State.PLACED, upstream_id=90211,
                                           upstream_status="Suspended", status_unknown=True,
                                           placed_at=now, last_checked_at=now)


def test_staff_attach_the_providers_id_and_the_customer_sees_it(
        shop, browser, browser_context_args, alice, bob, staff, service, provider, sandbox):
    sandbox.fault("add", "reset", times=1)  # the provider takes the order; the answer is lost
    order = order_for(alice, service, FOLLOWERS, quantity=1000,
                      link="https://instagram.com/nova.cafe")
    assert forward_one(order.pk) == State.REVIEW
    busy_queue(alice, bob, service, provider)
    [upstream] = sandbox.orders()

    customer = browser.new_context(**browser_context_args).new_page()
    errors: list[str] = []
    customer.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(customer, alice.email)
    customer.goto(f"/orders/{order.pk}/")
    status = customer.get_by_test_id("status")
    expect(status).to_have_text("Being checked")

    page = shop
    sign_in(page, staff.email)
    expect(page.locator("#nav-queue-count")).to_have_text("4")
    page.get_by_role("link", name="Delivery queue: 4 waiting").click()
    row = page.get_by_test_id(f"row-{order.pk}")
    expect(row).to_contain_text("https://instagram.com/nova.cafe")
    expect(row).to_contain_text("quantity 1000")
    expect(row).to_contain_text("outcome unknown")
    expect(page.get_by_test_id("count-review")).to_have_text("1")
    mark_page(page)
    row.get_by_text("Attach provider's order id").click()
    shoot(page, "staff-queue")

    # The staff member found the order on the provider's site, by its link and quantity.
    row.get_by_label("The provider's order id").fill(str(upstream.order.id))
    row.get_by_role("button", name="Attach and track").click()
    expect(page.get_by_test_id("notice")).to_contain_text(f"Order #{order.pk} placed")
    expect(page.get_by_test_id(f"row-{order.pk}")).to_have_count(0)
    expect(page.get_by_test_id("count-review")).to_have_text("0")
    expect(page.locator("#nav-queue-count")).to_have_text("3")
    settled(page)
    assert same_document(page), "resolved in place, no reload"

    # The customer's page follows by itself: tracked again, then delivered.
    expect(status).not_to_have_text("Being checked")
    sandbox.advance(60)
    run_upstream_work()
    expect(status).to_have_text("Completed")
    order.refresh_from_db()
    assert (order.state, order.upstream_id) == (State.COMPLETED, upstream.order.id)
    assert not errors, f"the customer's page logged errors: {errors}"
    customer.context.close()


def test_a_row_resolved_by_another_staff_member_leaves_everyones_queue(
        shop, alice, staff, service, sandbox, settings):
    settings.STAFF_QUEUE_REFRESH = 1
    sandbox.fault("add", "http500", times=1)
    order = order_for(alice, service, FOLLOWERS)
    assert forward_one(order.pk) == State.REVIEW
    page = shop
    sign_in(page, staff.email)
    page.goto("/staff/")
    row = page.get_by_test_id(f"row-{order.pk}")
    expect(row).to_be_visible()
    mark_page(page)
    # A form being filled in survives the refreshes, even once the field lost the focus.
    row.get_by_text("Fail and refund", exact=True).click()
    row.get_by_label("Why (the customer sees it)").fill("checking with the provider")
    page.get_by_role("heading", name="Delivery queue").click()
    page.evaluate("document.getElementById('queue').dataset.before = 'yes'")
    expect(page.locator("#queue[data-before]")).to_have_count(0)  # refreshed since
    expect(row.get_by_label("Why (the customer sees it)")).to_have_value(
        "checking with the provider")
    other = User.objects.create_user(email="kim@novaboost.example", is_staff=True)
    assert fail_and_refund(order.pk, reason="no such order upstream", actor=other)
    expect(page.get_by_test_id(f"row-{order.pk}")).to_have_count(0)
    assert same_document(page)
