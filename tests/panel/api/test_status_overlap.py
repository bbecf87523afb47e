"""On Redis, a `status` call whose key's owner this process has seen sends its count before
the database query and reads it after (`ratelimit.send_hit_unless_exhausted`): the two round
trips overlap. Still one count per call, and a call handed to the view (the database failed
twice) has its count taken back, since the view counts it."""

import uuid

import pytest
from django.db import OperationalError

from panel import ratecount
from panel.api import direct, knownkeys
from panel.apikeys import regenerate_api_key
from tests.panel.api.test_lean import Wsgi, form
from tests.panel.test_ratecount import REDIS_URL, redis_reachable

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis_cache(settings):
    if not redis_reachable():
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex[:12]}",
        }
    }
    knownkeys.forget()


@pytest.fixture
def events(monkeypatch):
    """What happened, in order: the count sent, the query run."""
    seen = []
    send, row = ratecount.RedisCounter.send_count, direct.KEY_AND_ORDER.row

    def sending(self, *args):
        seen.append("sent")
        return send(self, *args)

    def querying(**values):
        seen.append("query")
        return row(**values)

    monkeypatch.setattr(ratecount.RedisCounter, "send_count", sending)
    monkeypatch.setattr(direct.KEY_AND_ORDER, "row", querying)
    return seen


def test_a_known_owner_is_counted_before_the_query_and_once(
    redis_cache, events, monkeypatch, owned, alice, settings
):
    settings.API_RATE_LIMIT = "3/h"
    wsgi = Wsgi(monkeypatch)
    key = regenerate_api_key(alice)
    body = form(key=key, action="status", order=owned["running"].pk)
    answers = [wsgi("POST", "/api/v2", body)[0] for _ in range(4)]
    assert answers == [200, 200, 200, 429] and wsgi.direct_calls == 4
    assert events == ["query", "sent", "query", "sent", "query", "sent", "query"]


def test_a_call_left_to_the_view_has_its_count_taken_back(
    redis_cache, monkeypatch, owned, alice, settings
):
    settings.API_RATE_LIMIT = "3/h"
    wsgi = Wsgi(monkeypatch)
    key = regenerate_api_key(alice)
    body = form(key=key, action="status", order=owned["running"].pk)
    assert wsgi("POST", "/api/v2", body)[0] == 200
    real = direct.KEY_AND_ORDER.row

    def failing(**values):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(direct.KEY_AND_ORDER, "row", failing)
    assert wsgi("POST", "/api/v2", body)[0] == 200 and wsgi.direct_calls == 1, "the view's"
    monkeypatch.setattr(direct.KEY_AND_ORDER, "row", real)
    assert [wsgi("POST", "/api/v2", body)[0] for _ in range(2)] == [200, 429]
