"""The API page at `/api`: the endpoint, the key, every action with an example, a try-it
form; and the small view that makes a new key and shows it once."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from panel.api.actions import ACTIONS

pytestmark = pytest.mark.django_db


def test_the_page_documents_every_action(client):
    response = client.get("/api")
    assert response.status_code == 200
    page = response.content.decode()
    assert "http://testserver/api/v2" in page
    for action in ACTIONS:
        assert f'id="action-{action}"' in page
        assert f"-d action={action}" in page
    assert "curl -X POST" in page and "YOUR_API_KEY" in page
    assert "&quot;order&quot;: 23501" in page  # an example answer
    assert 'id="api-try"' in page and 'action="http://testserver/api/v2"' in page
    assert "Sign in" in page
    assert client.get("/api/").status_code == 200


def test_the_page_keeps_to_the_csp(client):
    response = client.get("/api")
    page = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert not re.search(r"<script(?![^>]*\bsrc=)", page), "no inline script"
    assert "<style" not in page and " style=" not in page, "no inline style"
    assert re.search(r'<script src="/static/js/api\.[0-9a-f]+\.js" defer>', page)
    assert finders.find("js/api.js") and finders.find("css/api.css")


def test_a_signed_in_customer_sees_the_key_prefix(client, alice, alice_key):
    client.force_login(alice)
    page = client.get("/api").content.decode()
    assert f"<code>{alice_key[:8]}…</code>" in page
    assert alice_key not in page
    assert 'action="/api/key"' in page and "csrfmiddlewaretoken" in page


def test_a_new_key_is_shown_once_and_the_old_one_stops(api, client, alice, alice_key):
    client.force_login(alice)
    response = client.post("/api/key")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    new_key = re.search(r'<code id="api-new-key">([^<]+)</code>', response.content.decode())[1]
    assert new_key != alice_key
    assert api(alice_key, "balance") == (200, {"error": "Invalid API key"})
    assert api(new_key, "balance")[1]["balance"] == "100.0000"
    page = client.get("/api").content.decode()
    assert new_key not in page and new_key[:8] in page


def test_making_a_key_needs_a_signed_in_post_with_csrf(client, alice):
    assert client.post("/api/key").url == "/api"
    client.force_login(alice)
    assert client.get("/api/key").status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    assert strict.post("/api/key").status_code == 403
