"""Locks in the database, so they hold across processes and machines (never in memory).

On PostgreSQL `held` takes a session advisory lock: the server frees it the moment the
holder's connection ends, so a worker killed mid-pass (or cut off from the database) never
stalls the next pass. Elsewhere (SQLite, one machine) it is a row with an expiry, taken
over once the expiry has passed.
"""

import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from panel.models import Lock


def acquire(name: str, *, ttl: float) -> str | None:
    """Take the lock NAME for `ttl` seconds; returns a holder token, or None when someone
    else holds it. An expired lock (its holder died) can be taken over."""
    token = secrets.token_hex(16)
    now = timezone.now()
    expires = now + timedelta(seconds=ttl)
    taken = Lock.objects.filter(name=name, expires_at__lt=now).update(holder=token,
                                                                      expires_at=expires)
    if taken:
        return token
    try:
        with transaction.atomic():
            Lock.objects.create(name=name, holder=token, expires_at=expires)
    except IntegrityError:
        return None
    return token


def release(name: str, token: str) -> None:
    Lock.objects.filter(name=name, holder=token).delete()


@contextmanager
def held(name: str, *, ttl: float) -> Iterator[bool]:
    """`with held("poll", ttl=60) as got:`; `got` says whether this caller holds it."""
    if connection.vendor == "postgresql":
        with _advisory(name) as got:
            yield got
        return
    token = acquire(name, ttl=ttl)
    try:
        yield token is not None
    finally:
        if token:
            release(name, token)


def _advisory_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def _advisory(name: str) -> Iterator[bool]:
    # PostgreSQL lets one session take the same advisory lock twice; a caller on this
    # connection that already holds NAME must be told no, like any other.
    mine: set[str] = connection.__dict__.setdefault("panel_advisory_locks", set())
    key = _advisory_key(name)
    got = False
    if name not in mine:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            got = bool(cursor.fetchone()[0])
    if got:
        mine.add(name)
    try:
        yield got
    finally:
        if got:
            mine.discard(name)
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
            except DatabaseError:
                pass  # the connection is gone, and the lock went with it
