"""How an amount of money reads in words meant for a customer: the same digits on every page,
in every e-mail and in the API's messages. One formatter, in the active language:

- Latin digits in every language (Arabic e-commerce in the Gulf writes prices that way);
  the decimal and thousands separators are the language's own (`get_format`: Django's
  formats, with `panel.formats.ar` for Arabic, "." and ",").
- The shop's symbol before the amount in English ($25.00), after it in Arabic (25.00 $, as
  CLDR's Arabic pattern `#,##0.00 ¤`), led by a right-to-left mark so the sign and symbol
  stay in place inside Arabic text.

The customers' API runs in English (`panel.api.views`), so `in_currency` stays `130.00 USD`
there whatever the client's Accept-Language.
"""

from decimal import Decimal

from django.conf import settings
from django.utils import formats, translation

CENTS = Decimal("0.01")
MINUS = "\u2212"
RLM = "\u200f"
NBSP = "\u00a0"
# Languages whose shops write the symbol after the amount.
SYMBOL_AFTER = frozenset({"ar"})


def _language() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def group(digits: str) -> str:
    """A run of ASCII digits with the active language's thousands separator."""
    sep = formats.get_format("THOUSAND_SEPARATOR")
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return sep.join(parts)


def plain(amount: Decimal) -> str:
    """`amount` with at least two decimals and no trailing zeros beyond: 25.00, 0.015, 0.55,
    1,234.50, in the active language's separators. Only formatting: no digit is rounded
    away. Never signed (the caller says + or -)."""
    value = abs(amount).normalize()
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        value = value.quantize(CENTS)
    whole, _, fraction = f"{value:f}".partition(".")
    text = group(whole)
    return f"{text}{formats.get_format('DECIMAL_SEPARATOR')}{fraction}" if fraction else text


def shown(amount: Decimal, symbol: str, *, signed: bool = False) -> str:
    """The amount with the shop's symbol, placed as the active language writes it; `signed`
    shows + for a credit (ledger entries). A debit always shows a minus sign."""
    sign = MINUS if amount < 0 else ("+" if signed and amount > 0 else "")
    if _language() in SYMBOL_AFTER:
        return f"{RLM}{sign}{plain(amount)}{NBSP}{symbol}"
    return f"{sign}{symbol}{plain(amount)}"


def in_currency(amount: Decimal) -> str:
    """`130.00 USD`: an amount in a message that has no shop symbol at hand (the API)."""
    sign = "-" if amount < 0 else ""
    return f"{sign}{plain(amount)} {settings.PANEL_CURRENCY}"
