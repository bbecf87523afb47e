"""The one small interface every payment processor sits behind, and what it answers in.

A gateway creates a payment (the customer is sent to its `url`), verifies a callback (the
signature, nothing more: a callback only says "look again"), and fetches a payment's status
from the processor's API, which is the only word money moves on. Processor answers become
the frozen dataclasses below at the edge; nothing else reads the processors' JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from payments.models import DepositState


class GatewayError(Exception):
    """The processor could not be reached or answered something unusable; nothing changed."""


class InvalidCallback(Exception):
    """A callback whose signature (or shape) does not verify: forged or mangled."""


@dataclass(frozen=True)
class Checkout:
    payment_id: str
    url: str


@dataclass(frozen=True)
class Notice:
    """What a verified callback names: the processor's payment and our reference."""

    payment_id: str
    reference: str


@dataclass(frozen=True)
class PaymentStatus:
    """A payment as the processor's API reports it, in the panel's terms.

    `received` is what arrived in the invoice's currency (None when unknown); `overpaid` says
    the processor reports more than the invoice.
    """

    payment_id: str
    reference: str
    state: DepositState
    raw_status: str
    invoice_amount: Decimal
    currency: str
    received: Decimal | None = None
    overpaid: bool = False


class Gateway(Protocol):
    code: str
    # Whether `fetch_status` works with the invoice's own id (before any callback named the
    # payment): then open deposits can be asked about without waiting for a callback.
    status_by_invoice: bool

    def create_payment(self, *, reference: str, amount: Decimal, currency: str,
                       callback_url: str, return_url: str) -> Checkout: ...

    def verify_callback(self, body: bytes, headers: Mapping[str, str]) -> Notice: ...

    def fetch_status(self, notice: Notice) -> PaymentStatus: ...


def money(value: object) -> Decimal:
    """A processor's amount (string or number) as a Decimal, or GatewayError."""
    try:
        amount = Decimal(str(value))
    except (ArithmeticError, ValueError) as exc:
        raise GatewayError(f"not an amount: {str(value)[:40]!r}") from exc
    if not amount.is_finite() or amount < 0:
        raise GatewayError(f"not an amount: {str(value)[:40]!r}")
    return amount
