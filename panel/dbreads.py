"""Reads on the thread's database connection outside Django's request cycle (the API's direct
answers, `panel.api.direct`), where no `request_started` / `request_finished` signal keeps
the connection.

Django's signals run `close_old_connections` around every request, and with
`CONN_HEALTH_CHECKS` that makes the first query of every request a health check: one more
round trip (a `SELECT 1` on PostgreSQL) per API call. Here the check runs only when it can
matter: after an error on the connection, or when the connection sat idle longer than
`IDLE_CHECK_SECONDS` (a server restart or a proxy's idle timeout happens while a connection
waits, not between two calls a few milliseconds apart). A read that fails anyway, as on a
connection the server dropped, closes the connection and runs once more on a new one; a
second failure is raised, for the caller to answer through the whole stack.
`CONN_MAX_AGE` holds as with the signals: a connection past its age is closed.
"""

import contextlib
import time
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, Error, connections
from django.db.backends.base.base import BaseDatabaseWrapper

IDLE_CHECK_SECONDS = 5.0

# The last use by a read of this module, per connection wrapper (each thread has its own).
_USED_AT = "_panel_dbreads_used_at"


class InTransaction(Exception):
    """The thread is inside `atomic()`: not the place to close or retry a connection."""


def _before(connection: BaseDatabaseWrapper, now: float) -> None:
    if connection.connection is None:
        return  # connects on first use, checked by the connecting
    if connection.in_atomic_block:
        raise InTransaction
    idle = now - getattr(connection, _USED_AT, 0.0)
    if connection.errors_occurred or idle > IDLE_CHECK_SECONDS:
        # As the request signals do: closed if obsolete or unusable, else checked on use.
        connection.close_if_unusable_or_obsolete()
    elif connection.close_at is not None and now >= connection.close_at:
        connection.close()
    else:
        connection.health_check_done = True  # used a moment ago: no round trip to check


def _after(connection: BaseDatabaseWrapper) -> None:
    now = time.monotonic()
    setattr(connection, _USED_AT, now)
    if connection.close_at is not None and now >= connection.close_at:
        connection.close()  # CONN_MAX_AGE=0: closed after each use, as after a request


def read[T](run: Callable[[], T]) -> T:
    """`run()` (read-only queries on `django.db.connection`), retried once on a new
    connection if the database fails; the second failure is raised."""
    connection = connections[DEFAULT_DB_ALIAS]  # the thread's, looked up once
    for attempt in (1, 2):
        _before(connection, time.monotonic())
        try:
            result = run()
        except Error:
            if connection.in_atomic_block:
                raise
            with contextlib.suppress(Error):  # closed anyway: Django drops the object
                connection.close()
            if attempt == 2:
                raise
            continue
        _after(connection)
        return result
    raise AssertionError("unreachable")
