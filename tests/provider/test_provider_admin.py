"""A provider's key goes only to the URL it was entered for, and provider URLs are refused
when they point at private addresses: through the admin, `add_provider` and `save_provider`."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from provider.models import Provider
from provider.providers import save_provider
from tests.provider.recording_upstream import recording_upstream

pytestmark = pytest.mark.django_db

KEY, NEW_KEY = "k3y-first-1111", "k3y-second-2222"


def _change_form(provider: Provider, **fields: str) -> dict[str, str]:
    return {"name": provider.name, "api_url": provider.api_url, "api_key": "",
            "timeout": "2", "enabled": "on", "currency": "USD",
            "new_services_on_sale": "on", "multi_status": "unknown", "balance_alert_below": "",
            "pricing_rules-TOTAL_FORMS": "0", "pricing_rules-INITIAL_FORMS": "0",
            "pricing_rules-MIN_NUM_FORMS": "0", "pricing_rules-MAX_NUM_FORMS": "1", **fields}


def _test_connection(admin_client, provider: Provider) -> str:
    response = admin_client.post(reverse("admin:provider_provider_changelist"),
                                 {"action": "test_connection", "_selected_action": [provider.pk]},
                                 follow=True)
    return response.content.decode()


@pytest.fixture
def upstreams():
    with recording_upstream() as entered, recording_upstream() as elsewhere:
        yield entered, elsewhere


@pytest.fixture
def saved(upstreams) -> Provider:
    entered, _ = upstreams
    return Provider.objects.create(name="main", api_url=entered.url(), api_key=KEY, timeout=2)


def test_a_new_url_without_the_key_is_refused_and_the_key_stays_home(admin_client, upstreams,
                                                                      saved):
    entered, elsewhere = upstreams
    url = reverse("admin:provider_provider_change", args=[saved.pk])

    response = admin_client.post(url, _change_form(saved, api_url=elsewhere.url()))

    assert response.status_code == 200
    assert "The URL changed: enter the API key again" in response.content.decode()
    saved.refresh_from_db()
    assert (saved.api_url, saved.api_key) == (entered.url(), KEY)
    assert "connected, balance 12.50" in _test_connection(admin_client, saved)
    assert entered.keys == [KEY] and elsewhere.received == [], "never the old key elsewhere"


def test_a_new_url_with_its_key_is_saved_and_tested_as_a_pair(admin_client, upstreams, saved):
    entered, elsewhere = upstreams
    url = reverse("admin:provider_provider_change", args=[saved.pk])

    response = admin_client.post(url, _change_form(saved, api_url=elsewhere.url(),
                                                   api_key=NEW_KEY))

    assert response.status_code == 302, response.content.decode()[:2000]
    _test_connection(admin_client, saved)
    assert elsewhere.keys == [NEW_KEY] and entered.received == []


def test_an_unchanged_url_keeps_the_saved_key(admin_client, saved):
    url = reverse("admin:provider_provider_change", args=[saved.pk])
    response = admin_client.post(url, _change_form(saved, timeout="3"))
    assert response.status_code == 302, response.content.decode()[:2000]
    saved.refresh_from_db()
    assert (saved.api_key, saved.timeout) == (KEY, 3.0)


def test_save_provider_refuses_a_new_url_with_the_saved_key(saved):
    with pytest.raises(ValidationError, match="enter the API key again"):
        save_provider(name="main", url="http://93.184.216.34/api/v2", key="")
    provider, created = save_provider(name="main", url=saved.api_url, key="")
    assert not created and provider.api_key == KEY


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/api/v2", "http://localhost/api/v2",
                                 "http://2130706433/api/v2", "http://[::1]/api/v2",
                                 "http://169.254.169.254/latest"])
def test_the_admin_refuses_private_urls_unless_allowed(admin_client, settings, url):
    settings.PROVIDER_ALLOW_PRIVATE_URLS = False
    form = _change_form(Provider(name="new", api_url=url), api_key=KEY)

    response = admin_client.post(reverse("admin:provider_provider_add"), form)

    assert response.status_code == 200
    assert "a loopback, private or reserved address" in response.content.decode()
    assert not Provider.objects.exists()


def test_the_admin_takes_a_local_url_when_allowed(admin_client, settings):
    settings.PROVIDER_ALLOW_PRIVATE_URLS = True
    form = _change_form(Provider(name="new", api_url="http://127.0.0.1:9/api/v2"), api_key=KEY)
    assert admin_client.post(reverse("admin:provider_provider_add"), form).status_code == 302


def test_the_admin_refuses_other_schemes(admin_client):
    form = _change_form(Provider(name="new", api_url="ftp://93.184.216.34/api"), api_key=KEY)
    response = admin_client.post(reverse("admin:provider_provider_add"), form)
    assert "must be an http:// or https:// URL" in response.content.decode()
    assert not Provider.objects.exists()


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/api/v2", "http://0x7f000001/api/v2",
                                 "http://[::ffff:10.0.0.1]/api/v2"])
def test_add_provider_refuses_private_urls_unless_allowed(settings, url):
    settings.PROVIDER_ALLOW_PRIVATE_URLS = False
    with pytest.raises(CommandError, match="private or reserved"):
        call_command("add_provider", "p", "--url", url, "--key", KEY)
    assert not Provider.objects.exists()


def test_add_provider_takes_a_local_url_when_allowed(settings):
    settings.PROVIDER_ALLOW_PRIVATE_URLS = True
    call_command("add_provider", "p", "--url", "http://localhost:9/api/v2", "--key", KEY)
    assert Provider.objects.get().api_url == "http://localhost:9/api/v2"
