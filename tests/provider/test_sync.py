"""Catalog sync from the sandbox over HTTP: create, update, disable, restore, local edits
kept, price history, failures that change nothing, and a query count that does not grow."""

from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from provider.models import Category, PriceChange, PricingRule, Provider, Service, SmsPrice
from provider.sync import SyncFailed, sync_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def upstream(sandbox) -> Provider:
    return Provider.objects.create(name="sandbox", api_url=sandbox.url, api_key=sandbox.key,
                                   timeout=1.0)


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries
            if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
            and ("provider_service" in q["sql"] or "provider_category" in q["sql"]
                 or "provider_sms" in q["sql"] or "provider_pricechange" in q["sql"])]


def test_first_sync_imports_the_catalog(upstream, sandbox):
    summary = sync_provider(upstream)
    total = sandbox.state.knobs.services
    assert summary.created == total == Service.objects.count()
    followers = Service.objects.get(upstream_id=1)
    assert followers.name == "Instagram Followers"
    assert followers.rate == D("0.50")
    assert (followers.min_quantity, followers.max_quantity) == (100, 10000)
    assert followers.refill is True and followers.entity_type == "smm"
    assert followers.price_unit == 1000
    assert followers.category.name == "Instagram"
    assert followers.subcategory.name == "Followers"
    gmail = Service.objects.get(upstream_id=4)
    assert (gmail.entity_type, gmail.price_unit, gmail.stock) == ("product", 1, 50)
    netflix = Service.objects.get(upstream_id=6)
    assert netflix.auto_delivery is False
    assert Category.objects.filter(parent=None, name="Instagram").exists()
    assert SmsPrice.objects.filter(project__name="OpenAI / ChatGPT").count() >= 2
    upstream.refresh_from_db()
    assert upstream.last_synced_at is not None and upstream.multi_status is False


def test_unchanged_resync_writes_nothing(upstream):
    sync_provider(upstream)
    with CaptureQueriesContext(connection) as ctx:
        summary = sync_provider(upstream)
    assert writes(ctx.captured_queries) == []
    assert summary.created == summary.updated == summary.disabled == 0
    assert summary.unchanged == Service.objects.count()


def test_sync_query_count_does_not_grow_with_the_catalog(sandbox):
    counts = []
    for size in (40, 400):
        sandbox.reset(services=size)
        upstream = Provider.objects.create(name=f"size {size}", api_url=sandbox.url,
                                           api_key=sandbox.key, timeout=1.0)
        with CaptureQueriesContext(connection) as first:
            sync_provider(upstream)
        with CaptureQueriesContext(connection) as again:
            sync_provider(upstream)
        counts.append((len(first.captured_queries), len(again.captured_queries)))
    assert counts[0] == counts[1], counts


def test_a_service_that_disappears_is_disabled_and_comes_back(upstream, sandbox):
    sync_provider(upstream)
    sandbox.configure(services=30)
    summary = sync_provider(upstream)
    assert summary.disabled == 10
    gone = Service.objects.get(upstream_id=40)
    assert gone.available is False and gone.enabled is True, "never deleted"
    sandbox.configure(services=40)
    summary = sync_provider(upstream)
    assert summary.restored == 10
    assert Service.objects.get(upstream_id=40).available is True


def test_local_edits_survive_sync(upstream, sandbox):
    sync_provider(upstream)
    Service.objects.filter(upstream_id=1).update(
        custom_name="Premium followers", description="Our best", enabled=False,
        price_override=D("9.99"))
    sandbox.state.set_rate(1, D("0.55"))
    sync_provider(upstream)
    svc = Service.objects.get(upstream_id=1)
    assert (svc.custom_name, svc.description, svc.enabled) == ("Premium followers", "Our best",
                                                                False)
    assert svc.rate == D("0.55")
    assert svc.sell_price == D("9.99"), "the override wins over rules"


def test_price_changes_are_recorded_and_sell_price_follows(upstream, sandbox):
    PricingRule.objects.create(provider=upstream, percent=D(20), step=D("0.01"))
    sync_provider(upstream)
    assert Service.objects.get(upstream_id=1).sell_price == D("0.60")
    sandbox.state.set_rate(1, D("1.00"))
    summary = sync_provider(upstream)
    assert summary.price_changes == 1
    change = PriceChange.objects.get()
    assert (change.old_rate, change.new_rate) == (D("0.50"), D("1.00"))
    assert Service.objects.get(upstream_id=1).sell_price == D("1.20")


def test_new_services_can_wait_for_an_admin(upstream):
    upstream.new_services_on_sale = False
    upstream.save()
    sync_provider(upstream)
    assert not Service.objects.filter(enabled=True).exists()


@pytest.mark.parametrize("kind", ["http500", "html", "malformed", "timeout", "error"])
def test_a_failed_fetch_changes_nothing(upstream, sandbox, kind):
    sync_provider(upstream)
    before = list(Service.objects.values_list("id", "rate", "available").order_by("id"))
    sandbox.configure(services=30)
    sandbox.fault("services", kind, delay=2)
    with pytest.raises(SyncFailed, match="nothing changed"):
        sync_provider(upstream)
    assert list(Service.objects.values_list("id", "rate", "available").order_by("id")) == before
    upstream.refresh_from_db()
    assert upstream.last_sync_error


def test_standard_provider_syncs_without_hstockplus_extensions(sandbox):
    standard = Provider.objects.create(name="std", api_url=sandbox.standard_url,
                                       api_key=sandbox.key, timeout=1.0)
    summary = sync_provider(standard)
    assert summary.created > 0
    assert summary.sms_countries == 0
    assert not Service.objects.filter(provider=standard, entity_type="product").exists()
    assert Service.objects.filter(provider=standard, stock=None).count() == summary.created
    standard.refresh_from_db()
    assert standard.multi_status is True


def test_sync_catalog_command_prints_progress_and_summary(upstream, capsys):
    call_command("sync_catalog", "--provider", "sandbox")
    out = capsys.readouterr().out
    assert "Syncing sandbox" in out
    assert "created" in out and "unchanged" in out


def test_sync_catalog_command_fails_loudly(upstream, sandbox):
    sandbox.fault("services", "http500")
    with pytest.raises(CommandError, match="sync failed"):
        call_command("sync_catalog")
    with pytest.raises(CommandError, match="no provider"):
        call_command("sync_catalog", "--provider", "nope")
