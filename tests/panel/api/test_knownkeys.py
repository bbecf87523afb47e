"""Keys remembered by a process (`panel.api.knownkeys`): a bare `services` call with a key
looked up lately reads no database, and every change that must stop a key (a new key, a
customer deactivated, unverified or deleted) is seen at the next call, as is a keys'
version gone from the cache or an entry past its age."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from panel.api import knownkeys
from panel.api.views import NOT_VERIFIED
from panel.apikeys import regenerate_api_key
from tests.panel.api.test_lean import Wsgi, form

pytestmark = pytest.mark.django_db(transaction=True)

INVALID = b'{"error":"Invalid API key"}'


@pytest.fixture
def wsgi(monkeypatch):
    knownkeys.forget()
    return Wsgi(monkeypatch)


def services(wsgi, key: str) -> tuple[bytes, int]:
    """The answer's body and the queries it took; asserted answered directly."""
    calls = wsgi.direct_calls
    with CaptureQueriesContext(connection) as queries:
        body = wsgi("POST", "/api/v2", form(key=key, action="services"))[2]
    assert wsgi.direct_calls == calls + 1
    return body, len(queries)


def trusted(wsgi, key: str) -> None:
    """Called until remembered (the first call after the keys' version went missing only
    puts a new one): the call after reads no database."""
    answers = [services(wsgi, key) for _ in range(3)]
    assert answers[-1][0].startswith(b"[") and answers[-1][1] == 0


def test_a_known_key_reads_no_database(wsgi, alice, provider):
    key = regenerate_api_key(alice)
    body, queries = services(wsgi, key)
    assert body.startswith(b"[") and queries >= 1
    alice.last_login = alice.date_joined
    alice.save(update_fields=["last_login"])  # not the key's business: still trusted
    assert services(wsgi, key) == (body, 0)


def test_a_new_key_stops_the_old_at_the_next_call(wsgi, alice, provider):
    old = regenerate_api_key(alice)
    trusted(wsgi, old)
    new = regenerate_api_key(alice)
    assert services(wsgi, old)[0] == INVALID
    assert services(wsgi, new)[0].startswith(b"[")


@pytest.mark.parametrize(
    ("field", "answer"),
    [("is_active", INVALID), ("email_verified", f'{{"error":"{NOT_VERIFIED}"}}'.encode())],
)
def test_a_customer_changed_is_refused_at_the_next_call(wsgi, alice, provider, field, answer):
    key = regenerate_api_key(alice)
    trusted(wsgi, key)
    setattr(alice, field, False)
    alice.save(update_fields=[field])
    assert services(wsgi, key)[0] == answer


def test_a_deleted_customer_is_refused_at_the_next_call(wsgi, provider):
    carol = get_user_model().objects.create_user(email="carol@example.com", password="pw-1")
    carol.email_verified = True
    carol.save()
    key = regenerate_api_key(carol)
    trusted(wsgi, key)
    carol.delete()
    assert services(wsgi, key)[0] == INVALID


def test_a_change_counts_once_committed(wsgi, alice, provider):
    key = regenerate_api_key(alice)
    trusted(wsgi, key)
    with transaction.atomic():
        alice.is_active = False
        alice.save()
        assert knownkeys.known(knownkeys_digest(key)) is not None
        version = cache.get(knownkeys.VERSION)
    assert cache.get(knownkeys.VERSION) != version
    assert services(wsgi, key)[0] == INVALID


def test_a_version_gone_from_the_cache_is_never_a_match(wsgi, alice, provider):
    key = regenerate_api_key(alice)
    trusted(wsgi, key)
    cache.delete(knownkeys.VERSION)
    assert services(wsgi, key)[1] >= 1, "looked up again"


def test_an_entry_ages_out(wsgi, alice, provider, monkeypatch):
    key = regenerate_api_key(alice)
    trusted(wsgi, key)
    later = time.monotonic() + knownkeys.MAX_AGE
    monkeypatch.setattr(knownkeys.time, "monotonic", lambda: later)
    assert services(wsgi, key)[1] >= 1


def knownkeys_digest(key: str) -> str:
    from panel.apikeys import digest

    return digest(key)
