"""The admin's sign-in is under the same limits on failed attempts as the storefront's."""

import pytest
from django.test import Client

from panel.models import User

PASSWORD = "staff-pass-8231"


@pytest.fixture
def staff(db) -> User:
    return User.objects.create_superuser(email="staff@example.com", password=PASSWORD)


def _admin_sign_in(client: Client, email: str, password: str, address: str = "10.1.1.1"):
    return client.post("/admin/login/", {"username": email, "password": password,
                                         "next": "/admin/"}, REMOTE_ADDR=address)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_wrong_passwords_lock_the_account_even_for_the_right_one(client, staff, settings):
    settings.LOGIN_FAILED_LIMIT_ACCOUNT = "3/15m"
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        assert _admin_sign_in(client, staff.email, "wrong", address).status_code == 200

    response = _admin_sign_in(client, staff.email, PASSWORD, "10.0.0.4")

    assert response.status_code == 200, "a form error, never a 500"
    assert "Too many failed sign-ins. Try again in " in response.content.decode()
    assert not _signed_in(client)


def test_wrong_passwords_from_one_address_lock_that_address(client, staff, settings):
    settings.LOGIN_FAILED_LIMIT_ADDRESS = "3/15m"
    for email in ("x@example.com", "y@example.com", "z@example.com"):
        _admin_sign_in(client, email, "wrong", "10.9.9.9")

    response = _admin_sign_in(client, staff.email, PASSWORD, "10.9.9.9")

    assert "Too many failed sign-ins" in response.content.decode()
    assert not _signed_in(client)
    other = Client()
    assert _admin_sign_in(other, staff.email, PASSWORD, "10.0.0.8").status_code == 302
    assert _signed_in(other)


def test_sixty_wrong_passwords_are_not_all_answered(client, staff):
    """The finding: with the default limits, 60 guesses in a row were all checked."""
    answers = [_admin_sign_in(client, staff.email, f"guess-{n}").content.decode()
               for n in range(60)]
    assert sum("Too many failed sign-ins" in page for page in answers) >= 50
    refused = _admin_sign_in(client, staff.email, PASSWORD)
    assert "Too many failed sign-ins" in refused.content.decode()


def test_failures_at_either_door_count_against_the_same_account(client, staff, settings):
    settings.LOGIN_FAILED_LIMIT_ACCOUNT = "4/15m"
    for n in range(2):
        client.post("/login/", {"username": staff.email, "password": "wrong"},
                    REMOTE_ADDR=f"10.2.0.{n}")
        _admin_sign_in(client, staff.email, "wrong", f"10.3.0.{n}")

    refused = _admin_sign_in(client, staff.email, PASSWORD)
    assert "Too many failed sign-ins" in refused.content.decode()
    storefront = client.post("/login/", {"username": staff.email, "password": PASSWORD})
    assert "Too many failed sign-ins" in storefront.content.decode()


def test_the_right_password_signs_staff_in_by_email_in_any_case(client, staff):
    response = _admin_sign_in(client, "Staff@Example.COM", PASSWORD)
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
