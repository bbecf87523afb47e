"""A deposit's life: start it, apply what the processor reports, credit the wallet once.

Only a verified, final "paid" (or "partially paid") credits: one ledger entry of kind top-up
linked to the deposit, which a unique constraint on the ledger holds to one whatever the
number, order or timing of callbacks. Each status is applied under the deposit's row lock and
only moves it forward, so a replayed, reordered or stale callback changes nothing more.
"""

from __future__ import annotations

import enum
import logging
import secrets
from collections.abc import Callable, Mapping
from datetime import timedelta
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from orders.ledger import credit
from orders.models import EntryKind
from orders.money import plain
from panel import notifications
from panel.models import NoticeKind, User
from payments.gateways import (
    GatewayError,
    InvalidCallback,
    Notice,
    PaymentStatus,
    configured_gateways,
    gateway_for,
)
from payments.models import (
    FINAL_STATES,
    PROGRESS,
    BonusTier,
    Deposit,
    DepositState,
    MethodKind,
    PaymentMethod,
)

log = logging.getLogger(__name__)

CENT = Decimal("0.01")
OPEN_STATES = (DepositState.WAITING, DepositState.CONFIRMING)
# Deposits one customer may start per hour: each processor deposit is an invoice at the
# processor, so a script must not be able to open thousands.
DEPOSITS_PER_HOUR = 10


class AmountError(ValueError):
    """The amount asked for is not acceptable for the method; the message says why."""


class TooManyDeposits(Exception):
    """The customer started DEPOSITS_PER_HOUR deposits in the last hour."""


class CallbackOutcome(enum.Enum):
    APPLIED = "applied"
    FORGED = "forged"
    UNKNOWN_DEPOSIT = "unknown deposit"
    UNKNOWN_GATEWAY = "unknown gateway"
    UNAVAILABLE = "processor unavailable"


# --- methods and amounts -------------------------------------------------------------------


def offered_methods() -> list[PaymentMethod]:
    """The methods customers may use now: each configured processor (its row made on first
    sight, so an admin can edit it) and every manual method, unless an admin turned it off."""
    for kind in configured_gateways():
        # Stored in the default language; pages show `display_name`, in the reader's.
        with translation.override(settings.LANGUAGE_CODE):
            name = str(MethodKind(kind).label)
        PaymentMethod.objects.get_or_create(kind=kind, defaults={"name": name})
    configured = [*configured_gateways(), MethodKind.MANUAL]
    return list(PaymentMethod.objects.filter(enabled=True, kind__in=configured))


def parse_amount(method: PaymentMethod, raw: str) -> Decimal:
    """`raw` as an amount the method accepts (positive, two decimals, within its limits)."""
    try:
        amount = Decimal(raw.strip())
    except (InvalidOperation, AttributeError):
        raise AmountError(_("Enter an amount, like 25 or 25.50.")) from None
    if not amount.is_finite() or amount <= 0:
        raise AmountError(_("Enter a positive amount."))
    if amount != amount.quantize(CENT):
        raise AmountError(_("Use at most two decimals."))
    if amount < method.min_amount:
        raise AmountError(_("The minimum for %(method)s is %(amount)s.")
                          % {"method": method.display_name, "amount": plain(method.min_amount)})
    if method.max_amount is not None and amount > method.max_amount:
        raise AmountError(_("The maximum for %(method)s is %(amount)s.")
                          % {"method": method.display_name, "amount": plain(method.max_amount)})
    return amount.quantize(CENT)


# --- starting ----------------------------------------------------------------------------


def new_reference() -> str:
    return "D" + secrets.token_hex(8).upper()


def start_deposit(*, user: User, method: PaymentMethod, amount: Decimal,
                  absolute: Callable[[str], str]) -> Deposit:
    """Create the deposit and, for a processor, its payment (GatewayError if that fails: the
    deposit is then marked failed). `absolute` makes a path a full URL for the processor."""
    recent = Deposit.objects.filter(user=user,
                                    created_at__gte=timezone.now() - timedelta(hours=1))
    if recent.count() >= DEPOSITS_PER_HOUR:
        raise TooManyDeposits(user.pk)
    deposit = Deposit.objects.create(user=user, method=method, amount=amount,
                                     currency=settings.PANEL_CURRENCY,
                                     reference=new_reference())
    if method.is_manual:
        return deposit
    gateway = gateway_for(method.kind)
    if gateway is None:
        _fail(deposit, "the processor is no longer configured")
        raise GatewayError("this method is not available now")
    try:
        checkout = gateway.create_payment(
            reference=deposit.reference, amount=amount, currency=deposit.currency,
            callback_url=absolute(reverse("payment_callback", args=[method.kind])),
            return_url=absolute(reverse("deposit", args=[deposit.pk])))
    except GatewayError as exc:
        _fail(deposit, str(exc))
        raise
    Deposit.objects.filter(pk=deposit.pk).update(
        payment_id=checkout.payment_id, checkout_url=checkout.url, state=DepositState.WAITING)
    deposit.refresh_from_db()
    return deposit


def _fail(deposit: Deposit, why: str) -> None:
    log.warning("deposit %s could not start: %s", deposit.reference, why)
    Deposit.objects.filter(pk=deposit.pk).update(state=DepositState.FAILED, staff_note=why[:500],
                                                 finished_at=timezone.now())


# --- callbacks ------------------------------------------------------------------------------


def handle_callback(kind: str, body: bytes, headers: Mapping[str, str]) -> CallbackOutcome:
    """Verify a processor's callback, re-read the payment from its API, and apply that.

    The callback's own fields move no money: a verified callback only names the payment to
    look at again. Unknown references are logged and acknowledged (processors retry otherwise).
    """
    gateway = gateway_for(kind)
    if gateway is None:
        log.warning("callback for %r, which is not configured", kind[:40])
        return CallbackOutcome.UNKNOWN_GATEWAY
    try:
        notice = gateway.verify_callback(body, headers)
    except InvalidCallback as exc:
        log.warning("%s callback refused: %s", kind, exc)
        return CallbackOutcome.FORGED
    deposit = (Deposit.objects.filter(reference=notice.reference, method__kind=kind)
               .values_list("pk", flat=True).first())
    if deposit is None:
        log.warning("%s callback for unknown deposit %r", kind, notice.reference[:60])
        return CallbackOutcome.UNKNOWN_DEPOSIT
    try:
        status = gateway.fetch_status(notice)
    except GatewayError as exc:
        log.warning("%s status of %s unavailable: %s", kind, notice.reference, exc)
        return CallbackOutcome.UNAVAILABLE
    apply_status(deposit, status)
    return CallbackOutcome.APPLIED


def refresh_open_deposits(*, within: timedelta = timedelta(days=2)) -> dict[str, int]:
    """Ask the processors about deposits still open (started within `within`), so a lost
    callback delays a credit by one sweep, not forever. Counts what happened."""
    counts = {"asked": 0, "credited": 0, "unavailable": 0}
    gateways = configured_gateways()
    open_ = (Deposit.objects.filter(state__in=OPEN_STATES, method__kind__in=list(gateways),
                                    created_at__gte=timezone.now() - within)
             .exclude(payment_id="").select_related("method").order_by("id"))
    for deposit in open_.iterator():
        gateway = gateways[deposit.method.kind]
        payment_id = deposit.processor_payment_id or (
            deposit.payment_id if gateway.status_by_invoice else "")
        if not payment_id:
            continue
        counts["asked"] += 1
        try:
            status = gateway.fetch_status(Notice(payment_id=payment_id,
                                                 reference=deposit.reference))
        except GatewayError as exc:
            log.warning("%s status of %s unavailable: %s", deposit.method.kind,
                        deposit.reference, exc)
            counts["unavailable"] += 1
            continue
        counts["credited"] += apply_status(deposit.pk, status)
    return counts


@transaction.atomic
def apply_status(deposit_id: int, status: PaymentStatus) -> bool:
    """Move the deposit to what the processor reports, forward only; credit on a final paid
    or partially paid. True if this call credited the wallet."""
    deposit = (Deposit.objects.select_for_update().select_related("method", "user")
               .get(pk=deposit_id))
    if not _matches(deposit, status):
        return False
    if status.payment_id and status.payment_id != deposit.processor_payment_id:
        Deposit.objects.filter(pk=deposit.pk).update(processor_payment_id=status.payment_id[:100])
        deposit.processor_payment_id = status.payment_id[:100]
    if deposit.is_final:
        if status.state != deposit.state and status.state in FINAL_STATES:
            _flag(deposit, f"after {deposit.state}, the processor now says "
                           f"{status.raw_status}; nothing more was credited")
        return False
    if status.state not in FINAL_STATES:
        moved = PROGRESS.get(status.state, 0) > PROGRESS.get(deposit.state, 0)
        Deposit.objects.filter(pk=deposit.pk).update(
            processor_status=status.raw_status[:40],
            **({"state": status.state} if moved else {}))
        return False
    deposit.state, deposit.processor_status = status.state, status.raw_status[:40]
    deposit.received, deposit.finished_at = status.received, timezone.now()
    credited = False
    if status.state == DepositState.PAID:
        credited = credit_deposit(deposit, deposit.amount, "Top-up")
        if status.overpaid:
            deposit.needs_staff = True
            deposit.staff_note = (f"{deposit.staff_note}\nThe processor reports "
                                  f"{status.received} received, more than the "
                                  f"{deposit.amount} asked: the invoice's amount was "
                                  "credited, the rest is for staff to settle.").strip()
    elif status.state == DepositState.PARTIALLY_PAID:
        part = min(status.received or Decimal(0), deposit.amount).quantize(CENT, ROUND_DOWN)
        if part > 0:
            asked = deposit.amount.quantize(CENT)
            credited = credit_deposit(deposit, part, f"Top-up (partial: {part} of {asked})")
        else:
            deposit.needs_staff = True
            deposit.staff_note = f"{deposit.staff_note}\nPartly paid, amount unknown.".strip()
    deposit.save()
    return credited


def _matches(deposit: Deposit, status: PaymentStatus) -> bool:
    """The processor's payment is this deposit's: same reference, currency and amount."""
    same = (status.reference == deposit.reference
            and status.currency.upper() == deposit.currency.upper()
            and status.invoice_amount.quantize(CENT) == deposit.amount.quantize(CENT))
    if not same:
        log.warning("deposit %s: the processor's payment %s does not match (%s %s for %s)",
                    deposit.reference, status.payment_id, status.invoice_amount,
                    status.currency, status.reference)
        _flag(deposit, f"a status for {status.invoice_amount} {status.currency} "
                       f"({status.reference}) did not match; nothing was credited")
    return same


def _flag(deposit: Deposit, note: str) -> None:
    Deposit.objects.filter(pk=deposit.pk).update(
        needs_staff=True, staff_note=f"{deposit.staff_note}\n{note}".strip()[:2000])


def credit_deposit(deposit: Deposit, amount: Decimal, reason: str, *,
            actor: User | None = None) -> bool:
    """The deposit's one top-up, and its bonus; False if it was credited already. The
    customer is told once the transaction commits."""
    try:
        with transaction.atomic():
            credit(deposit.user, amount, kind=EntryKind.TOP_UP, actor=actor, deposit=deposit,
                   reason=f"{reason} by {deposit.method.name} ({deposit.reference})")
            bonus = bonus_for(deposit.method, amount)
            if bonus > 0:
                credit(deposit.user, bonus, kind=EntryKind.BONUS, actor=actor, deposit=deposit,
                       reason=f"Bonus on top-up {deposit.reference}")
    except IntegrityError:
        log.info("deposit %s was already credited", deposit.reference)
        return False
    deposit.credited, deposit.bonus = amount, bonus
    notifications.after_commit(partial(credited_event, deposit))
    return True


def credited_event(deposit: Deposit) -> notifications.Event:
    """The notice of a credited deposit: the top-up, its bonus, and which deposit."""
    return notifications.Event(
        user_id=deposit.user_id, kind=NoticeKind.DEPOSIT, object_id=deposit.pk,
        link=reverse("deposit", args=[deposit.pk]),
        params={"reference": deposit.reference, "method": deposit.method.name,
                "credited": str(deposit.credited), "bonus": str(deposit.bonus)})


def bonus_for(method: PaymentMethod, amount: Decimal) -> Decimal:
    """The best bonus tier reached by `amount`, plus the method's own bonus, in cents."""
    tier = (BonusTier.objects.filter(threshold__lte=amount).order_by("-threshold")
            .values_list("percent", flat=True).first()) or Decimal(0)
    percent = tier + method.bonus_percent
    return (amount * percent / 100).quantize(CENT, ROUND_DOWN) if percent > 0 else Decimal(0)
