"""Writing many rows at once, cheaply.

`QuerySet.bulk_update` builds one CASE expression per field over every row, whose ORM cost
grows with rows x fields and dwarfs the database's work. `update_rows` sends one plain
`UPDATE ... WHERE pk = %s` per row through a single `executemany` instead.

`insert_rows` inserts plain tuples: by `COPY ... FROM STDIN` on PostgreSQL (psycopg 3 streams
the rows; about ten times faster than `executemany` of INSERTs for tens of thousands of rows),
by `executemany` of multi-row INSERTs elsewhere (SQLite has no COPY). `InsertBehind` runs it
in a thread of its own while the caller is still building the rows.
"""

import queue
import threading
from collections.abc import Iterable, Iterator, Sequence
from itertools import batched, chain

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

BATCH = 1000
ROWS_PER_INSERT = 100  # rows in one multi-row INSERT on SQLite (within its bound on parameters)


def update_rows(model: type[models.Model], objs: Sequence[models.Model],
                fields: Sequence[str]) -> None:
    """Write `fields` (attribute names) of every object in `objs` to its row."""
    if not objs:
        return
    by_name = {f.attname: f for f in model._meta.concrete_fields}
    columns = [by_name[name] for name in fields]
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(f.column)} = %s" for f in columns)
    sql = (f"UPDATE {quote(model._meta.db_table)} SET {sets} "  # noqa: S608 - model names
           f"WHERE {quote(model._meta.pk.column)} = %s")
    params = [(*(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns),
               obj.pk) for obj in objs]
    with connection.cursor() as cursor:
        for start in range(0, len(params), BATCH):
            cursor.executemany(sql, params[start:start + BATCH])


def insert_rows(model: type[models.Model], columns: Sequence[str],
                rows: Iterable[tuple], db: BaseDatabaseWrapper | None = None) -> None:
    """Insert `rows` (tuples of database-ready values, in the order of `columns`, column
    names) into `model`'s table; no model instance, no ORM preparation per value. `db`: the
    connection (by default this thread's)."""
    db = db or connection
    quote = db.ops.quote_name
    table, names = quote(model._meta.db_table), ", ".join(quote(c) for c in columns)
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            # The driver's own cursor: Django's wrapper has no `copy` (nor turns its errors
            # into Django's, done here).
            with db.wrap_database_errors, cursor.cursor.copy(
                    f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        one = f"({', '.join(['%s'] * len(columns))})"
        per = max(1, min(ROWS_PER_INSERT, db.features.max_query_params // len(columns)))
        insert = f"INSERT INTO {table} ({names}) VALUES "  # noqa: S608 - names from the model
        # Two executemany however many rows, so the query count stays flat with the catalog:
        # `per` rows to a statement (SQLite pays per statement executed: about a third of the
        # CPU of one-row statements), then the rows left over one by one.
        left: list[tuple] = []
        cursor.executemany(insert + ", ".join([one] * per), _flat_batches(rows, per, left))
        cursor.executemany(insert + one, left)


def _flat_batches(rows: Iterable[tuple], per: int, left: list[tuple]) -> Iterator[tuple]:
    """The values of each `per` rows as one tuple; a last, shorter batch goes to `left`."""
    for batch in batched(rows, per):
        if len(batch) < per:
            left.extend(batch)
        else:
            yield tuple(chain.from_iterable(batch))


class InsertBehind:
    """`insert_rows` in a thread of its own, fed the rows as the caller builds them (`add`),
    on the caller's connection and so in its transaction: the database driver releases the
    GIL while SQLite steps a statement (or psycopg sends a COPY buffer), so the database's
    work overlaps the Python building the next rows. A context manager: leaving it waits for
    the last row and raises whatever the insert raised (unless the block raised first); the
    connection must not be used inside it. The thread starts with the first row: no row, no
    statement. Statements and query count are those of `insert_rows`."""

    BATCH = 500  # rows handed over at once: a queue operation per row would cost more

    def __init__(self, model: type[models.Model], columns: Sequence[str]) -> None:
        self._model, self._columns = model, columns
        self._db = connections[DEFAULT_DB_ALIAS]
        self._batches: queue.SimpleQueue[list[tuple] | None] = queue.SimpleQueue()
        self._batch: list[tuple] = []
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> "InsertBehind":
        return self

    def add(self, row: tuple) -> None:
        self._batch.append(row)
        if len(self._batch) >= self.BATCH:
            self._hand_over()

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if self._batch:
            self._hand_over()
        if self._thread is None:
            return
        self._batches.put(None)
        self._thread.join()
        self._db.dec_thread_sharing()
        if self._error is not None and kind is None:
            raise self._error

    def _hand_over(self) -> None:
        if self._thread is None:
            self._db.inc_thread_sharing()
            self._thread = threading.Thread(target=self._insert, name="insert-behind",
                                            daemon=True)
            self._thread.start()
        self._batches.put(self._batch)
        self._batch = []

    def _rows(self) -> Iterator[tuple]:
        while (batch := self._batches.get()) is not None:
            yield from batch

    def _insert(self) -> None:
        rows = self._rows()
        try:
            insert_rows(self._model, self._columns, rows, self._db)
        except BaseException as exc:  # raised again on leaving, in the caller's thread
            self._error = exc
            for _ in rows:  # take the rest, up to the end marker
                pass
