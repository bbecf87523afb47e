"""Which upstream service rows a sync has to read and write: those whose digest
(`provider.row_digest`) is not stored beside an available service of the provider.

Every row that is written is read by `provider.upstream_types.parse_service` first, with all
its checks; a row found by its digest is the very row that was read and written last time, so
it is left as it is, unread.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from provider import catalog_rows
from provider.catalog_rows import CatalogRows
from provider.models import Provider, Service
from provider.row_digest import RowDigests
from provider.upstream_types import (
    MalformedAnswer,
    Skipped,
    UpstreamService,
    parse_service,
    service_label,
)


@dataclass
class StoredServices:
    """A provider's services as the sync sees them before reading any row: plain integers,
    no per-column conversion."""

    by_digest: dict[int, tuple[int, int]]  # digest -> (upstream id, id)
    ids: dict[int, int]  # upstream id -> id
    unavailable: set[int]  # upstream ids

    @classmethod
    def load(cls, provider: Provider) -> "StoredServices":
        services = Service.objects.filter(provider=provider).order_by()
        by_digest, ids = {}, {}
        for upstream_id, pk, digest in services.values_list("upstream_id", "id", "sync_digest"):
            ids[upstream_id] = pk
            if digest is not None:
                by_digest[digest] = (upstream_id, pk)
        # Apart, so that no boolean is converted per row: a catalog has few of these.
        unavailable = set(services.filter(available=False).values_list("upstream_id", flat=True))
        return cls(by_digest, ids, unavailable)


@dataclass
class RowsToApply:
    changed: list[tuple[UpstreamService, int | None]] = field(default_factory=list)  # read
    unchanged: set[int] = field(default_factory=set)  # upstream ids found by their digest
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def seen(self) -> set[int]:
        return self.unchanged | {service.service_id for service, _ in self.changed}


def read_changed_rows(
    rows: list[object], subcategory_of: dict[int, str], stored: StoredServices, digests: RowDigests
) -> RowsToApply:
    """The rows to write, read and each with its digest; the upstream ids left unchanged;
    the rows refused. A service listed twice counts once, as first listed."""
    result = RowsToApply()
    seen: set[int] = set()
    for row in rows:
        raw_id = row.get("service") if type(row) is dict else None
        sub = subcategory_of.get(raw_id) if type(raw_id) in (int, Decimal) else None
        digest = digests.of(row, sub)
        found = stored.by_digest.get(digest)
        if found is not None and found[0] not in stored.unavailable:
            if found[0] not in seen:
                seen.add(found[0])
                result.unchanged.add(found[0])
            continue
        try:
            service = parse_service(row)
        except MalformedAnswer as exc:
            result.skipped.append(Skipped(service_label(row), str(exc)))
            continue
        if service.service_id in seen:
            continue
        seen.add(service.service_id)
        # Filed under the subcategory the row is written with (an id sent as text finds no
        # digest above, so it is read every time, never kept stale); the digest above when
        # the id was sent as that very integer.
        if type(raw_id) is not int or raw_id != service.service_id:
            digest = digests.of(row, subcategory_of.get(service.service_id))
        result.changed.append((service, digest))
    return result


def read_changed_catalog_rows(
    rows: CatalogRows, subcategory_of: dict[int, str], stored: StoredServices, digests: RowDigests
) -> RowsToApply:
    """`read_changed_rows` of an answer decoded by `provider.catalog_rows`: each row's digest
    taken from its bytes as sent, each row to write read by `catalog_rows.read`."""
    result = RowsToApply()
    seen: set[int] = set()
    by_digest, unavailable = stored.by_digest, stored.unavailable
    digest_of, read = digests.of_bytes, catalog_rows.read
    for row, raw in zip(rows.rows, rows.raw, strict=True):
        service_id = row.service
        digest = digest_of(raw, subcategory_of.get(service_id))
        found = by_digest.get(digest)
        if found is not None and found[0] not in unavailable:
            if found[0] not in seen:
                seen.add(found[0])
                result.unchanged.add(found[0])
            continue
        try:
            service = read(row, raw)
        except MalformedAnswer as exc:
            result.skipped.append(Skipped(service_label({"service": service_id}), str(exc)))
            continue
        if service_id in seen:
            continue
        seen.add(service_id)
        result.changed.append((service, digest))
    return result
