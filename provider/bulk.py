"""Writing many rows at once, cheaply.

`QuerySet.bulk_update` builds one CASE expression per field over every row, whose ORM cost
grows with rows x fields and dwarfs the database's work. `update_rows` sends one plain
`UPDATE ... WHERE pk = %s` per row through a single `executemany` instead.

`insert_rows` inserts plain tuples: by `COPY ... FROM STDIN` on PostgreSQL (psycopg 3 streams
the rows; about ten times faster than `executemany` of INSERTs for tens of thousands of rows),
by `executemany` elsewhere (SQLite has no COPY, and its executemany is already cheap).
"""

from collections.abc import Iterable, Sequence

from django.db import connection, models

BATCH = 1000


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
        sql = (f"INSERT INTO {table} ({names}) "  # noqa: S608 - names from the model
               f"VALUES ({', '.join(['%s'] * len(columns))})")
        # One executemany however many rows: the driver binds them one by one, so the query
        # count stays flat with the catalog.
        cursor.executemany(sql, rows)
