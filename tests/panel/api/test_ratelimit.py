"""Rate limits: calls per key, failed keys per client address, both answered HTTP 429 with
an `error`, counted in the cache."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from panel import ratelimit
from panel.ratelimit import Rate, client_address, parse_rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """The rate limiter's clock, frozen at the start of a window; `clock.now += 60`."""

    class Clock:
        now = 3600.0 * 1000

    monkeypatch.setattr(ratelimit, "now", lambda: Clock.now)
    return Clock


@pytest.mark.parametrize(("text", "rate"), [
    ("600/m", Rate(600, 60)), ("20/s", Rate(20, 1)), ("10000/h", Rate(10000, 3600)),
    ("5/min", Rate(5, 60)), ("5/minutes", Rate(5, 60)), ("1/hour", Rate(1, 3600)),
    (" 100 / 10s ", Rate(100, 10)), ("7/H", Rate(7, 3600))])
def test_rates(text, rate):
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["", "600", "600/", "/m", "0/m", "-1/m", "10/ms", "10/d",
                                  "ten/m", "10/m/s"])
def test_bad_rates(text):
    with pytest.raises(ImproperlyConfigured):
        parse_rate(text)


def test_per_key_limit(api, alice_key, bob_key, settings, clock):
    settings.API_RATE_LIMIT = "3/m"
    for _ in range(3):
        assert api(alice_key, "balance")[0] == 200
    response = api.raw(alice_key, "balance")
    assert response.status_code == 429
    assert response.json()["error"].startswith("Rate limit exceeded (3 per minute)")
    assert response["Retry-After"] == "60"
    assert api(alice_key, "nope")[0] == 429, "every call counts, whatever the action"
    assert api(bob_key, "balance")[0] == 200, "one key's calls do not count for another"
    clock.now += 60
    assert api(alice_key, "balance")[0] == 200


def test_failed_keys_per_address(api, alice_key, client, settings, clock):
    settings.API_FAILED_KEY_LIMIT = "3/m"
    for key in ("guess", "", "", "guess", "guess"):
        assert api(key, "balance") == (200, {"error": "Invalid API key"}), "no key: no guess"
    response = api.raw(alice_key, "balance")
    assert response.status_code == 429, "even a right key, or guessing would go on"
    assert "Too many invalid API keys" in response.json()["error"]
    assert int(response["Retry-After"]) == 60
    elsewhere = client.post("/api/v2", {"key": alice_key, "action": "balance"},
                            REMOTE_ADDR="10.0.0.2")
    assert elsewhere.status_code == 200 and "balance" in elsewhere.json()
    clock.now += 60
    assert api(alice_key, "balance")[0] == 200


def test_the_address_behind_trusted_proxies(settings):
    factory = RequestFactory()
    request = factory.post("/api/v2", REMOTE_ADDR="10.0.0.1",
                           HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_address(request) == "10.0.0.1", "no proxy trusted: the header is ignored"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request) == "203.0.113.7", "what our proxy saw, not the forgery"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(request) == "6.6.6.6"
    assert client_address(factory.post("/", REMOTE_ADDR="10.0.0.1")) == "10.0.0.1"


def test_failed_keys_behind_a_proxy_count_per_client(api, alice_key, client, settings, clock):
    settings.API_FAILED_KEY_LIMIT = "2/m"
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(2):
        client.post("/api/v2", {"key": "guess", "action": "balance"},
                    HTTP_X_FORWARDED_FOR="198.51.100.1")
    blocked = client.post("/api/v2", {"key": alice_key, "action": "balance"},
                          HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert blocked.status_code == 429
    other = client.post("/api/v2", {"key": alice_key, "action": "balance"},
                        HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert other.status_code == 200


def test_a_counter_outage_lets_calls_through(api, alice_key, settings, monkeypatch):
    settings.API_RATE_LIMIT = "1/m"

    class Down:
        def count(self, *args, **kwargs):
            raise ConnectionError("counter down")

        read = count

    monkeypatch.setattr(ratelimit, "counter", Down)
    for _ in range(3):
        assert api(alice_key, "balance")[0] == 200
