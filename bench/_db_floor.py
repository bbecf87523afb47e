"""The database's own share of a first sync: the rows the sync just wrote, inserted again by
the database alone into a twin of the services table (same columns, indexes, checks and
foreign keys, deferred as Django makes them), in one transaction, timed to its COMMIT. No
row crosses to Python: what storing those rows costs that database at least. Prints the
seconds.

    python -m bench._db_floor   (with the panel's environment of the round, after a sync)
"""

import re
import time

import django

TWIN = "bench_floor_service"


def _postgresql_twin(cursor, table: str) -> None:
    cursor.execute(f"CREATE TABLE {TWIN} (LIKE {table} INCLUDING ALL)")
    cursor.execute(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f'",
        [table],
    )
    for (definition,) in cursor.fetchall():
        cursor.execute(f"ALTER TABLE {TWIN} ADD {definition}")


def _sqlite_twin(cursor, table: str) -> None:
    cursor.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL", [table]
    )
    for (sql,) in cursor.fetchall():
        # The table's own statement and its indexes', renamed (index names must be unique).
        sql = sql.replace(f'"{table}"', f'"{TWIN}"')
        sql = re.sub(r'INDEX "([^"]+)"', rf'INDEX "\1_{TWIN}"', sql)
        cursor.execute(sql)


if __name__ == "__main__":
    django.setup()
    from django.db import connection, transaction

    from provider.models import Service

    table = Service._meta.db_table
    with connection.cursor() as cursor:
        twin = _postgresql_twin if connection.vendor == "postgresql" else _sqlite_twin
        twin(cursor, table)
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TWIN} SELECT * FROM {table}")
    elapsed = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {TWIN}")
    print(f"{elapsed:.6f}")
