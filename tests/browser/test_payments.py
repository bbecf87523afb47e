"""Adding funds in a real browser, through the built-in test gateway: the add-funds page,
the processor's page, the deposit page updating itself, the balance on the wallet page."""

from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from orders.models import Wallet
from payments.manual import approve_deposit
from payments.models import BonusTier, Deposit, PaymentMethod
from payments.testgateway.gateway import load, store
from payments.testgateway.views import notify
from tests.browser.conftest import mark_page, same_document, settled, shoot, sign_in

pytestmark = pytest.mark.browser


def test_adding_funds_through_the_test_gateway(shop, alice):
    PaymentMethod.objects.create(kind="manual", name="Bank transfer (SEPA)", min_amount=D(20),
                                 max_amount=D(5000), display_order=200,
                                 instructions="IBAN DE00 1234 5678 9000")
    BonusTier.objects.create(threshold=D(100), percent=D(5))
    page = shop
    sign_in(page, alice.email)
    page.goto("/wallet/")
    page.get_by_role("link", name="Add funds").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add funds")
    page.get_by_label("Test gateway").check()
    page.get_by_label("Amount").fill("25.00")
    shoot(page, "add-funds")

    page.get_by_role("button", name="Continue to payment").click()
    expect(page.get_by_test_id("invoice-amount")).to_have_text("25.00 USD")
    page.get_by_role("button", name="Pay", exact=True).click()
    expect(page.get_by_test_id("status")).to_have_text("Paid")
    expect(page.get_by_text("$25.00 was added to your wallet")).to_be_visible()
    shoot(page, "deposit-paid")

    page.get_by_role("link", name="← Wallet").click()
    expect(page.get_by_test_id("balance")).to_have_text("$125.00")
    expect(page.locator(".deposits")).to_contain_text("Paid")
    assert Wallet.objects.get(user=alice).balance == D("125.00")


def test_the_deposit_page_updates_itself_when_the_payment_arrives(shop, alice):
    page = shop
    sign_in(page, alice.email)
    page.goto("/wallet/add-funds/")
    page.get_by_label("Test gateway").check()
    page.get_by_label("Amount").fill("40")
    page.get_by_role("button", name="Continue to payment").click()
    expect(page.get_by_test_id("invoice-status")).to_have_text("waiting")
    deposit = Deposit.objects.get(user=alice)
    page.goto(f"/wallet/deposits/{deposit.pk}/")
    expect(page.get_by_test_id("status")).to_have_text("Waiting for payment")
    shoot(page, "deposit-waiting")
    mark_page(page)

    # The processor is paid elsewhere (another device): its callback reaches the panel.
    store(deposit.payment_id, load(deposit.payment_id) | {"status": "finished", "paid": "40.00"})
    notify(deposit.payment_id, deposit.reference)
    expect(page.get_by_test_id("status")).to_have_text("Paid", timeout=15_000)
    settled(page)
    expect(page.get_by_test_id("balance-now")).to_have_text("$140.00")
    assert same_document(page)
    assert page.locator("#deposit-live[hx-trigger]").count() == 0  # final: polling stopped


def test_a_manual_transfer_approved_by_staff_appears_on_its_own(shop, alice, admin_user):
    PaymentMethod.objects.create(kind="manual", name="Bank transfer (SEPA)", min_amount=D(20),
                                 instructions="IBAN DE00 1234 5678 9000\nBIC EXAMPLEXX")
    page = shop
    sign_in(page, alice.email)
    page.goto("/wallet/add-funds/")
    page.get_by_label("Bank transfer (SEPA)").check()
    page.get_by_label("Amount").fill("60")
    page.get_by_role("button", name="Continue to payment").click()
    expect(page.get_by_role("heading", name="How to pay")).to_be_visible()
    deposit = Deposit.objects.get(user=alice)
    expect(page.get_by_test_id("reference")).to_have_text(deposit.reference)
    page.get_by_label("Note for our team").fill("from A. Example, Sparkasse")
    shoot(page, "deposit-manual")
    page.get_by_role("button", name="I have paid").click()
    expect(page.get_by_test_id("status")).to_have_text("Submitted, awaiting staff")
    mark_page(page)

    approve_deposit(deposit.pk, actor=admin_user, note="on the statement")
    expect(page.get_by_test_id("status")).to_have_text("Approved", timeout=15_000)
    expect(page.get_by_test_id("balance-now")).to_have_text("$160.00")
    assert same_document(page)
