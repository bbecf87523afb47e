"""Every change to a customer's balance, each with its ledger entry, in one transaction.

A debit is a conditional update (`balance >= amount`), so concurrent debits can never take
a balance below zero; the check constraint on `Wallet.balance` is the last line of defence.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import F

from orders.models import EntryKind, LedgerEntry, Wallet
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
