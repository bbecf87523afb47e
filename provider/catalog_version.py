"""The catalog's published version: what readers of the catalog rebuild from.

Whatever changes what is on sale (a sync that wrote rows, a repricing, an admin edit) calls
`catalog_changed`; once its transaction commits, a new version token is stored in the shared
cache. A reader that keeps something derived from the catalog (the API's ready `services`
list) remembers the version it was built from and rebuilds when `current()` differs, lazily,
on its own next use. The domain publishes; it never calls the web layer.
"""

import logging
import uuid

from django.core.cache import cache
from django.db import transaction

log = logging.getLogger(__name__)

KEY = "catalog:version"


def current() -> str | None:
    """The version last published, or None if none was (or the cache forgot it)."""
    return cache.get(KEY)


def _publish() -> None:
    try:
        cache.set(KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        # Readers still rebuild when their copy grows old (API_SERVICES_MAX_AGE).
        log.warning("could not publish the catalog version", exc_info=True)


def catalog_changed() -> None:
    """Publish a new version once the current transaction commits (at once outside one),
    once per transaction however many changes it holds."""
    pending = getattr(transaction.get_connection(), "run_on_commit", [])
    if any(func is _publish for _, func, _ in pending):
        return
    transaction.on_commit(_publish, robust=True)
