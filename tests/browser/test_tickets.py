"""A support ticket in a real browser: the customer opens it, staff answer from the staff
workspace, and each side sees the other's message without reloading."""

import pytest
from playwright.sync_api import expect

from panel.models import User
from support.models import Ticket
from tests.browser.conftest import PASSWORD, mark_page, same_document, shoot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def staff(db):
    return User.objects.create_user(email="staff@example.com", password=PASSWORD,
                                    is_staff=True, email_verified=True)


def test_a_ticket_conversation_between_a_customer_and_staff(shop, browser, browser_context_args,
                                                            alice, staff, provider):
    customer = shop
    sign_in(customer, alice.email)
    customer.get_by_role("link", name="Support tickets").click()
    customer.get_by_label("Subject").fill("My followers did not arrive")
    customer.get_by_label("Message").fill("I ordered yesterday; nothing yet.")
    customer.get_by_role("button", name="Open the ticket").click()
    ticket = Ticket.objects.get()
    customer.wait_for_url(f"**/support/{ticket.pk}/")
    expect(customer.get_by_test_id("ticket-state")).to_have_text("Open: waiting for our answer")
    mark_page(customer)

    desk = browser.new_context(**browser_context_args).new_page()
    errors: list[str] = []
    desk.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(desk, staff.email)
    desk.goto("/staff/#tickets")
    expect(desk.get_by_test_id("count-tickets")).to_have_text("1")
    row = desk.get_by_test_id(f"ticket-{ticket.pk}")
    expect(row).to_contain_text("My followers did not arrive")
    expect(row).to_contain_text(alice.email)
    row.get_by_role("link", name=f"Ticket #{ticket.pk}").click()
    desk.wait_for_url(f"**/staff/tickets/{ticket.pk}/")
    desk.get_by_label("Answer the customer").fill("They start within the hour.")
    desk.get_by_role("button", name="Send").click()
    expect(desk.get_by_test_id("ticket-state")).to_have_text("Answered")
    expect(desk.get_by_label("Answer the customer")).to_have_value("")

    # the customer's page shows the answer by itself, without a reload
    expect(customer.get_by_test_id("message").last).to_contain_text(
        "They start within the hour.", timeout=15_000)
    expect(customer.get_by_test_id("ticket-state")).to_have_text("Answered")
    customer.get_by_label("Your reply").fill("Thank you!")
    customer.get_by_role("button", name="Send").click()
    expect(customer.get_by_test_id("message")).to_have_count(3)
    assert same_document(customer), "no reload on the customer's side"
    expect(desk.get_by_test_id("message").last).to_contain_text("Thank you!", timeout=15_000)
    expect(desk.get_by_test_id("ticket-state")).to_have_text("Waiting for us")
    customer.evaluate("window.scrollTo(0, 0)")
    shoot(customer, "ticket")
    desk.set_viewport_size({"width": 1280, "height": 800})
    shoot(desk, "staff-ticket")
    customer.goto("/support/")
    shoot(customer, "tickets")
    assert not errors, f"the staff page logged errors: {errors}"
