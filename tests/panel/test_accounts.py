from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command

from panel.apikeys import digest, regenerate_api_key, user_for_key
from panel.models import User

pytestmark = pytest.mark.django_db


def test_create_customer_prints_the_api_key_last(capsys):
    call_command("create_customer", "bob@example.com", "--password", "pw-123456",
                 "--balance", "25.50")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    bob = User.objects.get(email="bob@example.com")
    assert bob.is_active and bob.email_verified
    assert bob.check_password("pw-123456")
    assert bob.wallet.balance == D("25.50")
    assert bob.wallet.entries.get().reason == "Opening balance"
    assert user_for_key(key) == bob


def test_api_keys_are_stored_hashed_and_regenerated():
    user = User.objects.create_user(email="carol@example.com")
    old = regenerate_api_key(user)
    new = regenerate_api_key(user)
    user.refresh_from_db()
    assert old not in user.api_key_hash and new not in user.api_key_hash
    assert user.api_key_hash == digest(new)
    assert user_for_key(old) is None
    assert user_for_key(new) == user
    assert user_for_key("") is None


@pytest.mark.parametrize("args", [["not-an-email"], ["d@example.com", "--balance", "-1"],
                                  ["d@example.com", "--balance", "abc"]])
def test_create_customer_refuses_bad_input(args):
    with pytest.raises(CommandError):
        call_command("create_customer", *args)
    assert not User.objects.exists()


def test_api_keys_never_start_like_a_command_line_option():
    user = User.objects.create_user(email="dave@example.com")
    keys = [regenerate_api_key(user) for _ in range(200)]
    assert all(key.isalnum() and len(key) == 43 for key in keys)
    assert len(set(keys)) == 200


def _run(*args: str) -> list[str]:
    from io import StringIO

    out = StringIO()
    call_command("create_customer", *args, stdout=out)
    return out.getvalue().splitlines()


def test_create_customer_on_an_existing_email_keeps_the_key_and_adds_the_balance():
    key = _run("erin@example.com", "--balance", "10")[-1]
    lines = _run("ERIN@example.com", "--balance", "5.25")
    erin = User.objects.get(email="erin@example.com")
    assert user_for_key(key) == erin, "the key the customer's scripts use still works"
    assert erin.wallet.balance == D("15.25")
    assert lines[0].startswith("Customer erin@example.com exists: added 5.25, balance now 15.25")
    assert lines[1:] == ["API key unchanged (--new-key replaces it)"]
    assert key not in "\n".join(lines)
    assert [e.reason for e in erin.wallet.entries.order_by("pk")] == [
        "Opening balance", "Balance added"]


def test_create_customer_new_key_replaces_the_old_one():
    old = _run("erin@example.com")[-1]
    lines = _run("erin@example.com", "--new-key")
    new = lines[-1]
    erin = User.objects.get(email="erin@example.com")
    assert lines[-2] == "New API key (the old one no longer works):"
    assert user_for_key(new) == erin
    assert user_for_key(old) is None


def test_create_customer_gives_a_key_to_an_existing_customer_without_one():
    User.objects.create_user(email="finn@example.com", password="pw-123456")
    key = _run("finn@example.com")[-1]
    finn = User.objects.get(email="finn@example.com")
    assert user_for_key(key) == finn
    assert finn.check_password("pw-123456"), "no --password: the password stays"
