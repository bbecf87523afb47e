"""Browser tests: Debian's Chromium (never a downloaded browser) driven by Playwright's sync
API against pytest-django's live server, with the sandbox as the upstream.

Chromium comes from CHROMIUM_PATH or /usr/bin/chromium. Without it the tests skip, except
in CI (REQUIRE_SERVICES=1), where they fail. Each test fails if the page logged an error
(a Content-Security-Policy violation is one), and `shoot` saves desktop (1280 wide) and
phone (390 wide) screenshots under docs/screenshots/.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import REQUIRE_SERVICES

CHROMIUM = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
# The committed screenshots are refreshed with SCREENSHOTS=docs; other runs write them to the
# run's own folder, so that `make test` leaves the work tree as it found it.
SHOTS = (Path(__file__).resolve().parents[2] / "docs" / "screenshots"
         if os.environ.get("SCREENSHOTS") == "docs"
         else Path(os.environ.get("PANEL_VAR_DIR", "/tmp")) / "screenshots")
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
MAX_SHOT_HEIGHT = {"desktop": 1800, "phone": 2600}
PASSWORD = "pw-secret-123"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).is_file():
        if REQUIRE_SERVICES:
            pytest.fail(f"no Chromium at {CHROMIUM} (REQUIRE_SERVICES=1: browser tests must run)")
        pytest.skip(f"no Chromium at {CHROMIUM}; set CHROMIUM_PATH")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True,
            "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    return {**browser_context_args, "base_url": live_server.url, "viewport": DESKTOP,
            "device_scale_factor": 1, "accept_downloads": True}


@pytest.fixture(scope="session", autouse=True)
def _sync_orm_beside_playwright():
    """Playwright's sync API keeps an event loop running in this thread for the session;
    the ORM calls of tests (and the database flush after each) are still plain synchronous
    code, so Django's guard against ORM calls from async code must stand aside."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _browser_environment(settings, transactional_db):
    # The live server serves static files through the finders, which know no hashed names.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture(autouse=True)
def branding(_browser_environment):
    """The shop as an admin set it up: its name, colour, support address and footer."""
    from panel.models import ShopSettings

    return ShopSettings.objects.create(
        name="Nova Boost", primary_color="#0f766e", support_email="help@novaboost.example",
        footer_text="Nova Boost: social growth and digital goods, delivered since 2021.")


@pytest.fixture
def shop(page):
    """The page, failing the test if it logs any error (CSP violations included)."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_default_timeout(10_000)
    yield page
    assert not errors, f"the page logged errors: {errors}"


def shoot(page, name: str) -> None:
    """Save `name`-desktop.png and `name`-phone.png of the page as it is now."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.wait_for_timeout(150)
        height = page.evaluate("document.documentElement.scrollHeight")
        page.screenshot(path=SHOTS / f"{name}-{label}.png", full_page=True, animations="disabled",
                        clip={"x": 0, "y": 0, "width": size["width"],
                              "height": min(height, MAX_SHOT_HEIGHT[label])})
    page.set_viewport_size(DESKTOP)


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def run_upstream_work() -> None:
    """What the worker and beat would do: send waiting orders, poll orders and numbers."""
    from orders import forwarding, sms_tracking, tracking

    forwarding.forward_waiting()
    tracking.poll(everything=True)
    sms_tracking.poll_numbers(everything=True)


def settled(page) -> None:
    """Wait until htmx has no request in flight and nothing left to swap or settle."""
    # A locator, not wait_for_function: Playwright may evaluate a function's string with
    # eval(), which the page's CSP (rightly) refuses.
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)


def mark_page(page) -> None:
    """Tag the document, to prove later that it was never reloaded."""
    page.evaluate("document.documentElement.dataset.sameDocument = 'yes'")


def same_document(page) -> bool:
    return page.evaluate("document.documentElement.dataset.sameDocument") == "yes"
