"""The customers' API v2 answers in English whatever the client's language: its messages are
parsed by clients, so the language middleware never activates another language there."""

import pytest
from django.conf import settings
from django.utils import translation

from panel.api import views


@pytest.fixture
def language_seen(monkeypatch):
    """The language active while the API's view runs."""
    seen = []
    call = views._call

    def probe(request):
        seen.append(translation.get_language())
        return call(request)

    monkeypatch.setattr(views, "_call", probe)
    return seen


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v2", "/api/v2/"])
def test_arabic_accept_language_and_cookie_leave_the_api_in_english(client, language_seen, path):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    response = client.post(
        path, {"key": "not-a-key", "action": "balance"}, headers={"accept-language": "ar"}
    )
    assert language_seen == ["en"]
    assert response.json() == {"error": "Invalid API key"}
    assert response["Content-Language"] == "en"
    assert "Accept-Language" not in response.get("Vary", "")


@pytest.mark.django_db
def test_the_api_page_for_people_follows_their_language(client):
    response = client.get("/api", headers={"accept-language": "ar"})
    assert response["Content-Language"] == "ar"
    assert '<html lang="ar" dir="rtl">' in response.content.decode()
