"""The customers' API answers in English whatever the client's language (Accept-Language,
the language cookie, a language already active in the process): clients parse its messages.
The same refusals read in Arabic on the storefront, so the test can tell."""

import pytest
from django.test import Client
from django.utils import translation

from panel.apikeys import regenerate_api_key

FOLLOWERS = 1
LINK = "https://instagram.com/alice"


@pytest.fixture
def arabic_client() -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="ar")
    client.cookies["django_language"] = "ar"
    return client


@pytest.fixture
def arabic_process():
    translation.activate("ar")
    yield
    translation.deactivate()


def call(client: Client, **data: object) -> dict:
    response = client.post("/api/v2", {name: str(value) for name, value in data.items()})
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_the_refusals_have_arabic_translations():
    with translation.override("ar"):
        assert (
            translation.gettext("Quantity must be a whole number.")
            != "Quantity must be a whole number."
        )


def test_error_paths_stay_english(make_customer, service, arabic_client, arabic_process):
    key = regenerate_api_key(make_customer("poor@example.com", balance="0.01"))
    followers = service(FOLLOWERS).pk

    assert call(arabic_client, key="wrong", action="balance") == {"error": "Invalid API key"}
    answers = [
        call(arabic_client, key=key, action="add", service=followers, quantity="lots", link=LINK),
        call(arabic_client, key=key, action="add", service=followers, quantity="5", link=LINK),
        call(
            arabic_client,
            key=key,
            action="add",
            service=followers,
            quantity="100",
            link="not a link",
        ),
        call(arabic_client, key=key, action="add", service="999999", quantity="100", link=LINK),
        call(arabic_client, key=key, action="add", service=followers, quantity="10000", link=LINK),
        call(arabic_client, key=key, action="status", order="123456"),
        call(arabic_client, key=key, action="nope"),
    ]
    for answer in answers:
        assert set(answer) == {"error"}, answer
        assert answer["error"].isascii(), answer
    assert translation.get_language() == "ar"  # the process's language is left as it was


def test_the_same_refusal_is_arabic_on_the_storefront(alice, service, arabic_client):
    arabic_client.force_login(alice)
    html = arabic_client.get(
        "/order/quote/", {"service": service(FOLLOWERS).pk, "quantity": "lots", "link": LINK}
    ).content.decode()
    with translation.override("ar"):
        assert translation.gettext("Quantity must be a whole number.") in html


def test_the_api_page_describes_the_actions_in_the_readers_language():
    from panel.api.docs import ACTIONS

    balance = next(doc for doc in ACTIONS if doc.name == "balance")
    with translation.override("ar"):
        assert str(balance.about) == "رصيدك."
    with translation.override("en"):
        assert str(balance.about) == "Your balance."
