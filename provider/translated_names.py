"""The upstream's names in other languages, for display (hstockplus-api.md, later additions).

HstockPlus takes `lang` on its read actions and answers translatable fields in that language
(English where it has no translation). A full catalog sync asks one `categories` and one
`services` call with `lang=ar` per provider, at the same time as its English calls
(`read`), and keeps `Category.name_ar` / `Service.name_ar`: a new service gets its name in
its INSERT (`ServiceNames`), the others are compared and only the names that changed are
written (`store`). The canonical English `name` stays the key that sync and the `category` /
`subcategory` filters match on. Of each translated row only the id, name and category are
read (`upstream_types.parse_service_names`: cleaned and cut as names are). Services are
matched by id; categories by their place in the list (the upstream lists them in the same
order in every language), checked against the categories the services carry. A row the
panel cannot read, or a name equal to the English one, is skipped. Providers of the standard
dialect have no `categories` action (and no `lang`): skipped. Display names never fail a
sync: whatever goes wrong here is logged.

Queries: at most two reads and two batched updates per provider and language, however large
the catalog; none for the services' names after a first sync (all written with the rows).
"""

import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from provider.bulk import update_rows
from provider.client import ProviderClient, ProviderError, ProviderRejected
from provider.models import NAME_COLUMNS, Category, Provider, Service
from provider.upstream_types import ServiceName, UpstreamCategory

log = logging.getLogger(__name__)

LANGUAGES = tuple(NAME_COLUMNS)


@dataclass
class Outcome:
    provider: str
    services: int = 0
    categories: int = 0
    skipped: str = ""  # why nothing was fetched (unsupported, unreachable), or ""


@dataclass
class Translation:
    """One language's answers: its categories, in the upstream's order, and its services'
    names by id."""

    lang: str
    categories: list[UpstreamCategory]
    services: dict[int, ServiceName]


@dataclass
class Fetched:
    translations: list[Translation] = field(default_factory=list)
    skipped: str = ""  # why nothing was fetched, or ""


def read(client: ProviderClient, languages: tuple[str, ...] = LANGUAGES) -> Fetched:
    """The names in `languages`, all or none; never raises a ProviderError (why nothing was
    read is in `skipped`)."""
    fetched = Fetched()
    try:
        for lang in languages:
            categories = client.categories_in(lang)
            names = client.service_names_in(lang)
            fetched.translations.append(
                Translation(lang, categories, {row.service_id: row for row in names})
            )
    except ProviderRejected as exc:  # the standard dialect: no categories, no lang
        fetched = Fetched(skipped=f"not supported: {exc}")
    except ProviderError as exc:
        fetched = Fetched(skipped=f"unreachable: {exc}")
    return fetched


def fetch(provider: Provider, languages: tuple[str, ...] = LANGUAGES) -> Outcome:
    """Fetch and store the names of a provider already synced (a sync does both itself)."""
    client = provider.client()
    try:
        try:
            english = client.categories()
        except ProviderRejected as exc:
            return Outcome(provider.name, skipped=f"not supported: {exc}")
        except ProviderError as exc:
            return _unreachable(provider, Outcome(provider.name, skipped=f"unreachable: {exc}"))
        fetched = read(client, languages)
    finally:
        client.close()
    return store(provider, fetched, english)


def store_logged(
    provider: Provider,
    fetched: Fetched,
    english: list[UpstreamCategory],
    canonical: Mapping[int, str],
    written: Collection[int],
) -> Outcome | None:
    """`store`, logging instead of raising: display names never fail a sync."""
    try:
        return store(provider, fetched, english, canonical, written)
    except Exception:
        log.exception("translated names of %s failed", provider.name)
        return None


def store(
    provider: Provider,
    fetched: Fetched,
    english: list[UpstreamCategory],
    canonical: Mapping[int, str] | None = None,
    written: Collection[int] = (),
) -> Outcome:
    """Keep the names `fetched`. `english`: the categories in English, in the upstream's
    order; `canonical`: each service's English category name by upstream id (read from the
    database when None); `written`: the services whose names went in with their rows."""
    outcome = Outcome(provider.name, skipped=fetched.skipped)
    if fetched.skipped.startswith("unreachable"):
        _unreachable(provider, outcome)
    for translation in fetched.translations:
        outcome.services += store_service_names(provider, translation, written)
        outcome.categories += store_category_names(provider, translation, english, canonical)
    return outcome


def _unreachable(provider: Provider, outcome: Outcome) -> Outcome:
    log.warning("translated names of %s: %s", provider.name, outcome.skipped)
    return outcome


class ServiceNames:
    """The translated names of a service about to be inserted, as column values: a first
    sync writes them with the rows instead of updating every row afterwards."""

    def __init__(self, fetched: Fetched | None) -> None:
        translations = fetched.translations if fetched else ()
        self.columns = tuple(NAME_COLUMNS[t.lang] for t in translations)
        self._lookups = [
            (t.services, _max_length(Service, NAME_COLUMNS[t.lang])) for t in translations
        ]

    def of(self, upstream_id: int, name: str) -> tuple[str, ...]:
        """The values of `columns` for the service `upstream_id` named `name` in English
        ("" where the upstream gave no other name)."""
        return tuple(
            [
                ""
                if (row := services.get(upstream_id)) is None
                else _translated(row.name.strip(), name, limit)
                for services, limit in self._lookups
            ]
        )


def store_service_names(
    provider: Provider, translation: Translation, written: Collection[int] = ()
) -> int:
    """Set each listed service's name in the translation's language, but for those in
    `written`; returns how many changed. No query when there are none to compare."""
    column = NAME_COLUMNS[translation.lang]
    wanted = {
        service_id: row.name.strip()
        for service_id, row in translation.services.items()
        if service_id not in written
    }
    if not wanted:
        return 0
    limit = _max_length(Service, column)
    changed = []
    stored = Service.objects.filter(provider=provider).order_by()
    for pk, upstream_id, name, current in stored.values_list("id", "upstream_id", "name", column):
        text = wanted.get(upstream_id)
        if text is not None and (text := _translated(text, name, limit)) != current:
            changed.append(Service(id=pk, **{column: text}))
    update_rows(Service, changed, [column])
    return len(changed)


def store_category_names(
    provider: Provider,
    translation: Translation,
    english: list[UpstreamCategory],
    canonical: Mapping[int, str] | None = None,
) -> int:
    """Names of categories and subcategories in the translation's language; returns how many
    changed."""
    column = NAME_COLUMNS[translation.lang]
    limit = _max_length(Category, column)
    if canonical is None:
        canonical = dict(
            Service.objects.filter(provider=provider).values_list("upstream_id", "category__name")
        )
    pairs = _category_pairs(english, translation, canonical)
    rows = Category.objects.filter(provider=provider).select_related("parent")
    by_key = {(row.parent.name if row.parent_id else "", row.name): row for row in rows}
    changed: list[Category] = []
    for (parent, name), text in pairs.items():
        row = by_key.get((parent, name))
        if row is not None and (text := _translated(text, row.name, limit)) != getattr(row, column):
            setattr(row, column, text)
            changed.append(row)
    update_rows(Category, changed, [column])
    return len(changed)


def _category_pairs(
    english: list[UpstreamCategory], translation: Translation, canonical: Mapping[int, str]
) -> dict[tuple[str, str], str]:
    """{(parent or "", canonical name): translated name}. A top category is trusted by its
    place only when the services agree (or say nothing about it); its subcategories only
    when both lists hold as many."""
    said: dict[str, set[str]] = {}
    # The distinct (English, translated) category pairs first: a few hundred among tens of
    # thousands of services.
    services = translation.services.items()
    for name, text in {(canonical.get(service_id), row.category) for service_id, row in services}:
        if name is not None:
            said.setdefault(name, set()).add(text.strip())
    translated = translation.categories
    pairs: dict[tuple[str, str], str] = {}
    if len(english) != len(translated):
        # Places cannot be trusted; the services alone still name the top categories.
        for name, names in said.items():
            if len(names) == 1:
                pairs[("", name)] = next(iter(names))
        return pairs
    for en, tr in zip(english, translated, strict=True):
        if said.get(en.name, {tr.name}) != {tr.name}:
            continue  # the lists are not in the same order here: skip the row
        pairs[("", en.name)] = tr.name.strip()
        if len(en.subcategories) == len(tr.subcategories):
            for sub, text in zip(en.subcategories, tr.subcategories, strict=True):
                pairs[(en.name, sub)] = text.strip()
    return pairs


def _max_length(model: type[Service] | type[Category], column: str) -> int:
    return model._meta.get_field(column).max_length


def _translated(text: str, english: str, limit: int) -> str:
    """The translation, cut to its column; the same as the English name is no translation."""
    text = text[:limit]
    return "" if text == english else text
