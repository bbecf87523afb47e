"""A `services` answer identical to the last full sync's, under the same pricing rules and
within CATALOG_SUBCATEGORY_REFRESH of that sync, ends the sync: nothing decoded, nothing
asked but `services`, nothing written but the time (`provider.catalog_digest`)."""

from datetime import timedelta
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from provider import catalog_rows, sync
from provider.client import ProviderClient
from provider.models import PricingRule, Provider, Service, SmsPrice
from provider.sync import SyncFailed, sync_provider
from provider.tasks import sync_all_catalogs
from tests.fixtures.hostile import Raw, good_service
from tests.provider.test_sync_digest import Catalog, counted_reads

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(upstream) -> Provider:
    return Provider.objects.create(
        name="whole", api_url=upstream.url, api_key=upstream.key, timeout=2.0
    )


@pytest.fixture
def reads(monkeypatch) -> list[object]:
    """The rows the sync reads, as sent."""
    return counted_reads(monkeypatch)


@pytest.fixture
def decoded(monkeypatch) -> list[bytes]:
    """The `services` answers the sync decoded (by msgspec, or the usual way)."""
    bodies: list[bytes] = []
    original, decode = ProviderClient.service_rows_from, catalog_rows.decode

    def counting(self, body: bytes) -> list[object]:
        bodies.append(body)
        return original(self, body)

    def counting_decode(body: bytes) -> catalog_rows.CatalogRows | None:
        bodies.append(body)
        return decode(body)

    monkeypatch.setattr(ProviderClient, "service_rows_from", counting)
    monkeypatch.setattr(catalog_rows, "decode", counting_decode)
    return bodies


def synced_twice(upstream, provider, count: int = 6) -> Catalog:
    """A catalog synced once in full, then once more (the short-circuit needs what the first
    sync detected); the upstream's calls forgotten."""
    catalog = Catalog(upstream, count)
    sync_provider(Provider.objects.get(pk=provider.pk))
    sync_provider(Provider.objects.get(pk=provider.pk))
    upstream.calls.clear()
    return catalog


def resync(provider: Provider):
    return sync_provider(Provider.objects.get(pk=provider.pk))


def test_an_unchanged_answer_is_not_decoded_and_nothing_is_written(
    upstream, provider, reads, decoded
):
    synced_twice(upstream, provider)
    stored = list(Service.objects.order_by("id").values())
    before = Provider.objects.get(pk=provider.pk).last_synced_at
    reads.clear()
    decoded.clear()
    with CaptureQueriesContext(connection) as queries:
        summary = resync(provider)
    assert summary.short_circuit and not summary.changed
    assert (reads, decoded) == ([], [])
    assert [call["action"] for call in upstream.calls] == ["services"]  # one call
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert len(writes) == 1 and "provider_provider" in writes[0]  # the time, nothing else
    assert list(Service.objects.order_by("id").values()) == stored
    assert Provider.objects.get(pk=provider.pk).last_synced_at > before


def test_the_short_circuit_query_count_does_not_grow_with_the_catalog(upstream):
    counts = []
    for count in (40, 400):
        provider = Provider.objects.create(
            name=f"p{count}", api_url=upstream.url, api_key=upstream.key, timeout=5.0
        )
        synced_twice(upstream, provider, count)
        with CaptureQueriesContext(connection) as queries:
            assert resync(provider).short_circuit
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts


def test_listings_older_than_the_bound_are_read_again(upstream, provider, settings, reads):
    catalog = synced_twice(upstream, provider)
    settings.CATALOG_SUBCATEGORY_REFRESH = 600
    Provider.objects.filter(pk=provider.pk).update(
        catalog_refreshed_at=timezone.now() - timedelta(seconds=601)
    )
    catalog.sub[2] = "Likes"  # a move: the `services` answer is the same bytes
    summary = resync(provider)
    assert not summary.short_circuit
    assert any(call.get("subcategory") for call in upstream.calls)
    assert Service.objects.get(upstream_id=2).subcategory.name == "Likes"
    upstream.calls.clear()
    assert resync(provider).short_circuit  # refreshed again: the bound starts over
    assert [call["action"] for call in upstream.calls] == ["services"]


def test_a_bound_of_zero_always_syncs_in_full(upstream, provider, settings):
    synced_twice(upstream, provider)
    settings.CATALOG_SUBCATEGORY_REFRESH = 0
    assert not resync(provider).short_circuit


def test_one_changed_row_takes_the_full_path(upstream, provider, reads, decoded):
    catalog = synced_twice(upstream, provider)
    reads.clear()
    decoded.clear()
    catalog.rows[3] = good_service(3, rate="4.00", name="Changed")
    summary = resync(provider)
    assert not summary.short_circuit and len(decoded) == 1
    # The answer fetched for the comparison is the one decoded: `services` asked once (and
    # once in each other language, for the names).
    listed = [c for c in upstream.calls_of("services") if "subcategory" not in c]
    assert len([c for c in listed if "lang" not in c]) == 1
    assert [row["service"] for row in reads] == [3]
    assert (summary.updated, summary.unchanged) == (1, 5)
    service = Service.objects.get(upstream_id=3)
    assert (service.name, service.rate) == ("Changed", D("4.00"))
    assert resync(provider).short_circuit  # the new answer's digest was kept


def test_a_changed_row_turned_hostile_is_still_refused(upstream, provider):
    catalog = synced_twice(upstream, provider)
    catalog.rows[4] = good_service(4, rate="-1")
    summary = resync(provider)
    assert [skip.row for skip in summary.skipped] == ["service 4"]
    assert Service.objects.get(upstream_id=4).available is False


def test_a_pricing_rule_change_takes_the_full_path(upstream, provider, reads):
    synced_twice(upstream, provider)
    reads.clear()
    PricingRule.objects.create(percent=D("50"))
    summary = resync(provider)
    assert not summary.short_circuit
    assert len(reads) == 6  # every row read again under the new rules
    assert resync(provider).short_circuit


def test_a_failed_sync_keeps_no_digest(upstream, provider):
    catalog = synced_twice(upstream, provider)
    catalog.rows[1] = good_service(1, rate="3.00")
    upstream.answer("categories", Raw(500, b"down"))
    with pytest.raises(SyncFailed):
        resync(provider)
    stored = Provider.objects.get(pk=provider.pk)
    assert stored.catalog_digest == "" and stored.last_sync_error
    # The categories answer comes back: the next sync runs in full, and keeps a digest.
    upstream.answer(
        "categories",
        {"categories": [{"category": "Hostile", "subcategories": ["Followers", "Likes"]}]},
    )
    assert not resync(provider).short_circuit
    assert Provider.objects.get(pk=provider.pk).catalog_digest


def test_a_failed_fetch_of_the_answer_to_compare_clears_the_digest(upstream, provider):
    synced_twice(upstream, provider)
    upstream.answer("services", Raw(500, b"down"))
    with pytest.raises(SyncFailed):
        resync(provider)
    assert Provider.objects.get(pk=provider.pk).catalog_digest == ""


def test_a_sync_failing_while_applying_keeps_no_digest(upstream, provider, monkeypatch):
    catalog = synced_twice(upstream, provider)
    catalog.rows[2] = good_service(2, rate="3.00")

    def failing(*args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(sync, "_sync_sms", failing)
    monkeypatch.setattr(sync, "_sync_categories", failing)
    with pytest.raises(SyncFailed):
        resync(provider)
    assert Provider.objects.get(pk=provider.pk).catalog_digest == ""
    assert Service.objects.get(upstream_id=2).rate == D("1.00")


def test_a_failed_first_sync_stores_no_digest(upstream, provider):
    Catalog(upstream, 3)
    upstream.answer("categories", Raw(500, b"down"))
    with pytest.raises(SyncFailed):
        sync_provider(provider)
    assert Provider.objects.get(pk=provider.pk).catalog_digest == ""


def test_after_a_failure_the_next_sync_runs_in_full_and_clears_the_error(upstream, provider):
    catalog = synced_twice(upstream, provider)
    Provider.objects.filter(pk=provider.pk).update(last_sync_error="x", catalog_digest="")
    upstream.answer("services", catalog.answer)
    summary = resync(provider)
    assert not summary.short_circuit
    stored = Provider.objects.get(pk=provider.pk)
    assert stored.last_sync_error == "" and stored.catalog_digest


def test_an_sms_catalog_is_still_read_and_its_prices_applied(upstream, provider):
    offer = {
        "project_id": "p1",
        "name": "Chat",
        "price": "0.50",
        "country_id": "us",
        "country_title": "United States",
    }
    upstream.answer("sms_countries", [{"country_code": "us", "country_name": "United States"}])
    upstream.answer("sms_projects", lambda form: [offer])
    synced_twice(upstream, provider)
    offer["price"] = "0.80"  # the upstream's cost rises; the services answer is the same
    summary = resync(provider)
    assert summary.short_circuit
    assert [call["action"] for call in upstream.calls] == [
        "services",
        "sms_countries",
        "sms_projects",
    ]
    assert SmsPrice.objects.get().cost == D("0.80")


def test_a_refused_sms_row_takes_the_full_path(upstream, provider):
    upstream.answer("sms_countries", [{"country_code": "us", "country_name": "United States"}])
    upstream.answer("sms_projects", [])
    synced_twice(upstream, provider)
    upstream.answer(
        "sms_projects",
        [
            {
                "project_id": "p1",
                "name": "Chat",
                "price": "-1",
                "country_id": "us",
                "country_title": "United States",
            }
        ],
    )
    summary = resync(provider)
    assert not summary.short_circuit and len(summary.skipped) == 1


def test_the_command_asks_for_translated_names_only_after_a_full_sync(upstream, provider):
    synced_twice(upstream, provider)
    call_command("sync_catalog", stdout=StringIO())
    assert [call.get("lang") for call in upstream.calls] == [None]  # `services` alone
    Provider.objects.filter(pk=provider.pk).update(catalog_digest="")
    upstream.calls.clear()
    call_command("sync_catalog", stdout=StringIO())
    assert "ar" in {call.get("lang") for call in upstream.calls}


def test_the_periodic_task_asks_for_translated_names_only_after_a_full_sync(upstream, provider):
    synced_twice(upstream, provider)
    sync_all_catalogs()
    assert [call["action"] for call in upstream.calls] == ["services"]
    Provider.objects.filter(pk=provider.pk).update(catalog_digest="")
    upstream.calls.clear()
    sync_all_catalogs()
    assert "ar" in {call.get("lang") for call in upstream.calls}


def test_an_action_still_to_detect_takes_the_full_path(upstream, provider):
    synced_twice(upstream, provider)
    Provider.objects.filter(pk=provider.pk).update(has_refill=None)
    assert not resync(provider).short_circuit
    assert Provider.objects.get(pk=provider.pk).has_refill is not None
    assert resync(provider).short_circuit
