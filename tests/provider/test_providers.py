from decimal import Decimal as D

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from panel.models import Incident
from provider.models import PricingRule, Provider
from provider.providers import check_balance, low_balance_key
from provider.tasks import check_provider_balances

pytestmark = pytest.mark.django_db


def test_add_provider_creates_then_updates(sandbox, capsys):
    call_command("add_provider", "main", "--url", sandbox.url, "--key", "k1", "--markup", "25",
                 "--timeout", "7.5")
    provider = Provider.objects.get(name="main")
    assert (provider.api_key, provider.timeout) == ("k1", 7.5)
    assert PricingRule.objects.get(provider=provider).percent == D(25)
    call_command("add_provider", "main", "--url", sandbox.url, "--key", "k2", "--markup", "10")
    provider.refresh_from_db()
    assert provider.api_key == "k2"
    assert PricingRule.objects.get(provider=provider).percent == D(10)
    assert Provider.objects.count() == 1
    out = capsys.readouterr().out
    assert "Created provider main" in out and "Updated provider main" in out


@pytest.mark.parametrize("url", ["ftp://x.example/api", "not a url", "file:///etc/passwd"])
def test_add_provider_refuses_non_http_urls(url):
    with pytest.raises(CommandError):
        call_command("add_provider", "bad", "--url", url, "--key", "k")
    assert not Provider.objects.exists()


def test_add_provider_refuses_a_bad_markup(sandbox):
    with pytest.raises(CommandError):
        call_command("add_provider", "bad", "--url", sandbox.url, "--key", "k", "--markup", "x")


def test_low_balance_alerts_staff_once(sandbox, settings):
    settings.STAFF_ALERT_EMAILS = ["ops@example.com"]
    provider = Provider.objects.create(name="p", api_url=sandbox.url, api_key=sandbox.key,
                                       balance_alert_below=D("50"))
    sandbox.configure(balance="10.00")
    assert check_balance(provider) is True
    provider.refresh_from_db()
    assert provider.balance == D("10.00") and provider.balance_checked_at
    check_provider_balances()
    assert len(mail.outbox) == 1, "one alert per drop"
    assert "balance is low" in mail.outbox[0].subject
    sandbox.configure(balance="100.00")
    provider.refresh_from_db()
    assert check_balance(provider) is False
    assert not Incident.objects.filter(key=low_balance_key(provider), closed_at=None).exists()
    sandbox.configure(balance="10.00")
    assert check_balance(provider) is True, "a new drop after recovery alerts again"
    assert len(mail.outbox) == 2


def test_admin_test_connection_shows_the_balance(sandbox, admin_client):
    provider = Provider.objects.create(name="p", api_url=sandbox.url, api_key=sandbox.key)
    response = admin_client.post(reverse("admin:provider_provider_changelist"),
                                 {"action": "test_connection", "_selected_action": [provider.pk]},
                                 follow=True)
    assert "connected, balance 1000.00 USD" in response.content.decode()


def test_admin_pages_render(sandbox, admin_client, provider):
    for name in ["provider_provider", "provider_service", "provider_category",
                 "provider_pricingrule", "provider_pricechange", "provider_smsprice",
                 "orders_order", "orders_wallet", "orders_ledgerentry", "panel_user"]:
        response = admin_client.get(reverse(f"admin:{name}_changelist"))
        assert response.status_code == 200, name
    response = admin_client.get(reverse("admin:provider_provider_change", args=[provider.pk]))
    assert response.status_code == 200
    assert sandbox.key not in response.content.decode(), "the key is never shown back"


def test_admin_bulk_set_markup_reprices_the_selected_services(admin_client, provider):
    from provider.models import Service

    followers = Service.objects.get(upstream_id=1)
    url = reverse("admin:provider_service_changelist")
    page = admin_client.post(url, {"action": "set_markup", "_selected_action": [followers.pk]})
    assert b"Set a markup rule" in page.content
    admin_client.post(url, {"action": "set_markup", "_selected_action": [followers.pk],
                            "apply": "1", "percent": "50"})
    followers.refresh_from_db()
    assert followers.sell_price == D("0.75")
    assert PricingRule.objects.get(service=followers).percent == D(50)
    listing = admin_client.get(url).content.decode()
    assert "0.750000" in listing and "0.250000" in listing, "cost, sell price and margin"


def test_admin_category_rule_reprices(admin_client, provider):
    from provider.models import Category, Service

    instagram = Category.objects.get(provider=provider, name="Instagram", parent=None)
    url = reverse("admin:provider_category_change", args=[instagram.pk])
    form = {"provider": provider.pk, "name": "Instagram", "position": instagram.position,
            "pricing_rules-TOTAL_FORMS": "1", "pricing_rules-INITIAL_FORMS": "0",
            "pricing_rules-MIN_NUM_FORMS": "0", "pricing_rules-MAX_NUM_FORMS": "1",
            "pricing_rules-0-percent": "100", "pricing_rules-0-fixed": "0",
            "pricing_rules-0-rounding": "step", "pricing_rules-0-step": "0.01",
            "pricing_rules-0-ending": "0.99"}
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Service.objects.get(upstream_id=1).sell_price == D("1.00")


def test_new_providers_take_the_default_timeout(sandbox, settings):
    settings.PROVIDER_DEFAULT_TIMEOUT = 12.5
    call_command("add_provider", "p", "--url", sandbox.url, "--key", "k")
    assert Provider.objects.get().timeout == 12.5
