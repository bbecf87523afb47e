"""The sandbox's own clock: wall time at start, then real seconds times `speed`, plus jumps.

Orders age by this clock, so a test moves time forward with `advance` instead of sleeping,
and a demo can run at ten times real speed. Readings are epoch seconds, so they also give
the `expires_at` timestamps of rented numbers.
"""

import threading
import time
from collections.abc import Callable


class Clock:
    """`now = start + (monotonic elapsed) * speed + jumps`, never going backwards."""

    def __init__(
        self, speed: float = 1.0, *, start: float | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._base = time.time() if start is None else start
        self._real_base = monotonic()
        self._speed = speed

    @property
    def speed(self) -> float:
        return self._speed

    def now(self) -> float:
        with self._lock:
            return self._reading()

    def advance(self, seconds: float) -> None:
        """Jump forward; a negative jump would let finished orders un-finish, so it is refused."""
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        with self._lock:
            self._base += seconds

    def set_speed(self, speed: float) -> None:
        """Change the rate from now on, without a jump in the reading."""
        if speed < 0:
            raise ValueError("speed must not be negative")
        with self._lock:
            self._base = self._reading()
            self._real_base = self._monotonic()
            self._speed = speed

    def _reading(self) -> float:
        return self._base + (self._monotonic() - self._real_base) * self._speed
