"""The main pages in Arabic, desktop and phone: right to left, nothing wider than the screen,
the switcher reached without script. Screenshots `<page>-ar-desktop.png` / `-phone.png`
(SCREENSHOTS=docs writes them into docs/screenshots/, to be looked at)."""

import pytest
from playwright.sync_api import expect

from orders.forwarding import forward_one
from orders.models import Order
from orders.states import State
from panel.models import User
from tests.browser.conftest import PHONE, run_upstream_work, shoot, sign_in
from tests.orders.helpers import FOLLOWERS, GMAIL, order_for

pytestmark = pytest.mark.browser

FITS = "document.documentElement.scrollWidth <= window.innerWidth"


def to_arabic(page) -> None:
    """The header's switcher, as a person uses it (a form post; no script involved)."""
    page.get_by_role("button", name="العربية").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")


def look(page, path: str, name: str) -> None:
    page.goto(path)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert page.evaluate(FITS), f"{path}: nothing sideways on a desktop"
    page.set_viewport_size(PHONE)
    assert page.evaluate(FITS), f"{path}: nothing sideways on a phone"
    shoot(page, f"{name}-ar")


def test_a_customers_pages_in_arabic(shop, alice, service, provider, sandbox):
    placed = order_for(
        alice, service, FOLLOWERS, quantity=1000, link="https://instagram.com/nova.cafe"
    )
    order_for(alice, service, GMAIL, quantity=2)
    run_upstream_work()
    sandbox.advance(15)
    run_upstream_work()

    page = shop
    sign_in(page, alice.email)
    to_arabic(page)
    look(page, "/", "home")
    look(page, "/catalog/", "catalog")
    look(page, f"/order/new/?service={service(FOLLOWERS).pk}", "new-order")
    look(page, f"/orders/{placed.pk}/", "order")
    look(page, "/orders/", "orders")
    look(page, "/wallet/", "wallet")
    look(page, "/sms/", "sms")
    look(page, "/account/", "account")

    # the order page's back link points the way Arabic reads: to the right
    page.goto(f"/orders/{placed.pk}/")
    arrow = page.locator(".back .icon-arrow").first
    assert "matrix(-1" in arrow.evaluate("e => getComputedStyle(e).transform")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("dir", "ltr")


def test_the_staff_queue_in_arabic(shop, alice, service, provider, sandbox):
    User.objects.create_user(
        email="sam@novaboost.example", password="pw-secret-123", is_staff=True, email_verified=True
    )
    sandbox.fault("add", "reset", times=1)
    order = order_for(
        alice, service, FOLLOWERS, quantity=1000, link="https://instagram.com/nova.cafe"
    )
    assert forward_one(order.pk) == State.REVIEW
    assert Order.objects.filter(state=State.REVIEW).count() == 1

    page = shop
    sign_in(page, "sam@novaboost.example")
    to_arabic(page)
    look(page, "/staff/", "staff-queue")
