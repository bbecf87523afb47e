"""Context for every storefront page: the signed-in customer's balance and unread notices,
for the header."""

from decimal import Decimal
from functools import cache

from django.http import HttpRequest

from orders.models import Wallet
from panel import notifications


def balance_of(user: object) -> Decimal:
    """The customer's balance; zero before their wallet exists."""
    row = Wallet.objects.filter(user=user).values_list("balance", flat=True).first()
    return row if row is not None else Decimal(0)


def header(request: HttpRequest) -> dict[str, object]:
    """`wallet_balance` and `unread_notices`: each read once, and only if a template shows
    it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def wallet_balance() -> Decimal:
        return balance_of(user)

    @cache
    def unread_notices() -> int:
        return notifications.unread_count(user)

    return {"wallet_balance": wallet_balance, "unread_notices": unread_notices}
