"""The bare `services` list (no products: see `catalog.without_products`), serialized once
and kept ready in the cache.

A catalog of 20,000 services takes a while to query and serialize, so the bare list is built
after every sync and every repricing (`catalog_changed`) and stored as bytes in the cache,
with a small stamp (a digest of the bytes and when they were built) under a key of its own.
Each process keeps the last list it fetched: a request reads only the stamp, and fetches the
bytes again only when the stamp changed. An entry older than `API_SERVICES_MAX_AGE` is rebuilt
by one request while the others keep serving it, which bounds what a process-local cache
(`CACHE_URL=locmemcache://`) could miss. The keys carry the format version: bump it when the rows
change.
"""

import hashlib
import json
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from panel.api.catalog import on_sale_services, service_rows, without_products

log = logging.getLogger(__name__)

KEY = "api:services:v2"
STAMP = f"{KEY}:stamp"
REBUILDING = f"{KEY}:rebuilding"
REBUILD_LOCK_SECONDS = 60

# This process's copy: (digest, body), the last list it built or fetched.
_local: tuple[str, bytes] | None = None


def build() -> bytes:
    rows = service_rows(without_products(on_sale_services()), standard=True)
    return json.dumps(rows, separators=(",", ":"), ensure_ascii=False).encode()


def rebuild() -> bytes:
    """Build the list and store it (bytes first, then the stamp that points at them)."""
    global _local
    body = build()
    digest = hashlib.sha256(body).hexdigest()[:32]
    _local = (digest, body)
    try:
        cache.set(KEY, (digest, body), timeout=None)
        cache.set(STAMP, (digest, time.time()), timeout=None)
    except Exception:
        log.warning("could not store the services list in the cache", exc_info=True)
    return body


def services_body() -> bytes:
    """The bare `services` list as JSON bytes: this process's copy while it is current."""
    global _local
    try:
        stamp = cache.get(STAMP)
    except Exception:
        log.warning("cache unreadable; building the services list", exc_info=True)
        return build()
    if stamp is None:
        return rebuild()
    digest, built_at = stamp
    if time.time() - built_at >= settings.API_SERVICES_MAX_AGE and cache.add(
            REBUILDING, 1, REBUILD_LOCK_SECONDS):
        try:
            return rebuild()
        finally:
            cache.delete(REBUILDING)
    local = _local
    if local is not None and local[0] == digest:
        return local[1]
    cached = cache.get(KEY)  # newer than the stamp read, if a rebuild just stored it
    if cached is None:
        return rebuild()  # evicted
    _local = cached
    return cached[1]


def _rebuild_after_commit() -> None:
    rebuild()


def catalog_changed() -> None:
    """Rebuild the list once the current transaction commits (at once outside one), once
    per transaction however many changes it holds."""
    pending = getattr(transaction.get_connection(), "run_on_commit", [])
    if any(func is _rebuild_after_commit for _, func, _ in pending):
        return
    transaction.on_commit(_rebuild_after_commit, robust=True)
