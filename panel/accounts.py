"""Creating customer accounts."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_noop

from orders.ledger import top_up, wallet_for
from panel.apikeys import regenerate_api_key
from panel.models import User


@transaction.atomic
def create_customer(*, email: str, password: str | None = None,
                    balance: Decimal = Decimal(0), actor: User | None = None,
                    new_key: bool = False) -> tuple[User, str | None]:
    """An active customer whose e-mail counts as verified (an admin vouches for it), with a
    top-up entry for `balance`. Returns the customer and their new API key.

    An existing customer (same e-mail, any case) keeps their API key, which their scripts
    use: `balance` is added and the key returned is None, unless `new_key` asks for one (the
    old key then stops working). One who never had a key gets one."""
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User.objects.create_user(email=email, password=password)
    elif password:
        user.set_password(password)
    user.is_active = True
    user.email_verified = True
    user.save()
    wallet_for(user)
    if balance > 0:
        # Stored in English; the wallet shows a reason the catalogue knows in the reader's
        # language (`{% translate entry.reason %}`).
        reason = gettext_noop("Opening balance") if created else gettext_noop("Balance added")
        top_up(user, balance, reason=reason, actor=actor)
    if new_key or not user.api_key_hash:
        return user, regenerate_api_key(user)
    return user, None
