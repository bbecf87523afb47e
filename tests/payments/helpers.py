from decimal import Decimal

from orders.models import LedgerEntry, Wallet
from panel.models import User


def balance(user: User) -> Decimal:
    return Wallet.objects.get(user=user).balance


def ledger_sum(user: User) -> Decimal:
    return sum((e.amount for e in LedgerEntry.objects.filter(wallet__user=user)), Decimal(0))


def top_ups(deposit) -> list[LedgerEntry]:
    return list(LedgerEntry.objects.filter(deposit=deposit, kind="top_up"))
