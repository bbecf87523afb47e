"""Sync against an upstream shaped like a real one (many categories sharing a few
subcategory names), recorded call by call: the upstream calls do not grow with the
categories, and the queries do not grow with the services."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from provider.models import Provider, Service
from provider.sync import sync_provider
from provider.translated_names import LANGUAGES
from tests.fixtures.hostile import HostileUpstream, good_service

pytestmark = pytest.mark.django_db

SUBCATEGORIES = ["Followers", "Likes", "Views"]


def shaped(upstream: HostileUpstream, *, categories: int, per_pair: int) -> None:
    """`categories` categories, each with the same subcategory names, `per_pair` services in
    each (category, subcategory); `services` honours the category and subcategory filters."""
    names = [f"Platform {n}" for n in range(categories)]
    rows = []
    for category in names:
        for sub in SUBCATEGORIES:
            rows.extend({**good_service(len(rows) + 1, category=category), "_sub": sub}
                        for _ in range(per_pair))

    def services(form: dict[str, str]) -> dict:
        chosen = [row for row in rows
                  if form.get("category", "") in ("", row["category"])
                  and form.get("subcategory", "") in ("", row["_sub"])]
        return {"services": [{k: v for k, v in row.items() if k != "_sub"} for row in chosen]}

    upstream.answer("categories", {"categories": [
        {"category": name, "subcategories": SUBCATEGORIES} for name in names]})
    upstream.answer("services", services)


def provider_of(upstream: HostileUpstream, name: str = "shaped") -> Provider:
    return Provider.objects.create(name=name, api_url=upstream.url, api_key=upstream.key,
                                   timeout=2.0)


@pytest.mark.parametrize("categories", [2, 40])
def test_one_upstream_call_per_subcategory_name_whatever_the_categories(upstream, categories):
    shaped(upstream, categories=categories, per_pair=2)
    sync_provider(provider_of(upstream))
    services_calls = upstream.calls_of("services")
    filtered = sorted(call.get("subcategory", "") for call in services_calls
                      if call.get("subcategory"))
    assert filtered == sorted(SUBCATEGORIES)  # not categories x subcategories
    # The full list, the list in each other language (`provider.translated_names`), then one
    # per name.
    assert len(services_calls) == 1 + len(LANGUAGES) + len(SUBCATEGORIES)
    assert len([call for call in services_calls if call.get("lang")]) == len(LANGUAGES)
    others = [call["action"] for call in upstream.calls if call["action"] != "services"]
    # categories (and in each other language), the SMS probes, the multi-status probe, the
    # refill and cancel probes: a fixed few, whatever the number of categories
    assert len(others) <= 6 + len(LANGUAGES), others


def test_each_service_lands_in_its_own_category_and_subcategory(upstream):
    shaped(upstream, categories=3, per_pair=2)
    sync_provider(provider_of(upstream))
    placed = {(s.category.name, s.subcategory.name)
              for s in Service.objects.select_related("category", "subcategory")}
    assert placed == {(f"Platform {n}", sub) for n in range(3) for sub in SUBCATEGORIES}
    for service in Service.objects.select_related("category", "subcategory"):
        assert service.subcategory.parent_id == service.category_id


def test_queries_do_not_grow_with_the_services(upstream):
    """About 400 and 2,000 services: every write is batched by a fixed size far above both (see
    `provider.sync.BATCH` and `provider.bulk`), so equal counts here mean the count is flat up
    to the batch size and grows by one query per batch beyond, never per row."""
    counts = []
    for categories, name in ((8, "small"), (40, "large")):  # 384 and 1,920 services
        shaped(upstream, categories=categories, per_pair=16)
        Service.objects.all().delete()
        provider = provider_of(upstream, name)
        with CaptureQueriesContext(connection) as first:
            sync_provider(provider)
        with CaptureQueriesContext(connection) as again:
            sync_provider(provider)
        counts.append((len(first.captured_queries), len(again.captured_queries)))
    assert counts[0] == counts[1], counts
