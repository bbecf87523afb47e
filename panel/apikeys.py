"""Customer API keys: shown once, stored only as a SHA-256 digest.

A key carries 256 random bits, so an unsalted digest is enough: nothing can be guessed from it,
and lookups by digest stay a single indexed query.
"""

import hashlib
import hmac
import secrets
import string
from functools import cache

from django.contrib.auth import get_user_model
from django.db import connection

from panel.models import User

KEY_ALPHABET = string.ascii_letters + string.digits
KEY_LENGTH = 43  # 43 characters of 62 symbols: 256 bits


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def regenerate_api_key(user: User) -> str:
    """Give `user` a new key (the old one stops working) and return it, once."""
    # Letters and digits only: a key starting with "-" would read as an option to the
    # command-line tools resellers paste it into (`add_provider --key ...`).
    key = "".join(secrets.choice(KEY_ALPHABET) for _ in range(KEY_LENGTH))
    user.api_key_hash = digest(key)
    user.api_key_prefix = key[:8]
    user.save(update_fields=["api_key_hash", "api_key_prefix"])
    return key


def user_for_key(key: str) -> User | None:
    """The active customer holding `key`: one indexed query, written out once (the API
    asks it on every call, where building it through the ORM cost more than running it)."""
    if not key or len(key) > 200:
        return None
    wanted = digest(key)
    model = get_user_model()
    query, names, converters = _key_query(model, connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(query, [wanted, True])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for index, (col, steps) in converters:
        if values[index] is not None:
            for convert in steps:
                values[index] = convert(values[index], col, connection)
    user = model.from_db(connection.alias, names, values)
    if not hmac.compare_digest(user.api_key_hash, wanted):
        return None
    return user


@cache
def _key_query(model: type[User], vendor: str) -> tuple[str, list[str], list]:
    """The query, the attribute names of its columns, and the converters the ORM would apply
    to them (the backend's, e.g. SQLite's booleans and datetimes, then the field's own)."""
    quote = connection.ops.quote_name
    fields = model._meta.concrete_fields
    columns = ", ".join(quote(field.column) for field in fields)
    query = (f"SELECT {columns} FROM {quote(model._meta.db_table)} "
             f"WHERE {quote('api_key_hash')} = %s AND {quote('is_active')} = %s LIMIT 1")
    converters = []
    for index, field in enumerate(fields):
        col = field.cached_col
        steps = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if steps:
            converters.append((index, (col, steps)))
    return query, [field.attname for field in fields], converters
