"""A few small cache entries read on every API call, cheaply on the embedded file cache.

`services` reads two entries on every call (the ready list's stamp and the catalog's
version). On the file cache (the default) `cache.get_many` opens, unpickles and
decompresses one file per key, most of that call's cost in the panel. The file cache writes
an entry to a new file renamed over the old one (and `touch` rewrites it in place), so a
`stat` tells whether an entry changed: the value read last is kept with its file's identity
(inode, times, size) and served while the file is the same; a missing file is a missing
entry. Any other cache: `cache.get_many`, one round trip as before.

Only for entries stored without expiry (`timeout=None`): an expiry passing changes nothing
on disk. The services stamp and the catalog version are stored so.
"""

import os
import threading

from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache

_seen: dict[str, tuple[tuple[int, int, int, int], object]] = {}
_paths: dict[tuple, str] = {}
_lock = threading.Lock()


def _path(cache: FileBasedCache, key: str) -> str:
    where = (cache._dir, cache.key_prefix, cache.version, key)
    path = _paths.get(where)
    if path is None:
        path = _paths[where] = cache._key_to_file(key)
    return path


def get_many(keys: list[str]) -> dict[str, object]:
    """As `cache.get_many(keys)` for entries stored without expiry."""
    cache = caches["default"]
    if not isinstance(cache, FileBasedCache):
        return cache.get_many(keys)
    found = {}
    for key in keys:
        path = _path(cache, key)
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            continue
        identity = (stat.st_ino, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size)
        seen = _seen.get(path)
        if seen is not None and seen[0] == identity:
            found[key] = seen[1]
            continue
        # Read after the stat: the value is at least as new as the identity kept with it.
        value = cache.get(key)
        if value is not None:
            with _lock:
                _seen[path] = (identity, value)
            found[key] = value
    return found
