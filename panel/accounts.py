"""Creating customer accounts."""

from decimal import Decimal

from django.db import transaction

from orders.ledger import top_up, wallet_for
from panel.apikeys import regenerate_api_key
from panel.models import User


@transaction.atomic
def create_customer(*, email: str, password: str | None = None,
                    balance: Decimal = Decimal(0), actor: User | None = None
                    ) -> tuple[User, str]:
    """An active customer whose e-mail counts as verified (an admin vouches for it), with a
    top-up entry for `balance`. Returns the customer and their new API key."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password)
    elif password:
        user.set_password(password)
    user.is_active = True
    user.email_verified = True
    user.save()
    wallet_for(user)
    if balance > 0:
        top_up(user, balance, reason="Opening balance", actor=actor)
    return user, regenerate_api_key(user)
