"""`services`, `categories` and `inventory`: the panel's own ids, names and prices, only
what is on sale, both `services` shapes, and query counts that do not grow with the catalog."""

from decimal import Decimal as D

import pytest
from django.core.cache import cache
from django.db import transaction

from panel.api import snapshot
from panel.api.serialization import rate
from provider import catalog_version
from provider.models import Category, PricingRule, Service
from provider.repricing import reprice
from tests.panel.api.helpers import FOLLOWERS, GMAIL, NETFLIX, TWITTER, synced

pytestmark = pytest.mark.django_db

ROW_FIELDS = {
    "service",
    "name",
    "type",
    "category",
    "rate",
    "min",
    "max",
    "refill",
    "cancel",
    "dripfeed",
    "stock",
    "entityType",
    "autoDelivery",
}


def on_sale():
    return Service.objects.filter(enabled=True, available=True, provider__enabled=True)


def test_services_is_the_standard_bare_list(api, alice_key, provider):
    status, rows = api(alice_key, "services")
    assert status == 200 and isinstance(rows, list)
    smm = on_sale().exclude(entity_type="product")
    assert len(rows) == smm.count() == 26 < on_sale().count() == 40
    assert all(set(row) == ROW_FIELDS for row in rows)
    by_id = {row["service"]: row for row in rows}
    assert set(by_id) == set(smm.values_list("pk", flat=True))
    followers = Service.objects.get(provider=provider, upstream_id=FOLLOWERS)
    # `min` and `max` as strings, as the standard writes them; `refill` false: the service
    # offers it, but this provider (HstockPlus) has no `refill` action to carry it out.
    assert by_id[followers.pk] == {
        "service": followers.pk,
        "name": "Instagram Followers",
        "type": "Default",
        "category": "Instagram",
        "rate": rate(followers.sell_price),
        "min": "100",
        "max": "10000",
        "refill": False,
        "cancel": False,
        "dripfeed": False,
        "stock": 10000,
        "entityType": "smm",
        "autoDelivery": True,
    }


def test_products_only_where_a_client_reads_them_as_products(api, alice_key, provider):
    """A standard client prices `quantity * rate / 1000`: a product's per-item rate in the
    plain bare list would sell it at a thousandth. It comes with `products=1`, a category
    filter, or the page object, each carrying `entityType`."""
    gmail_id = Service.objects.get(provider=provider, upstream_id=GMAIL).pk
    assert gmail_id not in {row["service"] for row in api(alice_key, "services")[1]}
    rows = api(alice_key, "services", products=1)[1]
    assert len(rows) == on_sale().count() == 40
    by_id = {row["service"]: row for row in rows}
    gmail = by_id[gmail_id]
    assert (gmail["entityType"], gmail["stock"], gmail["min"], gmail["max"]) == (
        "product",
        50,
        "1",
        "50",
    )
    assert (
        by_id[Service.objects.get(provider=provider, upstream_id=NETFLIX).pk]["autoDelivery"]
        is False
    )
    page = api(alice_key, "services", limit=100)[1]
    listed = {row["service"]: row for row in page["services"]}
    assert listed[gmail_id]["entityType"] == "product" and listed[gmail_id]["min"] == 1


def test_services_show_our_names_and_prices_never_the_upstreams(api, alice_key, provider):
    PricingRule.objects.create(percent=D("20"))
    reprice()
    followers = Service.objects.get(provider=provider, upstream_id=FOLLOWERS)
    followers.custom_name = "Real Followers (ours)"
    followers.save()
    twitter = Service.objects.get(provider=provider, upstream_id=TWITTER)
    Service.objects.filter(pk=twitter.pk).update(
        price_override=D("9.990000"), sell_price=D("9.990000")
    )
    rows = {row["service"]: row for row in api(alice_key, "services", products=1)[1]}
    assert rows[followers.pk]["name"] == "Real Followers (ours)"
    assert rows[followers.pk]["rate"] == "0.60"  # 0.50 + 20%
    assert rows[twitter.pk]["rate"] == "9.99"
    for service in on_sale():
        assert rows[service.pk]["rate"] == rate(service.sell_price) != rate(service.rate)


def test_only_what_is_on_sale(api, alice_key, provider, sandbox):
    second = synced(sandbox, name="second")
    Service.objects.filter(provider=provider, upstream_id=1).update(enabled=False)
    Service.objects.filter(provider=provider, upstream_id=2).update(available=False)
    Service.objects.filter(provider=provider, upstream_id=3).update(sell_price=0)
    second.enabled = False
    second.save()
    rows = api(alice_key, "services", products=1)[1]
    listed = {row["service"] for row in rows}
    expected = set(
        Service.objects.filter(provider=provider)
        .exclude(upstream_id__in=[1, 2, 3])
        .values_list("pk", flat=True)
    )
    assert listed == expected


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (D("0.500000"), "0.50"),
        (D("0.015000"), "0.015"),
        (D("25"), "25.00"),
        (D("0.000100"), "0.0001"),
        (D("1234.567891"), "1234.567891"),
        (D("10.000000"), "10.00"),
    ],
)
def test_rates_are_decimal_strings(amount, text):
    assert rate(amount) == text


def test_paginated_envelope(api, alice_key, provider):
    status, page = api(alice_key, "services", limit=15, page=2)
    assert status == 200
    assert set(page) == {"services", "total", "page", "limit", "total_pages"}
    assert (page["total"], page["page"], page["limit"], page["total_pages"]) == (40, 2, 15, 3)
    everything = api(alice_key, "services", products=1)[1]
    # The same rows; `min`/`max` are strings only in the bare list.
    assert [row["service"] for row in page["services"]] == [
        row["service"] for row in everything[15:30]
    ]
    assert page["services"][0]["min"] == int(everything[15]["min"])
    last = api(alice_key, "services", limit=15, page=3)[1]
    assert len(last["services"]) == 10
    assert api(alice_key, "services", limit=15, page=99)[1]["services"] == []
    assert api(alice_key, "services", limit=10**6)[1]["limit"] == 1000
    assert api(alice_key, "services", limit=0)[1] == api(alice_key, "services")[1]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"page": "0", "limit": "5"}, "Invalid page"),
        ({"page": "x"}, "Invalid page"),
        ({"limit": "-1"}, "Invalid limit"),
        ({"limit": "1.5"}, "Invalid limit"),
        ({"page": "9" * 40, "limit": "5"}, "Invalid page"),
    ],
)
def test_bad_paging(api, alice_key, provider, params, message):
    assert api(alice_key, "services", **params) == (200, {"error": message})


def test_category_and_subcategory_filters_in_both_shapes(api, alice_key, provider):
    instagram = api(alice_key, "services", category="Instagram")[1]
    expected = on_sale().filter(category__name="Instagram")
    assert {row["service"] for row in instagram} == set(expected.values_list("pk", flat=True))
    assert {row["category"] for row in instagram} == {"Instagram"}
    followers = api(alice_key, "services", category="Instagram", subcategory="Followers")[1]
    assert {row["service"] for row in followers} == set(
        expected.filter(subcategory__name="Followers").values_list("pk", flat=True)
    )
    assert api(alice_key, "services", subcategory="Followers")[1] == [
        row
        for row in api(alice_key, "services", products=1)[1]
        if row["service"]
        in set(on_sale().filter(subcategory__name="Followers").values_list("pk", flat=True))
    ]
    paged = api(alice_key, "services", category="Instagram", limit=2)[1]
    assert paged["total"] == len(instagram)
    assert [row["service"] for row in paged["services"]] == [
        row["service"] for row in instagram[:2]
    ]
    assert api(alice_key, "services", category="Nope")[1] == []


def test_categories_list_what_is_on_sale(api, alice_key, provider):
    status, answer = api(alice_key, "categories")
    assert status == 200
    tree = {row["category"]: row["subcategories"] for row in answer["categories"]}
    assert tree["Instagram"][:3] == ["Followers", "Likes", "Comments"]
    assert "Gmail" in tree["Accounts-Email"]
    Service.objects.filter(provider=provider, category__name="Telegram").update(enabled=False)
    tree = {
        row["category"]: row["subcategories"]
        for row in api(alice_key, "categories")[1]["categories"]
    }
    assert "Telegram" not in tree
    assert Category.objects.filter(provider=provider, name="Telegram").exists()


def test_inventory(api, alice_key, provider):
    gmail = Service.objects.get(provider=provider, upstream_id=GMAIL)
    assert api(alice_key, "inventory", service=gmail.pk) == (
        200,
        {
            "service": gmail.pk,
            "stock": 50,
            "available": True,
            "entityType": "product",
            "autoDelivery": True,
        },
    )
    followers = Service.objects.get(provider=provider, upstream_id=FOLLOWERS)
    assert api(alice_key, "inventory", service=followers.pk)[1]["stock"] == 10000
    Service.objects.filter(pk=gmail.pk).update(stock=0)
    assert api(alice_key, "inventory", service=gmail.pk)[1]["available"] is False
    assert api(alice_key, "inventory") == (200, {"error": "Service ID is required"})
    for bad in ("999999", "abc", "-1", "1e3"):
        assert api(alice_key, "inventory", service=bad) == (200, {"error": "Service not found"})
    Service.objects.filter(pk=followers.pk).update(enabled=False)
    assert api(alice_key, "inventory", service=followers.pk) == (
        200,
        {"error": "Service not found"},
    )


# --- the ready list ----------------------------------------------------------------------


def test_sync_publishes_a_version_and_a_request_only_reads_the_list_built_from_it(
    api, alice_key, sandbox, django_capture_on_commit_callbacks, django_assert_num_queries
):
    before = catalog_version.current()
    with django_capture_on_commit_callbacks(execute=True):
        synced(sandbox)
    assert catalog_version.current() != before, "the sync published a new version"
    api(alice_key, "services")  # the first request after it rebuilds
    assert cache.get(snapshot.KEY) is not None
    with django_assert_num_queries(1):  # the key
        status, rows = api(alice_key, "services")
    assert status == 200 and len(rows) == 26  # the SMM services: no products


def test_repricing_rebuilds_the_list_once_after_it_commits(
    api, alice_key, provider, transactional_db, monkeypatch
):
    followers = Service.objects.get(provider=provider, upstream_id=FOLLOWERS)

    def listed_rate() -> str:
        return {row["service"]: row for row in api(alice_key, "services")[1]}[followers.pk]["rate"]

    assert listed_rate() == "0.50"
    builds = []
    original = snapshot.build
    monkeypatch.setattr(snapshot, "build", lambda: builds.append(1) or original())
    with transaction.atomic():
        PricingRule.objects.create(percent=D("50"))
        reprice()
        reprice()
    assert builds == [], "the version is published; the list is rebuilt when next read"
    assert listed_rate() == "0.75"
    assert builds == [1], "one rebuild per published version"
    assert listed_rate() == "0.75"
    assert builds == [1], "the next request read the ready list"


def test_an_old_list_is_rebuilt(api, alice_key, provider, settings):
    first = api(alice_key, "services")[1]
    Service.objects.filter(provider=provider, upstream_id=FOLLOWERS).update(enabled=False)
    assert api(alice_key, "services")[1] == first  # still fresh
    settings.API_SERVICES_MAX_AGE = 0
    assert len(api(alice_key, "services")[1]) == len(first) - 1


def test_each_process_keeps_its_copy_until_the_stamp_changes(api, alice_key, provider, monkeypatch):
    first = api(alice_key, "services")[1]
    reads = []
    original = cache.get
    monkeypatch.setattr(
        cache, "get", lambda key, *a, **k: reads.append(key) or original(key, *a, **k)
    )
    original_many = cache.get_many  # Redis reads the stamp and the version in one MGET
    monkeypatch.setattr(
        cache, "get_many", lambda keys, *a, **k: reads.extend(keys) or original_many(keys, *a, **k)
    )
    assert api(alice_key, "services")[1] == first
    assert snapshot.STAMP in reads and snapshot.KEY not in reads, "only the stamp is read"
    # Another process rebuilds after a change: this one fetches the new bytes once.
    mine = snapshot._local
    Service.objects.filter(provider=provider, upstream_id=FOLLOWERS).update(enabled=False)
    snapshot.rebuild()
    snapshot._local = mine
    reads.clear()
    assert len(api(alice_key, "services")[1]) == len(first) - 1
    assert snapshot.KEY in reads
    reads.clear()
    api(alice_key, "services")
    assert snapshot.KEY not in reads


def test_a_cache_outage_still_answers(api, alice_key, provider, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)
    monkeypatch.setattr(cache, "add", down)
    status, rows = api(alice_key, "services")
    assert status == 200 and len(rows) == 26


@pytest.mark.parametrize(
    "params",
    [{}, {"limit": "50", "page": "2"}, {"category": "Instagram"}, {"subcategory": "Followers"}],
)
def test_query_count_does_not_grow_with_the_catalog(
    api, alice_key, sandbox, params, django_assert_max_num_queries
):
    for size in (40, 400):
        provider = synced(sandbox, services=size, name=f"sandbox-{size}")
        cache.clear()
        with django_assert_max_num_queries(3):  # cold: the key, then the catalog
            api(alice_key, "services", **params)
        with django_assert_max_num_queries(3):
            status, answer = api(alice_key, "services", **params)
        assert status == 200 and answer
        provider.enabled = False
        provider.save()


def test_an_unchanged_resync_does_not_rebuild_the_list(
    provider, monkeypatch, django_capture_on_commit_callbacks
):
    from provider.sync import sync_provider

    builds = []
    monkeypatch.setattr(snapshot, "build", lambda: builds.append(1) or b"[]")
    with django_capture_on_commit_callbacks(execute=True):
        sync_provider(provider)
    assert builds == []


def test_an_admin_edit_rebuilds_the_list(
    transactional_db, api, alice_key, provider, rf, admin_user
):
    from django.contrib import admin

    followers = Service.objects.get(provider=provider, upstream_id=FOLLOWERS)
    api(alice_key, "services")
    followers.enabled = False
    request = rf.post("/admin/")
    request.user = admin_user
    admin.site._registry[Service].save_model(request, followers, None, True)
    rows = api(alice_key, "services")[1]
    assert followers.pk not in {row["service"] for row in rows}


def test_actions_detected_at_a_resync_rebuild_the_list(api, alice_key, sandbox, monkeypatch):
    """A provider whose actions were not known yet (an existing one after an upgrade): the
    resync that detects them rebuilds the list, though no service changed."""
    from provider import sync
    from provider.models import Provider

    standard = synced(sandbox, name="standard", standard=True)
    changes = []
    monkeypatch.setattr(sync, "catalog_changed", lambda: changes.append(1))
    sync.sync_provider(Provider.objects.get(pk=standard.pk))
    assert changes == []  # nothing new
    Provider.objects.filter(pk=standard.pk).update(has_refill=None, has_cancel=None)
    sync.sync_provider(Provider.objects.get(pk=standard.pk))
    assert changes == [1]
    assert Provider.objects.filter(pk=standard.pk, has_refill=True, has_cancel=True).exists()
