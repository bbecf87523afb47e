"""Rate limits (the customers' API, sign-in attempts), counted by `panel.ratecount`.

The counts are shared between processes: a SQLite file beside the file cache of one machine
by default, Redis in production (`CACHE_URL`), one round trip per call. Fixed windows:
`600/m` allows 600 calls in each calendar minute. A counter that fails is logged and lets the
call through, as an outage of it must not take the API down with it.
"""

import hashlib
import logging
import re
import time
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from panel.ratecount import counter

log = logging.getLogger(__name__)

UNITS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hr": 3600,
    "hour": 3600,
}
RATE = re.compile(r"^\s*(\d{1,9})\s*/\s*(\d{0,6})\s*([a-z]+)\s*$")
UNIT_NAMES = {1: "second", 60: "minute", 3600: "hour"}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    def __str__(self) -> str:
        unit = UNIT_NAMES.get(self.seconds, f"{self.seconds} seconds")
        return f"{self.count} per {unit}"


@lru_cache(maxsize=16)
def parse_rate(text: str) -> Rate:
    """`600/m`, `20/s`, `10000/h` (also `/min`, `/hour`, `/5m`...)."""
    match = RATE.match(text.lower())
    unit = _unit(match.group(3)) if match else None
    if match is None or unit is None or int(match.group(1)) < 1:
        raise ImproperlyConfigured(f"not a rate: {text!r} (e.g. 600/m, 20/s, 10000/h)")
    return Rate(int(match.group(1)), unit * int(match.group(2) or 1))


def _unit(word: str) -> int | None:
    if word in UNITS:
        return UNITS[word]
    singular = word.removesuffix("s")
    return UNITS.get(singular) if len(singular) > 1 else None  # "mins", never "ms"


def per_key_rate() -> Rate:
    return parse_rate(settings.API_RATE_LIMIT)


def failed_key_rate() -> Rate:
    return parse_rate(settings.API_FAILED_KEY_LIMIT)


def now() -> float:
    """The clock windows are counted by (a function, so tests can move it)."""
    return time.time()


def _bucket(name: str, who: str, rate: Rate, moment: float) -> tuple[str, int]:
    """The cache key of the current window, and the seconds left in it."""
    window = int(moment // rate.seconds)
    digest = hashlib.sha256(who.encode()).hexdigest()[:24]
    left = rate.seconds - int(moment % rate.seconds)
    return f"api:rl:{name}:{rate.seconds}:{digest}:{window}", max(left, 1)


def hit(name: str, who: str, rate: Rate) -> int | None:
    """Count one call; the seconds to wait when it is over the limit, else None."""
    key, left = _bucket(name, who, rate, now())
    try:
        count = counter().count(key, left + 1)
    except Exception:
        log.warning("rate limit %s not counted: counter unavailable", name, exc_info=True)
        return None
    return left if count is not None and count > rate.count else None


def hit_unless_exhausted(
    name: str,
    who: str,
    rate: Rate,
    *,
    unless: tuple[str, str, Rate],
) -> tuple[str, int] | None:
    """`exhausted(*unless)` then `hit(name, who, rate)` in one round trip: (the name of the
    limit that refused, seconds to wait), or None. A refused `unless` counts nothing."""
    moment = now()
    key, left = _bucket(name, who, rate, moment)
    other, other_left = _bucket(*unless, moment)
    try:
        count = counter().count(key, left + 1, unless=(other, unless[2].count))
    except Exception:
        log.warning("rate limit %s not counted: counter unavailable", name, exc_info=True)
        return None
    if count is None:
        return unless[0], other_left
    return (name, left) if count > rate.count else None


class SentHit:
    """A count sent ahead by `send_hit_unless_exhausted`: `answer()` reads it (once);
    `take_back()` undoes it, for a call that goes to be counted elsewhere."""

    def __init__(self, pending, name: str, rate: Rate, key: str, left: int, other) -> None:
        self._pending, self.name, self.rate, self.key, self.left = pending, name, rate, key, left
        self._other = other  # (the other limit's name, its seconds left)
        self._read = self._failed = False
        self._counted: int | None = None

    def _count(self) -> None:
        if not self._read:
            self._read = True
            try:
                self._counted = self._pending()
            except Exception:
                self._failed = True
                log.warning(
                    "rate limit %s not counted: counter unavailable", self.name, exc_info=True
                )

    def answer(self) -> tuple[str, int] | None:
        """As `hit_unless_exhausted` answers."""
        self._count()
        if self._failed:
            return None
        if self._counted is None:  # the other limit was used up: nothing counted
            return self._other
        return (self.name, self.left) if self._counted > self.rate.count else None

    def take_back(self) -> None:
        self._count()
        if self._counted is not None:
            try:
                counter().uncount(self.key)
            except Exception:
                log.warning("rate limit %s: a count not taken back", self.name, exc_info=True)


def send_hit_unless_exhausted(
    name: str, who: str, rate: Rate, *, unless: tuple[str, str, Rate]
) -> SentHit | None:
    """`hit_unless_exhausted`, sent now where the counter can (Redis), its answer read by
    `answer()`, so that another round trip overlaps it; None where the counter cannot send
    ahead, or fails to (the caller counts as usual)."""
    send = getattr(counter(), "send_count", None)
    if send is None:
        return None
    moment = now()
    key, left = _bucket(name, who, rate, moment)
    other, other_left = _bucket(*unless, moment)
    try:
        pending = send(key, left + 1, (other, unless[2].count))
    except Exception:
        log.warning("rate limit %s not sent ahead", name, exc_info=True)
        return None
    return SentHit(pending, name, rate, key, left, (unless[0], other_left))


def hit_unless_exhausted_reading(
    name: str, who: str, rate: Rate, *, unless: tuple[str, str, Rate], read: tuple[str, ...]
) -> tuple[tuple[str, int] | None, dict[str, object] | None]:
    """`hit_unless_exhausted`, reading the cache entries `read` (stored without expiry) in
    the same round trip: (the refusal or None, their values, or None when the counter
    failed: the caller reads them itself)."""
    moment = now()
    key, left = _bucket(name, who, rate, moment)
    other, other_left = _bucket(*unless, moment)
    try:
        count, values = counter().count_reading(key, left + 1, (other, unless[2].count), read)
    except Exception:
        log.warning("rate limit %s not counted: counter unavailable", name, exc_info=True)
        return None, None
    if count is None:
        return (unless[0], other_left), values
    return ((name, left) if count > rate.count else None), values


def exhausted(name: str, who: str, rate: Rate) -> int | None:
    """Whether `who` has used up the window already (without counting a call)."""
    key, left = _bucket(name, who, rate, now())
    try:
        count = counter().read(key)
    except Exception:
        log.warning("rate limit %s not read: counter unavailable", name, exc_info=True)
        return None
    return left if count >= rate.count else None


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR, or with TRUSTED_PROXY_COUNT proxies in front, the address the outermost
    trusted proxy saw (X-Forwarded-For read from the right: the left is the client's to forge)."""
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        return forwarded[0] if forwarded else remote
    return forwarded[-proxies][:100]
