import pytest
from cryptography.fernet import Fernet
from django.db import connection

from panel import crypto
from provider.models import Provider

pytestmark = pytest.mark.django_db


def raw_key_column(provider: Provider) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT api_key FROM provider_provider WHERE id = %s", [provider.id])
        return cursor.fetchone()[0]


def test_provider_key_is_encrypted_at_rest():
    provider = Provider.objects.create(name="p", api_url="http://x.example/api/v2",
                                       api_key="top-secret-key")
    stored = raw_key_column(provider)
    assert "top-secret-key" not in stored
    assert Provider.objects.get().api_key == "top-secret-key"


def test_keys_can_be_rotated(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEY = [old]
    token = crypto.encrypt("secret")
    settings.FIELD_ENCRYPTION_KEY = [new, old]
    assert crypto.decrypt(token) == "secret"
    rotated = crypto.rotate(token)
    settings.FIELD_ENCRYPTION_KEY = [new]
    assert crypto.decrypt(rotated) == "secret"
    with pytest.raises(ValueError):
        crypto.decrypt(token)


def test_rotate_encryption_command_reencrypts_rows(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEY = [old]
    provider = Provider.objects.create(name="p", api_url="http://x.example/api/v2",
                                       api_key="k-123")
    settings.FIELD_ENCRYPTION_KEY = [new, old]
    from django.core.management import call_command
    call_command("rotate_encryption", verbosity=0)
    settings.FIELD_ENCRYPTION_KEY = [new]
    assert Provider.objects.get(pk=provider.pk).api_key == "k-123"
