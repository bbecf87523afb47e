"""Signing up, verifying the e-mail, signing in (with its attempt limits), password reset,
signing out, and the account pages."""

import re

import pytest
from django.core import mail
from django.test import Client

from panel.models import ShopSettings, User
from panel.storefront import verification

PASSWORD = "pw-secret-123"


def _sign_up(client, email="dana@example.com", password=PASSWORD, **extra):
    return client.post("/signup/", {"email": email, "password1": password,
                                    "password2": password}, **extra)


def _link(message) -> str:
    return re.search(r"http://testserver(/account/verify/\S+/)", message.body).group(1)


def _sign_in(client, email, password, address="10.0.0.1"):
    return client.post("/login/", {"username": email, "password": password},
                       REMOTE_ADDR=address)


def test_sign_up_signs_in_and_sends_a_verification_link_in_the_shops_name(client, db):
    ShopSettings.objects.create(name="Nova Boost", support_email="help@nova.example")
    response = _sign_up(client)
    assert response.status_code == 302 and response["Location"] == "/catalog/"
    dana = User.objects.get(email="dana@example.com")
    assert not dana.email_verified and dana.check_password(PASSWORD)
    assert client.get("/account/").status_code == 200, "signed in"
    message = mail.outbox[-1]
    assert message.to == ["dana@example.com"]
    assert message.subject == "Confirm your e-mail for Nova Boost"
    assert message.from_email.startswith("Nova Boost <")
    assert "help@nova.example" in message.body

    page = client.get("/catalog/").content.decode()
    assert "Confirm your e-mail to start ordering" in page
    assert client.get(_link(message)).status_code == 302
    dana.refresh_from_db()
    assert dana.email_verified
    assert "Confirm your e-mail to start ordering" not in client.get("/catalog/").content.decode()


def test_the_verification_link_works_signed_out_too(client, db):
    _sign_up(client)
    link = _link(mail.outbox[-1])
    fresh = Client()
    assert fresh.get(link)["Location"] == "/login/"
    assert User.objects.get(email="dana@example.com").email_verified


@pytest.mark.parametrize("mangle", [lambda t: t[:-2] + "xx", lambda t: "nonsense"])
def test_a_tampered_link_verifies_nothing(client, carol, mangle):
    token = verification.make_token(carol)
    response = client.get(f"/account/verify/{mangle(token)}/")
    assert response.status_code == 400
    carol.refresh_from_db()
    assert not carol.email_verified


def test_an_expired_link_or_a_changed_address_verifies_nothing(client, carol, settings):
    token = verification.make_token(carol)
    settings.EMAIL_VERIFY_MAX_AGE = -1
    assert client.get(f"/account/verify/{token}/").status_code == 400
    settings.EMAIL_VERIFY_MAX_AGE = 3600
    carol.email = "carol@elsewhere.example"
    carol.save()
    assert client.get(f"/account/verify/{token}/").status_code == 400
    carol.refresh_from_db()
    assert not carol.email_verified


def test_sign_up_refuses_a_taken_address_in_any_case(client, alice):
    response = _sign_up(client, email="ALICE@example.com")
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert User.objects.filter(email__iexact="alice@example.com").count() == 1


def test_sign_up_refuses_weak_passwords(client, db):
    response = _sign_up(client, password="12345678")
    assert response.status_code == 200
    assert not User.objects.filter(email="dana@example.com").exists()
    assert 'aria-invalid="true"' in response.content.decode()


def test_resend_verification(as_carol, carol, as_alice):
    response = as_carol.post("/account/verify-again/", {"next": "/orders/"})
    assert response["Location"] == "/orders/"
    assert mail.outbox[-1].to == [carol.email]
    response = as_carol.post("/account/verify-again/", {"next": "https://evil.example/"})
    assert response["Location"] == "/account/", "never an off-site redirect"
    sent = len(mail.outbox)
    as_alice.post("/account/verify-again/")
    assert len(mail.outbox) == sent, "alice is verified already"


def test_sign_in_by_email_in_any_case(client, alice):
    response = _sign_in(client, "Alice@Example.com", PASSWORD)
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200


def test_wrong_password_is_refused_plainly(client, alice):
    response = _sign_in(client, alice.email, "wrong")
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()


def test_failed_sign_ins_are_limited_per_account(client, alice, bob, settings):
    settings.LOGIN_FAILED_LIMIT_ACCOUNT = "3/15m"
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        _sign_in(client, alice.email, "wrong", address)
    response = _sign_in(client, alice.email, PASSWORD, "10.0.0.4")
    assert response.status_code == 200, "even the right password waits now"
    assert "Too many failed sign-ins" in response.content.decode()
    assert _sign_in(Client(), bob.email, PASSWORD, "10.0.0.1").status_code == 302


def test_failed_sign_ins_are_limited_per_address(client, alice, bob, settings):
    settings.LOGIN_FAILED_LIMIT_ADDRESS = "3/15m"
    for email in ("x@example.com", "y@example.com", "z@example.com"):
        _sign_in(client, email, "wrong", "10.9.9.9")
    response = _sign_in(client, alice.email, PASSWORD, "10.9.9.9")
    assert "Too many failed sign-ins" in response.content.decode()
    assert _sign_in(Client(), alice.email, PASSWORD, "10.0.0.8").status_code == 302


def test_password_reset_by_email(client, alice, db):
    ShopSettings.objects.create(name="Nova Boost")
    response = client.post("/password-reset/", {"email": "alice@example.com"})
    assert response["Location"] == "/password-reset/sent/"
    message = mail.outbox[-1]
    assert message.subject == "Reset your Nova Boost password"
    assert message.from_email.startswith("Nova Boost <")
    link = re.search(r"http://testserver(/password-reset/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and b"Choose a new password" in form.content
    done = client.post(form.redirect_chain[-1][0], {"new_password1": "a-new-pw-9876",
                                                    "new_password2": "a-new-pw-9876"})
    assert done["Location"] == "/password-reset/done/"
    alice.refresh_from_db()
    assert alice.check_password("a-new-pw-9876")


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, db):
    response = client.post("/password-reset/", {"email": "nobody@example.com"})
    assert response["Location"] == "/password-reset/sent/"
    assert not mail.outbox


def test_account_emails_are_limited_per_address(client, alice, settings):
    settings.ACCOUNT_EMAIL_LIMIT = "2/h"
    for _ in range(2):
        client.post("/password-reset/", {"email": alice.email})
    response = client.post("/password-reset/", {"email": alice.email}, follow=True)
    assert "Too many e-mails" in response.content.decode()
    assert len(mail.outbox) == 2
    response = _sign_up(client)
    assert "Too many e-mails" in response.content.decode()
    assert not User.objects.filter(email="dana@example.com").exists()


def test_sign_out_is_a_post(as_alice):
    assert as_alice.get("/logout/").status_code == 405
    assert as_alice.post("/logout/")["Location"] == "/"
    assert as_alice.get("/account/").status_code == 302


def test_password_change(as_alice, alice):
    response = as_alice.post("/account/password/", {
        "old_password": PASSWORD, "new_password1": "changed-pw-4321",
        "new_password2": "changed-pw-4321"})
    assert response["Location"] == "/account/"
    alice.refresh_from_db()
    assert alice.check_password("changed-pw-4321")


def test_the_account_page(as_alice, as_carol, alice):
    page = as_alice.get("/account/").content.decode()
    assert alice.email in page and "Confirmed" in page
    assert f"<code>{alice.api_key_prefix}…</code>" in page
    assert "Not confirmed" in as_carol.get("/account/").content.decode()
