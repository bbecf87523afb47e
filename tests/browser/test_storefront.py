"""The storefront in a real browser: what a customer does, start to end, with the sandbox
upstream. Statuses, accounts and codes must appear without the page being reloaded."""

import re
from decimal import Decimal as D

import pytest
from django.core import mail
from playwright.sync_api import expect

from orders.ledger import top_up
from orders.models import Order
from panel.apikeys import user_for_key
from panel.models import User
from tests.browser.conftest import (
    PASSWORD,
    mark_page,
    run_upstream_work,
    same_document,
    settled,
    shoot,
    sign_in,
)

pytestmark = pytest.mark.browser

FOLLOWERS, GMAIL = 1, 4


def test_sign_up_verify_top_up_and_browse(shop, provider):
    page = shop
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("delivered in minutes")
    shoot(page, "home")

    page.get_by_role("link", name="Sign up").click()
    shoot(page, "signup")
    page.get_by_label("E-mail").fill("dana@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("status").first).to_contain_text("Confirm your e-mail")

    # Unverified: browsing works, ordering is refused with the reason.
    dana = User.objects.get(email="dana@example.com")
    assert not dana.email_verified
    link = re.search(r"https?://\S+/account/verify/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    expect(page.get_by_text("Your e-mail is confirmed")).to_be_visible()
    dana.refresh_from_db()
    assert dana.email_verified

    top_up(dana, D("25.00"), reason="Bank transfer")
    page.goto("/catalog/")
    expect(page.locator(".balance")).to_contain_text("$25.00")
    # Search as you type: the results change, the page does not reload.
    mark_page(page)
    page.get_by_label("Search services").fill("Gmail Account - USA")
    expect(page.locator("#results .card")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("Gmail Account - USA")
    assert same_document(page) and "q=Gmail" in page.url
    page.get_by_label("Search services").fill("")
    page.get_by_text("Products", exact=True).click()
    expect(page.locator("#results .card").first).to_contain_text("Product")
    page.get_by_text("All", exact=True).click()
    expect(page.locator("#results .card").first).to_be_visible()
    assert same_document(page)
    shoot(page, "catalog")


def test_an_smm_order_completes_while_the_customer_watches(shop, alice, service, sandbox):
    page = shop
    sign_in(page, alice.email)
    page.goto("/catalog/?q=instagram+followers")
    page.locator(f"#service-{service(FOLLOWERS).pk}").get_by_role("link", name="Order").click()
    page.get_by_label("Link").fill("https://instagram.com/alice")
    quantity = page.get_by_label("Quantity")
    quantity.fill("2000")
    total = page.get_by_test_id("total")
    expect(total).to_have_text("$1.00")  # 0.50 per 1,000, priced by the server
    quantity.fill("50")
    expect(page.get_by_test_id("quote-error")).to_have_text(
        "Quantity must be between 100 and 10000.")
    quantity.fill("1000")
    expect(total).to_have_text("$0.50")
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "new-order")
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(re.compile(r"/orders/\d+/$"))
    order = Order.objects.get(user=alice)
    status = page.get_by_test_id("status")
    expect(status).to_have_text("Pending")
    mark_page(page)

    run_upstream_work()  # sent upstream
    sandbox.advance(15)
    run_upstream_work()  # In progress, half delivered
    expect(status).to_have_text("In progress")
    expect(page.get_by_test_id("remains")).not_to_have_text("—")
    shoot(page, "order-in-progress")

    sandbox.advance(30)
    run_upstream_work()
    expect(status).to_have_text("Completed", timeout=10_000)
    expect(page.get_by_test_id("remains")).to_have_text("0")
    assert same_document(page), "the status changed without a reload"
    assert page.locator("#order-live").get_attribute("hx-trigger") is None, "polling stopped"

    page.goto("/orders/")
    expect(page.locator("#orders-list")).to_contain_text(f"#{order.pk}")
    expect(page.locator("#orders-list .badge")).to_have_text("Completed")
    shoot(page, "orders")


def test_a_product_order_delivers_accounts_to_copy_and_download(shop, alice, service, sandbox):
    page = shop
    sign_in(page, alice.email)
    page.goto("/order/new/")
    page.get_by_label("Category", exact=True).select_option(label="Accounts-Email")
    gmail = page.locator(f"#order-service option[value='{service(GMAIL).pk}']")
    expect(gmail).to_be_attached()
    settled(page)
    page.get_by_label("Service", exact=True).select_option(str(service(GMAIL).pk))
    expect(page.get_by_label("Delivery e-mail")).to_be_visible()  # no link for products
    page.get_by_label("Quantity").fill("2")
    expect(page.get_by_test_id("total")).to_have_text("$50.00")
    expect(page.get_by_test_id("quote-error")).not_to_be_attached()
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(re.compile(r"/orders/\d+/$"))

    # The list follows the order too, without a reload, and stops polling once it is done.
    page.get_by_role("link", name="All orders").click()
    badge = page.locator("#orders-list .badge")
    expect(badge).to_have_text("Pending")
    mark_page(page)
    run_upstream_work()
    sandbox.advance(5)
    run_upstream_work()
    expect(badge).to_have_text("Completed")
    assert same_document(page)
    expect(page.locator("#orders-list")).not_to_have_attribute("hx-trigger", re.compile("."))
    page.locator("#orders-list a.row-main").click()
    expect(page.get_by_test_id("status")).to_have_text("Completed")
    accounts = page.locator("#accounts li")
    expect(accounts).to_have_count(2)
    expect(accounts.first).to_contain_text("@gmail.com")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    accounts.first.get_by_role("button", name="Copy").click()
    expect(accounts.first.get_by_role("button")).to_have_text("Copied")
    order = Order.objects.get(user=alice)
    assert page.evaluate("navigator.clipboard.readText()") == order.account_list[0]
    with page.expect_download() as download:
        page.get_by_role("link", name="Download .txt").click()
    saved = download.value
    assert saved.suggested_filename == f"order-{order.pk}-accounts.txt"
    with open(saved.path()) as text:
        assert text.read().split() == order.account_list
    shoot(page, "order-accounts")


def test_an_sms_code_arrives_on_the_number_page(shop, alice, provider, sandbox):
    page = shop
    sign_in(page, alice.email)
    page.goto("/sms/")
    page.get_by_label("Country").select_option(label="United Kingdom")
    card = page.locator(".card", has_text="OpenAI / ChatGPT")
    expect(card).to_contain_text("$0.45")
    shoot(page, "sms")
    card.get_by_role("button", name=re.compile("Rent")).click()
    page.wait_for_url(re.compile(r"/orders/\d+/$"))
    number = Order.objects.get(user=alice)
    expect(page.get_by_test_id("phone")).to_have_text(number.phone)
    expect(page.get_by_test_id("status")).to_have_text("Waiting for SMS")
    mark_page(page)
    run_upstream_work()  # the beat's first look tells us when the number expires
    countdown = page.locator("[data-countdown]")
    expect(countdown).to_have_text(re.compile(r"^0:[0-5]\d$"))
    first = countdown.inner_text()
    page.wait_for_timeout(1100)
    assert countdown.inner_text() != first, "the countdown runs"
    shoot(page, "sms-waiting")

    sandbox.advance(9)
    run_upstream_work()
    number.refresh_from_db()
    assert number.sms_code
    expect(page.get_by_test_id("code")).to_have_text(number.sms_code)
    expect(page.get_by_test_id("status")).to_have_text("Code received")
    assert same_document(page)
    shoot(page, "sms-code")


def test_wallet_and_api_key(shop, alice, provider):
    page = shop
    page.goto("/login/")
    shoot(page, "sign-in")
    sign_in(page, alice.email)
    page.goto("/wallet/")
    expect(page.get_by_test_id("balance")).to_have_text("$100.00")
    expect(page.locator("#ledger")).to_contain_text("Opening balance")
    shoot(page, "wallet")

    page.goto("/account/api-key/")
    old_prefix = User.objects.get(pk=alice.pk).api_key_prefix
    expect(page.get_by_test_id("key-prefix")).to_have_text(f"{old_prefix}…")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Regenerate key").click()
    key = page.get_by_test_id("api-key").inner_text()
    assert user_for_key(key) == alice
    assert key.startswith(User.objects.get(pk=alice.pk).api_key_prefix)
    shoot(page, "api-key")
    page.reload()
    expect(page.get_by_test_id("api-key")).not_to_be_attached()  # shown once
