"""Answers read for a few fields, decoded straight from their bytes (msgspec).

A full sync reads the catalog three times over: the whole `services` list, the subcategory
listings (together the catalog again, read for the ids alone) and the list in another
language (read for id, name and category). Building every row's dict only to read one to
three fields of it was most of the cost of the last two. msgspec decodes into structs of
just those fields: the other fields are skipped in C, unbuilt, and the types and ranges of
the fields read are checked there too.

Each reader gives exactly what its full counterpart in `provider.upstream_types` gives
(`parse_service_ids`, `parse_service_names`) or None, and then the caller reads the same
bytes the usual way (`ProviderClient._read_plain`). None for: anything msgspec refuses (not
JSON, NaN, an id that is not a JSON integer in range, a row that is not an object, a text
with a lone surrogate, nesting deeper than Python's recursion limit), an `error` field, and
every row the fast reading would not take as it is (a name or category to clean, an empty
name, a category too long). What msgspec skips unread it still parses, so malformed JSON
anywhere is refused. tests/provider/test_listing_decoders.py generates answers to check it.
"""

from typing import Annotated

import msgspec

from provider.upstream_types import (
    BIGINT_MAX,
    CATEGORY_NAME_MAX,
    SERVICE_NAME_MAX,
    RowsRead,
    ServiceName,
    has_text_to_clean,
)

ServiceId = Annotated[int, msgspec.Meta(ge=1, le=BIGINT_MAX)]


class _IdRow(msgspec.Struct):
    service: ServiceId


class _IdPage(msgspec.Struct):
    services: list[_IdRow]
    # An `error` field, even null, is the full reading's to report.
    error: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET


class _NameRow(msgspec.Struct):
    service: ServiceId
    name: str
    category: str | None = None


class _NamePage(msgspec.Struct):
    services: list[_NameRow]
    error: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET


# Both dialects: a bare list, or the HstockPlus page object.
_ids = msgspec.json.Decoder(list[_IdRow] | _IdPage)
_names = msgspec.json.Decoder(list[_NameRow] | _NamePage)
_REFUSED = (msgspec.DecodeError, RecursionError)  # ValidationError is a DecodeError


def decoded_rows(decoder: msgspec.json.Decoder, body: bytes) -> list | None:
    """The rows of the answer `body`, decoded by `decoder` (a bare list, or a page object
    whose rows are under `services`: both dialects), or None: msgspec refused it, or the page
    has an `error` field (even null: the full reading's to report)."""
    try:
        answer = decoder.decode(body)
    except _REFUSED:
        return None
    if type(answer) is list:
        return answer
    return answer.services if getattr(answer, "error", msgspec.UNSET) is msgspec.UNSET else None


def service_ids(body: bytes) -> tuple[int, ...] | None:
    """`parse_service_ids` of the answer `body`, or None (read it the usual way)."""
    answer = decoded_rows(_ids, body)
    return None if answer is None else tuple([row.service for row in answer])


def service_names(body: bytes) -> RowsRead[ServiceName] | None:
    """`parse_service_names` of the answer `body`, or None (read it the usual way)."""
    answer = decoded_rows(_names, body)
    if answer is None:
        return None
    # One scan of every name and category together: a hit anywhere declines the answer.
    texts = [row.name for row in answer]
    texts.extend([row.category for row in answer if row.category is not None])
    if has_text_to_clean("".join(texts)):
        return None
    names = []
    for row in answer:
        name, category = row.name.strip()[:SERVICE_NAME_MAX], row.category
        if not name or (category is not None and len(category) > CATEGORY_NAME_MAX):
            return None
        names.append(ServiceName(row.service, name, category or ""))
    return RowsRead(names)
