"""Querysets compiled once, run many times: for the API's hottest reads, where building the
SQL through the ORM cost several times what running it does.

`Prepared(lambda p: Model.objects.filter(a=p.a, b=p.b).only(...))` builds the queryset once
per database vendor with stand-in values, keeps its SQL, the positions of the stand-ins among
its parameters and the ORM's converters of its columns; `first(a=1, b=2)` runs it with the
real values and returns a model instance (fields left out are deferred, as with `.only`), or
None; for a `.values_list(...)` queryset, `row(a=1, b=2)` returns the first row's values,
converted as the ORM converts them (Decimal, bool, datetime), or None. Only the values of
`p` vary: the queryset's shape must not depend on them.

On PostgreSQL the query is also prepared on the server, once per connection (psycopg's
server-side binding, `prepare=True`): the server then neither parses nor plans it again on
each call. Not behind a pooler in transaction mode (`DISABLE_SERVER_SIDE_CURSORS`, Django's
own sign of one: a prepared statement lives in one server session), and not while queries
are logged (DEBUG, tests counting queries), which go through Django's cursor to be seen.
On SQLite, likewise outside query logging, the query runs on the sqlite3 connection itself,
its SQL rewritten to `?` placeholders once: Django's cursor wrappers and that rewriting on
each call cost a quarter of an API `status` call (errors are still raised as Django's).
"""

from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, QuerySet


class _Marks:
    """Stand-in values, one distinct integer per name, found again among the parameters
    (as an integer, or as text where the column is text)."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def __getattr__(self, name: str) -> int:
        mark = -(7_700_000_000 + len(self.names))
        self.names[str(mark)] = name
        return mark


class Prepared:
    def __init__(self, build: Callable[[Any], QuerySet]) -> None:
        self.build = build
        self._compiled: dict[str, tuple] = {}
        self._qmark: dict[str, str] = {}

    def _compile(self) -> tuple:
        marks = _Marks()
        queryset = self.build(marks)[:1]
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        slots = [
            (index, marks.names[str(value)])
            for index, value in enumerate(params)
            if isinstance(value, int | str) and str(value) in marks.names
        ]
        if len(slots) != len(marks.names):
            raise ValueError("every stand-in value must reach the SQL as a parameter")
        if compiler.klass_info is None:  # values_list(): every selected column, in order
            columns = [column for column, _, _ in compiler.select[: compiler.col_count]]
            names = None
        else:
            fields = compiler.klass_info["select_fields"]
            columns = [compiler.select[index][0] for index in fields]
            names = [column.target.attname for column in columns]
        converters = compiler.get_converters(columns)
        return sql, list(params), slots, converters, names, queryset.model

    def _run(self, values: dict[str, object]) -> tuple[list | None, list | None, type[Model]]:
        # The thread's connection once: each use of the `connection` proxy looks it up again.
        conn = connections[DEFAULT_DB_ALIAS]
        compiled = self._compiled.get(conn.vendor)
        if compiled is None:
            compiled = self._compiled[conn.vendor] = self._compile()
        sql, params, slots, converters, names, model = compiled
        params = params.copy()
        for index, name in slots:
            params[index] = values[name]
        if conn.vendor == "postgresql" and not (
            conn.queries_logged or conn.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
        ):
            row = _prepared_on_server(conn, sql, params)
        elif conn.vendor == "sqlite" and not conn.queries_logged:
            row = _on_sqlite(conn, self._sqlite_sql(sql), params)
        else:
            with conn.cursor() as cursor:
                cursor.execute(sql, params)
                row = cursor.fetchone()
        if row is None:
            return None, names, model
        row = list(row)
        for index, (steps, expression) in converters.items():
            for convert in steps:
                row[index] = convert(row[index], expression, conn)
        return row, names, model

    def _sqlite_sql(self, sql: str) -> str:
        """The SQL as Django's SQLite cursor rewrites it on each call (`%s` to `?`), once."""
        found = self._qmark.get(sql)
        if found is None:
            from django.db.backends.sqlite3.base import FORMAT_QMARK_REGEX

            found = self._qmark[sql] = FORMAT_QMARK_REGEX.sub("?", sql).replace("%%", "%")
        return found

    def first(self, **values: object) -> Model | None:
        row, names, model = self._run(values)
        if row is None:
            return None
        return model.from_db(DEFAULT_DB_ALIAS, names, row)

    def row(self, **values: object) -> list | None:
        """The first row of a `.values_list(...)` queryset, converted; None when none."""
        return self._run(values)[0]


# psycopg prepares nothing of its own accord on Django's connections (Django sets the
# threshold to None, which also refuses `prepare=True`): a threshold never reached lets only
# the queries asked with `prepare=True` be prepared.
NEVER_ON_ITS_OWN = 2**31 - 1


def _prepared_on_server(conn: BaseDatabaseWrapper, sql: str, params: list) -> tuple | None:
    import psycopg

    conn.close_if_health_check_failed()  # as Django's cursor() does
    conn.ensure_connection()
    with conn.wrap_database_errors:  # psycopg's errors as Django's, errors_occurred set
        raw = conn.connection
        if raw.prepare_threshold is None:
            raw.prepare_threshold = NEVER_ON_ITS_OWN
        with psycopg.Cursor(raw) as cursor:
            cursor.execute(sql, params, prepare=True)
            return cursor.fetchone()


def _on_sqlite(conn: BaseDatabaseWrapper, sql: str, params: list) -> tuple | None:
    """On the sqlite3 connection itself: Django's cursor wrappers and its rewriting of the
    SQL on each call cost more than the indexed read they wrap."""
    conn.close_if_health_check_failed()  # as Django's cursor() does
    conn.ensure_connection()
    with conn.wrap_database_errors:  # sqlite3's errors as Django's, errors_occurred set
        return conn.connection.execute(sql, params).fetchone()
