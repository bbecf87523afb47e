"""The rate limits' counters (`panel.ratecount`) are exact under concurrency: calls counted
at once from threads and from processes each get a count of their own, none lost, none twice,
for the embedded default (a memory-mapped file, `panel.mappedcounts`) and for Redis."""

import json
import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest

from panel import ratecount
from panel.ratecount import FileCounter

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
CALLS = 150


def redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(params=["file", "redis"])
def backend(request, tmp_path, settings):
    """(kind, where): a counter's configuration, shared by this process and its children."""
    if request.param == "file":
        return "file", str(tmp_path / "ratelimit.counts")
    if not redis_reachable():
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"Redis not reachable at {REDIS_URL}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    return "redis", prefix


def make(kind: str, where: str) -> ratecount.Counter:
    if kind == "file":
        return FileCounter(Path(where))
    return ratecount.RedisCounter()


CHILD = """
import json, sys
from pathlib import Path
from django.conf import settings
kind, where, url, bucket, calls = sys.argv[1:6]
if kind == "redis":
    settings.configure(CACHES={"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
        "KEY_PREFIX": where}})
from panel.ratecount import FileCounter, RedisCounter
counter = FileCounter(Path(where)) if kind == "file" else RedisCounter()
print("ready", flush=True)
sys.stdin.readline()  # every process starts counting at once
print(json.dumps([counter.count(bucket, 60) for _ in range(int(calls))]), flush=True)
"""


def test_threads_each_get_their_own_count(backend):
    counter = make(*backend)
    seen: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def count() -> None:
        start.wait()
        mine = [counter.count("bucket-t", 60) for _ in range(CALLS)]
        with lock:
            seen.extend(mine)

    threads = [threading.Thread(target=count) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(seen) == list(range(1, 8 * CALLS + 1))
    assert counter.read("bucket-t") == 8 * CALLS


def test_processes_each_get_their_own_count(backend):
    kind, where = backend
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, kind, where, REDIS_URL, "bucket-p", str(CALLS)],
            cwd=ROOT,
            env=env,
            text=True,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        for _ in range(3)
    ]
    for child in children:
        assert child.stdout.readline().strip() == "ready"
    mine = make(kind, where)
    for child in children:
        child.stdin.write("go\n")
        child.stdin.flush()
    seen = [mine.count("bucket-p", 60) for _ in range(CALLS)]
    for child in children:
        out, _ = child.communicate(timeout=120)
        assert child.returncode == 0
        seen.extend(json.loads(out))
    assert sorted(seen) == list(range(1, 4 * CALLS + 1))


def test_unless_another_is_used_up_nothing_is_counted(backend):
    counter = make(*backend)
    for _ in range(3):
        counter.count("failed", 60)
    assert counter.count("calls", 60, unless=("failed", 4)) == 1
    assert counter.count("calls", 60, unless=("failed", 3)) is None
    assert counter.read("calls") == 1
    assert counter.count("calls", 60, unless=("never-seen", 1)) == 2


def test_a_window_is_forgotten_after_its_ttl(backend, monkeypatch):
    counter = make(*backend)
    if backend[0] == "redis":
        counter.count("short", 1)
        client = counter._client
        from django.core.cache import cache

        assert 0 < client.ttl(cache.make_and_validate_key("short")) <= 1
        return
    clock = [1000.0]
    monkeypatch.setattr(ratecount, "clock", lambda: clock[0])
    assert counter.count("short", 10) == 1
    clock[0] += 11
    assert counter.read("short") == 0
    assert counter.count("short", 10) == 1, "an expired window starts again"


def test_the_default_cache_counts_beside_it(settings, tmp_path):
    """The embedded default: the file cache, so the mapped counter in its folder (set here:
    CI runs the suite with Redis as the cache)."""
    location = str(tmp_path / "cache")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": location,
        }
    }
    counter = ratecount.counter()
    assert isinstance(counter, FileCounter)
    assert counter.path == Path(location) / "ratelimit.counts"


def test_count_reading_counts_and_reads_the_cache(backend):
    """The services call's count and its list's stamp, in one round trip on Redis."""
    from django.core.cache import cache

    counter = make(*backend)
    a, b, absent = (f"watched:{uuid.uuid4().hex}:{name}" for name in "ab_")
    cache.set(a, ("stamp", 1.5, None), timeout=None)
    cache.set(b, 7, timeout=None)  # Django's Redis cache stores integers plainly
    assert counter.count_reading("calls", 60, ("failed", 2), (a, b, absent)) == (
        1,
        {a: ("stamp", 1.5, None), b: 7},
    )
    counter.count("failed", 60)
    counter.count("failed", 60)
    assert counter.count_reading("calls", 60, ("failed", 2), (b,)) == (None, {b: 7})
    assert counter.read("calls") == 1


@pytest.mark.parametrize("backend", ["redis"], indirect=True)
def test_a_count_sent_ahead_is_read_after(backend):
    """Redis only (`send_count`): counted once, also by a Redis that lost its scripts."""
    counter = make(*backend)
    counter._client.script_flush()
    assert counter.send_count("ahead", 60, ("failed", 2))() == 1
    assert counter.send_count("ahead", 60, ("failed", 2))() == 2
    counter.uncount("ahead")
    assert counter.read("ahead") == 1


@pytest.mark.parametrize("backend", ["redis"], indirect=True)
def test_a_reply_owed_is_read_before_the_next_call_and_a_dead_connection_replaced(backend):
    """Redis only: the thread's own connection."""
    counter = make(*backend)
    pending = counter.send_count("owed", 60, ("failed", 2))
    assert counter.count("owed", 60) == 2, "the reply owed was read first"
    assert pending() == 1
    import redis

    own = counter._local.connection
    own.send_command("CLIENT", "ID")
    counter._client.client_kill_filter(_id=own.read_response())

    with pytest.raises(redis.ConnectionError):
        counter.count("owed", 60)
    assert counter.count("owed", 60) == 3, "connected again; the failed call counted nothing"
