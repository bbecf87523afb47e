"""Short system calls made without letting go of the GIL, for a lock held across them.

`fcntl.flock`, `os.fstat` and the like release the GIL around the call. Inside a critical
section that is a convoy: the holder, back from a call of a microsecond, waits for the GIL
(up to the interpreter's switch interval, 5 ms, while another thread runs Python) with the
lock still held, and every thread of every process that wants the lock queues behind it.
strace on a worker serving `services` under load counted twice the floor's futex calls per
request, and its `flock` calls waiting 144 µs on average.

Here the calls go through `ctypes.PyDLL`, whose functions keep the GIL: a non-blocking
`flock` (an exclusive lock that is free is taken at once; a busy one is for the caller to
wait for the usual way, GIL released), `flock(LOCK_UN)`, which never blocks, and the size of
an open file by `lseek(fd, 0, SEEK_END)` (for a caller that reads and writes by offset or
through a map, never at the descriptor's position). Where libc cannot be loaded this way,
the same calls are made the usual way.
"""

import ctypes
import errno
import fcntl
import os
from typing import NoReturn

try:
    _libc = ctypes.PyDLL(None, use_errno=True)
    _flock = _libc.flock
    _flock.argtypes, _flock.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    _lseek = _libc.lseek
    _lseek.argtypes = (ctypes.c_int, ctypes.c_longlong, ctypes.c_int)
    _lseek.restype = ctypes.c_longlong
except (OSError, AttributeError):  # no libc to call into: the usual calls
    _flock = _lseek = None

BUSY = frozenset({errno.EWOULDBLOCK, errno.EAGAIN, errno.EINTR})


def _raise_errno() -> NoReturn:
    code = ctypes.get_errno()
    raise OSError(code, os.strerror(code))


def try_lock(fd: int) -> bool:
    """Take the exclusive `flock` of `fd` if it is free, the GIL held; False if busy."""
    if _flock is None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
    if _flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB) == 0:
        return True
    if ctypes.get_errno() in BUSY:
        return False
    _raise_errno()


def unlock(fd: int) -> None:
    """Let go of the `flock` of `fd`, the GIL held (it never waits)."""
    if _flock is None:
        fcntl.flock(fd, fcntl.LOCK_UN)
    elif _flock(fd, fcntl.LOCK_UN) != 0:
        _raise_errno()


def size(fd: int) -> int:
    """The size of the file open at `fd`, the GIL held. Moves the descriptor's position."""
    if _lseek is None:
        return os.fstat(fd).st_size
    found = _lseek(fd, 0, os.SEEK_END)
    if found < 0:
        _raise_errno()
    return found
