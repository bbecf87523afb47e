"""`panel.heldcalls`: the rate counter's `flock` and file size, made without letting go of
the GIL. Each behaves as the usual call does (the same tests run on the fallback, the usual
calls), a busy lock is reported, never waited for, and the counter waits for a busy lock the
usual way and still counts."""

import ctypes
import fcntl
import os
import subprocess
import sys
import threading
import time

import pytest

from panel import heldcalls
from panel.mappedcounts import MappedCounter


@pytest.fixture(params=["libc", "fallback"])
def calls(request, monkeypatch):
    if request.param == "fallback":
        monkeypatch.setattr(heldcalls, "_flock", None)
        monkeypatch.setattr(heldcalls, "_lseek", None)
    return heldcalls


@pytest.fixture
def path(tmp_path):
    target = tmp_path / "locked"
    target.write_bytes(b"")
    return target


def opened(path) -> int:
    return os.open(path, os.O_RDWR)


def test_the_calls_keep_the_gil():
    # PyDLL functions hold the GIL through the call; a CDLL function would let go of it.
    for function in (heldcalls._flock, heldcalls._lseek):
        assert function._flags_ & ctypes._FUNCFLAG_PYTHONAPI


def test_a_free_lock_is_taken_and_a_held_one_reported_busy(calls, path):
    first, second = opened(path), opened(path)  # two open files: as two processes
    try:
        assert calls.try_lock(first) is True
        assert calls.try_lock(second) is False
        calls.unlock(first)
        assert calls.try_lock(second) is True
        assert calls.try_lock(first) is False
        calls.unlock(second)
    finally:
        os.close(first)
        os.close(second)


def test_a_lock_held_by_another_process_is_busy_until_it_lets_go(calls, path):
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import fcntl, os, sys\n"
         f"fd = os.open({str(path)!r}, os.O_RDWR)\n"
         "fcntl.flock(fd, fcntl.LOCK_EX)\n"
         "print('held', flush=True)\n"
         "sys.stdin.readline()\n"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    fd = opened(path)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert calls.try_lock(fd) is False
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=10)
        assert calls.try_lock(fd) is True
        calls.unlock(fd)
    finally:
        os.close(fd)
        holder.kill()
        holder.wait()


def test_the_size_is_the_files(calls, path):
    fd = opened(path)
    try:
        assert calls.size(fd) == 0
        os.pwrite(fd, b"x" * 1000, 0)
        assert calls.size(fd) == 1000
        os.ftruncate(fd, 64)
        assert calls.size(fd) == 64 == os.fstat(fd).st_size
    finally:
        os.close(fd)


def test_an_error_is_raised_not_read_as_busy(calls):
    with pytest.raises(OSError):
        calls.try_lock(987654)  # no such descriptor
    with pytest.raises(OSError):
        calls.size(987654)


def test_the_counter_waits_for_a_busy_lock_and_counts(tmp_path):
    counter = MappedCounter(tmp_path / "ratelimit.counts", time.time)
    assert counter.count("bucket", 60) == 1
    fd = opened(tmp_path / "ratelimit.counts")
    fcntl.flock(fd, fcntl.LOCK_EX)  # another holder, as another process would be
    counted = []
    thread = threading.Thread(target=lambda: counted.append(counter.count("bucket", 60)))
    thread.start()
    time.sleep(0.3)
    assert counted == []  # waiting for the lock, not counting around it
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)
    thread.join(timeout=10)
    assert counted == [2]
    assert counter.read("bucket") == 2


def test_the_counter_takes_a_free_lock_and_reads_the_size_with_the_gil_held(
        tmp_path, monkeypatch):
    used = []
    for name in ("try_lock", "unlock", "size"):
        real = getattr(heldcalls, name)
        monkeypatch.setattr(heldcalls, name,
                            lambda fd, real=real, name=name: used.append(name) or real(fd))
    blocking = []
    real_flock = fcntl.flock
    monkeypatch.setattr(fcntl, "flock", lambda fd, op: blocking.append(op) or real_flock(fd, op))
    counter = MappedCounter(tmp_path / "ratelimit.counts", time.time)
    counter.count("bucket", 60)
    used.clear()
    assert counter.count("bucket", 60) == 2
    assert used == ["try_lock", "size", "unlock"]
    assert blocking == []  # no call that lets go of the GIL while the lock is free
