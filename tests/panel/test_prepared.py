"""`panel.prepared`: a queryset compiled once answers as the ORM does, with new values each
call, in one query."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from panel.api.actions import ONE_ORDER_STATUS
from panel.apikeys import KEY_OWNER, digest, regenerate_api_key
from panel.prepared import Prepared

pytestmark = pytest.mark.django_db


def test_the_status_query_finds_only_ones_own_non_sms_orders(
    owned, alice, bob, django_assert_num_queries
):
    with django_assert_num_queries(1):
        found = ONE_ORDER_STATUS.first(user=alice.pk, order=owned["running"].pk)
    assert found.pk == owned["running"].pk and found.state == owned["running"].state
    assert found.charge == owned["running"].charge  # a Decimal, as the ORM gives it
    assert ONE_ORDER_STATUS.first(user=bob.pk, order=owned["running"].pk) is None
    assert ONE_ORDER_STATUS.first(user=alice.pk, order=owned["sms"].pk) is None
    product = ONE_ORDER_STATUS.first(user=alice.pk, order=owned["product"].pk)
    assert product.account_list == owned["product"].account_list, "deferred, still readable"


def test_the_key_query_reads_a_whole_customer(alice):
    key = regenerate_api_key(alice)
    found = KEY_OWNER.first(digest=digest(key))
    assert (found.pk, found.email, found.email_verified) == (
        alice.pk,
        alice.email,
        alice.email_verified,
    )
    assert found.date_joined == alice.date_joined  # converted as the ORM converts it
    alice.is_active = False
    alice.save()
    assert KEY_OWNER.first(digest=digest(key)) is None


def test_built_once(alice, bob):
    from panel.models import User

    builds = []
    prepared = Prepared(lambda p: builds.append(1) or User.objects.filter(pk=p.pk))
    assert prepared.first(pk=alice.pk).email == alice.email
    assert prepared.first(pk=bob.pk).email == bob.email
    assert builds == [1]


def test_a_value_that_never_reaches_the_sql_is_refused(alice):
    from panel.models import User

    with pytest.raises(ValueError):
        Prepared(lambda p: User.objects.filter(pk=alice.pk) if p.pk else None).first(pk=1)


def test_prepared_on_the_server_on_postgresql(owned, alice):
    """On PostgreSQL (run with DATABASE_URL=postgres://...): the same answers, and the
    statement prepared once on the server."""
    from django.db import connection

    from panel.api.direct import KEY_AND_ORDER

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    key = regenerate_api_key(alice)
    order = owned["running"]
    rows = [KEY_AND_ORDER.row(digest=digest(key), order=order.pk) for _ in range(3)]
    assert rows[0] == rows[2] and rows[0][:4] == [alice.pk, digest(key), True, order.pk]
    assert rows[0][4 + 2] == order.charge  # a Decimal
    assert KEY_AND_ORDER.row(digest=digest(key), order=owned["sms"].pk)[3] is None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%asked%"]
        )
        assert cursor.fetchone()[0] == 1


def test_on_sqlite_the_connection_itself_answers_as_the_cursor(owned, alice):
    """On SQLite, outside query logging: the same rows as through Django's cursor."""
    from django.db import connection

    from panel.api.direct import KEY_AND_ORDER

    if connection.vendor != "sqlite":
        # CI runs the suite on PostgreSQL: this test runs again, on the embedded default.
        _run_on_sqlite("test_on_sqlite_the_connection_itself_answers_as_the_cursor")
        return
    key, order = regenerate_api_key(alice), owned["running"]
    direct = KEY_AND_ORDER.row(digest=digest(key), order=order.pk)
    connection.force_debug_cursor = True  # queries logged: through Django's cursor
    try:
        through_cursor = KEY_AND_ORDER.row(digest=digest(key), order=order.pk)
    finally:
        connection.force_debug_cursor = False
    assert direct == through_cursor and direct[:4] == [alice.pk, digest(key), True, order.pk]
    assert direct[4 + 2] == order.charge  # a Decimal, converted as the ORM converts


def _run_on_sqlite(test: str) -> None:
    """Run `test` of this file in a pytest process of its own on the embedded default
    (SQLite), and fail with its output if it fails there."""
    env = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"{__file__}::{test}"],
        cwd=Path(__file__).resolve().parents[2], env=env, capture_output=True, text=True,
        timeout=300, check=False,
    )
    assert result.returncode == 0 and " passed" in result.stdout, result.stdout + result.stderr
