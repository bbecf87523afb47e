"""Every change to a customer's balance, each with its ledger entry, in one transaction.

A debit is a conditional update (`balance >= amount`), so concurrent debits can never take
a balance below zero; the check constraint on `Wallet.balance` is the last line of defence.
"""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F

from orders.models import EntryKind, LedgerEntry, Order, Wallet
from panel import audit
from panel.models import User


class InsufficientFunds(Exception):
    """The balance does not cover the amount; nothing changed."""


def wallet_for(user: User) -> Wallet:
    wallet, _ = Wallet.objects.get_or_create(user=user)
    return wallet


def _record(wallet_id: int, kind: str, amount: Decimal, reason: str,
            actor: User | None, **links: object) -> LedgerEntry:
    balance = Wallet.objects.values_list("balance", flat=True).get(pk=wallet_id)
    return LedgerEntry.objects.create(wallet_id=wallet_id, kind=kind, amount=amount,
                                      balance_after=balance, reason=reason[:300],
                                      created_by=actor, **links)


@transaction.atomic
def credit(user: User, amount: Decimal, *, kind: str = EntryKind.TOP_UP, reason: str,
           actor: User | None = None, **links: object) -> LedgerEntry:
    """Add a positive `amount` to the balance."""
    if amount <= 0:
        raise ValueError("a credit must be positive")
    wallet = wallet_for(user)
    Wallet.objects.filter(pk=wallet.pk).update(balance=F("balance") + amount)
    return _record(wallet.pk, kind, amount, reason, actor, **links)


@transaction.atomic
def debit(user: User, amount: Decimal, *, kind: str = EntryKind.CHARGE, reason: str,
          actor: User | None = None, **links: object) -> LedgerEntry:
    """Take a positive `amount` from the balance, or raise InsufficientFunds."""
    if amount <= 0:
        raise ValueError("a debit must be positive")
    wallet = wallet_for(user)
    taken = Wallet.objects.filter(pk=wallet.pk, balance__gte=amount).update(
        balance=F("balance") - amount)
    if not taken:
        raise InsufficientFunds(f"balance does not cover {amount}")
    return _record(wallet.pk, kind, -amount, reason, actor, **links)


def top_up(user: User, amount: Decimal, *, reason: str = "Top-up",
           actor: User | None = None) -> LedgerEntry:
    return credit(user, amount, kind=EntryKind.TOP_UP, reason=reason, actor=actor)


def refund_order(order_id: int, amount: Decimal, *, reason: str,
                 actor: User | None = None) -> LedgerEntry | None:
    """Give back `amount` of an order's charge, once per order: a second attempt, even a
    concurrent one, finds the unique refund entry and returns None."""
    if amount <= 0:
        return None
    try:
        with transaction.atomic():
            order = Order.objects.select_for_update().get(pk=order_id)
            if order.refunded > 0:
                return None
            amount = min(amount, order.charge)
            entry = credit(order.user, amount, kind=EntryKind.REFUND, reason=reason,
                           actor=actor, order=order)
            Order.objects.filter(pk=order_id).update(refunded=amount)
            return entry
    except IntegrityError:
        return None


class AdjustmentRefused(Exception):
    """A balance adjustment that may not be made (no reason, zero); nothing changed."""


@transaction.atomic
def adjust_balance(user: User, amount: Decimal, *, reason: str, actor: User) -> LedgerEntry:
    """A staff member credits (`amount` > 0) or debits (`amount` < 0) a customer's balance:
    one `adjustment` entry by `actor`, with the reason, and an audit entry in the same
    transaction. A debit is the conditional update of `debit`, so the balance never goes
    below zero (InsufficientFunds, nothing changed). Who may adjust how much is the caller's
    check (`panel.roles.can_adjust_balance`)."""
    reason = reason.strip()
    if not reason:
        raise AdjustmentRefused("Say why the balance changes.")
    if amount == 0:
        raise AdjustmentRefused("The amount must not be zero.")
    if amount > 0:
        entry = credit(user, amount, kind=EntryKind.ADJUSTMENT, reason=reason, actor=actor)
    else:
        entry = debit(user, -amount, kind=EntryKind.ADJUSTMENT, reason=reason, actor=actor)
    audit.record(actor=actor, action="balance adjusted", target=entry.wallet,
                 before={"balance": entry.balance_after - amount},
                 after={"balance": entry.balance_after, "amount": amount}, note=reason)
    return entry
