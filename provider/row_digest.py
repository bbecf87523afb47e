"""A digest of one upstream service row as it was sent, kept beside the service
(`Service.sync_digest`), so that a re-sync finds the rows that did not change without
reading them field by field or reading the stored ones back.

Two rows with the same digest are the same JSON values (key order included), in the same
subcategory, priced by the same rules: everything a sync derives from a row. A row of an
answer decoded by `provider.catalog_rows` is digested from its JSON text as sent (`of_bytes`,
no re-encoding), others from their decoded values (`of`); the two kinds never match each
other, so a row that changes kind is read once more, and found the same. A digest is
64 bits of BLAKE2b: among tens of thousands of rows, a collision is about one chance in 10^10
per sync, and would at worst keep a row as it was last validated and written.
"""

import hashlib
from decimal import Decimal

import orjson

from provider.pricing import RuleBook

# Raise when what a sync derives from a row changes, so that every row is read again once.
DERIVATION = b"1"


def _tagged(value: object) -> object:
    # The exact decoder's numbers (`provider.answers`): tagged, so that 5 and "5" differ.
    if isinstance(value, Decimal):
        return ["\x00decimal", str(value)]
    raise TypeError


def rules_key(book: RuleBook) -> bytes:
    """A BLAKE2b key (64 bytes) standing for everything a sync derives prices from."""
    rules = repr(
        (
            book.global_rule,
            sorted(book.by_provider.items()),
            sorted(book.by_category.items()),
            sorted(book.by_service.items()),
            sorted(book.overrides_below_cost),
        )
    )
    return hashlib.blake2b(DERIVATION + b"\x00" + rules.encode()).digest()


class RowDigests:
    """Digests of rows under one rule book."""

    def __init__(self, book: RuleBook) -> None:
        # The rule book keys every digest (BLAKE2b takes a key of up to 64 bytes).
        self._key = rules_key(book)
        self._prefixes: dict[str | None, bytes] = {}
        self._byte_prefixes: dict[str | None, bytes] = {}

    def of(self, row: object, subcategory: str | None) -> int | None:
        """The digest of `row` filed under `subcategory`, as a signed 64-bit integer; None
        for a row that is not a JSON object, or that orjson cannot write back."""
        if type(row) is not dict:
            return None
        try:
            data = orjson.dumps(row, default=_tagged)
        except orjson.JSONEncodeError:  # nested deeper than orjson writes
            return None
        return self._keyed(self._prefixes, b"\x00", subcategory, data)

    def of_bytes(self, row: bytes, subcategory: str | None) -> int:
        """The digest of a row's JSON text as sent (`provider.catalog_rows`), filed under
        `subcategory`: the same text, the same values. Tagged apart from `of`'s (its text
        always starts with `{`), so the two kinds of digest never match each other."""
        return self._keyed(self._byte_prefixes, b"\x00\x01", subcategory, row)

    def _keyed(self, prefixes: dict[str | None, bytes], tag: bytes,
               subcategory: str | None, data: bytes) -> int:
        """BLAKE2b of `data` under the rule book's key, after the subcategory's name and
        `tag` (the prefix made once per subcategory, kept in `prefixes`): a signed 64-bit
        integer."""
        prefix = prefixes.get(subcategory)
        if prefix is None:
            name = (subcategory or "").encode("utf-8", "surrogatepass")
            prefix = prefixes[subcategory] = name + tag
        digest = hashlib.blake2b(prefix + data, digest_size=8, key=self._key).digest()
        return int.from_bytes(digest, "big", signed=True)
