"""API keys this process has looked up, trusted while the keys' version is unchanged: a bare
`services` call then reads no database, only its rate-limit round trip (Redis: one Lua
script; the embedded default: the mapped counter and a `stat`).

The keys' version (`VERSION`, a random token in the cache, shared by every process that
shares the cache) changes after every commit that saves a customer's key, active flag or
e-mail verification, or deletes a customer (the receivers below). A key found in the
database is remembered with the version read *before* that lookup; a later call trusts it
only if the version it reads with its count is still that one: a revoked key, a deactivated
or unverified customer is looked up again, and refused, at the next call. A version missing
from the cache (cleared, evicted) is replaced by a new token, never taken as a match.
Entries also age out after `MAX_AGE` seconds, which bounds what a lost version change (the
cache down at the moment of the change) could let through.

Not seen: a change made around the ORM's `save()` and `delete()` (`QuerySet.update()`, SQL
typed into the database): call `changed()` after one, or wait `MAX_AGE`.
"""

import logging
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from panel import cachewatch

log = logging.getLogger(__name__)

VERSION = "api:keys:version"
WATCHED_FIELDS = frozenset({"api_key_hash", "is_active", "email_verified"})
MAX_AGE = 30.0
MOST = 10_000  # keys remembered; more start it afresh

# digest of the key -> (user id, e-mail verified, version read before the lookup, when)
_known: dict[str, tuple[int, bool, str | None, float]] = {}


def known(digest: str) -> tuple[int, bool, str] | None:
    """(user id, verified, the version to check) of a key looked up lately, or None."""
    found = _known.get(digest)
    if found is None or found[2] is None or time.monotonic() - found[3] >= MAX_AGE:
        return None
    return found[:3]


def owner(digest: str) -> int | None:
    """The customer a key belonged to when last seen, trusted or not: a hint only (for a
    `status`, whose own query checks the key), never a reason to answer."""
    found = _known.get(digest)
    return None if found is None else found[0]


def version() -> str | None:
    """The keys' version now (read before a lookup), or None when the cache cannot say."""
    try:
        found = cachewatch.get_many([VERSION]).get(VERSION)
        if found is None:
            cache.add(VERSION, uuid.uuid4().hex, timeout=None)
            return None  # a new token: the next lookup remembers under it
    except Exception:
        log.warning("keys' version unreadable: keys not remembered", exc_info=True)
        return None
    return found


def remember(digest: str, user_id: int, verified: bool, version: str | None) -> None:
    """`version` None: kept as `owner`'s hint only, never trusted by `known`."""
    if len(_known) >= MOST:
        _known.clear()
    _known[digest] = (user_id, verified, version, time.monotonic())


def forget() -> None:
    _known.clear()


def changed() -> None:
    """A new version: every process looks its keys up again."""
    try:
        cache.set(VERSION, uuid.uuid4().hex, timeout=None)
    except Exception:
        log.error("keys' version not changed: processes trust keys up to %s s", MAX_AGE)


def _saved(sender, instance, update_fields=None, **kwargs) -> None:
    if update_fields is None or WATCHED_FIELDS & set(update_fields):
        transaction.on_commit(changed)


def _deleted(sender, instance, **kwargs) -> None:
    transaction.on_commit(changed)


post_save.connect(_saved, sender=settings.AUTH_USER_MODEL, dispatch_uid="knownkeys-saved")
post_delete.connect(_deleted, sender=settings.AUTH_USER_MODEL, dispatch_uid="knownkeys-deleted")
