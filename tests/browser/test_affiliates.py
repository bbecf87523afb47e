"""The affiliate program in a real browser: a visitor follows alice's link and signs up, a
referred customer's order finishes, and alice's page shows the visit, the sign-up and the
commission, with a link she can copy."""

from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from affiliates.commission import credit_commission
from affiliates.models import Referral
from affiliates.referrals import code_for, link_signup
from orders.models import Order
from orders.states import State
from tests.browser.conftest import PASSWORD, shoot, sign_in
from tests.orders.helpers import FOLLOWERS, order_for

pytestmark = pytest.mark.browser


def test_a_referral_from_the_link_to_the_commission(
    shop, browser, browser_context_args, branding, alice, make_customer, service
):
    branding.commission_percent = D("10")
    branding.save()
    code = code_for(alice).code

    visitor = browser.new_context(**browser_context_args).new_page()
    visitor.goto(f"/?ref={code}")
    visitor.reload()  # counted once per browser session
    visitor.get_by_role("link", name="Sign up").click()
    visitor.get_by_label("E-mail").fill("dana@example.com")
    visitor.get_by_label("Password", exact=True).fill(PASSWORD)
    visitor.get_by_label("Password confirmation").fill(PASSWORD)
    visitor.get_by_role("button", name="Create account").click()
    expect(visitor.get_by_role("status").first).to_contain_text("Confirm your e-mail")
    assert Referral.objects.get(referred__email="dana@example.com").referrer == alice

    for email in ("erin@example.com", "frank@example.org"):
        customer = make_customer(email)
        link_signup(customer, code)
        placed = order_for(customer, service, FOLLOWERS, 1000)
        Order.objects.filter(pk=placed.pk).update(state=State.COMPLETED)
        credit_commission(placed.pk)

    page = shop
    sign_in(page, alice.email)
    page.get_by_role("link", name="Affiliates").first.click()
    page.wait_for_url("**/affiliates/")
    expect(page.get_by_test_id("referral-link")).to_have_text(
        f"{page.url.split('/aff')[0]}/?ref={code}"
    )
    expect(page.get_by_test_id("visits")).to_have_text("1")
    expect(page.get_by_test_id("signups")).to_have_text("3")
    expect(page.get_by_test_id("earned")).not_to_have_text("$0.00")
    expect(page.get_by_text("Order by e•••@e•••.com")).to_be_visible()
    shoot(page, "affiliates")
