"""SMS codes and texts are encrypted at rest like delivered credentials: the database column
holds a token, the code shows only through the field; rows written before are encrypted by
the migration, and `rotate_encryption` re-encrypts them."""

import importlib
from types import SimpleNamespace

from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from orders.models import Order
from orders.sms import rent_numbers
from orders.sms_tracking import poll_numbers
from panel import crypto
from provider.models import SmsProject

MIGRATION = importlib.import_module("orders.migrations.0003_sms_secrets_and_staff_flags")


def raw_columns(order: Order) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sms_code, sms_text FROM orders_order WHERE id = %s", [order.pk])
        return cursor.fetchone()


def received_code(alice, sandbox) -> Order:
    project = SmsProject.objects.get(name="OpenAI / ChatGPT")
    [order] = rent_numbers(user=alice, project_id=project.pk, country="us")
    sandbox.advance(9)
    poll_numbers(everything=True)
    order.refresh_from_db()
    assert order.sms_code and order.sms_code in order.sms_text
    return order


def test_the_code_and_text_are_not_in_the_database_in_clear(alice, provider, sandbox):
    order = received_code(alice, sandbox)
    code, text = raw_columns(order)
    assert order.sms_code not in code and order.sms_code not in text
    assert "Code" not in text and len(code) > 40


def test_rows_written_before_are_encrypted_by_the_migration(alice, provider, sandbox):
    order = received_code(alice, sandbox)
    with connection.cursor() as cursor:  # as the rows stood before the migration
        cursor.execute("UPDATE orders_order SET sms_code = %s, sms_text = %s WHERE id = %s",
                       ["424242", "Your code is 424242", order.pk])
    MIGRATION.encrypt_rows(None, SimpleNamespace(connection=connection))
    assert "424242" not in "".join(raw_columns(order))
    order.refresh_from_db()
    assert (order.sms_code, order.sms_text) == ("424242", "Your code is 424242")
    MIGRATION.decrypt_rows(None, SimpleNamespace(connection=connection))
    assert raw_columns(order) == ("424242", "Your code is 424242"), "the way back"


def test_rotate_encryption_covers_sms_codes(alice, provider, sandbox, settings):
    # The keys every row (the provider's key too) was written with, then a new one first.
    old = list(settings.FIELD_ENCRYPTION_KEY) or [crypto._derived_key().decode()]
    new = Fernet.generate_key().decode()
    order = received_code(alice, sandbox)
    code = order.sms_code
    settings.FIELD_ENCRYPTION_KEY = [new, *old]
    call_command("rotate_encryption", verbosity=0)
    settings.FIELD_ENCRYPTION_KEY = [new]
    order.refresh_from_db()
    assert order.sms_code == code
