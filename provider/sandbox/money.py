"""Decimal money for the sandbox: parsing and the fixed number of places each field shows.

The protocol carries money as decimal strings with a set number of places (balances and
charges two, SMS prices four, some standard-dialect rates five), so every amount the sandbox
stores is a `Decimal` and every amount it prints goes through one of these functions.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
_FOUR = Decimal("0.0001")
_FIVE = Decimal("0.00001")


def to_cents(amount: Decimal) -> Decimal:
    """Round an amount to whole cents, half up, as the account balance holds it."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def two_places(amount: Decimal) -> str:
    """`"1000.00"`: balances and order charges."""
    return str(to_cents(amount))


def four_places(amount: Decimal) -> str:
    """`"0.5000"`: SMS prices and SMS charges."""
    return str(amount.quantize(_FOUR, rounding=ROUND_HALF_UP))


def five_places(amount: Decimal) -> str:
    """`"0.50000"`: what some standard-dialect providers print for rates and charges."""
    return str(amount.quantize(_FIVE, rounding=ROUND_HALF_UP))


def catalog_rate(rate: Decimal) -> Decimal:
    """A rate with the places the catalog prints: two, or four when it needs more (max four)."""
    exponent = rate.as_tuple().exponent
    places = CENT if isinstance(exponent, int) and exponent >= -2 else _FOUR
    return rate.quantize(places, rounding=ROUND_HALF_UP)


def parse_amount(raw: object) -> Decimal:
    """A non-negative amount of money from a string or number, rounded to cents.

    Floats are read through `str` so `0.1` means ten cents, not its binary neighbour.
    """
    try:
        amount = Decimal(str(raw).strip())
    except InvalidOperation as exc:
        raise ValueError(f"not an amount of money: {raw!r}") from exc
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"not an amount of money: {raw!r}")
    return to_cents(amount)
