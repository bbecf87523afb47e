"""Sending orders upstream, exactly once.

A worker first claims an order (queued -> sending, a conditional update), so two workers
never send the same one. How `sending` ends depends on what the client saw (DESIGN.md):
an order id -> placed; an `error` body -> rejected and refunded, or provider_funds for
"Insufficient balance"; nothing sent -> queued again with backoff; anything else -> review,
money held, never re-sent by a machine. An order left in `sending` past the send timeout
(its worker died) goes to review too: its request may have reached the upstream.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from orders import alerts
from orders.ledger import refund_order
from orders.models import Kind, Order
from orders.notices import order_ended
from orders.states import State
from orders.transitions import move
from provider.client import (
    AnswerUnreadable,
    OutcomeUnknown,
    ProviderError,
    ProviderRejected,
    ProviderUnavailable,
    is_insufficient_balance,
)
from provider.models import Provider
from provider.service_types import service_type

log = logging.getLogger(__name__)


def send_timeout() -> timedelta:
    """How long an order may stay `sending` before its worker is presumed dead."""
    return timedelta(seconds=settings.ORDER_SEND_TIMEOUT)


def retry_delay(attempts: int) -> timedelta:
    """Backoff for an upstream that could not be reached: 30 s, 1, 2, 4 ... up to 30 min."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 1800))


def claim(order_id: int) -> bool:
    return move(order_id, State.SENDING, expected=[State.QUEUED], action="claimed",
                claimed_at=timezone.now())


def sent_quantity(order: Order) -> int | None:
    """The `quantity` of the `add`: one run's for a drip-feed (the standard's `quantity` is
    per run), none for types that take none (a package; comments, counted upstream from
    their lines), else all of it."""
    kind = service_type(order.service.type)
    if kind is not None and not kind.quantity:
        return None
    return order.quantity // order.runs if order.runs else order.quantity


def forward_one(order_id: int) -> str | None:
    """Send one queued order. Returns the state it ended in, or None if it was not ours
    to send (already claimed, or no longer queued)."""
    if not claim(order_id):
        return None
    order = Order.objects.select_related("provider", "service").get(pk=order_id)
    try:
        client = order.provider.client()
    except ValueError as exc:  # a URL or timeout the client refuses: nothing was sent
        return _failed(order, ProviderUnavailable(f"cannot call the provider: {exc}", "add"))
    try:
        upstream_id = client.add(service_id=order.service.upstream_id,
                                 quantity=sent_quantity(order), link=order.link,
                                 runs=order.runs, interval=order.interval,
                                 fields=order.fields)
    except ProviderError as exc:
        return _failed(order, exc)
    finally:
        client.close()
    now = timezone.now()
    try:
        # REVIEW too: a slow worker's order may have been swept to review meanwhile; now that
        # the answer came, the outcome is known and the upstream id must not be lost.
        placed = move(order.pk, State.PLACED, expected=[State.SENDING, State.REVIEW],
                      action="placed", note=f"upstream order {upstream_id}",
                      upstream_id=upstream_id, placed_at=now, next_check_at=now, error="")
    except DatabaseError as exc:
        # The upstream took the order but the panel cannot keep its answer: an unknown
        # outcome like any other, for a person, with the money held.
        to_review(order.pk, reason=f"upstream order {upstream_id} could not be stored: "
                  f"{type(exc).__name__}: {exc}", expected=[State.SENDING])
        return State.REVIEW
    if placed:
        return State.PLACED
    log.error("order %s: upstream order %s answered after the order left sending",
              order.pk, upstream_id)
    Order.objects.filter(pk=order.pk, upstream_id=None).update(upstream_id=upstream_id)
    return Order.objects.values_list("state", flat=True).get(pk=order.pk)


def _failed(order: Order, exc: ProviderError) -> str:
    now = timezone.now()
    if isinstance(exc, ProviderRejected) and is_insufficient_balance(exc):
        move(order.pk, State.PROVIDER_FUNDS, expected=[State.SENDING], note=str(exc),
             error=exc.message, next_attempt_at=now + timedelta(
                 seconds=settings.PROVIDER_FUNDS_RETRY))
        _alert_provider_funds(order.provider)
        return State.PROVIDER_FUNDS
    if isinstance(exc, ProviderRejected):
        reject(order.pk, reason=exc.message, expected=[State.SENDING])
        return State.REJECTED
    if isinstance(exc, ProviderUnavailable):
        move(order.pk, State.QUEUED, expected=[State.SENDING], action="retry later",
             note=str(exc), error=str(exc), next_attempt_at=now + retry_delay(order.attempts + 1),
             attempts=order.attempts + 1, claimed_at=None)
        return State.QUEUED
    assert isinstance(exc, OutcomeUnknown)
    to_review(order.pk, reason=unknown_outcome(exc), expected=[State.SENDING])
    return State.REVIEW


def unknown_outcome(exc: OutcomeUnknown) -> str:
    """Why an order went to review, with the upstream's answer when it sent one the panel
    could not take (an order id of 10^20, a phone with a NUL): staff read what it said."""
    reason = f"outcome unknown: {exc}"
    return f"{reason}\nraw answer: {exc.raw}" if isinstance(exc, AnswerUnreadable) else reason


@transaction.atomic
def reject(order_id: int, *, reason: str, expected: list[str], actor: object = None) -> bool:
    """Fail the order and give all its money back (once), in one transaction: an order is
    never left rejected without its refund. The customer is told once it commits."""
    if not move(order_id, State.REJECTED, expected=expected, note=reason, error=reason,
                actor=actor, finished_at=timezone.now()):
        return False
    order = Order.objects.get(pk=order_id)
    refund_order(order_id, order.charge, reason=f"Order #{order_id} refused: {reason}"[:300],
                 actor=actor)
    order_ended(order_id)
    return True


def to_review(order_id: int, *, reason: str, expected: list[str]) -> bool:
    moved = move(order_id, State.REVIEW, expected=expected, note=reason, error=reason)
    if moved:
        log.warning("order %s needs review: %s", order_id, reason)
    return moved


def _alert_provider_funds(provider: Provider) -> None:
    # An incident: alerted once while orders wait, not once per refused order. Whatever the
    # alert raises, the order's own outcome (held for funds) is already stored and stands.
    try:
        alerts.out_of_funds(provider)
    except Exception:
        log.exception("could not alert staff about %s funds", provider.name)


def sweep_stale_sending() -> int:
    """Orders whose worker died mid-send go to review, never back to the queue."""
    cutoff = timezone.now() - send_timeout()
    stale = Order.objects.filter(state=State.SENDING, claimed_at__lt=cutoff).values_list(
        "pk", flat=True)
    moved = sum(to_review(pk, reason="worker lost while sending; the upstream may have the "
                          "order", expected=[State.SENDING]) for pk in list(stale))
    # SMS numbers are rented in the customer's request; one still queued this late was
    # never sent (its process died before claiming it): nothing upstream, so refund it.
    unsent = Order.objects.filter(state=State.QUEUED, kind=Kind.SMS, created_at__lt=cutoff)
    for pk in list(unsent.values_list("pk", flat=True)):
        reject(pk, reason="The number was never requested; refunded.", expected=[State.QUEUED])
    return moved


def release_provider_funds() -> int:
    """Orders held for provider funds go back to the queue after a pause; if the provider
    is still short, the upstream refuses again (no order is created) and they wait again."""
    now = timezone.now()
    due = Order.objects.filter(state=State.PROVIDER_FUNDS, next_attempt_at__lte=now)
    return sum(move(pk, State.QUEUED, expected=[State.PROVIDER_FUNDS], action="funds retry",
                    next_attempt_at=None) for pk in list(due.values_list("pk", flat=True)))


def waiting_orders(*, ignore_backoff: bool) -> list[int]:
    """Queued SMM and product orders, oldest first."""
    queued = Order.objects.filter(state=State.QUEUED).exclude(kind=Kind.SMS)
    if not ignore_backoff:
        queued = queued.filter(Q(next_attempt_at=None) | Q(next_attempt_at__lte=timezone.now()))
    return list(queued.order_by("created_at", "pk").values_list("pk", flat=True))


def forward_waiting(*, ignore_backoff: bool = False) -> dict[str, int]:
    """One pass: sweep dead sends into review, then send every order waiting to go.
    Orders in review are never sent by it."""
    counts: dict[str, int] = {"review (stale)": sweep_stale_sending()}
    if ignore_backoff:
        Order.objects.filter(state=State.PROVIDER_FUNDS).update(next_attempt_at=timezone.now())
    counts["funds retry"] = release_provider_funds()
    for order_id in waiting_orders(ignore_backoff=ignore_backoff):
        try:
            outcome = forward_one(order_id)
        except Exception:
            # One order's failure is that order's: it stays `sending`, which the sweep sends
            # to review (its request may have left); the others still go out.
            log.exception("order %s: forwarding failed", order_id)
            outcome = "failed"
        if outcome:
            counts[outcome] = counts.get(outcome, 0) + 1
    return counts
