"""Refill and cancel in a real browser, against the sandbox's standard dialect over HTTP:
the buttons show where the panel can carry them out, each confirmed, done in place, once."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from orders import aftercare
from orders.forwarding import forward_one
from orders.models import EntryKind, LedgerEntry, Order, Refill
from orders.placing import place_order
from orders.states import State
from orders.tracking import poll
from provider.models import Service
from tests.browser.conftest import PHONE, mark_page, same_document, settled, shoot, sign_in
from tests.panel.api.helpers import FOLLOWERS, LINK, TELEGRAM, synced

pytestmark = pytest.mark.browser


@pytest.fixture
def standard(sandbox):
    provider = synced(sandbox, name="standard", standard=True)
    provider.refill_days = 30
    provider.save()
    return provider


def new_order(user, provider, upstream_id: int, quantity: int = 1000) -> Order:
    service = Service.objects.get(provider=provider, upstream_id=upstream_id)
    return place_order(user=user, service_id=service.pk, quantity=quantity, link=LINK)


def test_refill_a_completed_order(shop, alice, standard, sandbox):
    order = new_order(alice, standard, FOLLOWERS)
    assert forward_one(order.pk) == State.PLACED
    sandbox.advance(31)
    poll(everything=True)
    order.refresh_from_db()
    assert order.state == State.COMPLETED
    page = shop
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, alice.email)
    page.goto(f"/orders/{order.pk}/")
    expect(page.get_by_test_id("refill-until")).to_contain_text("Refill available until")
    expect(page.get_by_test_id("cancel")).to_have_count(0)
    shoot(page, "order-refill-offered")
    mark_page(page)
    page.get_by_test_id("refill").dblclick()  # a double click still asks once
    expect(page.get_by_test_id("care-notice")).to_contain_text("Refill requested")
    expect(page.get_by_test_id("refill-state")).to_have_text("Refill requested")
    expect(page.get_by_test_id("refill")).to_have_count(0)
    expect(page.get_by_test_id("refill-note")).to_contain_text("less than 24 hours ago")
    settled(page)
    assert same_document(page)
    assert Refill.objects.filter(order=order).count() == 1

    # The beat asks the provider; the page shows the refill's own status.
    sandbox.advance(11)
    assert aftercare.poll_refills() == 1
    page.reload()
    expect(page.get_by_test_id("refill-state")).to_have_text("Completed")
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "order-refill")


def test_cancel_an_order(shop, alice, standard, sandbox):
    running = new_order(alice, standard, TELEGRAM)
    assert forward_one(running.pk) == State.PLACED
    waiting = new_order(alice, standard, TELEGRAM)  # not sent yet: canceled in the panel
    page = shop
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, alice.email)

    page.goto(f"/orders/{waiting.pk}/")
    expect(page.get_by_test_id("cancel")).to_be_visible()
    shoot(page, "order-cancel-offered")
    balance = page.locator("#header-balance").inner_text()
    page.get_by_test_id("cancel").click()
    expect(page.get_by_test_id("care-notice")).to_contain_text("Order canceled")
    expect(page.get_by_test_id("status")).to_have_text("Canceled")
    expect(page.locator("#header-balance")).not_to_have_text(balance)
    waiting.refresh_from_db()
    assert waiting.state == State.CANCELED and waiting.refunded == waiting.charge

    page.goto(f"/orders/{running.pk}/")
    mark_page(page)
    page.get_by_test_id("cancel").click()
    expect(page.get_by_test_id("care-notice")).to_contain_text("Cancel requested")
    expect(page.get_by_test_id("cancel")).to_have_count(0)
    settled(page)
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "order-cancel-requested")
    # The polling settles it; the live page follows without a reload.
    sandbox.advance(1)
    poll(everything=True)
    expect(page.get_by_test_id("status")).to_have_text("Canceled", timeout=10_000)
    assert same_document(page)
    running.refresh_from_db()
    assert running.state == State.CANCELED
    assert LedgerEntry.objects.filter(order=running, kind=EntryKind.REFUND).count() == 1
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 800})


def test_refill_window_ended_is_said(shop, alice, standard, sandbox):
    order = new_order(alice, standard, FOLLOWERS)
    assert forward_one(order.pk) == State.PLACED
    sandbox.advance(31)
    poll(everything=True)
    Order.objects.filter(pk=order.pk).update(
        finished_at=Order.objects.get(pk=order.pk).finished_at - timedelta(days=31)
    )
    page = shop
    sign_in(page, alice.email)
    page.goto(f"/orders/{order.pk}/")
    expect(page.get_by_test_id("refill")).to_have_count(0)
    expect(page.get_by_test_id("refill-note")).to_have_text(
        re.compile(r"Refill window ended on .+\.")
    )
