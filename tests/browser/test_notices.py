"""Notices in a real browser: events told by the code that makes them happen (an order
settled, a deposit credited, a staff answer), the bell in the header on a desktop and a
phone, the list, and the account's e-mail switches."""

from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from orders.models import Order
from orders.states import State
from orders.tracking import settle
from panel.models import User
from payments.deposits import credit_deposit
from payments.models import Deposit, PaymentMethod
from support import tickets
from tests.browser.conftest import PASSWORD, PHONE, shoot, sign_in

pytestmark = pytest.mark.browser

FITS = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def events(alice, provider, service):
    """One of each: a partial order with its refund, a credited deposit with a bonus, a
    staff answer (real commits: each is told as in production)."""
    followers = service(1)
    order = Order.objects.create(
        user=alice,
        provider=provider,
        service=followers,
        link="https://instagram.com/p/x",
        quantity=1000,
        unit_price=D("2.40"),
        charge=D("2.40"),
        state=State.PLACED,
        upstream_id=901,
        remains=250,
    )
    settle(order, State.PARTIAL, note="upstream: Partial")
    method = PaymentMethod.objects.create(kind="manual", name="Bank transfer", bonus_percent=D("5"))
    deposit = Deposit.objects.create(
        user=alice, method=method, amount=D("40"), currency="USD", reference="D7F3A19C2"
    )
    credit_deposit(deposit, D("40"), "Top-up")
    Deposit.objects.filter(pk=deposit.pk).update(state="approved", credited=D("40"))
    staff = User.objects.create_user(
        email="staff@example.com", password=PASSWORD, is_staff=True, email_verified=True
    )
    ticket = tickets.open_ticket(alice, subject="Refill for my followers?", body="Hello")
    tickets.reply(ticket.pk, author=staff, body="Yes, we refilled it.", from_staff=True)
    return order


def test_the_bell_the_list_and_the_switches(shop, alice, events, mailoutbox):
    page = shop
    assert len(mailoutbox) == 3
    sign_in(page, alice.email)
    page.goto("/orders/")
    bell = page.get_by_role("link", name="Notices: 3 new")
    expect(bell).to_be_visible()
    expect(page.get_by_test_id("notice-count")).to_have_text("3")
    page.set_viewport_size(PHONE)
    expect(bell).to_be_visible()  # in the bar beside the balance, not folded in the menu
    assert page.evaluate(FITS), "the phone's bar still fits"
    page.set_viewport_size({"width": 1280, "height": 800})
    shoot(page, "notices-bell")

    bell.click()
    page.wait_for_url("**/notices/")
    rows = page.get_by_test_id("notice")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Support answered ticket")
    expect(rows.nth(2)).to_contain_text(f"Order #{events.pk} ended partial")
    expect(rows.nth(2)).to_contain_text("250 of 1,000")
    expect(rows.nth(2)).to_contain_text("$0.60 for what was not delivered")
    expect(page.get_by_test_id("notice-count")).to_have_count(0)  # seen
    shoot(page, "notices")

    rows.nth(2).get_by_role("link").click()
    page.wait_for_url(f"**/orders/{events.pk}/")

    page.goto("/account/")
    orders_box = page.get_by_label("An order is finished", exact=False)
    expect(orders_box).to_be_checked()
    shoot(page, "account")
    orders_box.uncheck()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/account/")
    expect(page.get_by_label("An order is finished", exact=False)).not_to_be_checked()
    expect(page.get_by_label("A deposit is credited", exact=False)).to_be_checked()
