"""`provider.bulk`: plain-tuple inserts and updates, the same on SQLite (executemany) and
PostgreSQL (COPY); run this file with DATABASE_URL=postgres://... for the latter."""

from decimal import Decimal as D

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from provider.bulk import BATCH, ROWS_PER_INSERT, InsertBehind, insert_rows, update_rows
from provider.models import Category, Provider, Service

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider() -> Provider:
    return Provider.objects.create(name="p", api_url="https://upstream.example/api/v2",
                                   api_key="k")


def test_insert_rows_writes_every_row_as_given(provider):
    count = BATCH * 2 + 7  # more than update_rows' batch
    rows = ((provider.id, f"Category {n}", n) for n in range(count))
    with CaptureQueriesContext(connection) as ctx:
        insert_rows(Category, ["provider_id", "name", "position"], rows)
    assert Category.objects.filter(provider=provider).count() == count
    assert Category.objects.get(name="Category 1234").position == 1234
    inserts = [q["sql"] for q in ctx.captured_queries if "INSERT" in q["sql"]]
    if connection.vendor == "postgresql":
        assert inserts == [], "COPY, not INSERT"
    else:
        # Two executemany (many rows to a statement, then the rows left over): never one
        # per row or per batch.
        assert len(inserts) == 2


@pytest.mark.parametrize("count", [1, ROWS_PER_INSERT, ROWS_PER_INSERT * 3 + 1])
def test_insert_rows_keeps_every_row_and_its_order_whatever_the_count(provider, count):
    rows = ((provider.id, f"C{n}", n) for n in range(count))
    insert_rows(Category, ["provider_id", "name", "position"], rows)
    stored = list(Category.objects.filter(provider=provider).order_by("id")
                  .values_list("name", "position"))
    assert stored == [(f"C{n}", n) for n in range(count)]


def test_insert_rows_takes_decimals_dates_and_nulls(provider):
    top = Category.objects.create(provider=provider, name="Top")
    now = timezone.now()
    fields = [f for f in Service._meta.concrete_fields if not f.primary_key]
    values = {"provider_id": provider.id, "upstream_id": 7, "name": "Likes",
              "category_id": top.id, "rate": D("0.1234"), "sell_price": D("0.20"),
              "synced_at": now, "subcategory_id": None}
    defaults = {f.attname: f.get_default() for f in fields}
    adapt = connection.ops.adapt_datetimefield_value
    row = tuple(adapt(values.get(f.attname, defaults[f.attname]))
                if f.get_internal_type() == "DateTimeField"
                else values.get(f.attname, defaults[f.attname]) for f in fields)
    insert_rows(Service, [f.column for f in fields], [row])
    service = Service.objects.get(upstream_id=7)
    assert (service.rate, service.sell_price, service.subcategory_id) == (
        D("0.1234"), D("0.20"), None)
    assert service.synced_at == now


def test_update_rows_writes_only_the_fields_named(provider):
    rows = [Category.objects.create(provider=provider, name=f"C{n}", position=n)
            for n in range(3)]
    for row in rows:
        row.position += 10
        row.name = "not written"
    update_rows(Category, rows, ["position"])
    assert sorted(Category.objects.values_list("name", "position")) == [
        ("C0", 10), ("C1", 11), ("C2", 12)]


COLUMNS = ["provider_id", "name", "position"]


@pytest.mark.parametrize("count", [0, 1, InsertBehind.BATCH + 1, 1234])
def test_insert_behind_keeps_every_row_and_its_order_in_the_callers_transaction(provider, count):
    with CaptureQueriesContext(connection) as ctx, transaction.atomic():
        with InsertBehind(Category, COLUMNS) as inserting:
            for n in range(count):
                inserting.add((provider.id, f"C{n}", n))
        # Inside the caller's transaction: seen before it commits.
        stored = list(Category.objects.filter(provider=provider).order_by("id")
                      .values_list("name", "position"))
    assert stored == [(f"C{n}", n) for n in range(count)]
    inserts = [q["sql"] for q in ctx.captured_queries if "INSERT" in q["sql"]]
    expected = 0 if count == 0 or connection.vendor == "postgresql" else 2
    assert len(inserts) == expected  # as insert_rows: none for no row
    assert not connection.allow_thread_sharing


def test_insert_behind_raises_the_inserts_error_in_the_caller(provider):
    with (pytest.raises(IntegrityError), transaction.atomic(),
          InsertBehind(Category, COLUMNS) as inserting):
        inserting.add((provider.id, "fine", 1))
        inserting.add((provider.id, None, 2))  # name is NOT NULL
    assert not connection.allow_thread_sharing
    assert not Category.objects.exists()


def test_an_error_of_the_block_wins_and_the_thread_ends(provider):
    with (pytest.raises(ZeroDivisionError), transaction.atomic(),
          InsertBehind(Category, COLUMNS) as inserting):
        for n in range(InsertBehind.BATCH + 1):
            inserting.add((provider.id, f"C{n}", n))
        raise ZeroDivisionError
    assert not connection.allow_thread_sharing
    assert not Category.objects.exists()
