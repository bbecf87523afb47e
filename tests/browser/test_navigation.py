"""The navigation on a phone and the pages that were clipped: everything fits the screen,
nothing scrolls sideways, and the menu works without any script of the page's own."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, shoot, sign_in

pytestmark = pytest.mark.browser

FITS = "document.documentElement.scrollWidth <= window.innerWidth"


def test_on_a_phone_the_menu_fits_and_opens(shop, alice, provider):
    page = shop
    sign_in(page, alice.email)
    page.set_viewport_size(PHONE)
    page.goto("/orders/")
    assert page.evaluate(FITS), "no sideways strip"
    menu = page.locator("details.menu > summary")
    expect(menu).to_be_visible()
    expect(page.get_by_role("link", name="Wallet", exact=True)).to_be_hidden()

    menu.click()
    for name in ("Catalog", "New order", "Orders", "SMS", "Wallet", "API", "Account"):
        expect(page.get_by_role("navigation").get_by_role("link", name=name, exact=True)) \
            .to_be_visible()
    sign_out = page.get_by_role("button", name="Sign out")
    account = page.get_by_role("navigation").get_by_role("link", name="Account", exact=True)
    expect(sign_out).to_be_visible()
    # one line: as tall as a one-word link beside it
    assert abs(sign_out.bounding_box()["height"] - account.bounding_box()["height"]) < 4
    assert page.evaluate(FITS), "the open menu fits too"
    shoot_menu(page)

    page.get_by_role("navigation").get_by_role("link", name="Wallet", exact=True).click()
    page.wait_for_url("**/wallet/")
    assert page.evaluate(FITS)


def shoot_menu(page) -> None:
    """The open menu, phone only (a desktop shows the links in the bar)."""
    from tests.browser.conftest import SHOTS

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "menu-phone.png", animations="disabled")


def test_a_staff_members_longer_menu_fits_a_phone_too(shop, provider):
    from panel.models import User
    from tests.browser.conftest import PASSWORD

    User.objects.create_user(email="staff@example.com", password=PASSWORD, is_staff=True,
                             email_verified=True)
    page = shop
    sign_in(page, "staff@example.com")
    for path in ("/staff/", "/catalog/"):
        page.set_viewport_size(PHONE)
        page.goto(path)
        assert page.evaluate(FITS), f"{path}: closed, the menu takes no room"
        page.locator("details.menu > summary").click()
        expect(page.get_by_role("link", name="Account")).to_be_visible()
        assert page.evaluate(FITS), f"{path}: open, the menu fits"
        page.set_viewport_size(DESKTOP)
        assert page.evaluate(FITS)


def test_on_a_desktop_every_link_is_in_the_bar(shop, alice, provider):
    page = shop
    sign_in(page, alice.email)
    page.set_viewport_size(DESKTOP)
    page.goto("/catalog/")
    expect(page.locator("details.menu > summary")).to_be_hidden()
    expect(page.get_by_role("link", name="Wallet", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert page.evaluate(FITS)
    for width in (1024, 800):  # a tablet: the bar still fits, or the menu takes over
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate(FITS), f"nothing sideways at {width} px"


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_signed_out_the_sms_buttons_are_whole(shop, provider, size):
    page = shop
    page.set_viewport_size(size)
    page.goto("/sms/")
    cards = page.locator(".card").filter(has=page.get_by_role("link", name="Sign in to rent"))
    expect(cards.first).to_be_visible()
    for index in range(cards.count()):
        card = cards.nth(index)
        inner = card.get_by_role("link", name="Sign in to rent").bounding_box()
        outer = card.bounding_box()
        assert inner["x"] >= outer["x"] and (
            inner["x"] + inner["width"] <= outer["x"] + outer["width"]), f"button {index} clipped"
    assert page.evaluate(FITS)
    if size == DESKTOP:
        shoot(page, "sms-signed-out")
