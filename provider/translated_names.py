"""The upstream's names in other languages, for display (hstockplus-api.md, later additions).

HstockPlus takes `lang` on its read actions and answers translatable fields in that language
(English where it has no translation). After a catalog sync, one `categories` and one
`services` call with `lang=ar` per provider fill `Category.name_ar` / `Service.name_ar`; the
canonical English `name` stays the key that sync and the `category` / `subcategory` filters
match on. Services are matched by id; categories by their place in the list (the upstream
lists them in the same order in every language), checked against the categories the
services carry. A row the panel cannot read, or a name equal to the English one, is skipped.
Providers of the standard dialect have no `categories` action (and no `lang`): skipped.

Queries: two reads and at most two bulk updates per provider, however large the catalog.
"""

import logging
from dataclasses import dataclass

from provider.client import ProviderError, ProviderRejected
from provider.models import NAME_COLUMNS, Category, Provider, Service
from provider.upstream_types import UpstreamCategory, UpstreamService

log = logging.getLogger(__name__)

LANGUAGES = tuple(NAME_COLUMNS)
BATCH = 500


@dataclass
class Outcome:
    provider: str
    services: int = 0
    categories: int = 0
    skipped: str = ""  # why nothing was fetched (unsupported, unreachable), or ""


def fetch_all() -> list[Outcome]:
    """Every enabled provider, whatever one raises."""
    return [
        outcome
        for provider in Provider.objects.filter(enabled=True)
        if (outcome := fetch_logged(provider)) is not None
    ]


def fetch_logged(provider: Provider) -> Outcome | None:
    """`fetch`, logging instead of raising: display names never fail a sync."""
    try:
        return fetch(provider)
    except Exception:
        log.exception("translated names of %s failed", provider.name)
        return None


def fetch(provider: Provider, languages: tuple[str, ...] = LANGUAGES) -> Outcome:
    outcome = Outcome(provider.name)
    client = provider.client()
    try:
        english = client.categories()
        for lang in languages:
            categories = client.categories_in(lang)
            services = client.services_in(lang)
            outcome.services += store_service_names(provider, lang, services)
            outcome.categories += store_category_names(
                provider, lang, english, categories, services
            )
    except ProviderRejected as exc:  # the standard dialect: no categories, no lang
        outcome.skipped = f"not supported: {exc}"
    except ProviderError as exc:
        outcome.skipped = f"unreachable: {exc}"
        log.warning("translated names of %s: %s", provider.name, exc)
    finally:
        client.close()
    return outcome


def store_service_names(provider: Provider, lang: str, rows: list[UpstreamService]) -> int:
    """Set each listed service's name in `lang`; returns how many changed."""
    column = NAME_COLUMNS[lang]
    wanted = {row.service_id: row.name.strip() for row in rows}
    changed = []
    for service in Service.objects.filter(provider=provider, upstream_id__in=list(wanted)).only(
        "id", "upstream_id", "name", column
    ):
        _set(service, column, wanted[service.upstream_id], changed)
    Service.objects.bulk_update(changed, [column], batch_size=BATCH)
    return len(changed)


def store_category_names(
    provider: Provider,
    lang: str,
    english: list[UpstreamCategory],
    translated: list[UpstreamCategory],
    services: list[UpstreamService],
) -> int:
    """Names of categories and subcategories in `lang`; returns how many changed."""
    column = NAME_COLUMNS[lang]
    pairs = _category_pairs(provider, english, translated, services)
    rows = Category.objects.filter(provider=provider).select_related("parent")
    by_key = {(row.parent.name if row.parent_id else "", row.name): row for row in rows}
    changed: list[Category] = []
    for (parent, name), text in pairs.items():
        if (row := by_key.get((parent, name))) is not None:
            _set(row, column, text, changed)
    Category.objects.bulk_update(changed, [column], batch_size=BATCH)
    return len(changed)


def _category_pairs(
    provider: Provider,
    english: list[UpstreamCategory],
    translated: list[UpstreamCategory],
    services: list[UpstreamService],
) -> dict[tuple[str, str], str]:
    """{(parent or "", canonical name): translated name}. A top category is trusted by its
    place only when the services agree (or say nothing about it); its subcategories only
    when both lists hold as many."""
    seen = dict(
        Service.objects.filter(provider=provider).values_list("upstream_id", "category__name")
    )
    said: dict[str, set[str]] = {}
    for row in services:
        if (canonical := seen.get(row.service_id)) is not None:
            said.setdefault(canonical, set()).add(row.category.strip())
    pairs: dict[tuple[str, str], str] = {}
    if len(english) != len(translated):
        # Places cannot be trusted; the services alone still name the top categories.
        for canonical, names in said.items():
            if len(names) == 1:
                pairs[("", canonical)] = next(iter(names))
        return pairs
    for en, tr in zip(english, translated, strict=True):
        if said.get(en.name, {tr.name}) != {tr.name}:
            continue  # the lists are not in the same order here: skip the row
        pairs[("", en.name)] = tr.name.strip()
        if len(en.subcategories) == len(tr.subcategories):
            for sub, text in zip(en.subcategories, tr.subcategories, strict=True):
                pairs[(en.name, sub)] = text.strip()
    return pairs


def _set(row: Service | Category, column: str, text: str, changed: list) -> None:
    """The translation, cut to its column; the same as the English name is no translation."""
    text = text[: row._meta.get_field(column).max_length]
    if text == row.name:
        text = ""
    if getattr(row, column) != text:
        setattr(row, column, text)
        changed.append(row)
