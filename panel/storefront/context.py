"""Context for every storefront page: the signed-in customer's balance and unread notices,
for the header."""

from decimal import Decimal
from functools import cache

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from orders.models import Wallet
from panel import notifications
from panel.models import User


def balance_of(user: object) -> Decimal:
    """The customer's balance; zero before their wallet exists."""
    row = Wallet.objects.filter(user=user).values_list("balance", flat=True).first()
    return row if row is not None else Decimal(0)


def header_facts(user: User) -> tuple[Decimal, int]:
    """The balance and the number of unread notices, in one query: the header of every
    page shows both, so the bell costs no query of its own."""
    balance = Wallet.objects.filter(user=OuterRef("pk")).values("balance")[:1]
    unread = (
        notifications.unread()
        .filter(user=OuterRef("pk"))
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            b=Subquery(balance), n=Coalesce(Subquery(unread), Value(0), output_field=IntegerField())
        )
        .values_list("b", "n")
        .first()
    )
    if row is None:
        return Decimal(0), 0
    return (row[0] if row[0] is not None else Decimal(0)), row[1]


def header(request: HttpRequest) -> dict[str, object]:
    """`wallet_balance` and `unread_notices`: read once, together, and only if a template
    shows them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def facts() -> tuple[Decimal, int]:
        return header_facts(user)

    return {"wallet_balance": lambda: facts()[0], "unread_notices": lambda: facts()[1]}
