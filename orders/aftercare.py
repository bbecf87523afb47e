"""Refills and cancels a customer asks for, from the API or the shop: when the panel can
carry them out for an order, and carrying them out once.

Refill: the service offers it, its provider has the `refill` action, the order ended
Completed or Partial upstream, within the refill window (days after it ended: the
service's own, else its provider's; none set, no limit from the panel), and at most once a
day per order. The request is first recorded under the order's row lock (a `Refill`
without an upstream id), so a double click or two tabs send one; a refused or failed call
removes it again. The refill's progress is asked about by `poll_refills` (the beat).

Cancel: an order the upstream never got (queued, or waiting for provider funds) is
canceled here and refunded through the ledger's one refund; one placed upstream is asked
once (`cancel_requested_at`, set by a conditional update before the call) and settled,
refund included, by the polling like any other final status. An order in review is not
canceled by the customer: the upstream may already have it, and staff decide.

Messages are the API's (English, parsed by clients); the shop words them itself from
`Refusal.code`.
"""

import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from orders.models import Kind, Order, OrderEvent, Refill, RefillState
from orders.states import FINAL, State
from orders.tracking import settle
from panel.models import User
from provider.bulk import update_rows
from provider.client import ProviderClient, ProviderError, ProviderRejected
from provider.models import Provider

log = logging.getLogger(__name__)

NOT_NOW = "The provider did not answer; try again later"
REFILLABLE = (State.COMPLETED, State.PARTIAL)
REFILL_EVERY = timedelta(hours=24)
CANCELED_HERE = (State.QUEUED, State.PROVIDER_FUNDS)
# A refill is asked about this often, for this long after it was requested.
REFILL_CHECK_EVERY = timedelta(minutes=10)
REFILL_WATCHED_FOR = timedelta(days=30)
REFILL_WORDS = {
    "pending": RefillState.REQUESTED,
    "awaiting": RefillState.REQUESTED,
    "in progress": RefillState.IN_PROGRESS,
    "inprogress": RefillState.IN_PROGRESS,
    "in_progress": RefillState.IN_PROGRESS,
    "processing": RefillState.IN_PROGRESS,
    "completed": RefillState.COMPLETED,
    "complete": RefillState.COMPLETED,
    "success": RefillState.COMPLETED,
    "done": RefillState.COMPLETED,
    "rejected": RefillState.REJECTED,
    "canceled": RefillState.REJECTED,
    "cancelled": RefillState.REJECTED,
    "refused": RefillState.REJECTED,
    "error": RefillState.REJECTED,
    "failed": RefillState.REJECTED,
}
REFILL_OPEN = (RefillState.REQUESTED, RefillState.IN_PROGRESS)


@dataclass(frozen=True)
class Refusal:
    """Why a refill or cancel cannot be done: `code` for the shop's words, `message` for
    the API, `when` a date the refusal depends on (window end, next refill)."""

    code: str
    message: str
    when: datetime | None = None


class Refused(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal


def _ours(message: str, order: Order) -> str:
    """A provider's message with its order id replaced by the customer's."""
    if order.upstream_id is None:
        return message[:200]
    return re.sub(rf"\b{order.upstream_id}\b", str(order.pk), message)[:200]


def _client(provider: Provider) -> ProviderClient:
    """The provider's client; one the client refuses to build (a URL it will not call) is
    an upstream that did not answer: nothing was sent."""
    try:
        return provider.client()
    except ValueError as exc:
        log.warning("provider %s: no client: %s", provider.pk, exc)
        raise ProviderError(str(exc)) from exc


def _unsupported(exc: ProviderRejected) -> bool:
    return "invalid action" in exc.message.lower()


# --- refill ------------------------------------------------------------------------------


def refill_window_end(order: Order) -> datetime | None:
    """The last moment a refill may be asked for; None: no limit (or not ended yet)."""
    service = order.service
    if service is None:
        return None
    days = service.refill_days if service.refill_days is not None else (order.provider.refill_days)
    ended = order.finished_at or (order.updated_at if order.state in FINAL else None)
    if days is None or ended is None:
        return None
    return ended + timedelta(days=days)


def last_refill_at(order: Order) -> datetime | None:
    return (
        Refill.objects.filter(order_id=order.pk)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )


def refill_refusal(
    order: Order, *, last: datetime | None, now: datetime | None = None
) -> Refusal | None:
    """Why `order` cannot be refilled now, or None. `last`: its latest refill's time."""
    now = now or timezone.now()
    if order.kind == Kind.SMS or order.service is None or not order.service.refill:
        return Refusal("service", "Refill is not available for this service")
    if order.provider.has_refill is False:
        return Refusal("provider", "Refill is not supported for this service")
    if order.state not in REFILLABLE or order.upstream_id is None:
        return Refusal("state", "Refill is available once the order is completed")
    end = refill_window_end(order)
    if end is not None and now > end:
        return Refusal("window", f"The refill period ended on {end:%Y-%m-%d}", end)
    if last is not None and now < last + REFILL_EVERY:
        return Refusal(
            "recent",
            "A refill was requested less than 24 hours ago; "
            f"the next one is possible after {last + REFILL_EVERY:%Y-%m-%d %H:%M} UTC",
            last + REFILL_EVERY,
        )
    return None


def offers_refill(order: Order, refusal: Refusal | None) -> bool:
    """Whether the shop shows the Refill button: possible now, and the provider's action
    is known (an undetected one is tried by the API, never offered by the shop)."""
    return refusal is None and order.provider.has_refill is True


def _claim_refill(order: Order, now: datetime) -> Refill | None:
    """Record the request under the order's lock; None when one was made in the last day."""
    with transaction.atomic():
        Order.objects.select_for_update().filter(pk=order.pk).values_list("pk").first()
        if Refill.objects.filter(order_id=order.pk, created_at__gt=now - REFILL_EVERY).exists():
            return None
        return Refill.objects.create(order=order)


def request_refill(order: Order, *, now: datetime | None = None) -> Refill:
    """Ask the order's provider for a refill; the recorded `Refill`, or `Refused`."""
    now = now or timezone.now()
    if refusal := refill_refusal(order, last=last_refill_at(order), now=now):
        raise Refused(refusal)
    refill = _claim_refill(order, now)
    if refill is None:
        raise Refused(
            refill_refusal(order, last=last_refill_at(order), now=now)
            or Refusal("recent", "A refill was requested less than 24 hours ago")
        )
    try:
        client = _client(order.provider)
    except ProviderError:
        refill.delete()
        raise Refused(Refusal("unavailable", NOT_NOW)) from None
    try:
        upstream_id = client.refill(order.upstream_id)
    except ProviderRejected as exc:
        refill.delete()
        if _unsupported(exc):
            raise Refused(Refusal("provider", "Refill is not supported for this service")) from None
        raise Refused(Refusal("upstream", f"Refill refused: {_ours(exc.message, order)}")) from None
    except ProviderError:
        refill.delete()
        raise Refused(Refusal("unavailable", NOT_NOW)) from None
    finally:
        client.close()
    Refill.objects.filter(pk=refill.pk).update(upstream_id=upstream_id, status="Pending")
    refill.upstream_id, refill.status = upstream_id, "Pending"
    OrderEvent.objects.create(
        order=order, action="refill requested", note=f"upstream refill {upstream_id}"
    )
    return refill


def refill_state(status: str, current: str) -> str:
    """The customer's reading of a provider's refill status (an unknown word keeps it)."""
    return REFILL_WORDS.get(status.strip().lower(), current)


def check_refill(refill: Refill) -> str:
    """Ask the provider how a refill goes (the API's `refill_status`): its word, stored."""
    if refill.upstream_id is None:
        return refill.status or "Pending"
    try:
        client = _client(refill.order.provider)
    except ProviderError:
        raise Refused(Refusal("unavailable", NOT_NOW)) from None
    try:
        status = client.refill_status(refill.upstream_id)[:50]
    except ProviderRejected as exc:
        raise Refused(Refusal("upstream", _ours(exc.message, refill.order))) from None
    except ProviderError:
        raise Refused(Refusal("unavailable", NOT_NOW)) from None
    finally:
        client.close()
    Refill.objects.filter(pk=refill.pk).update(
        status=status, state=refill_state(status, refill.state), checked_at=timezone.now()
    )
    return status


def due_refills(now: datetime, limit: int) -> list[Refill]:
    stale = Q(checked_at__isnull=True) | Q(checked_at__lte=now - REFILL_CHECK_EVERY)
    return list(
        Refill.objects.filter(
            stale,
            state__in=REFILL_OPEN,
            upstream_id__isnull=False,
            created_at__gte=now - REFILL_WATCHED_FOR,
        )
        .select_related("order__provider")
        .only(
            "id",
            "upstream_id",
            "status",
            "state",
            "checked_at",
            "order__id",
            "order__upstream_id",
            "order__provider",
        )
        .order_by(F("checked_at").asc(nulls_first=True), "pk")[:limit]
    )


def poll_refills(*, limit: int = 200, now: datetime | None = None) -> int:
    """Ask providers how open refills go, least recently checked first: one client per
    provider, one query to read and one batch to write. Returns how many were asked."""
    now = now or timezone.now()
    refills = due_refills(now, limit)
    by_provider: dict[int, list[Refill]] = defaultdict(list)
    for refill in refills:
        by_provider[refill.order.provider_id].append(refill)
    for group in by_provider.values():
        try:
            client = _client(group[0].order.provider)
        except ProviderError:  # asked again at the next pass
            continue
        try:
            for refill in group:
                try:
                    status = client.refill_status(refill.upstream_id)[:50]
                except ProviderError as exc:
                    log.info("refill %s: %s", refill.pk, exc)
                else:
                    refill.status, refill.state = status, refill_state(status, refill.state)
                refill.checked_at = now
        finally:
            client.close()
    update_rows(
        Refill, [r for r in refills if r.checked_at == now], ["status", "state", "checked_at"]
    )
    return len(refills)


# --- cancel ------------------------------------------------------------------------------


def cancel_refusal(order: Order, *, here: bool) -> Refusal | None:
    """Why `order` cannot be canceled now, or None. `here`: an order the upstream never got
    may be canceled in the panel (the shop); the API only passes cancels on."""
    if order.kind == Kind.SMS:
        return Refusal("service", "Cancel is not available for this service")
    if here and order.state in CANCELED_HERE:
        return None
    if order.service is None or not order.service.cancel:
        return Refusal("service", "Cancel is not available for this service")
    if order.provider.has_cancel is False:
        return Refusal("provider", "Cancel is not supported for this service")
    if order.state in FINAL:
        return Refusal("ended", "The order has ended")
    if order.state != State.PLACED or order.upstream_id is None:
        return Refusal("held", "The order is not with the provider yet; try again shortly")
    if order.cancel_requested_at is not None:
        return Refusal("requested", "Cancel already requested")
    return None


def offers_cancel(order: Order, refusal: Refusal | None) -> bool:
    """Whether the shop shows the Cancel button (the provider's action known, if needed)."""
    if refusal is not None:
        return False
    return order.state in CANCELED_HERE or order.provider.has_cancel is True


def cancel_here(order: Order, *, actor: User | None) -> bool:
    """Cancel an order the upstream never got, with its full refund (the ledger's one
    refund). False when it moved first (sent, canceled by another click)."""
    return settle(
        order,
        State.CANCELED,
        expected=CANCELED_HERE,
        actor=actor,
        note="canceled by the customer before it was sent",
    )


def cancel_orders(
    orders: list[Order], *, here: bool = False, actor: User | None = None
) -> dict[int, Refusal | None]:
    """Cancel each order (one provider call per provider): None for each done or passed on,
    a `Refusal` for the others."""
    outcomes: dict[int, Refusal | None] = {}
    upstream: dict[int, list[Order]] = defaultdict(list)
    for order in orders:
        if refusal := cancel_refusal(order, here=here):
            outcomes[order.pk] = refusal
        elif order.state in CANCELED_HERE:
            outcomes[order.pk] = (
                None
                if cancel_here(order, actor=actor)
                else Refusal("moved", "The order is not with the provider yet; try again shortly")
            )
        elif _claim_cancel(order):
            upstream[order.provider_id].append(order)
        else:
            outcomes[order.pk] = Refusal("requested", "Cancel already requested")
    for group in upstream.values():
        outcomes |= _cancel_upstream(group, actor=actor)
    return outcomes


def _claim_cancel(order: Order) -> bool:
    return bool(
        Order.objects.filter(
            pk=order.pk, state=State.PLACED, cancel_requested_at__isnull=True
        ).update(cancel_requested_at=timezone.now())
    )


def _ask_cancel(orders: list[Order]) -> dict[int, Refusal | None]:
    """One `cancel` call for one provider's orders: None for each it accepted."""
    try:
        client = _client(orders[0].provider)
    except ProviderError:
        return {order.pk: Refusal("unavailable", NOT_NOW) for order in orders}
    try:
        results = client.cancel([order.upstream_id for order in orders])
    except ProviderRejected as exc:
        message = (
            "Cancel is not supported for this service"
            if _unsupported(exc)
            else f"Cancel refused: {exc.message}"
        )
        return {order.pk: Refusal("upstream", _ours(message, order)) for order in orders}
    except ProviderError:
        return {order.pk: Refusal("unavailable", NOT_NOW) for order in orders}
    finally:
        client.close()
    outcomes: dict[int, Refusal | None] = {}
    for order in orders:
        if order.upstream_id not in results:
            outcomes[order.pk] = Refusal("upstream", "Cancel refused")
        elif (refused := results[order.upstream_id]) is not None:
            outcomes[order.pk] = Refusal(
                "upstream", _ours(f"Cancel refused: {refused.message}", order)
            )
        else:
            outcomes[order.pk] = None
    return outcomes


def _cancel_upstream(orders: list[Order], *, actor: User | None) -> dict[int, Refusal | None]:
    """Ask, then free the orders refused (or not answered) for another try; an accepted one
    is asked about at the next polling pass."""
    outcomes = _ask_cancel(orders)
    accepted = [pk for pk, refusal in outcomes.items() if refusal is None]
    Order.objects.filter(pk__in=[pk for pk in outcomes if pk not in accepted]).update(
        cancel_requested_at=None
    )
    Order.objects.filter(pk__in=accepted, state=State.PLACED).update(next_check_at=timezone.now())
    OrderEvent.objects.bulk_create(
        OrderEvent(
            order_id=pk,
            action="cancel requested",
            actor=actor,
            note="passed on to the provider; the polling settles it",
        )
        for pk in accepted
    )
    return outcomes
