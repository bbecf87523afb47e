"""Writing many rows at once, cheaply.

`QuerySet.bulk_update` builds one CASE expression per field over every row, whose ORM cost
grows with rows x fields and dwarfs the database's work. `update_rows` sends one plain
`UPDATE ... WHERE pk = %s` per row through a single `executemany` instead.
"""

from collections.abc import Sequence

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
