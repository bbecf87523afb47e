"""Customer API keys: shown once, stored only as a SHA-256 digest.

A key carries 256 random bits, so an unsalted digest is enough: nothing can be guessed from it,
and lookups by digest stay a single indexed query.
"""

import hashlib
import hmac
import secrets
import string

from django.contrib.auth import get_user_model

from panel.models import User
from panel.prepared import Prepared

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
    if not key or len(key) > 200:
        return None
    wanted = digest(key)
    user = KEY_OWNER.first(digest=wanted)
    if user is None or not hmac.compare_digest(user.api_key_hash, wanted):
        return None
    return user


# Asked on every API call, where building the query through the ORM cost more than running it.
KEY_OWNER = Prepared(
    lambda p: get_user_model().objects.filter(api_key_hash=p.digest, is_active=True)
)
