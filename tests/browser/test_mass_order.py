"""A mass order in a real browser: write the list, preview it, confirm once."""

import re
from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from orders.models import Order
from tests.browser.conftest import PHONE, mark_page, same_document, settled, shoot, sign_in

pytestmark = pytest.mark.browser

FOLLOWERS, GMAIL = 1, 4


def test_a_mass_order_is_previewed_then_placed_once(shop, alice, service):
    followers, gmail = service(FOLLOWERS).pk, service(GMAIL).pk
    page = shop
    sign_in(page, alice.email)
    page.get_by_role("navigation").get_by_role("link", name="Mass order").click()
    page.wait_for_url("**/orders/mass/")
    mark_page(page)
    page.get_by_label("Orders, one per line").fill("\n".join([
        f"{followers}|https://instagram.com/nova.cafe|2000",
        f"{gmail}|bob@example.com|3",
        f"{followers}|instagram.com/nova|1000",
        f"{gmail}||2",
        "hello",
    ]))
    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_test_id("mass-preview")
    expect(preview).to_contain_text("2 of 5 lines can be placed")
    expect(page.get_by_test_id("line-3")).to_contain_text("The link must be an http://")
    expect(page.get_by_test_id("line-4")).to_contain_text(
        "Insufficient balance: this line costs $50.00")
    expect(page.get_by_test_id("line-5")).to_contain_text("service_id|link|quantity")
    expect(page.get_by_test_id("mass-total")).to_have_text("$76.00")
    assert not Order.objects.exists()
    settled(page)
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "mass-order-preview")

    place = page.get_by_role("button", name=re.compile(r"Place 2 orders"))
    place.dblclick()  # a double click still places once
    outcome = page.get_by_test_id("mass-outcome")
    expect(outcome).to_contain_text("2 orders placed · $76.00")
    settled(page)
    assert same_document(page), "previewed and placed in place, no reload"
    assert Order.objects.count() == 2
    alice.wallet.refresh_from_db()
    assert alice.wallet.balance == D("24.00")
    expect(page.locator("#header-balance")).to_have_text("$24.00")  # the header follows
    expect(page.get_by_label("Orders, one per line")).to_have_value(
        f"{followers}|instagram.com/nova|1000\n{gmail}||2\nhello")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "mass-order-placed")

    first = Order.objects.order_by("pk").first()
    outcome.get_by_role("link", name=f"Order #{first.pk}").click()
    page.wait_for_url(f"**/orders/{first.pk}/")
