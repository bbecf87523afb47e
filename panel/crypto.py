"""Encryption at rest for secrets (provider keys, delivered credentials).

`FIELD_ENCRYPTION_KEY` holds one or more Fernet keys, comma-separated: the first encrypts,
every one decrypts, so a key is rotated by putting the new one first and running
`manage.py rotate_encryption`. Without a configured key, one is derived from `SECRET_KEY`
so that a fresh checkout works; production sets its own.
"""

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


def _derived_key() -> bytes:
    digest = hashlib.sha256(f"field-encryption:{settings.SECRET_KEY}".encode()).digest()
    return base64.urlsafe_b64encode(digest)


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    raw = [key.encode() for key in keys] or [_derived_key()]
    return MultiFernet([Fernet(key) for key in raw])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEY))


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("cannot decrypt: FIELD_ENCRYPTION_KEY does not match") from exc


def rotate(token: str) -> str:
    """Re-encrypt a token with the first (newest) key."""
    return fernet().rotate(token.encode()).decode()


class EncryptedTextField(models.TextField):
    """A text column stored as a Fernet token; Python code only ever sees the plaintext."""

    def from_db_value(self, value: str | None, expression: object,
                      connection: object) -> str | None:
        return None if value is None else decrypt(value)

    def get_prep_value(self, value: object) -> str | None:
        value = super().get_prep_value(value)
        return None if value is None else encrypt(str(value))
