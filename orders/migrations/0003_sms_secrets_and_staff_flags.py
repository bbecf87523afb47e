"""SMS codes and texts encrypted at rest like credentials (existing rows encrypted here), and
the flags that bring an order to staff: a short delivery, a late upstream answer."""

from django.db import migrations, models

import panel.crypto

COLUMNS = ("sms_code", "sms_text")


def _rewrite(schema_editor, change) -> None:
    # Below the field on purpose: the historical model would decrypt what is still plain.
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    table = quote("orders_order")
    names = ", ".join(quote(name) for name in COLUMNS)
    sets = ", ".join(f"{quote(name)} = %s" for name in COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {names} FROM {table}")  # noqa: S608 - fixed names
        rows = cursor.fetchall()
        for row_id, *values in rows:
            cursor.execute(f"UPDATE {table} SET {sets} WHERE id = %s",  # noqa: S608
                           [*(change(value or "") for value in values), row_id])


def encrypt_rows(apps, schema_editor) -> None:
    _rewrite(schema_editor, panel.crypto.encrypt)


def decrypt_rows(apps, schema_editor) -> None:
    _rewrite(schema_editor, panel.crypto.decrypt)


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0002_refill'),
    ]

    operations = [
        migrations.AlterField(
            model_name='order',
            name='sms_code',
            field=panel.crypto.EncryptedTextField(blank=True, default=''),
        ),
        migrations.AlterField(
            model_name='order',
            name='sms_text',
            field=panel.crypto.EncryptedTextField(blank=True, default=''),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows, elidable=False),
        migrations.AddField(
            model_name='order',
            name='needs_staff',
            field=models.BooleanField(db_index=True, default=False, help_text='A person should look: the upstream delivered fewer accounts than paid for, or answered after the order was settled. The events say what happened.'),
        ),
        migrations.AddField(
            model_name='order',
            name='late_answer',
            field=panel.crypto.EncryptedTextField(blank=True, default='', help_text="The upstream's last answer that came after the order was settled, as received: accounts in it were not given to the customer."),
        ),
    ]
