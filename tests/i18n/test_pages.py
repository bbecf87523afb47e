"""The main pages rendered in Arabic (from Accept-Language, or from the switcher's cookie):
`<html lang="ar" dir="rtl">`, and none of the English words of the interface left in what a
person reads (names from customers and the upstream are data, isolated in <bdi> or dir)."""

import re

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

from tests.i18n.checks import ALLOWED, CATALOGUE, english_words

PAGES = [
    "/",
    "/catalog/",
    "/order/new/",
    "/orders/",
    "order",
    "/wallet/",
    "/wallet/add-funds/",
    "/sms/",
    "/support/",
    "/account/",
    "/api",
]
PUBLIC = ["/", "/catalog/", "/sms/", "/login/", "/signup/", "/api"]
STAFF = ["/staff/", "/staff/dashboard"]
# Short words that are English and Arabic-page punctuation alike, or too common to mean much.
TOO_SHORT = 3


def vocabulary() -> set[str]:
    """The English words of the interface: every word of the catalogue's English texts."""
    with CATALOGUE.open("rb") as po:
        texts = [m.id if isinstance(m.id, str) else " ".join(m.id) for m in read_po(po) if m.id]
    words = set()
    for text in texts:
        text = re.sub(r"<[^>]+>|%\(\w+\)s", " ", text)
        words.update(w.lower() for w in re.findall(r"[A-Za-z]+", text) if len(w) >= TOO_SHORT)
    return words - ALLOWED


VOCABULARY = vocabulary()


# The API page names the API's own identifiers, which stay English because clients send and
# parse them: parameters and fields (quantity, link, runs, interval, entityType...), status
# values (Pending, Completed, Partial, Canceled...), the standard's service types (Custom
# Comments Package, Mentions Custom List...), the example answers' JSON, the standard's name
# ("SMM panel API v2") and the rate limit as configured ("600 per minute").
IDENTIFIERS = {
    "/api": """Canceled Completed Followers List Package Partial Pending answer cancel canceled
        categories category charge code count entityType expired from interval limit link max
        min number order orders page pages panel per product products progress projects
        quantity rate refill refills remains runs start total waiting""",
}


def pending(path: str) -> set[str]:
    return {w.lower() for w in IDENTIFIERS.get(path, "").split()}


def assert_arabic(response, path):
    assert response.status_code == 200, path
    # the shop's name is the owner's brand, in whatever language they wrote it
    html = response.content.decode().replace(response.context["shop"].name, "")
    assert '<html lang="ar" dir="rtl">' in html, path
    left = english_words(html, VOCABULARY - pending(path))
    assert not left, f"{path}: English left on the Arabic page: {sorted(set(left))}"


def url_of(path, owned):
    return f"/orders/{owned['smm'].pk}/" if path == "order" else path


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_in_arabic_from_the_browsers_language(client, path):
    assert_arabic(client.get(path, headers={"accept-language": "ar,en;q=0.5"}), path)


@pytest.mark.parametrize("path", PAGES)
def test_a_customers_pages_in_arabic_from_the_cookie(client, alice, owned, path):
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    target = url_of(path, owned)
    assert_arabic(client.get(target, headers={"accept-language": "en"}), target)


@pytest.mark.parametrize("path", STAFF)
def test_the_staff_pages_in_arabic(client, owner, owned, path):
    client.force_login(owner)
    assert_arabic(client.get(path, headers={"accept-language": "ar"}), path)


@pytest.mark.django_db
def test_english_stays_the_default(client):
    html = client.get("/", headers={"accept-language": "fr"}).content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert "Followers, accounts and verification numbers" in html


def test_the_admin_pages_the_project_extends_are_right_to_left_too(client, owner, owned):
    client.force_login(owner)
    html = client.get("/admin/", headers={"accept-language": "ar"}).content.decode()
    assert 'lang="ar" dir="rtl"' in html
    # the link the project adds to the admin's home, in Arabic
    assert "لوحة معلومات المالك: الإيرادات والتكلفة والربح" in html
