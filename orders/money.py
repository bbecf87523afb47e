"""How an amount of money reads in words meant for a customer: the same digits on every page,
in every e-mail and in the API's messages (the storefront adds its currency symbol)."""

from decimal import Decimal

from django.conf import settings

CENTS = Decimal("0.01")


def plain(amount: Decimal) -> str:
    """`amount` with at least two decimals and no trailing zeros beyond: 25.00, 0.015, 0.55.
    Only formatting: no digit is rounded away. Never signed (the caller says + or -)."""
    value = abs(amount).normalize()
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        value = value.quantize(CENTS)
    return f"{value:,f}"


def in_currency(amount: Decimal) -> str:
    """`130.00 USD`: an amount in a message that has no shop symbol at hand (the API)."""
    sign = "-" if amount < 0 else ""
    return f"{sign}{plain(amount)} {settings.PANEL_CURRENCY}"
