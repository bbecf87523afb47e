"""The API page in Chromium: the try-it form shows the chosen action's fields, calls the live
API and prints its JSON, all under the page's strict CSP (no console errors)."""

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from panel.apikeys import regenerate_api_key
from tests.conftest import REQUIRE_SERVICES

CHROMIUM = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.mark.browser
def test_try_an_action_from_the_page(live_server, transactional_db, provider, alice,
                                     settings):
    if not Path(CHROMIUM).is_file():
        if REQUIRE_SERVICES:
            pytest.fail(f"no Chromium at {CHROMIUM}")
        pytest.skip(f"no Chromium at {CHROMIUM}; set CHROMIUM_PATH")
    # The live server serves static files through the finders, which know no hashed names.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    key = regenerate_api_key(alice)
    # Playwright's sync API in a thread of its own: this one may already run the event loop
    # of pytest-playwright's session browser (tests/browser), which the sync API refuses.
    with ThreadPoolExecutor(max_workers=1) as pool:
        shown, errors = pool.submit(try_balance, f"{live_server.url}/api", key).result()
    assert shown.startswith("HTTP 200")
    assert '"balance": "100.0000"' in shown
    assert not errors, errors


def try_balance(url: str, key: str) -> tuple[str, list[str]]:
    """Open the page, check the fields follow the action, send `balance` with `key`."""
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=ARGS)
        try:
            page = browser.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(url)
            page.select_option("select[name=action]", "inventory")
            assert page.is_visible("input[name=service]")
            assert not page.is_visible("input[name=link]")
            page.fill("input[name=key]", key)
            page.select_option("select[name=action]", "balance")
            page.click("#api-try button[type=submit]")
            page.locator("#api-result", has_text="currency").wait_for()
            assert page.url == url, "fetch, not a navigation"
            return page.text_content("#api-result") or "", errors
        finally:
            browser.close()
