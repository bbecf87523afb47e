"""The catalog actions over HTTP: categories, services (paged and filtered), inventory."""

import re
from decimal import Decimal

import pytest

from provider.sandbox.catalog import (
    GMAIL_USA,
    INSTAGRAM_FOLLOWERS,
    NETFLIX_PREMIUM,
    TIKTOK_VIEWS,
    TWITTER_AGED,
    WELL_KNOWN_IDS,
    build_services,
)

SERVICE_FIELDS = {"service", "name", "type", "category", "rate", "min", "max", "refill",
                  "cancel", "stock", "entityType", "autoDelivery"}


def services(sandbox, **params):
    return sandbox.call("services", **params).json()


def test_categories_lists_each_category_with_its_subcategories(sandbox):
    reply = sandbox.call("categories").json()
    tree = {item["category"]: item["subcategories"] for item in reply["categories"]}
    assert tree["Instagram"][:3] == ["Followers", "Likes", "Comments"]
    assert {"Gmail", "Outlook"} <= set(tree["Accounts-Email"])
    assert "Netflix" in tree["Accounts-Streaming"]
    assert "Members" in tree["Telegram"]


def test_services_without_limit_returns_everything_with_page_and_limit_equal_to_total(sandbox):
    reply = services(sandbox)
    assert len(reply["services"]) == 40
    assert (reply["total"], reply["page"], reply["limit"], reply["total_pages"]) == (40, 40, 40, 1)
    assert services(sandbox, limit=0) == reply


def test_service_objects_have_exactly_the_documented_fields(sandbox):
    for item in services(sandbox)["services"]:
        assert set(item) == SERVICE_FIELDS
        assert item["entityType"] in {"smm", "product"}
        assert re.fullmatch(r"\d+\.(\d\d|\d\d\d\d)", item["rate"]), item


def test_well_known_services_keep_their_ids_and_terms(sandbox):
    by_id = {item["service"]: item for item in services(sandbox)["services"]}
    assert set(WELL_KNOWN_IDS) <= set(by_id)
    assert by_id[INSTAGRAM_FOLLOWERS] == {
        "service": 1, "name": "Instagram Followers", "type": "Default",
        "category": "Instagram", "rate": "0.50", "min": 100, "max": 10000, "refill": True,
        "cancel": False, "stock": 10000, "entityType": "smm", "autoDelivery": True}
    assert by_id[GMAIL_USA] | {"stock": None} == {
        "service": 4, "name": "Gmail Account - USA", "type": "Default",
        "category": "Accounts-Email", "rate": "25.00", "min": 1, "max": 50, "refill": False,
        "cancel": False, "stock": None, "entityType": "product", "autoDelivery": True}
    assert by_id[GMAIL_USA]["stock"] == 50
    assert by_id[NETFLIX_PREMIUM]["autoDelivery"] is False
    assert by_id[TIKTOK_VIEWS]["rate"] == "0.0150"
    assert by_id[TWITTER_AGED]["stock"] == 3
    assert [by_id[i]["name"] for i in (2, 3, 5, 7)] == [
        "Instagram Likes", "Instagram Comments", "Outlook Account", "Telegram Channel Members"]


def test_services_pages_with_limit(sandbox):
    page2 = services(sandbox, page=2, limit=10)
    assert [item["service"] for item in page2["services"]] == list(range(11, 21))
    assert (page2["total"], page2["page"], page2["limit"], page2["total_pages"]) == (40, 2, 10, 4)
    assert len(services(sandbox, page=1, limit=7)["services"]) == 7
    assert services(sandbox, page=6, limit=7)["total_pages"] == 6
    assert services(sandbox, page=9, limit=10)["services"] == []


@pytest.mark.parametrize(("params", "message"), [
    ({"page": "0", "limit": "10"}, "Invalid page"),
    ({"page": "x"}, "Invalid page"),
    ({"limit": "-1"}, "Invalid limit"),
    ({"limit": "ten"}, "Invalid limit"),
])
def test_services_refuses_bad_paging(sandbox, params, message):
    assert services(sandbox, **params) == {"error": message}


def test_services_filter_by_category_and_subcategory(sandbox):
    instagram = services(sandbox, category="Instagram")
    assert instagram["total"] == len(instagram["services"]) > 3
    assert {item["category"] for item in instagram["services"]} == {"Instagram"}

    followers = services(sandbox, subcategory="Followers")
    names = [item["name"] for item in followers["services"]]
    assert "Instagram Followers" in names
    assert all("Followers" in name for name in names)
    assert len({item["category"] for item in followers["services"]}) > 1

    both = services(sandbox, category="Instagram", subcategory="Likes")
    assert both["services"][0]["service"] == 2
    assert all(item["category"] == "Instagram" for item in both["services"])
    assert services(sandbox, category="Nope")["services"] == []
    assert services(sandbox, category="Nope")["total"] == 0


def test_services_filter_and_paging_combine(sandbox):
    sandbox.reset(services=500)
    reply = services(sandbox, subcategory="Followers", page=2, limit=5)
    assert reply["total"] > 10
    assert len(reply["services"]) == 5
    assert reply["total_pages"] == -(-reply["total"] // 5)


def test_lang_ar_translates_names_only_and_other_languages_are_ignored(sandbox):
    english, arabic = services(sandbox), services(sandbox, lang="ar")
    names = ("name", "category")
    assert [{k: v for k, v in row.items() if k not in names} for row in arabic["services"]] == \
        [{k: v for k, v in row.items() if k not in names} for row in english["services"]]
    assert arabic["services"][0]["name"] != english["services"][0]["name"]
    assert services(sandbox, lang="fr") == english
    assert sandbox.call("categories", lang="jp").json() == sandbox.call("categories").json()
    assert sandbox.call("categories", lang="ar").json() != sandbox.call("categories").json()


def test_catalog_mixes_smm_and_products_deterministically():
    first, second = build_services(300), build_services(300)
    assert first == second
    kinds = {service.entity for service in first}
    assert kinds == {"smm", "product"}
    assert len({service.category for service in first}) >= 8
    assert [service.id for service in first] == list(range(1, 301))


def test_twenty_thousand_services_have_distinct_ids():
    # How fast they are made and served is measured by `make bench BENCH=sync`, not here.
    catalog = build_services(20_000)
    assert len(catalog) == 20_000
    assert len({service.id for service in catalog}) == 20_000


def test_twenty_thousand_services_are_served_the_same_twice(sandbox):
    sandbox.reset(services=20_000)
    first = services(sandbox)
    again = sandbox.call("services")
    assert first["total"] == len(first["services"]) == 20_000
    assert again.json() == first


def test_inventory_reports_live_stock(sandbox):
    assert sandbox.call("inventory", service=GMAIL_USA).json() == {
        "service": 4, "stock": 50, "available": True, "entityType": "product",
        "autoDelivery": True}
    sandbox.call("add", service=GMAIL_USA, quantity=5)
    assert sandbox.call("inventory", service=GMAIL_USA).json()["stock"] == 45
    smm = sandbox.call("inventory", service=INSTAGRAM_FOLLOWERS).json()
    assert smm == {"service": 1, "stock": 10000, "available": True, "entityType": "smm",
                   "autoDelivery": True}


def test_services_shows_stock_after_orders(sandbox):
    sandbox.call("add", service=TWITTER_AGED, quantity=3)
    by_id = {item["service"]: item for item in services(sandbox)["services"]}
    assert by_id[TWITTER_AGED]["stock"] == 0
    assert sandbox.call("inventory", service=TWITTER_AGED).json()["available"] is False


@pytest.mark.parametrize(("service", "message"), [
    (None, "Service ID is required"),
    ("", "Service ID is required"),
    ("999999", "Service not found"),
    ("abc", "Service not found"),
])
def test_inventory_errors(sandbox, service, message):
    params = {} if service is None else {"service": service}
    assert sandbox.call("inventory", **params).json() == {"error": message}


def test_set_rate_changes_the_price_from_now_on(sandbox):
    placed = sandbox.call("add", service=INSTAGRAM_FOLLOWERS, quantity=1000, link="x").json()
    sandbox.state.set_rate(INSTAGRAM_FOLLOWERS, Decimal("1"))
    by_id = {item["service"]: item for item in services(sandbox)["services"]}
    assert by_id[INSTAGRAM_FOLLOWERS]["rate"] == "1.00"
    standard = sandbox.call("services", dialect="standard").json()
    assert standard[0]["rate"] == "1.00"
    again = sandbox.call("add", service=INSTAGRAM_FOLLOWERS, quantity=1000, link="x").json()
    assert sandbox.call("status", order=placed["order"]).json()["charge"] == "0.50"
    assert sandbox.call("status", order=again["order"]).json()["charge"] == "1.00"
    sandbox.state.set_rate(TIKTOK_VIEWS, "0.01234")
    assert services(sandbox, category="TikTok")["services"][0]["rate"] == "0.0123"
    sandbox.reset()
    assert services(sandbox)["services"][0]["rate"] == "0.50"


def test_set_rate_and_set_stock_refuse_nonsense(sandbox):
    with pytest.raises(ValueError):
        sandbox.state.set_rate(INSTAGRAM_FOLLOWERS, "-1")
    with pytest.raises(ValueError):
        sandbox.state.set_stock(INSTAGRAM_FOLLOWERS, 5)
    with pytest.raises(ValueError):
        sandbox.state.set_stock(GMAIL_USA, -1)


def test_set_stock_changes_a_products_stock(sandbox):
    sandbox.state.set_stock(GMAIL_USA, 0)
    assert sandbox.call("inventory", service=GMAIL_USA).json()["available"] is False
    assert sandbox.call("add", service=GMAIL_USA, quantity=1).json() == {
        "error": "Not enough stock"}
    sandbox.reset()
    assert sandbox.call("inventory", service=GMAIL_USA).json()["stock"] == 50
