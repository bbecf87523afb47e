"""The endpoint's transport: POST only, the key in the body, JSON answers, errors as 200."""

import logging

import pytest
from django.test import Client

from orders.models import Order

pytestmark = pytest.mark.django_db


def test_answers_at_both_paths(api, client, alice_key, provider):
    for path in ("/api/v2", "/api/v2/"):
        response = client.post(path, {"key": alice_key, "action": "balance"})
        assert response.status_code == 200
        assert response.json() == {"balance": "100.0000", "currency": "USD"}


@pytest.mark.parametrize("method", ["get", "put", "delete", "patch", "head", "options"])
def test_only_post(client, alice_key, method):
    response = getattr(client, method)("/api/v2")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    if method != "head":
        assert response.json() == {"error": "Invalid request method"}


def test_a_get_with_a_key_does_nothing(client, alice_key, service):
    followers = service(1)
    response = client.get("/api/v2", {"key": alice_key, "action": "add",
                                      "service": followers.pk, "quantity": 100,
                                      "link": "https://instagram.com/p/x"})
    assert response.status_code == 405
    assert not Order.objects.exists()


def test_a_key_in_the_query_string_is_refused(client, alice_key, service):
    followers = service(1)
    response = client.post(f"/api/v2?key={alice_key}&action=add",
                           {"service": followers.pk, "quantity": 100,
                            "link": "https://instagram.com/p/x"})
    assert response.status_code == 200
    assert "never in the URL" in response.json()["error"]
    # Even with the key in the body too: the URL one may sit in logs already.
    response = client.post(f"/api/v2?key={alice_key}",
                           {"key": alice_key, "action": "add", "service": followers.pk,
                            "quantity": 100, "link": "https://instagram.com/p/x"})
    assert "error" in response.json()
    assert not Order.objects.exists()


def test_csrf_exempt(alice_key, provider):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/api/v2", {"key": alice_key, "action": "balance"})
    assert response.status_code == 200 and "balance" in response.json()


@pytest.mark.parametrize("key", [None, "", "wrong", "x" * 500, "\x00"])
def test_bad_key(api, alice_key, key):
    assert api(key, "balance") == (200, {"error": "Invalid API key"})


def test_inactive_customer_key_is_refused(api, alice, alice_key):
    alice.is_active = False
    alice.save()
    assert api(alice_key, "balance") == (200, {"error": "Invalid API key"})


@pytest.mark.parametrize("action", [None, "", "nope", "BALANCE", "services\x00"])
def test_unknown_action(api, alice_key, action):
    assert api(alice_key, action) == (200, {"error": "Invalid action"})


def test_the_key_is_checked_before_the_action(api):
    assert api("wrong", "nope") == (200, {"error": "Invalid API key"})


def test_multipart_is_read_too_and_files_are_dropped(client, alice_key, provider, tmp_path):
    upload = tmp_path / "big.bin"
    upload.write_bytes(b"x" * 100_000)
    with upload.open("rb") as handle:
        response = client.post("/api/v2", {"key": alice_key, "action": "balance",
                                           "file": handle})
    assert response.json()["balance"] == "100.0000"


def test_unreadable_bodies(client, alice_key, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    fields = {f"f{i}": "x" for i in range(10)} | {"key": alice_key, "action": "balance"}
    response = client.post("/api/v2", fields)
    assert response.status_code == 200
    assert "Unreadable request" in response.json()["error"]
    response = client.post("/api/v2", b"--x\r\nbroken", content_type="multipart/form-data")
    assert response.status_code == 200 and "error" in response.json()
    response = client.post("/api/v2", b'{"key": "k"}', content_type="application/json")
    assert response.json() == {"error": "Invalid API key"}


def test_an_unexpected_failure_is_logged_and_answered_as_json(api, alice_key, monkeypatch,
                                                              caplog):
    from panel.api import actions

    def broken(user, params):
        raise RuntimeError("boom")

    monkeypatch.setitem(actions.ACTIONS, "balance", broken)
    with caplog.at_level(logging.ERROR, logger="panel.api.views"):
        assert api(alice_key, "balance") == (200, {"error": "Internal error"})
    assert "boom" in caplog.text
    assert alice_key not in caplog.text


def test_answers_are_never_cached(client, alice_key, provider):
    response = client.post("/api/v2", {"key": alice_key, "action": "balance"})
    assert "no-store" in response["Cache-Control"]


def test_the_benchmark_baselines_are_not_served(client):
    for path in ("/bench/services", "/bench/insert"):
        assert client.post(path).status_code == 404


def test_get_only_when_the_owner_allows_it(client, alice_key, service, settings):
    """`API_ALLOW_GET`: for clients that send every action as GET, at the price of keys in
    access logs; off by default (the tests above)."""
    followers = service(1)
    settings.API_ALLOW_GET = True
    response = client.get("/api/v2", {"key": alice_key, "action": "balance"})
    assert response.status_code == 200 and response.json()["balance"] == "100.0000"
    response = client.get("/api/v2", {"key": alice_key, "action": "add",
                                      "service": followers.pk, "quantity": 100,
                                      "link": "https://instagram.com/p/x"})
    assert response.json() == {"order": Order.objects.get().pk}
    assert client.get("/api/v2", {"key": "wrong", "action": "balance"}).json() == {
        "error": "Invalid API key"}
    response = client.put("/api/v2")
    assert response.status_code == 405 and response["Allow"] == "GET, POST"
