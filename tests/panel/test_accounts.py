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
