"""Locks in the database, so they hold across processes and machines (never in memory)."""

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.db import IntegrityError, transaction
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
    token = acquire(name, ttl=ttl)
    try:
        yield token is not None
    finally:
        if token:
            release(name, token)
