"""The bare `services` list (no products: see `catalog.without_products`), serialized once
and kept ready in the cache.

A catalog of 20,000 services takes a while to query and serialize, so the bare list is built
once per catalog version and stored as bytes in the cache, with a small stamp (a digest of the
bytes, when they were built and from which version) under a key of its own. The catalog
publishes its version (`provider.catalog_version`) after every sync, repricing or admin edit
that changed it; the first request that sees a version other than its stamp's rebuilds.
Each process keeps the last list it fetched: a request reads only the stamp and the
catalog's version (in one round trip), and fetches the
bytes again only when the stamp changed. An entry older than `API_SERVICES_MAX_AGE` is rebuilt
by one request while the others keep serving it, which bounds what a process-local cache
(`CACHE_URL=locmemcache://`) could miss. The keys carry the format version: bump it when the rows
change.
"""

import gzip
import hashlib
import json
import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache

from panel import cachewatch
from panel.api.catalog import on_sale_services, service_rows, without_products
from provider import catalog_version

log = logging.getLogger(__name__)

KEY = "api:services:v2"
STAMP = f"{KEY}:stamp"
REBUILDING = f"{KEY}:rebuilding"
REBUILD_LOCK_SECONDS = 60

GZIP_LEVEL = 6  # 4 MB of JSON to about 250 KB, in about 0.1 s, once per list and process


class Listing:
    """The list's JSON bytes (never copied: 4 MB), and their gzip made once, on first demand,
    by one thread, so that a client accepting gzip gets it at the cost of serving bytes."""

    _lock = threading.Lock()

    def __init__(self, body: bytes) -> None:
        self.body = body
        self._gzipped: bytes | None = None

    @property
    def gzipped(self) -> bytes:
        if self._gzipped is None:
            with self._lock:
                if self._gzipped is None:
                    self._gzipped = gzip.compress(self.body, GZIP_LEVEL, mtime=0)
        return self._gzipped


# This process's copy: (digest, list), the last list it built or fetched.
_local: tuple[str, Listing] | None = None


def build() -> bytes:
    rows = service_rows(without_products(on_sale_services()), standard=True)
    return json.dumps(rows, separators=(",", ":"), ensure_ascii=False).encode()


def rebuild() -> Listing:
    """Build the list and store it (bytes first, then the stamp that points at them)."""
    global _local
    try:  # read first: a change published while building is rebuilt again
        version = catalog_version.current()
    except Exception:
        version = None
    body = build()
    digest = hashlib.sha256(body).hexdigest()[:32]
    _local = (digest, Listing(body))
    try:
        cache.set(KEY, (digest, body), timeout=None)
        cache.set(STAMP, (digest, time.time(), version), timeout=None)
    except Exception:
        log.warning("could not store the services list in the cache", exc_info=True)
    return _local[1]


# What `services_body` reads of the cache on every call (`read`: already read with them).
WATCHED = (STAMP, catalog_version.KEY)


def services_body(read: dict[str, object] | None = None) -> Listing:
    """The bare `services` list as JSON bytes: this process's copy while it is current.
    `read`: the values of `WATCHED`, when the caller read them already (the rate counter's
    round trip on Redis)."""
    global _local
    try:  # one round trip for both (a stat of each on the file cache: `cachewatch`)
        found = cachewatch.get_many(list(WATCHED)) if read is None else read
    except Exception:
        log.warning("cache unreadable; building the services list", exc_info=True)
        return Listing(build())
    stamp, version = found.get(STAMP), found.get(catalog_version.KEY)
    if stamp is None:
        return rebuild()
    digest, built_at, built_from = stamp
    stale = built_from != version or time.time() - built_at >= settings.API_SERVICES_MAX_AGE
    if stale and cache.add(REBUILDING, 1, REBUILD_LOCK_SECONDS):
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
    _local = (cached[0], Listing(cached[1]))
    return _local[1]
