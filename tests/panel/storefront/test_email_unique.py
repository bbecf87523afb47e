"""One account per e-mail address whatever its case, held by the database: a case variant
is refused by the model's constraint, by sign-up, and by 20 sign-ups racing each other."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client

from panel.models import User

pytestmark = pytest.mark.usefixtures("quick_passwords")
PASSWORD = "pw-secret-123"


def _sign_up(client: Client, email: str):
    return client.post("/signup/", {"email": email, "password1": PASSWORD,
                                    "password2": PASSWORD})


def test_the_database_refuses_a_case_variant(alice):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(email="ALICE@example.com", password=PASSWORD)


def test_sign_up_refuses_a_case_variant_and_sign_in_finds_the_account(client, alice):
    response = _sign_up(client, "Alice@EXAMPLE.com")
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert User.objects.count() == 1
    assert client.login(username="ALICE@example.com", password=PASSWORD) is False  # exact
    signed_in = client.post("/login/", {"username": "ALICE@Example.COM", "password": PASSWORD})
    assert signed_in.status_code == 302


def test_an_address_longer_than_an_account_name_is_a_form_error(client, db):
    email = "a" * 140 + "@example.com"  # 152 characters: a valid address, too long a login
    response = _sign_up(client, email)
    assert response.status_code == 200
    assert "at most 150 characters" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_sign_ups_with_one_address_make_one_account(settings):
    settings.ACCOUNT_EMAIL_LIMIT = "100/h"
    variants = ["race@example.com", "Race@example.com", "RACE@EXAMPLE.COM", "race@Example.com"]
    start = threading.Barrier(20)
    answers: list[object] = []

    def sign_up(email: str) -> None:
        try:
            start.wait()
            answers.append(_sign_up(Client(), email))
        except Exception as exc:  # a 500, re-raised by the test client
            answers.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up, args=(variants[n % len(variants)],))
               for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(getattr(answer, "status_code", repr(answer)) for answer in answers)
    assert statuses == [200] * 19 + [302], statuses
    assert User.objects.filter(email__iexact="race@example.com").count() == 1
    refusals = [a.content.decode() for a in answers if getattr(a, "status_code", 0) == 200]
    assert all("already exists" in body for body in refusals)
