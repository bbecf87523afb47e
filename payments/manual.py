"""Manual methods (a bank transfer, a wallet address): the customer says they paid, staff
approve or reject, and approval writes the deposit's one top-up entry.

Both decisions claim the deposit with a conditional update (`submitted` to the decision), so
two staff deciding at once decide once: the second finds it decided. Each writes an audit
entry in the same transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from panel.audit import record
from panel.models import User
from payments.deposits import credit_deposit
from payments.models import Deposit, DepositState


class DepositDecided(Exception):
    """The deposit is not waiting for a decision (decided already, or never submitted)."""


def pending_manual_deposits() -> QuerySet[Deposit]:
    """Manual deposits waiting for a staff decision, oldest first (for the staff queue)."""
    return (Deposit.objects.filter(state=DepositState.SUBMITTED)
            .select_related("user", "method").order_by("created_at", "id"))


def submit_deposit(deposit_id: int, *, user: User, note: str = "") -> bool:
    """The customer says they paid; False if the deposit was not waiting for that."""
    return bool(Deposit.objects.filter(
        pk=deposit_id, user=user, state=DepositState.CREATED, method__kind="manual",
    ).update(state=DepositState.SUBMITTED, customer_note=note.strip()[:500]))


@transaction.atomic
def approve_deposit(deposit_id: int, *, actor: User, note: str = "") -> Deposit:
    """Credit the deposit's amount (and any bonus), once."""
    deposit = _claim(deposit_id, DepositState.APPROVED, actor, note)
    deposit.received = deposit.amount
    credit_deposit(deposit, deposit.amount, "Top-up", actor=actor)
    deposit.save(update_fields=["received", "credited", "bonus"])
    record(actor=actor, action="deposit.approve", target=deposit,
           before={"state": DepositState.SUBMITTED},
           after={"state": DepositState.APPROVED, "credited": deposit.credited,
                  "bonus": deposit.bonus}, note=note)
    return deposit


@transaction.atomic
def reject_deposit(deposit_id: int, *, actor: User, note: str = "") -> Deposit:
    deposit = _claim(deposit_id, DepositState.REJECTED, actor, note)
    record(actor=actor, action="deposit.reject", target=deposit,
           before={"state": DepositState.SUBMITTED}, after={"state": DepositState.REJECTED},
           note=note)
    return deposit


def _claim(deposit_id: int, state: DepositState, actor: User, note: str) -> Deposit:
    claimed = Deposit.objects.filter(pk=deposit_id, state=DepositState.SUBMITTED).update(
        state=state, decided_by=actor, finished_at=timezone.now(), staff_note=note[:2000])
    if not claimed:
        raise DepositDecided(deposit_id)
    return Deposit.objects.select_related("user", "method").get(pk=deposit_id)
