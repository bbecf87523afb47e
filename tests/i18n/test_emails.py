"""The e-mails' templates in both languages (which language a customer's e-mail is sent in is
decided where it is sent, from their profile): Arabic plural forms, English unchanged."""

from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.utils import translation

SHOP = SimpleNamespace(name="Nova Boost", support_email="help@novaboost.example")


@pytest.mark.parametrize(
    ("language", "days", "expected"),
    [
        ("en", 1, "The link works for 1 day. You can browse"),
        ("en", 3, "The link works for 3 days. You can browse"),
        ("ar", 1, "يعمل الرابط يومًا واحدًا."),
        ("ar", 2, "يعمل الرابط يومين."),
        ("ar", 3, "يعمل الرابط 3 أيام."),
        ("ar", 14, "يعمل الرابط 14 يومًا."),
    ],
)
def test_the_verification_mail_counts_days_in_each_language(language, days, expected):
    with translation.override(language):
        text = render_to_string(
            "accounts/email/verify.txt", {"shop": SHOP, "url": "https://x.example/v", "days": days}
        )
    assert expected in text
    assert "https://x.example/v" in text and "help@novaboost.example" in text


def test_the_password_reset_mail_in_arabic():
    context = {
        "shop": SHOP,
        "email": "a@example.com",
        "protocol": "https",
        "domain": "x.example",
        "uid": "MQ",
        "token": "abc-123",
    }
    with translation.override("ar"):
        subject = render_to_string("accounts/email/password_reset_subject.txt", context)
        body = render_to_string("accounts/email/password_reset.txt", context)
    assert subject.strip() == "إعادة تعيين كلمة مرورك في Nova Boost"
    assert "مرحبًا،" in body and "https://x.example/password-reset/MQ/abc-123/" in body
