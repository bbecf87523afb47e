"""A full sync's `services` answer, decoded straight from its bytes (msgspec).

The usual reading of the answer builds a dict per row (orjson), looks through it for floats
(`answers.loads`), writes every row back to JSON for its digest (`row_digest`) and checks
every field's type in Python (`upstream_types._plain_service`): most of a first sync's
reading. Here one msgspec pass decodes each row into a struct of the plain row shape (ids and
counts as JSON integers in their columns' ranges, flags as booleans, texts as str, the rate as
text: checked in C, the other fields skipped unbuilt), and a second keeps each row's bytes as
sent, which its digest is taken from (`RowDigests.of_bytes`).

What msgspec does not check is checked as before, by `upstream_types.plain_service_of` (texts
to clean, `min` above `max`, an empty name, the rate by `_to_money`); a row it declines is read
by `parse_service` from the row's own bytes, exactly decoded (`answers.loads`), so a bad row
still costs only that row. An answer msgspec refuses as a whole (not JSON, an `error` field,
any row not of the plain types: a float, an id as text, NaN, a number beyond the columns, a
lone surrogate, nesting deeper than Python's recursion limit) gives None, and the sync reads
it the usual way (`provider.sync_rows.read_changed_rows`). tests/provider/test_catalog_rows.py
generates answers to check that both readings agree.
"""

from dataclasses import dataclass
from typing import Annotated

import msgspec

from provider import answers
from provider.listing_decoders import ServiceId, decoded_rows
from provider.upstream_types import (
    POSITIVE_INT_MAX,
    UpstreamService,
    parse_service,
    plain_service_of,
)

_Count = Annotated[int, msgspec.Meta(ge=0, le=POSITIVE_INT_MAX)]


class PlainRow(msgspec.Struct, gc=False):
    """The fields a sync reads of a row, of the plain types (the rest is not decoded)."""

    service: ServiceId
    name: str
    rate: str
    min: _Count
    max: _Count
    type: str | None = None
    category: str | None = None
    stock: _Count | None = None
    entity_type: str | None = msgspec.field(default=None, name="entityType")
    refill: bool | None = None
    cancel: bool | None = None
    auto_delivery: bool | None = msgspec.field(default=None, name="autoDelivery")
    dripfeed: bool | None = None
    desc: str | None = None
    description: str | None = None


class _Page(msgspec.Struct):
    services: list[PlainRow]
    error: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET  # even null: the usual reading's


class _RawPage(msgspec.Struct):
    services: list[msgspec.Raw]


_rows = msgspec.json.Decoder(list[PlainRow] | _Page)
_raw_rows = msgspec.json.Decoder(list[msgspec.Raw] | _RawPage)


@dataclass
class CatalogRows:
    """The rows of one `services` answer: each decoded (`rows`) and as sent (`raw`), in the
    same order."""

    rows: list[PlainRow]
    raw: list[msgspec.Raw]

    def __len__(self) -> int:
        return len(self.rows)

    def categories(self) -> dict[int, str]:
        """Each service's category name by id, as sent (see `sync._categories_named`)."""
        return {row.service: row.category for row in self.rows if row.category is not None}


def decode(body: bytes) -> CatalogRows | None:
    """The rows of the `services` answer `body`, or None: read it the usual way."""
    rows = decoded_rows(_rows, body)
    raw = None if rows is None else decoded_rows(_raw_rows, body)
    return None if raw is None else CatalogRows(rows, raw)


def read(row: PlainRow, raw: bytes) -> UpstreamService:
    """`parse_service` of the row sent as `raw` and decoded as `row`; raises
    MalformedAnswer as `parse_service` does."""
    service = plain_service_of(
        row.service, row.name, row.type, row.category, row.rate, row.min, row.max, row.refill,
        row.cancel, row.stock, row.entity_type, row.auto_delivery, row.desc, row.description,
        row.dripfeed,
    )  # fmt: skip
    if service is None:
        # Not the plain values: the row's own bytes, exactly decoded, read in full.
        service = parse_service(answers.loads(bytes(raw)))
    return service
