"""Names from the upstream in Arabic: the sandbox answers `lang=ar` over HTTP, the panel keeps
them for display next to the canonical English names, which stay the keys of sync and of
the upstream's filters; an admin's Arabic description is shown to Arabic readers."""

import pytest
import requests
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from provider import translated_names
from provider.models import Category, Provider, Service
from provider.sandbox.catalog import GMAIL_USA, INSTAGRAM_FOLLOWERS
from provider.sync import sync_provider

FILLER = 10  # the first filler service: no Arabic name in the sandbox


def post(url: str, key: str, **data: str) -> object:
    return requests.post(url, data={"key": key, **data}, timeout=5).json()


def test_the_sandbox_answers_arabic_names_and_english_where_it_has_none(sandbox):
    english = post(sandbox.url, sandbox.key, action="services")["services"]
    arabic = post(sandbox.url, sandbox.key, action="services", lang="ar")["services"]
    by_id = {row["service"]: row for row in arabic}
    assert [row["service"] for row in arabic] == [row["service"] for row in english]
    assert by_id[INSTAGRAM_FOLLOWERS]["name"] == "متابعين إنستغرام"
    assert by_id[INSTAGRAM_FOLLOWERS]["category"] == "إنستغرام"
    filler = next(row for row in english if row["service"] == FILLER)
    assert by_id[FILLER]["name"] == filler["name"]
    categories = post(sandbox.url, sandbox.key, action="categories", lang="ar")["categories"]
    assert categories[0]["category"] == "إنستغرام"
    assert categories[0]["subcategories"][:3] == ["متابعين", "إعجابات", "تعليقات"]


def test_the_filters_still_take_the_english_names(sandbox):
    arabic = post(
        sandbox.url,
        sandbox.key,
        action="services",
        lang="ar",
        category="Instagram",
        subcategory="Followers",
    )["services"]
    assert INSTAGRAM_FOLLOWERS in {row["service"] for row in arabic}
    assert (
        post(sandbox.url, sandbox.key, action="services", lang="ar", category="إنستغرام")[
            "services"
        ]
        == []
    )


def test_a_sync_stores_arabic_names_and_keeps_the_english_keys(provider):
    followers = Service.objects.get(provider=provider, upstream_id=INSTAGRAM_FOLLOWERS)
    assert followers.name == "Instagram Followers"
    assert followers.name_ar == "متابعين إنستغرام"
    assert Service.objects.get(provider=provider, upstream_id=FILLER).name_ar == ""
    top = Category.objects.get(provider=provider, parent=None, name="Instagram")
    sub = Category.objects.get(provider=provider, parent=top, name="Followers")
    assert (top.name_ar, sub.name_ar) == ("إنستغرام", "متابعين")
    # A second full sync keeps the English keys (and the Arabic names it does not own).
    Provider.objects.filter(pk=provider.pk).update(catalog_digest="")
    provider.refresh_from_db()
    sync_provider(provider)
    followers.refresh_from_db()
    assert (followers.name, followers.name_ar) == ("Instagram Followers", "متابعين إنستغرام")
    assert translated_names.fetch(provider).services == 0  # nothing changed: nothing written


def test_a_first_sync_writes_the_names_with_the_new_rows(db, sandbox):
    fresh = Provider.objects.create(
        name="fresh", api_url=sandbox.url, api_key=sandbox.key, timeout=1.0
    )
    with CaptureQueriesContext(connection) as queries:
        sync_provider(fresh)
    assert Service.objects.get(provider=fresh, upstream_id=INSTAGRAM_FOLLOWERS).name_ar == (
        "متابعين إنستغرام"
    )
    # No second pass over the services: their names went in with the rows.
    assert not [
        q
        for q in queries
        if "name_ar" in q["sql"]
        and "provider_service" in q["sql"]
        and q["sql"].lstrip().upper().startswith("UPDATE")
    ]


def test_fetching_stores_arabic_names_in_a_few_queries(provider):
    Service.objects.update(name_ar="")
    Category.objects.update(name_ar="")
    with CaptureQueriesContext(connection) as queries:
        outcome = translated_names.fetch(provider)
    assert outcome.skipped == "" and outcome.services == 9 and outcome.categories > 10
    assert len(queries) <= 8  # reads and batched updates, whatever the size
    followers = Service.objects.get(provider=provider, upstream_id=INSTAGRAM_FOLLOWERS)
    assert followers.name_ar == "متابعين إنستغرام"


def test_a_standard_dialect_provider_is_skipped(db, sandbox):
    standard = Provider.objects.create(
        name="std", api_url=sandbox.standard_url, api_key=sandbox.key, timeout=1.0
    )
    sync_provider(standard)
    outcome = translated_names.fetch(standard)
    assert outcome.skipped.startswith("not supported")
    assert not Service.objects.filter(provider=standard).exclude(name_ar="").exists()


def test_rows_for_services_the_panel_lacks_are_skipped_the_rest_stored(provider, monkeypatch):
    from provider.client import ProviderClient

    real = ProviderClient.service_names_in

    def with_a_bad_row(self, lang):
        rows = real(self, lang)
        rows[0] = rows[0]._replace(service_id=10**9)  # a service the panel does not have
        return rows

    monkeypatch.setattr(ProviderClient, "service_names_in", with_a_bad_row)
    Service.objects.update(name_ar="")
    assert translated_names.fetch(provider).services == 8


def test_the_storefront_shows_arabic_names_and_description(alice, provider, service):
    translated_names.fetch(provider)
    gmail = service(GMAIL_USA)
    gmail.description, gmail.description_ar = "Fresh account.", "حساب جديد."
    gmail.save()
    client = Client()
    client.force_login(alice)
    client.cookies["django_language"] = "ar"
    page = client.get("/catalog/", {"q": "Gmail"}).content.decode()
    assert "حساب جيميل - الولايات المتحدة" in page and "حساب جديد." in page
    assert "حسابات البريد الإلكتروني" in page  # the category, in the filter and crumbs
    client.cookies["django_language"] = "en"
    page = client.get("/catalog/", {"q": "Gmail"}).content.decode()
    assert "Gmail Account - USA" in page and "Fresh account." in page
    assert "حساب" not in page
    # searching and filtering still work on the English keys
    top = Category.objects.get(provider=provider, parent=None, name="Accounts-Email")
    client.cookies["django_language"] = "ar"
    page = client.get("/catalog/", {"category": top.pk}).content.decode()
    assert "حساب جيميل - الولايات المتحدة" in page


def test_an_admins_name_wins_and_an_empty_arabic_description_falls_back(provider, service):
    translated_names.fetch(provider)
    followers = service(INSTAGRAM_FOLLOWERS)
    followers.description = "Real followers."
    assert followers.name_in("ar") == "متابعين إنستغرام"
    assert followers.description_in("ar") == "Real followers."
    followers.custom_name = "Followers Pro"
    assert followers.name_in("ar") == "Followers Pro"
    with translation.override("en"):
        assert followers.name_in("en") == "Followers Pro"


def test_the_periodic_sync_and_the_command_fetch_them(provider):
    from django.core.management import call_command

    from provider.tasks import sync_all_catalogs

    # After a full sync (a short-circuited one leaves the names to the next full one:
    # tests/provider/test_sync_whole_answer.py).
    Provider.objects.update(catalog_digest="")
    sync_all_catalogs()
    assert Service.objects.get(upstream_id=INSTAGRAM_FOLLOWERS).name_ar == "متابعين إنستغرام"
    Service.objects.update(name_ar="")
    Provider.objects.update(catalog_digest="")
    call_command("sync_catalog", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Service.objects.get(upstream_id=INSTAGRAM_FOLLOWERS).name_ar == "متابعين إنستغرام"


@pytest.mark.parametrize("language", ["ar", "ar-eg"])
def test_a_regional_arabic_reads_the_arabic_name(provider, service, language):
    translated_names.fetch(provider)
    assert service(INSTAGRAM_FOLLOWERS).name_in(language) == "متابعين إنستغرام"
