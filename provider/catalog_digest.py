"""A whole-answer short-circuit for a re-sync: a digest of the `services` answer's bytes,
kept on the provider (`Provider.catalog_digest`) by the last full sync that succeeded.

When the next `services` answer has the same digest under the same pricing rules, the full
sync would find every row unchanged by its digest (`provider.row_digest`) and write nothing;
so the sync decodes nothing, asks nothing else and writes nothing but the time. Two things the
answer's bytes do not show are re-read at most `CATALOG_SUBCATEGORY_REFRESH` seconds apart,
by a full sync: the subcategory listings (a service moved to another subcategory keeps its
row) and the `categories` list. An answer that differs in any byte takes the full, validating
path.

The digest is keyed like the rows' digests: by the pricing rules (`row_digest.rules_key`), so
a rule change makes the next sync run in full.
"""

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from provider.pricing import RuleBook
from provider.row_digest import rules_key


def catalog_digest(body: bytes, book: RuleBook) -> str:
    """The digest of a `services` answer's bytes under `book`, as hex (64 characters)."""
    return hashlib.blake2b(body, digest_size=32, key=rules_key(book)).hexdigest()


def listings_fresh(refreshed_at: datetime | None, now: datetime | None = None) -> bool:
    """Whether the last full sync (which read the subcategory listings) is recent enough to
    skip them."""
    bound = settings.CATALOG_SUBCATEGORY_REFRESH
    if refreshed_at is None or bound <= 0:
        return False
    age = (now or timezone.now()) - refreshed_at
    return timedelta(0) <= age < timedelta(seconds=bound)
