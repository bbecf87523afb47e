"""The mapped counter file (`panel.mappedcounts`): its table grows, reuses expired entries,
and every user of the file (each instance here has a descriptor of its own, as processes do)
follows a rebuild, a clear or a torn file. Exactness under threads and processes is
`test_ratecount.py`'s (the `file` backend)."""

import pytest

from panel import mappedcounts
from panel.mappedcounts import CounterFull, MappedCounter


@pytest.fixture
def clock():
    return [1000.0]


@pytest.fixture
def small(monkeypatch):
    monkeypatch.setattr(mappedcounts, "FIRST_SLOTS", 8)


def make(tmp_path, clock) -> MappedCounter:
    return MappedCounter(tmp_path / "ratelimit.counts", lambda: clock[0])


def test_the_table_grows_and_keeps_every_count(tmp_path, clock, small):
    counter = make(tmp_path, clock)
    names = [f"bucket-{n}" for n in range(300)]
    assert [counter.count(name, 60) for name in names] == [1] * 300
    assert [counter.count(name, 60) for name in names] == [2] * 300
    assert [counter.read(name) for name in names] == [2] * 300
    assert counter._slots >= 2 * 300  # never more than half in use
    assert counter.read("never-counted") == 0


def test_expired_entries_are_reused_not_grown_into(tmp_path, clock, small):
    counter = make(tmp_path, clock)
    size = None
    for window in range(50):
        assert counter.count(f"window-{window}", 5) == 1
        assert counter.count(f"window-{window}", 5) == 2
        clock[0] += 6
        size = size or (tmp_path / "ratelimit.counts").stat().st_size
    assert counter._slots == 8
    assert (tmp_path / "ratelimit.counts").stat().st_size == size


def test_a_bucket_past_an_expired_entry_is_still_found(tmp_path, clock, small):
    """An expired entry in a bucket's chain is reusable, but the bucket may be further on."""
    counter = make(tmp_path, clock)
    counter.count("short", 5)
    counter.count("long", 600)
    for name in (f"filler-{n}" for n in range(2)):
        counter.count(name, 600)
    clock[0] += 10
    assert counter.count("long", 600) == 2
    assert counter.count("short", 5) == 1


def test_another_user_follows_a_rebuild_and_a_clear(tmp_path, clock, small):
    mine, theirs = make(tmp_path, clock), make(tmp_path, clock)
    assert mine.count("x", 60) == 1
    for n in range(200):  # grows the file under `theirs`
        theirs.count(f"other-{n}", 60)
    assert mine.count("x", 60) == 2
    assert mine.read("other-199") == 1
    mine.clear()
    assert theirs.count("other-199", 60) == 1
    assert theirs.count("x", 60) == 1


def test_a_torn_file_starts_afresh(tmp_path, clock):
    counter = make(tmp_path, clock)
    counter.count("x", 60)
    (tmp_path / "ratelimit.counts").write_bytes(b"not a counter file")
    fresh = make(tmp_path, clock)
    assert fresh.count("x", 60) == 1
    assert counter.count("x", 60) == 2


def test_more_live_buckets_than_it_holds_is_an_error(tmp_path, clock, small, monkeypatch):
    monkeypatch.setattr(mappedcounts, "MOST_SLOTS", 16)
    counter = make(tmp_path, clock)
    with pytest.raises(CounterFull):
        for n in range(16):
            counter.count(f"live-{n}", 60)
