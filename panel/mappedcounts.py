"""The rate limits' counter on the embedded default: a memory-mapped file beside the file
cache, shared by every process on the machine that shares that cache.

Why not a SQLite file (the counter before this one): a counted call there is a query and an
UPSERT through SQLite's WAL, each releasing the GIL, inside the lock every process queues on.
Under load a thread holding that lock waits for the GIL between the statements, and every
other thread of every worker waits for it: the counter was a tenth of a worker's time and a
queue. Here the lock (`flock` of the file, and a thread lock within the process: an `flock`
belongs to the open file, which the threads share) is held only for a few reads and writes of
mapped memory, with the GIL held: nothing inside releases it, the `flock` and the file's size
included (`panel.heldcalls`: a free lock is taken without letting go of the GIL; a busy one
is waited for the usual way). Exact under concurrency as before: a count is read, increased
and written by one holder of the lock at a time.

The file: a header (magic, slots, generation), then a table of `slots` entries (a power of
two) found by linear probing from a 16-byte digest of the bucket's name: (digest, count,
expiry). A bucket past its expiry counts again from one, and its entry is reused by any
bucket (after the probe has made sure the bucket asked for is not further on: an entry is
never emptied, so a chain never breaks). When entries in use pass half the table, it is
rebuilt, twice the size if the live entries need it, without the expired ones; every
process maps the file again when it sees the generation change. Counts need no durability:
a crash of the machine mid-write forgets one window at most (a header that does not read
right starts the file afresh).
"""

import fcntl
import hashlib
import mmap
import os
import struct
import threading
from pathlib import Path

from panel import heldcalls

MAGIC = b"PNLCNT01"
HEADER = struct.Struct("<8sQQQ")  # magic, slots, entries in use, generation
HEADER_SIZE = 64
ENTRY = struct.Struct("<16sqd")  # digest of the bucket, count, expiry (0: never used)
FIRST_SLOTS = 4096  # 128 KB
MOST_SLOTS = 1 << 22  # 128 MB: four million live buckets in one window


class CounterFull(Exception):
    """More live buckets than `MOST_SLOTS`: the caller lets the call through (logged)."""


def _any_generation() -> int:
    return int.from_bytes(os.urandom(7), "little")


def _digest(bucket: str) -> bytes:
    return hashlib.blake2b(bucket.encode(), digest_size=16).digest()


class MappedCounter:
    """`panel.ratecount.Counter` on a mapped file; `clock` is read at each call (tests move
    it)."""

    def __init__(self, path: Path, clock) -> None:
        self.path = path
        self.clock = clock
        self._lock = threading.Lock()
        self._pid = 0
        self._fd = -1
        self._map: mmap.mmap | None = None
        self._slots = 0
        self._generation = -1

    # --- the file ----------------------------------------------------------------------

    def _ensure_open(self) -> None:
        if self._pid != os.getpid():  # first use, or a forked child: its own descriptor
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._map, self._generation, self._pid = None, -1, os.getpid()

    def _ensure_mapped(self) -> None:
        """Under the file lock: the table as it is now (made, or mapped again after a
        rebuild by any process)."""
        size = heldcalls.size(self._fd)
        if size < HEADER_SIZE:
            self._initialise(FIRST_SLOTS, [], _any_generation())
            return
        if self._map is not None:
            magic, slots, _, generation = HEADER.unpack_from(self._map)
            if generation == self._generation and magic == MAGIC:
                return
        magic, slots, _, generation = HEADER.unpack(os.pread(self._fd, HEADER.size, 0))
        if magic != MAGIC or size != HEADER_SIZE + slots * ENTRY.size or slots & (slots - 1):
            # A torn rebuild or another format; a generation no process has mapped.
            self._initialise(FIRST_SLOTS, [], _any_generation())
            return
        self._map_file(slots, generation)

    def _map_file(self, slots: int, generation: int) -> None:
        if self._map is not None:
            self._map.close()
        self._map = mmap.mmap(self._fd, HEADER_SIZE + slots * ENTRY.size)
        self._slots, self._generation = slots, generation

    def _initialise(self, slots: int, live: list[tuple[bytes, int, float]], generation: int):
        """Write a table of `slots` holding `live`, under the file lock."""
        table = bytearray(HEADER_SIZE + slots * ENTRY.size)
        HEADER.pack_into(table, 0, MAGIC, slots, len(live), generation)
        mask = slots - 1
        for digest, count, expires in live:
            slot = int.from_bytes(digest[:8], "little") & mask
            while ENTRY.unpack_from(table, HEADER_SIZE + slot * ENTRY.size)[2] != 0.0:
                slot = (slot + 1) & mask
            ENTRY.pack_into(table, HEADER_SIZE + slot * ENTRY.size, digest, count, expires)
        if self._map is not None:
            self._map.close()
            self._map = None
        os.ftruncate(self._fd, len(table))
        os.pwrite(self._fd, bytes(table), 0)
        self._map_file(slots, generation)

    def _rebuild(self, now: float) -> None:
        """Without the expired entries, twice the size if the live ones fill a quarter."""
        live = []
        for slot in range(self._slots):
            digest, count, expires = ENTRY.unpack_from(self._map, HEADER_SIZE + slot * ENTRY.size)
            if expires > now:
                live.append((digest, count, expires))
        slots = self._slots
        while len(live) * 4 > slots:
            slots *= 2
        if slots > MOST_SLOTS:
            raise CounterFull(f"{len(live)} live rate-limit buckets")
        self._initialise(slots, live, self._generation + 1)

    # --- the table ---------------------------------------------------------------------

    def _find(self, digest: bytes, now: float) -> tuple[int, int, float, int | None]:
        """(offset of the bucket's entry, count, expiry), its expiry 0 when not found;
        then the offset where it would be written (the first reusable entry) if not."""
        table, mask = self._map, self._slots - 1
        slot = int.from_bytes(digest[:8], "little") & mask
        reusable = None
        for _ in range(self._slots):
            offset = HEADER_SIZE + slot * ENTRY.size
            found, count, expires = ENTRY.unpack_from(table, offset)
            if expires == 0.0:  # never used: the end of the chain
                return offset, 0, 0.0, reusable if reusable is not None else offset
            if found == digest:
                return offset, count, expires, None
            if reusable is None and expires <= now:
                reusable = offset
            slot = (slot + 1) & mask
        return -1, 0, 0.0, reusable

    def _live_count(self, digest: bytes, now: float) -> int:
        _, count, expires, _ = self._find(digest, now)
        return count if expires > now else 0

    def _add_one(self, digest: bytes, ttl: int, now: float) -> int:
        offset, count, expires, free = self._find(digest, now)
        if expires > now:
            ENTRY.pack_into(self._map, offset, digest, count + 1, expires)
            return count + 1
        if expires:  # its own entry, expired: a new window
            ENTRY.pack_into(self._map, offset, digest, 1, now + ttl)
            return 1
        magic, slots, used, generation = HEADER.unpack_from(self._map)
        fresh = free is not None and ENTRY.unpack_from(self._map, free)[2] == 0.0
        if free is None or (fresh and (used + 1) * 2 > slots):
            self._rebuild(now)
            return self._add_one(digest, ttl, now)
        if fresh:
            HEADER.pack_into(self._map, 0, magic, slots, used + 1, generation)
        ENTRY.pack_into(self._map, free, digest, 1, now + ttl)
        return 1

    # --- the counter ---------------------------------------------------------------------

    def _locked(self) -> "_Held":
        return _Held(self)

    def count(self, bucket: str, ttl: int, unless: tuple[str, int] | None = None) -> int | None:
        digest = _digest(bucket)
        other = _digest(unless[0]) if unless is not None else None
        now = self.clock()
        with self._locked():
            if other is not None and self._live_count(other, now) >= unless[1]:
                return None
            return self._add_one(digest, ttl, now)

    def read(self, bucket: str) -> int:
        digest, now = _digest(bucket), self.clock()
        with self._locked():
            return self._live_count(digest, now)

    def clear(self) -> None:
        with self._locked():
            self._initialise(FIRST_SLOTS, [], self._generation + 1)


class _Held:
    """The thread lock, then the file's `flock`, then the table as it is now."""

    def __init__(self, counter: MappedCounter) -> None:
        self.counter = counter

    def __enter__(self) -> None:
        counter = self.counter
        counter._lock.acquire()
        try:
            counter._ensure_open()
            if not heldcalls.try_lock(counter._fd):  # busy: wait, the GIL let go
                fcntl.flock(counter._fd, fcntl.LOCK_EX)
        except BaseException:
            counter._lock.release()
            raise
        try:
            counter._ensure_mapped()
        except BaseException:
            self.__exit__()
            raise

    def __exit__(self, *exc: object) -> None:
        try:
            heldcalls.unlock(self.counter._fd)
        finally:
            self.counter._lock.release()
