"""The counters behind the rate limits: one round trip per counted call, exact under
concurrency, shared by every process that shares the cache.

- Redis (`CACHE_URL=redis://...`): one Lua script per call (INCR, EXPIRE on the first, and
  optionally a look at a second counter first), atomic in Redis.
- The embedded default (the file cache): a small SQLite file beside it
  (`ratelimit.sqlite3` in its folder), one UPSERT per call. Writers queue on an `flock` of a lock
  file (the kernel wakes the next at once; SQLite's own busy handler would sleep a millisecond
  or more) and, within a process, on a thread lock.
- Any other cache (memcached, a process's memory): through the cache, as `add` then `incr`.

`count(bucket, ttl, unless=(other, limit))` counts one call in `bucket`, unless `other` has
reached `limit` already: then it counts nothing and answers None. A bucket is one window of
one limit; it is forgotten `ttl` seconds after its first call. `count_reading(..., read=keys)`
also reads those cache entries (stored without expiry): in the same round trip on Redis, by
`panel.cachewatch` elsewhere.
"""

import fcntl
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.cache import cache

from panel import cachewatch

type Unless = tuple[str, int] | None


def clock() -> float:
    """When a bucket expires (a function, so tests can move it)."""
    return time.time()


class Counter(Protocol):
    def count(self, bucket: str, ttl: int, unless: Unless = None) -> int | None: ...

    def count_reading(
        self, bucket: str, ttl: int, unless: tuple[str, int], read: tuple[str, ...]
    ) -> tuple[int | None, dict[str, object]]: ...

    def read(self, bucket: str) -> int: ...

    def clear(self) -> None: ...


class _ReadsApart:
    """`count_reading` as a count, then a read of the cache."""

    def count_reading(
        self, bucket: str, ttl: int, unless: tuple[str, int], read: tuple[str, ...]
    ) -> tuple[int | None, dict[str, object]]:
        return self.count(bucket, ttl, unless), cachewatch.get_many(list(read))


# --- Redis -------------------------------------------------------------------------------

COUNT_SCRIPT = """
if #KEYS == 2 and tonumber(redis.call('GET', KEYS[2]) or '0') >= tonumber(ARGV[2]) then
  return -1
end
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
"""
# The same, then the cache entries KEYS[3..] (false, read as nil, where absent).
COUNT_READING_SCRIPT = """
local n = -1
if tonumber(redis.call('GET', KEYS[2]) or '0') < tonumber(ARGV[2]) then
  n = redis.call('INCR', KEYS[1])
  if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
end
local out = {n}
for i = 3, #KEYS do out[#out + 1] = redis.call('GET', KEYS[i]) or false end
return out
"""


class RedisCounter:
    """Counts in the cache's own Redis, under the cache's key prefix; values are plain
    integers, as Django's Redis cache stores integers."""

    def __init__(self) -> None:
        self._client = cache._cache.get_client(write=True)
        self._script = self._client.register_script(COUNT_SCRIPT)
        self._reading = self._client.register_script(COUNT_READING_SCRIPT)

    def count(self, bucket: str, ttl: int, unless: Unless = None) -> int | None:
        # make_key, not make_and_validate_key: the buckets are ours (ASCII, no spaces, short),
        # and the validation walks every character of every key on every call.
        keys = [cache.make_key(bucket)]
        args = [ttl]
        if unless is not None:
            keys.append(cache.make_key(unless[0]))
            args.append(unless[1])
        counted = int(self._script(keys=keys, args=args))
        return None if counted < 0 else counted

    def count_reading(
        self, bucket: str, ttl: int, unless: tuple[str, int], read: tuple[str, ...]
    ) -> tuple[int | None, dict[str, object]]:
        keys = [cache.make_key(bucket), cache.make_key(unless[0])]
        keys.extend(cache.make_key(key) for key in read)
        reply = self._reading(keys=keys, args=[ttl, unless[1]])
        loads = cache._cache._serializer.loads  # as Django's RedisCache reads its values
        values = {
            key: loads(raw) for key, raw in zip(read, reply[1:], strict=True) if raw is not None
        }
        counted = int(reply[0])
        return (None if counted < 0 else counted), values

    def read(self, bucket: str) -> int:
        return int(self._client.get(cache.make_and_validate_key(bucket)) or 0)

    def clear(self) -> None:
        cache.clear()


# --- SQLite, the embedded default ----------------------------------------------------------

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS hits (bucket TEXT PRIMARY KEY, count INTEGER NOT NULL,"
    " expires REAL NOT NULL) WITHOUT ROWID"
)
# A row past its expiry (not pruned yet) starts again from one.
UPSERT = """INSERT INTO hits (bucket, count, expires) VALUES (:bucket, 1, :expires)
ON CONFLICT (bucket) DO UPDATE SET
  count = CASE WHEN hits.expires > :now THEN hits.count + 1 ELSE 1 END,
  expires = CASE WHEN hits.expires > :now THEN hits.expires ELSE :expires END
RETURNING count"""
PRUNE_EVERY = 60.0  # seconds between deletions of forgotten buckets, per process


class SqliteCounter(_ReadsApart):
    """One connection per process (opened again after a fork), used under a thread lock and,
    for writes, an `flock` shared with every other process on the host. Counts need no
    durability (synchronous=OFF): a crash of the machine forgets one window at most."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._pid = 0
        self._db: sqlite3.Connection | None = None
        self._lockfile = None
        self._pruned = 0.0

    def _open(self) -> sqlite3.Connection:
        if self._db is None or self._pid != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._lockfile = open(f"{self.path}.lock", "ab")  # noqa: SIM115 - kept open
            db = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=30
            )
            with self._locked():
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(SCHEMA)
            db.execute("PRAGMA synchronous=OFF")
            self._db, self._pid = db, os.getpid()
        return self._db

    def _locked(self):
        return _Flock(self._lockfile.fileno())

    def count(self, bucket: str, ttl: int, unless: Unless = None) -> int | None:
        moment = clock()
        with self._lock:
            db = self._open()
            with self._locked():
                if unless is not None:
                    row = db.execute(
                        "SELECT count FROM hits WHERE bucket = ? AND expires > ?",
                        (unless[0], moment),
                    ).fetchone()
                    if row is not None and row[0] >= unless[1]:
                        return None
                if moment - self._pruned > PRUNE_EVERY:
                    db.execute("DELETE FROM hits WHERE expires <= ?", (moment,))
                    self._pruned = moment
                return db.execute(
                    UPSERT, {"bucket": bucket, "expires": moment + ttl, "now": moment}
                ).fetchone()[0]

    def read(self, bucket: str) -> int:
        with self._lock:
            row = (
                self._open()
                .execute(
                    "SELECT count FROM hits WHERE bucket = ? AND expires > ?", (bucket, clock())
                )
                .fetchone()
            )
        return row[0] if row else 0

    def clear(self) -> None:
        with self._lock:
            db = self._open()
            with self._locked():
                db.execute("DELETE FROM hits")


class _Flock:
    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __enter__(self) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_UN)


# --- any other cache -----------------------------------------------------------------------


class CacheCounter(_ReadsApart):
    """Through Django's cache API: atomic where the backend's `incr` is (memcached)."""

    def count(self, bucket: str, ttl: int, unless: Unless = None) -> int | None:
        if unless is not None and self.read(unless[0]) >= unless[1]:
            return None
        cache.add(bucket, 0, timeout=ttl)
        try:
            return cache.incr(bucket)
        except ValueError:  # evicted between add and incr
            cache.set(bucket, 1, timeout=ttl)
            return 1

    def read(self, bucket: str) -> int:
        return cache.get(bucket, 0)

    def clear(self) -> None:
        cache.clear()


_counters: dict[tuple[str, str], Counter] = {}
_counters_lock = threading.Lock()


def counter() -> Counter:
    """The counter for the configured cache (one per process)."""
    config = settings.CACHES["default"]
    backend, location = config["BACKEND"], str(config.get("LOCATION", ""))
    found = _counters.get((backend, location))
    if found is None:
        with _counters_lock:
            found = _counters.get((backend, location))
            if found is None:
                found = _make(backend, location)
                _counters[(backend, location)] = found
    return found


def _make(backend: str, location: str) -> Counter:
    if backend == "django.core.cache.backends.redis.RedisCache":
        return RedisCounter()
    if backend == "django.core.cache.backends.filebased.FileBasedCache":
        # Inside the cache's folder: shared by exactly the processes that share the cache
        # (the file cache lists and clears only its own `.djcache` files).
        return SqliteCounter(Path(location) / "ratelimit.sqlite3")
    return CacheCounter()
