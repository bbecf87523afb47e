"""`manage.py rotate_encryption`: re-encrypt every secret with the first FIELD_ENCRYPTION_KEY.

Put the new key first in FIELD_ENCRYPTION_KEY (keep the old ones after it), run this,
then drop the old keys.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from panel.crypto import EncryptedTextField, rotate


class Command(BaseCommand):
    help = "Re-encrypt all encrypted columns with the newest key."

    def handle(self, *args: object, **options: object) -> None:
        for model in apps.get_models():
            fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            if fields:
                count = self._rotate(model, [f.attname for f in fields])
                self.stdout.write(f"{model._meta.label}: {count} rows re-encrypted")

    @transaction.atomic
    def _rotate(self, model: type, names: list[str]) -> int:
        # Read the raw tokens (values() still decrypts, so go below the field).
        table = model._meta.db_table
        quoted = ", ".join(connection.ops.quote_name(n) for n in names)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, {quoted} FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows = cursor.fetchall()
            for row_id, *tokens in rows:
                fresh = [rotate(t) if t else t for t in tokens]
                sets = ", ".join(f"{connection.ops.quote_name(n)} = %s" for n in names)
                cursor.execute(
                    f"UPDATE {connection.ops.quote_name(table)} SET {sets} WHERE id = %s",  # noqa: S608
                    [*fresh, row_id])
        return len(rows)
