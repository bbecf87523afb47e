"""Catalog sync: an upstream's categories, services and SMS catalog into local models.

A sync first fetches everything; any failure while fetching changes nothing. Then one
transaction writes only what differs, in bulk, so an unchanged catalog writes no rows and
the number of queries does not grow with the catalog. Local edits (custom name,
description, the enabled switch, price overrides) are never touched. A service the
upstream stops listing is marked unavailable, never deleted, and comes back when it returns.

A re-sync reads and writes only the rows the upstream changed: each row's digest is kept beside
its service (`provider.sync_rows`, `provider.row_digest`); every row written is read by the
parsers first.

An answer identical to the last full sync's (same bytes, same pricing rules) is not even
decoded, within `CATALOG_SUBCATEGORY_REFRESH` of that sync (`provider.catalog_digest`).

One bad row costs one row: a service or SMS offer the panel cannot take (refused by the parsers
in `provider.upstream_types`) is skipped and reported, the rest applied; a service skipped this
way is off sale like one no longer listed, since its price is not known. Every failure, and
every sync that skipped rows, is recorded in `Provider.last_sync_error`.
"""

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from provider import catalog_rows, translated_names
from provider.bulk import InsertBehind, update_rows
from provider.catalog_digest import catalog_digest, listings_fresh
from provider.catalog_rows import CatalogRows
from provider.catalog_version import catalog_changed
from provider.client import (
    ProviderClient,
    ProviderError,
    ProviderRejected,
    RowsRead,
    Skipped,
    UpstreamCategory,
    UpstreamService,
)
from provider.client import (
    SmsCountry as UpstreamSmsCountry,
)
from provider.client import (
    SmsProject as UpstreamSmsProject,
)
from provider.models import (
    Category,
    EntityType,
    PriceChange,
    PriceUnit,
    Provider,
    Service,
    SmsCountry,
    SmsPrice,
    SmsProject,
)
from provider.pricing import RuleBook, SellPrices, sms_sell_price
from provider.repricing import load_rulebook
from provider.row_digest import RowDigests
from provider.service_types import is_per_order
from provider.sync_rows import (
    RowsToApply,
    StoredServices,
    read_changed_catalog_rows,
    read_changed_rows,
)

log = logging.getLogger(__name__)

Progress = Callable[[str], None]

# Fields sync owns; every other column (custom_name, description, enabled,
# price_override, price_unit once set) belongs to the admin.
SYNCED_FIELDS = (
    "name", "upstream_description", "category_id", "subcategory_id", "type", "entity_type",
    "rate", "sell_price", "min_quantity", "max_quantity", "refill", "cancel", "dripfeed",
    "stock", "auto_delivery", "available",
)
NAME, RATE, AVAILABLE = (SYNCED_FIELDS.index(name) for name in ("name", "rate", "available"))
BATCH = 2000
IN_LIST_MAX = 500  # services read back by id; beyond, the provider's whole catalog
SUBCATEGORY_CONCURRENCY = 4  # subcategory listings fetched at once
REPORTED_SKIPS = 20  # rows named in last_sync_error; the rest are counted


class SyncFailed(Exception):
    """The fetch failed; nothing was changed."""


@dataclass
class SyncSummary:
    provider: str
    created: int = 0
    updated: int = 0
    disabled: int = 0
    restored: int = 0
    unchanged: int = 0
    price_changes: int = 0
    categories_created: int = 0
    sms_countries: int = 0
    sms_prices: int = 0
    notes: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    short_circuit: bool = False  # the answer was the last full sync's: nothing read
    names_written: set[int] = field(default_factory=set)  # translated, with the new rows
    catalog_digest: str = ""  # of the answer applied, to keep on the provider

    @property
    def changed(self) -> bool:
        """Whether any service row was written."""
        return any((self.created, self.updated, self.disabled, self.restored))

    def __str__(self) -> str:
        if self.short_circuit:
            return f"{self.provider}: services answer unchanged since the last full sync"
        return (f"{self.provider}: {self.created} created, {self.updated} updated, "
                f"{self.disabled} disabled, {self.restored} restored, {self.unchanged} "
                f"unchanged, {self.price_changes} price changes; SMS: {self.sms_countries} "
                f"countries, {self.sms_prices} prices; {len(self.skipped)} rows skipped")

    def problems(self) -> str:
        """What went wrong, for `last_sync_error`: empty when every row was taken."""
        return describe_skipped(self.skipped)


def describe_skipped(skipped: list[Skipped]) -> str:
    if not skipped:
        return ""
    named = "\n".join(f"- {row}" for row in skipped[:REPORTED_SKIPS])
    more = len(skipped) - REPORTED_SKIPS
    tail = f"\n- and {more} more" if more > 0 else ""
    return f"{len(skipped)} rows skipped, the rest applied:\n{named}{tail}"


@dataclass
class UpstreamCatalog:
    categories: list[UpstreamCategory]
    # As sent (decoded by `provider.catalog_rows`, or the usual way when it declines the
    # answer): `provider.sync_rows` reads those that changed.
    service_rows: CatalogRows | list[object]
    subcategory_of: dict[int, str]
    sms_countries: list[UpstreamSmsCountry] | None
    sms_projects: list[UpstreamSmsProject] | None
    skipped: list[Skipped] = field(default_factory=list)
    services_body: bytes | None = None  # the `services` answer as sent, when kept
    names: translated_names.Fetched | None = None  # in other languages, when asked


def _unsupported(exc: ProviderRejected) -> bool:
    # Standard SMM panels answer "Invalid action" for the HstockPlus extensions.
    return "invalid action" in exc.message.lower()


def _optional(fetch: Callable[[], list]) -> list | None:
    try:
        return fetch()
    except ProviderRejected as exc:
        if _unsupported(exc):
            return None
        raise


def fetch_catalog(client: ProviderClient, progress: Progress,
                  services_body: bytes | None = None, *,
                  names: bool = False) -> UpstreamCatalog:
    """Everything the sync needs, or ProviderError; `services_body`: the `services` answer
    already fetched; `names`: the names in other languages too (`provider.translated_names`,
    whose failures are not the sync's)."""
    # `is None`, not `or`: an empty answer may still carry skipped rows to report.
    categories = _optional(client.categories)
    categories = RowsRead() if categories is None else categories
    progress(f"  {len(categories)} categories")
    # The whole list, the names in other languages and the subcategory listings at once:
    # each call's answer is decoded while the others are still on the wire.
    with ThreadPoolExecutor(max_workers=SUBCATEGORY_CONCURRENCY + 2) as pool:
        listed = pool.submit(_service_rows, client, services_body)
        translated = pool.submit(translated_names.read, client) if names else None
        subcategory_of = fetch_subcategories(client, categories, pool)
        services, services_body = listed.result()
        fetched_names = _names_read(translated)
    progress(f"  {len(services)} service rows")
    countries = _optional(client.sms_countries)
    projects = _optional(client.sms_projects) if countries is not None else None
    if countries is not None:
        progress(f"  SMS: {len(countries)} countries, {len(projects or [])} project prices")
    skipped = [skip for rows in (categories, countries, projects)
               for skip in getattr(rows, "skipped", ())]
    for skip in skipped:
        progress(f"  skipped {skip}")
    return UpstreamCatalog(categories, services, subcategory_of, countries, projects, skipped,
                           services_body, fetched_names)


def _names_read(translated: Future | None) -> translated_names.Fetched | None:
    """The names in other languages, or None when they were not asked for or failed: display
    names never fail a sync."""
    if translated is None:
        return None
    try:
        return translated.result()
    except Exception:
        log.exception("translated names failed")
        return None


def _service_rows(client: ProviderClient,
                  body: bytes | None) -> tuple[CatalogRows | list[object], bytes | None]:
    """The rows and the bytes they were decoded from: by `provider.catalog_rows` when it
    takes the answer, else the usual way. An answer that does not decode is asked for again
    the usual way (retried); its rows then come with no bytes to keep."""
    if body is None:
        body = client.service_rows_body()
    if (rows := catalog_rows.decode(body)) is not None:
        return rows, body
    try:
        return client.service_rows_from(body), body
    except ProviderError:
        return client.service_rows(), None


def fetch_subcategories(client: ProviderClient, categories: list[UpstreamCategory],
                        pool: ThreadPoolExecutor) -> dict[int, str]:
    """Each service's subcategory name, by service id.

    HstockPlus service rows carry no subcategory; the `subcategory` filter tells. Every row
    carries its category, so one call per distinct subcategory *name* (not per category and
    subcategory pair) is enough: the calls grow with the names, not with the categories.
    A few go out at once over the client's pooled connections."""
    names = list(dict.fromkeys(sub for category in categories
                               for sub in category.subcategories))
    subcategory_of: dict[int, str] = {}
    answers = pool.map(lambda name: client.service_ids(subcategory=name), names)
    for name, ids in zip(names, answers, strict=True):
        for service_id in ids:
            subcategory_of[service_id] = name
    return subcategory_of


def sync_provider(provider: Provider, progress: Progress = lambda _: None) -> SyncSummary:
    """Fetch and apply one provider's catalog, and after a full sync its names in other
    languages (`provider.translated_names`). Raises SyncFailed (nothing changed), having
    recorded why on the provider; rows skipped by a sync that did apply are recorded too."""
    progress(f"Syncing {provider.name} ({provider.api_url})")
    try:
        client = provider.client()
    except ValueError as exc:  # a URL or timeout the client refuses: nothing was sent
        raise _failed(provider, f"cannot call the provider: {exc}") from exc
    try:
        body = None
        unchanged = None
        if _may_short_circuit(provider):
            body, book = client.service_rows_body(), load_rulebook()
            if catalog_digest(body, book) == provider.catalog_digest:
                unchanged = _sms_catalog(provider, client)
        if unchanged is not None:
            return _unchanged(provider, unchanged, book, progress)
        catalog = fetch_catalog(client, progress, body, names=True)
        multi_status = (client.supports_multi_status()
                        if provider.multi_status is None else provider.multi_status)
        actions = {field: client.has_action(action) if getattr(provider, field) is None
                   else getattr(provider, field)
                   for field, action in (("has_refill", "refill"), ("has_cancel", "cancel"))}
    except ProviderError as exc:
        raise _failed(provider, f"fetch failed, nothing changed: {exc}") from exc
    finally:
        client.close()
    try:
        summary = apply_catalog(provider, catalog, progress)
    except Exception as exc:
        # Whatever it was, the transaction rolled back: say so on the provider, then let the
        # caller go on with the other providers.
        raise _failed(provider, f"applying failed, nothing changed: "
                      f"{type(exc).__name__}: {exc}") from exc
    now = timezone.now()
    Provider.objects.filter(pk=provider.pk).update(
        last_synced_at=now, last_sync_error=summary.problems(),
        multi_status=multi_status, catalog_digest=summary.catalog_digest,
        catalog_refreshed_at=now, **actions)
    progress(str(summary))
    if catalog.names is not None:
        translated_names.store_logged(provider, catalog.names, catalog.categories,
                                      _categories_named(catalog.service_rows),
                                      summary.names_written)
    # Newly detected actions change the services' refill/cancel flags too.
    detected = any(getattr(provider, name) != value for name, value in actions.items())
    if summary.changed or detected:
        catalog_changed()
    return summary


def _categories_named(rows: CatalogRows | list[object]) -> dict[int, str]:
    """Each listed service's category name by id, as sent (the translated names check the
    place of each translated category against them)."""
    if isinstance(rows, CatalogRows):
        return rows.categories()
    return {row["service"]: row["category"] for row in rows
            if type(row) is dict and type(row.get("service")) is int
            and type(row.get("category")) is str}


def _may_short_circuit(provider: Provider) -> bool:
    """Whether a `services` answer equal to the last full sync's may end this sync: the
    listings are fresh and nothing is left to detect."""
    return bool(
        provider.catalog_digest
        and listings_fresh(provider.catalog_refreshed_at)
        and None not in (provider.multi_status, provider.has_refill, provider.has_cancel)
    )


def _sms_catalog(provider: Provider, client: ProviderClient) -> UpstreamCatalog | None:
    """The SMS catalog alone, for a sync that skips the services: its prices are in answers
    of their own, read by every sync. None when a row was refused (the full sync reports it).
    A provider with no SMS catalog stored is not asked (one that starts offering SMS is seen
    by the next full sync)."""
    countries = projects = None
    if SmsCountry.objects.filter(provider=provider).exists():
        countries = _optional(client.sms_countries)
        projects = _optional(client.sms_projects) if countries is not None else None
    if any(getattr(rows, "skipped", None) for rows in (countries, projects)):
        return None
    return UpstreamCatalog([], [], {}, countries, projects)


def _unchanged(provider: Provider, catalog: UpstreamCatalog, book: RuleBook,
               progress: Progress) -> SyncSummary:
    """The `services` answer is the last full sync's: every row would be found unchanged.
    Only the SMS prices (when the provider has them) and the time are written; the last full
    sync's report of skipped rows, if any, stays."""
    summary = SyncSummary(provider.name, short_circuit=True)
    if catalog.sms_countries is not None:
        try:
            with transaction.atomic():
                _sync_sms(provider, catalog, book, summary)
        except Exception as exc:
            raise _failed(provider, f"applying failed, nothing changed: "
                          f"{type(exc).__name__}: {exc}") from exc
    Provider.objects.filter(pk=provider.pk).update(last_synced_at=timezone.now())
    progress(str(summary))
    return summary


def _failed(provider: Provider, reason: str) -> SyncFailed:
    record_sync_error(provider, reason)
    return SyncFailed(f"{provider.name}: {reason}")


def record_sync_error(provider: Provider, reason: str) -> None:
    """Keep why the last sync of `provider` failed, for the admin (bounded: it may quote an
    upstream's answer). The digest of the last answer goes too: the next sync runs in full,
    and clears the error only then."""
    Provider.objects.filter(pk=provider.pk).update(last_sync_error=reason[:5000],
                                                   catalog_digest="")


@transaction.atomic
def apply_catalog(provider: Provider, catalog: UpstreamCatalog,
                  progress: Progress = lambda _: None) -> SyncSummary:
    summary = SyncSummary(provider.name, skipped=list(catalog.skipped))
    book = load_rulebook()
    stored = StoredServices.load(provider)
    read = (read_changed_catalog_rows if isinstance(catalog.service_rows, CatalogRows)
            else read_changed_rows)
    rows = read(catalog.service_rows, catalog.subcategory_of, stored, RowDigests(book))
    for skip in rows.skipped:
        progress(f"  skipped {skip}")
    summary.skipped.extend(rows.skipped)
    changed = [service for service, _ in rows.changed]
    categories = _sync_categories(provider, catalog, changed, summary)
    _sync_services(provider, catalog, rows, stored, categories, book, summary, progress)
    if catalog.sms_countries is not None:
        _sync_sms(provider, catalog, book, summary)
    if catalog.services_body is not None:
        summary.catalog_digest = catalog_digest(catalog.services_body, book)
    return summary


def _sync_categories(provider: Provider, catalog: UpstreamCatalog,
                     services: list[UpstreamService],
                     summary: SyncSummary) -> dict[tuple[str, str], Category]:
    """Categories keyed by (top name, sub name or ""): those listed, and those of the
    services about to be written (the others are where they were)."""
    wanted: list[tuple[str, str]] = []
    for category in catalog.categories:
        wanted.append((category.name, ""))
        wanted.extend((category.name, sub) for sub in category.subcategories)
    # Each distinct (category, subcategory) once, in the order first met: a catalog has a few
    # hundred of them over tens of thousands of services.
    subcategory_of = catalog.subcategory_of
    for top, sub in dict.fromkeys((service.category, subcategory_of.get(service.service_id))
                                  for service in services):
        wanted.append((top, ""))
        if sub:
            wanted.append((top, sub))
    existing = {
        (row.parent.name if row.parent_id else row.name, row.name if row.parent_id else ""): row
        for row in Category.objects.filter(provider=provider).select_related("parent")
    }
    order = {key: index for index, key in enumerate(dict.fromkeys(wanted))}
    tops = [Category(provider=provider, name=top, position=order[(top, sub)])
            for top, sub in order if not sub and (top, sub) not in existing]
    for row in Category.objects.bulk_create(tops):
        existing[(row.name, "")] = row
    subs = [Category(provider=provider, parent=existing[(top, "")], name=sub,
                     position=order[(top, sub)])
            for top, sub in order if sub and (top, sub) not in existing]
    for row in Category.objects.bulk_create(subs):
        existing[(row.parent.name, row.name)] = row
    summary.categories_created = len(tops) + len(subs)
    return existing


def _synced_values(upstream: UpstreamService, category: Category,
                   subcategory: Category | None, prices: SellPrices, service_id: int | None,
                   override: Decimal | None) -> tuple:
    """What sync owns of a service, in SYNCED_FIELDS order (a tuple: compared with the stored
    row as it is read, and inserted as it is)."""
    subcategory_id = subcategory.id if subcategory else None
    return (
        upstream.name[:300],
        upstream.description,
        category.id,
        subcategory_id,
        upstream.type[:50],
        EntityType.PRODUCT if upstream.entity_type == "product" else EntityType.SMM,
        upstream.rate,
        prices.of(upstream.rate, category.id, subcategory_id, service_id, override),
        upstream.min,
        upstream.max,
        upstream.refill,
        upstream.cancel,
        upstream.dripfeed,
        upstream.stock,
        upstream.auto_delivery,
        True,
    )


def _sync_services(provider: Provider, catalog: UpstreamCatalog, rows: RowsToApply,
                   stored: StoredServices, categories: dict[tuple[str, str], Category],
                   book: RuleBook, summary: SyncSummary, progress: Progress) -> None:
    """Write the rows read (`rows.changed`); the others were found unchanged by digest."""
    existing = _stored_values(provider, [service.service_id for service, _ in rows.changed
                                         if service.service_id in stored.ids])
    now = timezone.now()
    names = translated_names.ServiceNames(catalog.names)
    new_rows = NewServiceRows(provider, now, names.columns)
    created: list[int] = []
    to_update: list[Service] = []
    digests_only: list[Service] = []
    price_changes: list[PriceChange] = []
    summary.unchanged = len(rows.unchanged)
    prices = SellPrices(book, provider.id)
    placed: dict[tuple[str, str | None], tuple[Category, Category | None]] = {}
    # New rows go to the database while the next ones are built; none, no INSERT.
    with InsertBehind(Service, new_rows.columns) as inserting:
        for upstream, digest in rows.changed:
            sub_name = catalog.subcategory_of.get(upstream.service_id)
            place = placed.get((upstream.category, sub_name))
            if place is None:
                place = placed[(upstream.category, sub_name)] = (
                    categories[(upstream.category, "")],
                    categories[(upstream.category, sub_name)] if sub_name else None)
            category, subcategory = place
            row = existing.get(upstream.service_id)
            values = _synced_values(upstream, category, subcategory, prices,
                                    row[0] if row else None, row[1] if row else None)
            if row is None:
                inserting.add(new_rows.row(upstream, digest, values,
                                           names.of(upstream.service_id, values[NAME])))
                created.append(upstream.service_id)
                continue
            pk, _, old_digest, old = row
            if old == values:
                # Sent differently, read the same (or stored before digests were kept).
                summary.unchanged += 1
                if old_digest != digest:
                    digests_only.append(Service(id=pk, sync_digest=digest))
                continue
            if old[RATE] != values[RATE]:
                price_changes.append(PriceChange(service_id=pk, old_rate=old[RATE],
                                                 new_rate=upstream.rate))
            if not old[AVAILABLE]:
                summary.restored += 1
            else:
                summary.updated += 1
            to_update.append(Service(id=pk, synced_at=now, sync_digest=digest,
                                     **dict(zip(SYNCED_FIELDS, values, strict=True))))
    summary.created = len(created)
    if catalog.names is not None:
        summary.names_written = set(created)
    update_rows(Service, to_update, [*SYNCED_FIELDS, "synced_at", "sync_digest"])
    update_rows(Service, digests_only, ["sync_digest"])
    PriceChange.objects.bulk_create(price_changes, batch_size=BATCH)
    summary.price_changes = len(price_changes)
    seen = rows.seen
    gone = [pk for upstream_id, pk in stored.ids.items()
            if upstream_id not in seen and upstream_id not in stored.unavailable]
    if gone:
        Service.objects.filter(id__in=gone).update(available=False, synced_at=now)
    summary.disabled = len(gone)
    progress(f"  services written: {summary.created} new, {len(to_update)} changed, "
             f"{summary.disabled} gone, {len(rows.unchanged)} found unchanged by digest")


def _stored_values(provider: Provider, upstream_ids: list[int],
                   ) -> dict[int, tuple[int, Decimal | None, int | None, tuple]]:
    """What sync owns of the services about to be written, as plain tuples in SYNCED_FIELDS
    order, by upstream id: (id, price override, digest, synced values). One query, none when
    no stored service is written; a long list of ids reads the provider's whole catalog."""
    if not upstream_ids:
        return {}
    services = Service.objects.filter(provider=provider).order_by()
    if len(upstream_ids) <= IN_LIST_MAX:
        services = services.filter(upstream_id__in=upstream_ids)
    return {upstream_id: (pk, override, digest, tuple(synced))
            for upstream_id, pk, override, digest, *synced in services.values_list(
                "upstream_id", "id", "price_override", "sync_digest", *SYNCED_FIELDS)
            .iterator(BATCH)}


class NewServiceRows:
    """New services as database-ready tuples for `provider.bulk.insert_rows` (COPY on
    PostgreSQL): no model, no dict and no ORM preparation per row, which dominated a first
    sync of tens of thousands of services. Columns: those a sync sets per row, the names in
    other languages, SYNCED_FIELDS, then every other column at its default."""

    PER_ROW = ("upstream_id", "description", "sync_digest", "price_unit")

    def __init__(self, provider: Provider, now: datetime, name_columns: tuple[str, ...]) -> None:
        fields = {f.attname: f for f in Service._meta.concrete_fields if not f.primary_key}
        constant = {"provider_id": provider.id, "enabled": provider.new_services_on_sale,
                    "synced_at": connection.ops.adapt_datetimefield_value(now)}
        leading = [*constant, *self.PER_ROW, *name_columns, *SYNCED_FIELDS]
        rest = [name for name in fields if name not in leading]
        self.columns = [fields[name].column for name in (*leading, *rest)]
        self._constant = tuple(constant.values())
        self._defaults = tuple(fields[name].get_default() for name in rest)
        self._units: dict[tuple[str, str], int] = {}  # by (entity type, service type)

    def row(self, upstream: UpstreamService, digest: int | None, values: tuple,
            names: tuple[str, ...]) -> tuple:
        unit = self._units.get((upstream.entity_type, upstream.type))
        if unit is None:
            # Products are priced per item, packages per order; the rest per 1,000.
            unit = self._units[(upstream.entity_type, upstream.type)] = (
                PriceUnit.PER_ITEM if upstream.entity_type == "product"
                or is_per_order(upstream.type) else PriceUnit.PER_THOUSAND)
        return (*self._constant, upstream.service_id, upstream.description, digest, unit,
                *names, *values, *self._defaults)


def _sync_sms(provider: Provider, catalog: UpstreamCatalog, book: RuleBook,
              summary: SyncSummary) -> None:
    countries = {row.code: row for row in SmsCountry.objects.filter(provider=provider)}
    names = {c.code: c.name for c in catalog.sms_countries or []}
    for project in catalog.sms_projects or []:
        names.setdefault(project.country_id, project.country_title)
    new_countries = [SmsCountry(provider=provider, code=code, name=name)
                     for code, name in names.items() if code not in countries]
    for row in SmsCountry.objects.bulk_create(new_countries):
        countries[row.code] = row
    projects = {row.project_id: row for row in SmsProject.objects.filter(provider=provider)}
    new_projects = {p.project_id: SmsProject(provider=provider, project_id=p.project_id,
                                             name=p.name)
                    for p in catalog.sms_projects or [] if p.project_id not in projects}
    for row in SmsProject.objects.bulk_create(new_projects.values()):
        projects[row.project_id] = row
    prices = {(row.project_id, row.country_id): row
              for row in SmsPrice.objects.filter(project__provider=provider)}
    to_create, to_update, seen = [], [], set()
    for offer in catalog.sms_projects or []:
        project, country = projects[offer.project_id], countries[offer.country_id]
        key = (project.id, country.id)
        seen.add(key)
        sell = sms_sell_price(book, cost=offer.price, provider_id=provider.id)
        row = prices.get(key)
        if row is None:
            to_create.append(SmsPrice(project=project, country=country, cost=offer.price,
                                      sell_price=sell))
        elif (row.cost, row.sell_price, row.available) != (offer.price, sell, True):
            row.cost, row.sell_price, row.available = offer.price, sell, True
            to_update.append(row)
    SmsPrice.objects.bulk_create(to_create)
    SmsPrice.objects.bulk_update(to_update, ["cost", "sell_price", "available"])
    gone = [row.id for key, row in prices.items() if key not in seen and row.available]
    SmsPrice.objects.filter(id__in=gone).update(available=False)
    summary.sms_countries = len(countries)
    summary.sms_prices = len(seen)
