"""A signed-in customer's language is remembered on their account: saved when they switch
(Django's set_language), brought back when they sign in, and used for the e-mails they are
sent, whatever the language of the request or worker that sends them."""

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from panel.models import ShopSettings, User

PASSWORD = "pw-secret-123"
ARABIC_SUBJECT = "أكّد بريدك الإلكتروني لدى Nova Boost"


@pytest.fixture
def shop(db):
    return ShopSettings.objects.create(name="Nova Boost")


def switch(client: Client, code: str):
    return client.post("/i18n/setlang/", {"language": code, "next": "/"})


def test_switching_while_signed_in_is_remembered(alice):
    client = Client()
    client.force_login(alice)
    assert switch(client, "ar").status_code == 302
    alice.refresh_from_db()
    assert alice.language == "ar"
    switch(client, "en")
    alice.refresh_from_db()
    assert alice.language == "en"


def test_switching_signed_out_saves_nothing_and_a_bad_code_is_ignored(alice):
    assert switch(Client(), "ar").status_code == 302
    client = Client()
    client.force_login(alice)
    switch(client, "xx")
    alice.refresh_from_db()
    assert alice.language in ("", "en")  # what it signed in with; never "xx"


def test_signing_in_brings_the_language_back(alice):
    User.objects.filter(pk=alice.pk).update(language="ar")
    client = Client()  # a new browser: no language cookie, an English browser
    response = client.post(
        "/login/", {"username": alice.email, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "ar"
    page = client.get("/account/", HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "ar"


def test_a_signed_in_browser_without_the_cookie_gets_the_accounts_language(alice):
    User.objects.filter(pk=alice.pk).update(language="ar")
    client = Client()
    client.force_login(alice)
    response = client.get("/account/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "ar"
    assert response.cookies["django_language"].value == "ar"


def test_signing_up_in_arabic_keeps_arabic_and_writes_the_verification_in_it(client, shop):
    response = client.post(
        "/signup/",
        {"email": "dana@example.com", "password1": PASSWORD, "password2": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="ar",
    )
    assert response.status_code == 302
    assert User.objects.get(email="dana@example.com").language == "ar"
    assert mail.outbox[-1].subject == ARABIC_SUBJECT


def test_an_email_follows_the_account_not_the_request(make_customer, shop):
    dana = make_customer("dana@example.com")
    User.objects.filter(pk=dana.pk).update(language="ar", email_verified=False)
    client = Client()
    client.force_login(dana)
    client.cookies["django_language"] = "en"  # browsing in English on this device
    response = client.post("/account/verify-again/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert mail.outbox[-1].subject == ARABIC_SUBJECT
    english = make_customer("erin@example.com")
    User.objects.filter(pk=english.pk).update(email_verified=False)  # never chose: default
    client = Client()
    client.force_login(english)
    client.cookies["django_language"] = "ar"
    client.post("/account/verify-again/")
    english.refresh_from_db()
    assert english.language != "ar"  # browsing in Arabic is not a choice saved on the account
    assert mail.outbox[-1].subject == "Confirm your e-mail for Nova Boost"


def test_the_password_reset_email_is_rendered_in_the_accounts_language(alice, shop, monkeypatch):
    from panel.storefront import forms

    User.objects.filter(pk=alice.pk).update(language="ar")
    seen = []
    real = forms.render_to_string

    def spy(name, context=None, *args, **kwargs):
        seen.append((name, translation.get_language()))
        return real(name, context, *args, **kwargs)

    monkeypatch.setattr(forms, "render_to_string", spy)
    response = Client().post("/password-reset/", {"email": alice.email}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert {language for _, language in seen} == {"ar"} and len(seen) == 2
