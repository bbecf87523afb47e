"""Tracking rented SMS numbers until a code arrives or the number ends.

A code received means the number is paid for (completed). A number the upstream reports
expired, canceled or refunded, or one past `expires_at` without a code, is canceled and
refunded once, whichever of a poll and the expiry sweep gets there first.

One bad number costs one number: an answer the panel cannot read or store (a code of a
thousand characters, a phone with a NUL, a database error while applying) flags that number for
staff with the raw answer kept, and the pass goes on; its expiry still refunds it.
"""

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from orders.models import Kind, Order
from orders.states import State
from orders.tracking import flag_for_staff, settle
from provider.client import AnswerUnreadable, ProviderClient, ProviderError, SmsCode, SmsStatus
from provider.models import Provider

log = logging.getLogger(__name__)

WAITING = {"active", "waiting", "pending", "rented"}
RECEIVED = {"code_received", "completed", "received", "ok"}
ENDED = {"expired", "canceled", "cancelled", "refunded", "timeout"}
CHECK_EVERY = timedelta(seconds=5)
# The upstream's clock and ours differ; a number is ours to expire a little after it said.
EXPIRY_GRACE = timedelta(seconds=30)


@dataclass
class SmsPollSummary:
    checked: int = 0
    codes: int = 0
    ended: int = 0
    unknown: int = 0
    errors: int = 0
    flagged: int = 0

    def __str__(self) -> str:
        return (f"{self.checked} numbers checked, {self.codes} codes, {self.ended} ended, "
                f"{self.unknown} unknown statuses, {self.errors} errors, "
                f"{self.flagged} flagged for staff")


@dataclass(frozen=True)
class Reading:
    status: SmsStatus | None
    code: SmsCode | None
    error: ProviderError | None = None


def _known(reading: Reading) -> bool:
    assert reading.status is not None
    return reading.status.status.strip().lower() in WAITING | RECEIVED | ENDED


def _read(client: ProviderClient, upstream_id: int) -> Reading:
    try:
        status = client.sms_status(upstream_id)
        code = None
        if status.status.lower() in RECEIVED or status.code:
            code = client.sms_code(upstream_id)
        return Reading(status, code)
    except ProviderError as exc:
        return Reading(None, None, exc)


def apply_reading(order_id: int, reading: Reading) -> str:
    """Record one number's upstream state; settle it when it ended. Returns its state."""
    assert reading.status is not None
    status = reading.status
    word = status.status.strip().lower()
    now = timezone.now()
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.state != State.PLACED:
            return order.state
        fields: dict = {"upstream_status": status.status[:50], "last_checked_at": now,
                        "next_check_at": now + CHECK_EVERY,
                        "status_unknown": not _known(reading)}
        if status.expires_at:
            fields["expires_at"] = status.expires_at
        if status.phone and not order.phone:
            fields["phone"] = status.phone[:40]
        if status.charge is not None:
            fields["upstream_charge"] = status.charge
        code = (reading.code.code if reading.code else None) or status.code
        if code:
            fields["sms_code"] = code[:40]
            fields["sms_text"] = (reading.code.text if reading.code else "") or ""
        Order.objects.filter(pk=order_id).update(**fields)
        if code:
            settle(order, State.COMPLETED, note="code received")
            return State.COMPLETED
        if word in ENDED:
            settle(order, State.CANCELED, note=f"upstream: {status.status}")
            return State.CANCELED
        if fields["status_unknown"]:
            log.warning("SMS order %s: unknown upstream status %r", order_id, status.status)
        return State.PLACED


def expire_overdue(now: datetime | None = None) -> int:
    """Numbers past their expiry without a code: canceled and refunded (once)."""
    now = now or timezone.now()
    overdue = Order.objects.filter(kind=Kind.SMS, state=State.PLACED,
                                   expires_at__lt=now - EXPIRY_GRACE)
    return sum(_expire(order)
               for order in overdue.only("id", "charge", "kind", "remains", "quantity"))


def _expire(order: Order) -> bool:
    try:
        return settle(order, State.CANCELED, note="expired without a code")
    except Exception:
        # settle is atomic: nothing of this one was written; the others still get refunded.
        log.exception("SMS order %s could not be expired", order.pk)
        return False


def due_numbers(*, everything: bool) -> list[Order]:
    numbers = Order.objects.filter(kind=Kind.SMS, state=State.PLACED, upstream_id__isnull=False)
    if not everything:
        numbers = numbers.filter(next_check_at__lte=timezone.now())
    return list(numbers.order_by(F("last_checked_at").asc(nulls_first=True), "pk")
                .only("id", "provider_id", "upstream_id"))


def poll_numbers(*, everything: bool = False, concurrency: int = 8,
                 progress: Callable[[str], None] = lambda _: None) -> SmsPollSummary:
    summary = SmsPollSummary()
    numbers = due_numbers(everything=everything)
    for provider in Provider.objects.filter(pk__in={n.provider_id for n in numbers}):
        mine = [n for n in numbers if n.provider_id == provider.pk]
        progress(f"{provider.name}: {len(mine)} SMS numbers")
        try:
            _poll_provider(provider, mine, concurrency, summary)
        except Exception:
            # Each number is applied on its own already; this is the provider as a whole.
            summary.errors += 1
            log.exception("polling SMS numbers of %s failed", provider.name)
    summary.ended += expire_overdue()
    return summary


def _poll_provider(provider: Provider, numbers: list[Order], concurrency: int,
                   summary: SmsPollSummary) -> None:
    client = provider.client()
    try:
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            readings = list(pool.map(_read, [client] * len(numbers),
                                     [n.upstream_id for n in numbers]))
    finally:
        client.close()
    for number, reading in zip(numbers, readings, strict=True):
        _count(summary, number, reading)


def _count(summary: SmsPollSummary, number: Order, reading: Reading) -> None:
    summary.checked += 1
    later = timezone.now() + CHECK_EVERY
    if isinstance(reading.error, AnswerUnreadable):
        summary.flagged += 1
        flag_for_staff(number.pk, str(reading.error), reading.error.raw, next_check_at=later)
        return
    if reading.error is not None:
        summary.errors += 1
        Order.objects.filter(pk=number.pk).update(next_check_at=later)
        return
    try:
        state = apply_reading(number.pk, reading)
    except Exception as exc:
        # apply_reading is atomic: nothing of this number was written; the pass goes on.
        log.exception("SMS order %s: reading could not be applied", number.pk)
        summary.flagged += 1
        flag_for_staff(number.pk, f"reading could not be applied: {type(exc).__name__}: {exc}",
                       repr(reading), next_check_at=later)
        return
    summary.codes += state == State.COMPLETED
    summary.ended += state == State.CANCELED
    summary.unknown += _known(reading) is False
