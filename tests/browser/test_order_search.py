"""Finding a service in a real browser: the catalog's search reads typos and short names, and
the order form's picker (search, category, subcategory, service) narrows as one types and
chooses, with htmx; and it works, in steps, with JavaScript off."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from orders import completion
from orders.models import Order
from provider.models import Category
from tests.browser.conftest import mark_page, same_document, settled, shoot, sign_in
from tests.orders.test_completion import _orders

pytestmark = pytest.mark.browser

FOLLOWERS = 1


def test_typos_and_short_names_find_the_service_in_the_catalog_and_the_order_form(
        shop, alice, service):
    followers = service(FOLLOWERS)
    followers.description = "Real-looking profiles, delivered at a steady pace. Refill 30 days."
    followers.save()
    _orders(alice, followers, completion.MIN_ORDERS, timedelta(hours=1, minutes=20))
    page = shop
    sign_in(page, alice.email)

    page.goto("/catalog/")
    mark_page(page)
    page.get_by_label("Search services").fill("ig folowers")
    expect(page.locator("#results .card").first).to_contain_text("Instagram Followers")
    expect(page.get_by_test_id("search-note")).to_contain_text("Searched “folowers” as followers.")
    expect(page.locator(f"#service-{followers.pk}")).to_contain_text("1 h 20 min")
    assert same_document(page)
    settled(page)
    shoot(page, "catalog-search")

    page.goto("/order/new/")
    mark_page(page)
    page.locator("#order-q").fill("folowers")
    service_list = page.locator("#order-service")
    expect(service_list).to_be_enabled()
    expect(page.get_by_test_id("picker-note")).to_contain_text("as followers")
    options = service_list.locator("option")
    expect(options.nth(1)).to_contain_text("Instagram Followers")
    page.locator("#order-q").fill("")
    expect(service_list).to_be_disabled()  # no search, no category: nothing to list yet
    # The second level: a category brings its subcategories; a subcategory narrows the list.
    instagram = Category.objects.get(name="Instagram", parent=None)
    likes = Category.objects.get(name="Likes", parent=instagram)
    page.locator("#order-category").select_option(str(instagram.pk))
    # The subcategory select arrives with the category's answer; a change made before htmx
    # has settled it would be lost (no person chooses within those milliseconds).
    expect(page.locator("#order-subcategory")).to_be_visible()
    settled(page)
    page.locator("#order-subcategory").select_option(str(likes.pk))
    expect(service_list.locator("optgroup")).to_have_count(1)
    expect(service_list.locator("optgroup")).to_have_attribute("label", "Likes")
    page.locator("#order-subcategory").select_option("")
    expect(service_list.locator("optgroup")).not_to_have_count(1)
    settled(page)
    service_list.select_option(str(followers.pk))
    expect(page.get_by_test_id("completion")).to_contain_text(
        "Average completion time: 1 h 20 min")
    expect(page.locator("#order-details")).to_contain_text("Real-looking profiles")
    page.get_by_label("Link").fill("https://instagram.com/alice")
    page.get_by_label("Quantity").fill("1000")
    expect(page.get_by_test_id("total")).to_have_text("$0.50")
    assert same_document(page)
    settled(page)
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "new-order-search")
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(re.compile(r"/orders/\d+/$"))
    assert Order.objects.filter(user=alice, state="queued").get().service_id == followers.pk


def test_the_picker_works_without_javascript(browser, live_server, alice, service):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    try:
        sign_in(page, alice.email)
        page.goto("/order/new/")
        instagram = Category.objects.get(name="Instagram", parent=None)
        likes = Category.objects.get(name="Likes", parent=instagram)
        page.locator("#order-category").select_option(str(instagram.pk))
        page.get_by_role("button", name="Show").click()
        page.locator("#order-subcategory").select_option(str(likes.pk))
        page.get_by_role("button", name="Show").click()
        expect(page.locator("#order-service optgroup")).to_have_attribute("label", "Likes")
        chosen = service(2)  # Instagram Likes
        page.locator("#order-service").select_option(str(chosen.pk))
        page.get_by_role("button", name="Show").click()
        page.get_by_label("Link").fill("https://instagram.com/p/abc")
        page.get_by_label("Quantity").fill("100")
        page.get_by_role("button", name="Place order").click()
        page.wait_for_url(re.compile(r"/orders/\d+/$"))
        assert Order.objects.get(user=alice).service_id == chosen.pk
        assert "csrfmiddlewaretoken" not in page.url
    finally:
        context.close()
