"""`make run`'s demo data (`demo_setup`): running it again, as every `make run` does, keeps
the demo customer signed in and keeps their API key, unless a new key is asked for."""

from decimal import Decimal as D

import pytest
from django.core.management import call_command

from panel import demo
from panel.apikeys import user_for_key
from panel.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_var(settings, tmp_path, sandbox):
    settings.VAR_DIR = tmp_path
    assert sandbox.key == demo.SANDBOX_KEY, "the demo talks to the sandbox with its default key"
    return tmp_path


def _setup(sandbox, *extra: str) -> list[str]:
    from io import StringIO

    out = StringIO()
    call_command("demo_setup", "--sandbox-url", sandbox.url, "--panel-url",
                 "http://127.0.0.1:8123/", *extra, stdout=out)
    return out.getvalue().splitlines()


def _key(lines: list[str]) -> str:
    return next(line.split(": ", 1)[1] for line in lines if "Customer API key:" in line)


def test_running_the_demo_setup_twice_keeps_the_key_and_the_session(demo_var, sandbox, client):
    first = _setup(sandbox)
    assert any("http://127.0.0.1:8123/" in line for line in first), "the banner has the URL"
    client.post("/login/", {"username": demo.CUSTOMER_EMAIL, "password": demo.CUSTOMER_PASSWORD})
    assert client.get("/account/").status_code == 200

    second = _setup(sandbox)

    customer = User.objects.get(email=demo.CUSTOMER_EMAIL)
    assert _key(second) == _key(first)
    assert user_for_key(_key(first)) == customer
    assert customer.wallet.balance == D("100.00"), "the opening balance is given once"
    assert client.get("/account/").status_code == 200, "still signed in"
    assert (demo_var / "demo-api-key").stat().st_mode & 0o077 == 0


def test_the_demo_setup_makes_a_new_key_when_asked(demo_var, sandbox):
    old = _key(_setup(sandbox))
    new = _key(_setup(sandbox, "--new-key"))
    assert new != old
    assert user_for_key(old) is None
    assert user_for_key(new).email == demo.CUSTOMER_EMAIL
    assert _key(_setup(sandbox)) == new
