"""The counters behind the rate limits: one round trip per counted call, exact under
concurrency, shared by every process that shares the cache.

- Redis (`CACHE_URL=redis://...`): one Lua script per call (INCR, EXPIRE on the first, and
  optionally a look at a second counter first), atomic in Redis.
- The embedded default (the file cache): a memory-mapped file beside it
  (`ratelimit.counts` in its folder, `panel.mappedcounts`), a few reads and writes of shared
  memory per call under an `flock` of the file and, within a process, a thread lock.
- Any other cache (memcached, a process's memory): through the cache, as `add` then `incr`.

`count(bucket, ttl, unless=(other, limit))` counts one call in `bucket`, unless `other` has
reached `limit` already: then it counts nothing and answers None. A bucket is one window of
one limit; it is forgotten `ttl` seconds after its first call. `count_reading(..., read=keys)`
also reads those cache entries (stored without expiry): in the same round trip on Redis, by
`panel.cachewatch` elsewhere.
"""

import contextlib
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import NoScriptError

from panel import cachewatch
from panel.mappedcounts import MappedCounter

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
    integers, as Django's Redis cache stores integers.

    The scripts run on a connection of the thread's own, kept open (made as the cache's
    pool makes its connections): the pool's checks on each borrowing (a `poll` of the socket,
    retries, deprecation wrappers) cost more than the round trip's own Python. A connection
    that fails is closed and the error raised (the call is let through, `panel.ratelimit`),
    never retried: a script sent may have counted already. The next call connects again."""

    def __init__(self) -> None:
        self._client = cache._cache.get_client(write=True)
        self._script = self._client.register_script(COUNT_SCRIPT)
        self._reading = self._client.register_script(COUNT_READING_SCRIPT)
        self._local = threading.local()

    def _connection(self):
        """The thread's connection, any reply still owed on it read first."""
        local = self._local
        own = getattr(local, "connection", None)
        if own is None or local.pid != os.getpid():
            pool = self._client.connection_pool
            own = local.connection = pool.connection_class(**pool.connection_kwargs)
            local.pid, local.owed = os.getpid(), None
        if local.owed is not None:
            with contextlib.suppress(Exception):  # raised again to the caller that owes it
                local.owed()
        return own

    def _send(self, script, keys: list[str], args: list[object]):
        """Send the script; the returned function reads its reply (once)."""
        own = self._connection()
        try:
            own.send_command("EVALSHA", script.sha, len(keys), *keys, *args)
        except BaseException:
            own.disconnect()
            raise

        outcome: list = []  # read once: (value,) or (None, error)

        def reply():
            if not outcome:
                self._local.owed = None
                try:
                    outcome.append(own.read_response())
                except NoScriptError:  # a Redis started afresh: load it, then run it once
                    self._client.script_load(script.script)
                    outcome.append(self._run(script, keys, args))
                except Exception as error:
                    own.disconnect()
                    outcome.extend((None, error))
            if len(outcome) == 2:
                raise outcome[1]
            return outcome[0]

        self._local.owed = reply
        return reply

    def _run(self, script, keys: list[str], args: list[object]):
        return self._send(script, keys, args)()

    def count(self, bucket: str, ttl: int, unless: Unless = None) -> int | None:
        # make_key, not make_and_validate_key: the buckets are ours (ASCII, no spaces, short),
        # and the validation walks every character of every key on every call.
        keys = [cache.make_key(bucket)]
        args = [ttl]
        if unless is not None:
            keys.append(cache.make_key(unless[0]))
            args.append(unless[1])
        counted = int(self._run(self._script, keys, args))
        return None if counted < 0 else counted

    def send_count(
        self, bucket: str, ttl: int, unless: tuple[str, int]
    ) -> Callable[[], int | None]:
        """`count`, sent now; the returned function reads its answer (call it once, before
        anything else on this counter in this thread: else that reads it first, and the
        count is read as lost): the caller's other round trip runs in between."""
        keys = [cache.make_key(bucket), cache.make_key(unless[0])]
        reply = self._send(self._script, keys, [ttl, unless[1]])

        def answer() -> int | None:
            counted = int(reply())
            return None if counted < 0 else counted

        return answer

    def uncount(self, bucket: str) -> None:
        """Take back one call counted by `send_count`."""
        self._client.decr(cache.make_key(bucket))

    def count_reading(
        self, bucket: str, ttl: int, unless: tuple[str, int], read: tuple[str, ...]
    ) -> tuple[int | None, dict[str, object]]:
        keys = [cache.make_key(bucket), cache.make_key(unless[0])]
        keys.extend(cache.make_key(key) for key in read)
        reply = self._run(self._reading, keys, [ttl, unless[1]])
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


# --- the embedded default: a mapped file ------------------------------------------------


class FileCounter(_ReadsApart, MappedCounter):
    """`panel.mappedcounts.MappedCounter`, reading the cache apart, on this module's clock."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, lambda: clock())


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
        return FileCounter(Path(location) / "ratelimit.counts")
    return CacheCounter()
