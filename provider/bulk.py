"""Writing many rows at once, cheaply.

`QuerySet.bulk_update` builds one CASE expression per field over every row, whose ORM cost
grows with rows x fields and dwarfs the database's work. `update_rows` sends one plain
`UPDATE ... WHERE pk = %s` per row through a single `executemany` instead.

`insert_rows` inserts plain tuples: by `COPY ... FROM STDIN` on PostgreSQL (psycopg 3 streams
the rows; about ten times faster than `executemany` of INSERTs for tens of thousands of rows),
by `executemany` of multi-row INSERTs elsewhere (SQLite has no COPY).
"""

from collections.abc import Iterable, Iterator, Sequence
from itertools import batched, chain

from django.db import connection, models

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
                rows: Iterable[tuple]) -> None:
    """Insert `rows` (tuples of database-ready values, in the order of `columns`, column
    names) into `model`'s table; no model instance, no ORM preparation per value."""
    quote = connection.ops.quote_name
    table, names = quote(model._meta.db_table), ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The driver's own cursor: Django's wrapper has no `copy`.
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        one = f"({', '.join(['%s'] * len(columns))})"
        per = max(1, min(ROWS_PER_INSERT, connection.features.max_query_params // len(columns)))
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
