"""A re-sync reads only the rows the upstream changed (`provider.sync_rows`): each service
keeps the digest of the row it was written from. Every row written is read by the parser
first; a row found by its digest is left as it was."""

import json
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from provider import catalog_rows, sync_rows
from provider.models import PriceChange, PricingRule, Provider, Service
from provider.sync import sync_provider
from provider.upstream_types import parse_service
from tests.fixtures.hostile import HostileUpstream, good_service

pytestmark = pytest.mark.django_db


class Catalog:
    """A services answer the test edits between syncs; `sub` names each row's subcategory."""

    def __init__(self, upstream: HostileUpstream, count: int) -> None:
        self.rows = {n: good_service(n) for n in range(1, count + 1)}
        self.sub = {n: "Likes" if n % 2 else "Followers" for n in self.rows}
        upstream.answer(
            "categories",
            {"categories": [{"category": "Hostile", "subcategories": ["Followers", "Likes"]}]},
        )
        upstream.answer("services", self.answer)

    def answer(self, form: dict[str, str]) -> dict:
        wanted = form.get("subcategory")
        return {"services": [row for n, row in self.rows.items() if wanted in (None, self.sub[n])]}


@pytest.fixture
def provider(upstream) -> Provider:
    return Provider.objects.create(
        name="digest", api_url=upstream.url, api_key=upstream.key, timeout=2.0
    )


@pytest.fixture
def reads(monkeypatch) -> list[object]:
    return counted_reads(monkeypatch)


def counted_reads(monkeypatch) -> list[object]:
    """The rows the sync reads, in order, as sent: through the parser (an answer read the
    usual way) or through `catalog_rows.read` (an answer decoded by msgspec)."""
    read: list[object] = []
    read_decoded = catalog_rows.read

    def counting(row: object):
        read.append(row)
        return parse_service(row)

    def counting_decoded(row: catalog_rows.PlainRow, raw: bytes):
        read.append(json.loads(bytes(raw)))
        return read_decoded(row, raw)

    monkeypatch.setattr(sync_rows, "parse_service", counting)
    monkeypatch.setattr(catalog_rows, "read", counting_decoded)
    return read


def test_an_unchanged_resync_reads_no_row(upstream, provider, reads):
    Catalog(upstream, 30)
    sync_provider(provider)
    assert len(reads) == 30  # a first sync reads every row
    reads.clear()
    summary = sync_provider(provider)
    assert reads == []
    assert (summary.unchanged, summary.updated, summary.created) == (30, 0, 0)
    assert Service.objects.filter(sync_digest__isnull=True).count() == 0


def test_a_changed_row_is_read_and_written(upstream, provider, reads):
    catalog = Catalog(upstream, 30)
    sync_provider(provider)
    reads.clear()
    catalog.rows[7] = good_service(7, rate="2.50", name="Renamed")
    summary = sync_provider(provider)
    assert [row["service"] for row in reads] == [7]
    assert (summary.updated, summary.unchanged, summary.price_changes) == (1, 29, 1)
    service = Service.objects.get(upstream_id=7)
    assert (service.name, service.rate) == ("Renamed", D("2.50"))
    assert PriceChange.objects.get().new_rate == D("2.50")
    reads.clear()
    assert sync_provider(provider).updated == 0
    assert reads == []


def test_a_stored_row_turned_hostile_is_refused_and_taken_off_sale(upstream, provider, reads):
    catalog = Catalog(upstream, 5)
    sync_provider(provider)
    catalog.rows[3] = good_service(3, rate="-1")
    summary = sync_provider(provider)
    assert [skip.row for skip in summary.skipped] == ["service 3"]
    service = Service.objects.get(upstream_id=3)
    assert service.available is False
    assert service.rate == D("1.00")  # the refused value was never written


def test_a_row_sent_differently_but_read_the_same_only_updates_its_digest(upstream, provider):
    catalog = Catalog(upstream, 3)
    sync_provider(provider)
    before = Service.objects.get(upstream_id=2).sync_digest
    catalog.rows[2] = good_service(2, rate="1.0")  # the same amount, written differently
    summary = sync_provider(provider)
    assert (summary.updated, summary.unchanged, summary.price_changes) == (0, 3, 0)
    assert Service.objects.get(upstream_id=2).sync_digest != before


def test_a_new_subcategory_moves_the_row(upstream, provider, reads):
    catalog = Catalog(upstream, 4)
    sync_provider(provider)
    reads.clear()
    catalog.sub[2] = "Likes"
    sync_provider(provider)
    assert [row["service"] for row in reads] == [2]
    assert Service.objects.get(upstream_id=2).subcategory.name == "Likes"


def test_a_rule_change_reads_every_row_again(upstream, provider, reads):
    Catalog(upstream, 6)
    sync_provider(provider)
    reads.clear()
    PricingRule.objects.create(percent=D("50"))  # without repricing: the sync prices anyway
    summary = sync_provider(provider)
    assert len(reads) == 6
    assert summary.updated == 6
    assert Service.objects.get(upstream_id=1).sell_price == D("1.5000")


def test_a_service_back_after_leaving_is_restored_though_its_row_is_the_same(upstream, provider):
    catalog = Catalog(upstream, 4)
    sync_provider(provider)
    row = catalog.rows.pop(4)
    assert sync_provider(provider).disabled == 1
    catalog.rows[4] = row
    summary = sync_provider(provider)
    assert summary.restored == 1
    assert Service.objects.get(upstream_id=4).available is True


def test_a_service_listed_twice_counts_once_as_first_listed(upstream, provider):
    catalog = Catalog(upstream, 2)
    sync_provider(provider)
    upstream.answer(
        "services",
        lambda form: {
            "services": [*catalog.answer(form)["services"], good_service(1, name="Second listing")]
        },
    )
    summary = sync_provider(provider)
    assert Service.objects.get(upstream_id=1).name == "Service 1"
    assert summary.unchanged == 2


@pytest.mark.parametrize("mode", ["first", "again"])
def test_queries_are_the_same_at_400_and_20000_services(upstream, mode):
    counts = []
    for count in (400, 20_000):
        Catalog(upstream, count)
        provider = Provider.objects.create(
            name=f"p{count}", api_url=upstream.url, api_key=upstream.key, timeout=20.0
        )
        if mode == "again":
            sync_provider(provider)
        with CaptureQueriesContext(connection) as queries:
            summary = sync_provider(provider)
        assert summary.created + summary.unchanged == count
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts
