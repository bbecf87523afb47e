"""Syncing a hostile upstream: one bad row costs one row, one bad provider costs nothing to the
others, and every failure is written on the provider and shown in admin."""

from decimal import Decimal

import pytest

from provider.models import Provider, Service, SmsPrice, SmsProject
from provider.sync import SyncFailed, sync_provider
from provider.tasks import sync_all_catalogs
from tests.fixtures.hostile import Raw, good_service, synced

pytestmark = pytest.mark.django_db

BAD_ROWS = {
    3: good_service(3, rate="1e12"),  # beyond DecimalField(18, 6)
    4: good_service(4, max=2**31),  # beyond a PositiveIntegerField
    5: good_service(5, min=-1),
    6: good_service(6, stock=-5),
    7: good_service(7, rate="-0.50"),
    8: good_service(8, rate="NaN"),
    9: good_service(9, name={"en": "not text"}),
    10: good_service(10, min=500, max=100),
    11: good_service(11, category="Cat\x00egory"),  # a key with a NUL: refused, not cleaned
}


def catalog(*rows: dict) -> dict:
    return {"services": [good_service(1), *rows]}


def test_bad_rows_are_skipped_the_rest_applied_and_the_failure_recorded(hostile,
                                                                       hostile_provider):
    hostile.answer("services", catalog(
        *BAD_ROWS.values(),
        good_service(10**20),  # an id beyond a BigIntegerField
        good_service(12, name="\u202eevil\u202c name\x00 with \x07controls"),
        good_service(13, name="N" * 5000, desc="line one\nline two\x00\u2066"),
    ))

    summary = sync_provider(hostile_provider)

    stored = {s.upstream_id: s for s in Service.objects.filter(provider=hostile_provider)}
    assert set(stored) == {1, 12, 13}
    assert stored[12].name == "evil name with controls"
    assert len(stored[13].name) == 300 and stored[13].upstream_description == "line one\nline two"
    assert len(summary.skipped) == len(BAD_ROWS) + 1
    hostile_provider.refresh_from_db()
    error = hostile_provider.last_sync_error
    assert error.startswith(f"{len(BAD_ROWS) + 1} rows skipped, the rest applied")
    for service_id in [*BAD_ROWS, 10**20]:
        assert f"service {service_id}:" in error
    assert "`max` is out of range (0..2147483647): 2147483648" in error
    assert "`rate` is out of range" in error and "`rate` is negative" in error
    assert "\x00" not in error


def test_a_row_refused_later_goes_off_sale_and_a_clean_sync_clears_the_error(hostile,
                                                                            hostile_provider):
    synced(hostile_provider)
    hostile.answer("services", catalog(good_service(2, rate="1e15")))

    synced(hostile_provider)

    # Its price is no longer known: selling it at the old one could sell below cost.
    assert not Service.objects.get(provider=hostile_provider, upstream_id=2).available
    assert "service 2:" in Provider.objects.get(pk=hostile_provider.pk).last_sync_error
    hostile.answer("services", catalog(good_service(2)))
    assert synced(hostile_provider).last_sync_error == ""
    assert Service.objects.get(provider=hostile_provider, upstream_id=2).available


def test_bad_sms_rows_are_skipped_the_rest_applied(hostile, hostile_provider):
    hostile.answer("sms_countries", [
        {"country_code": "us", "country_name": "United \u202eStates"},
        {"country_code": "x" * 11, "country_name": "Too long a code"},
        {"country_code": "g\x00b", "country_name": "NUL"},
    ])
    hostile.answer("sms_projects", [
        {"project_id": "p1", "name": "Good", "price": "0.50", "country_id": "us",
         "country_title": "United States"},
        {"project_id": "p2", "name": "Negative", "price": "-1", "country_id": "us"},
        {"project_id": "p3", "name": "Huge", "price": "1e12", "country_id": "us"},
        {"project_id": "p\x004", "name": "NUL id", "price": "1", "country_id": "us"},
        {"project_id": "p5", "name": "Bad country", "price": "1", "country_id": "u\u202es"},
    ])

    summary = sync_provider(hostile_provider)

    assert list(SmsProject.objects.values_list("project_id", flat=True)) == ["p1"]
    price = SmsPrice.objects.get()
    assert (price.country.code, price.country.name, price.cost) == (
        "us", "United States", Decimal("0.50"))
    assert len(summary.skipped) == 6
    error = Provider.objects.get(pk=hostile_provider.pk).last_sync_error
    assert "project 'p2': `price` is negative" in error
    assert "country 'xxxxxxxxxxx': `country_code` is longer than 10 characters" in error


def test_a_hostile_provider_never_stops_the_sync_of_the_others(hostile, hostile_provider,
                                                                provider, sandbox):
    sandbox.state.set_rate(1, "0.90")  # a price rise the panel must pick up
    hostile.answer("services", catalog(*BAD_ROWS.values()))

    sync_all_catalogs()

    hostile_provider.refresh_from_db()
    assert hostile_provider.last_sync_error.startswith(f"{len(BAD_ROWS)} rows skipped")
    assert Service.objects.get(provider=provider, upstream_id=1).rate == Decimal("0.90")


@pytest.mark.parametrize("body", [
    Raw(b'{"services": [{"service": 1, "rate": NaN}]}'),  # not JSON at all
    Raw(b"[" * 100_000 + b"]" * 100_000),  # nested deeper than any parser goes
    Raw(b"<html>502 Bad Gateway</html>", status=502),
    {"services": "all of them"},
])
def test_an_unreadable_catalog_changes_nothing_and_says_why(hostile, hostile_provider,
                                                            provider, sandbox, body):
    hostile.answer("services", body)
    sandbox.state.set_rate(1, "0.90")

    sync_all_catalogs()

    hostile_provider.refresh_from_db()
    assert hostile_provider.last_sync_error.startswith("fetch failed, nothing changed")
    assert not Service.objects.filter(provider=hostile_provider).exists()
    assert Service.objects.get(provider=provider, upstream_id=1).rate == Decimal("0.90")


def test_whatever_one_provider_raises_the_others_are_synced(hostile, hostile_provider,
                                                            provider, sandbox, monkeypatch):
    from provider import sync

    real = sync._sync_services

    def broken_for_hostile(provider_row, *args, **kwargs):
        if provider_row.pk == hostile_provider.pk:
            raise KeyError("a bug no test foresaw")
        return real(provider_row, *args, **kwargs)

    monkeypatch.setattr(sync, "_sync_services", broken_for_hostile)
    sandbox.state.set_rate(1, "0.90")

    sync_all_catalogs()

    hostile_provider.refresh_from_db()
    assert hostile_provider.last_sync_error == (
        "applying failed, nothing changed: KeyError: 'a bug no test foresaw'")
    assert Service.objects.get(provider=provider, upstream_id=1).rate == Decimal("0.90")


def test_an_error_outside_sync_provider_is_recorded_and_the_loop_goes_on(
        hostile_provider, provider, sandbox, monkeypatch):
    from provider import tasks

    real = tasks.sync_provider

    def explode_first(provider_row, **kwargs):
        if provider_row.pk == hostile_provider.pk:
            raise MemoryError("not a SyncFailed")
        return real(provider_row, **kwargs)

    monkeypatch.setattr(tasks, "sync_provider", explode_first)
    sandbox.state.set_rate(1, "0.90")

    sync_all_catalogs()

    hostile_provider.refresh_from_db()
    assert hostile_provider.last_sync_error == "sync failed: MemoryError: not a SyncFailed"
    assert Service.objects.get(provider=provider, upstream_id=1).rate == Decimal("0.90")


def test_sync_failed_is_still_raised_to_a_single_caller(hostile, hostile_provider):
    hostile.answer("services", Raw(b"oops"))

    with pytest.raises(SyncFailed, match="a-hostile: fetch failed"):
        sync_provider(hostile_provider)


def test_admin_shows_the_last_sync_problem(admin_client, hostile, hostile_provider):
    hostile.answer("services", catalog(BAD_ROWS[4]))
    sync_provider(hostile_provider)

    listing = admin_client.get("/admin/provider/provider/").content.decode()
    detail = admin_client.get(
        f"/admin/provider/provider/{hostile_provider.pk}/change/").content.decode()

    assert "1 rows skipped, the rest applied:" in listing
    assert "service 4: `max` is out of range (0..2147483647): 2147483648" in detail


def test_refused_categories_are_reported_even_when_none_is_left(hostile, hostile_provider):
    hostile.answer("categories", {"categories": [{"category": "Bad\x00"},
                                                 {"category": "C" * 500}]})

    summary = sync_provider(hostile_provider)

    assert len(summary.skipped) == 2 and summary.created == 2  # the services still came in
    assert "`category` holds control characters" in summary.problems()


def test_a_provider_the_client_refuses_is_recorded_and_the_others_synced(
        hostile_provider, provider, sandbox):
    Provider.objects.filter(pk=hostile_provider.pk).update(timeout=0)
    sandbox.state.set_rate(1, "0.90")

    sync_all_catalogs()

    assert Provider.objects.get(pk=hostile_provider.pk).last_sync_error == (
        "cannot call the provider: timeout must be positive")
    assert Service.objects.get(provider=provider, upstream_id=1).rate == Decimal("0.90")


def test_the_sync_command_goes_on_whatever_one_provider_raises(hostile_provider, provider,
                                                               sandbox, monkeypatch):
    from django.core.management import CommandError, call_command

    from provider.management.commands import sync_catalog

    real = sync_catalog.sync_provider

    def explode_first(provider_row, **kwargs):
        if provider_row.pk == hostile_provider.pk:
            raise RuntimeError("not a SyncFailed")
        return real(provider_row, **kwargs)

    monkeypatch.setattr(sync_catalog, "sync_provider", explode_first)
    sandbox.state.set_rate(1, "0.90")

    with pytest.raises(CommandError, match="sync failed for: a-hostile"):
        call_command("sync_catalog")

    assert Provider.objects.get(pk=hostile_provider.pk).last_sync_error == (
        "sync failed: RuntimeError: not a SyncFailed")
    assert Service.objects.get(provider=provider, upstream_id=1).rate == Decimal("0.90")


def test_skipped_rows_cost_no_queries(hostile, hostile_provider):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_with(bad_rows: int) -> int:
        hostile.answer("services", catalog(
            *(good_service(100 + i, max=2**40) for i in range(bad_rows))))
        with CaptureQueriesContext(connection) as ctx:
            sync_provider(hostile_provider)
        return len(ctx)

    queries_with(1)  # the first sync creates the good rows
    assert queries_with(5) == queries_with(500)
