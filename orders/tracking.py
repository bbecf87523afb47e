"""Tracking placed orders by polling the upstream, and settling them once.

Only active orders are polled (and, for a while, settled ones staff must look at, so that
a late answer is kept: `WATCH_FOR`), least recently checked first, each at an interval that
grows with its age. Calls go out in batches (multi-status where the provider has it) over a
bounded thread pool; results are applied here, in the caller's thread, where the database
is. Settling (Completed, Partial, Canceled) happens under a row lock and refunds once.

One bad order costs one order: an answer the panel cannot read or store for an order (a
`remains` of 1e20, a broken entry of a multi-status answer, a database error while applying)
flags that order for staff (`status_unknown`, the raw answer in `error`) and the pass goes on.
"""

import json
import logging
import queue
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_FLOOR, Decimal

from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone

from affiliates.commission import credit_commission
from orders.ledger import refund_order
from orders.models import Kind, Order, OrderEvent
from orders.notices import order_ended
from orders.poll_rows import PolledOrder, check_interval, polled_orders
from orders.states import FINAL, State
from orders.transitions import move
from provider.bulk import update_rows
from provider.client import AnswerUnreadable, OrderStatus, ProviderClient, ProviderError
from provider.models import Provider

log = logging.getLogger(__name__)

STILL_ACTIVE = {"pending", "in progress", "processing", "inprogress", "in_progress"}
FINAL_STATES = {"completed": State.COMPLETED, "partial": State.PARTIAL,
                "canceled": State.CANCELED, "cancelled": State.CANCELED}
MULTI_STATUS_CHUNK = 100
POLL_CONCURRENCY = 8
QUIET_CHUNK = 900  # ids per `WHERE id IN (...)`, under every SQLite's variable limit
# Checks and progress are written together once this many wait, or this long after the last
# write (`_Batch`): a few commits per pass, not one per arrival.
FLUSH_ORDERS = 500
FLUSH_SECONDS = 1.0
LEDGER_STEP = Decimal("0.0001")
# How long a settled order that staff must look at is still asked about, for late accounts.
WATCH_FOR = timedelta(days=7)

Fetch = Callable[[], dict[int, OrderStatus | ProviderError]]


def refund_for_remains(order: Order, remains: int) -> Decimal:
    """The undelivered part at the unit price the customer paid, never above the charge."""
    amount = (order.unit_price * remains / order.price_unit).quantize(
        LEDGER_STEP, rounding=ROUND_FLOOR)
    return min(max(amount, Decimal(0)), order.charge)


@dataclass
class PollSummary:
    checked: int = 0
    changed: int = 0
    settled: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    unknown: int = 0
    calls: int = 0
    flagged: int = 0

    def __str__(self) -> str:
        settled = ", ".join(f"{n} {s}" for s, n in sorted(self.settled.items())) or "none"
        return (f"{self.checked} checked in {self.calls} upstream calls, {self.changed} "
                f"changed, settled: {settled}, {self.unknown} unknown statuses, "
                f"{self.errors} errors, {self.flagged} flagged for staff")


def merge_accounts(current: str, delivered: Iterable[str]) -> str:
    """The accounts stored so far (one per line) plus any newly delivered, in order,
    each once: upstreams repeat what they delivered before in every answer."""
    merged = dict.fromkeys(line for line in current.splitlines() if line)
    merged.update(dict.fromkeys(account for account in delivered if account))
    return "\n".join(merged)


def next_check(order: Order, now: datetime) -> datetime:
    return now + check_interval(now - (order.placed_at or order.created_at))


def _status_fields(order: Order | PolledOrder, status: OrderStatus, now: datetime,
                   next_at: datetime) -> dict:
    fields = {
        "upstream_status": status.status[:50],
        "last_checked_at": now,
        "next_check_at": next_at,
        "status_unknown": _classify(status.status) is None,
    }
    if status.start_count is not None:
        fields["start_count"] = status.start_count
    if status.remains is not None:
        fields["remains"] = status.remains
    if status.charge is not None:
        fields["upstream_charge"] = status.charge
    if status.currency:
        fields["upstream_currency"] = status.currency[:3]
    if status.accounts:
        fields["accounts"] = merge_accounts(order.accounts, status.accounts)
    return fields


def _classify(raw: str) -> str | None:
    """PLACED for work in progress, a final state, or None for a word we do not know."""
    word = raw.strip().lower()
    if word in STILL_ACTIVE:
        return State.PLACED
    return FINAL_STATES.get(word)


def upstream_finished(order: Order) -> bool:
    """The upstream's last word on the order was final (Completed, Partial, Canceled): it
    will not settle the order any further through the API."""
    return _classify(order.upstream_status) not in (None, State.PLACED)


def missing_accounts(order: Order) -> int:
    """How many of a product order's items were paid for and not delivered (0 otherwise)."""
    if order.kind != Kind.PRODUCT:
        return 0
    return max(order.quantity - len(order.account_list), 0)


def apply_status(order_id: int, status: OrderStatus) -> str:
    """Record what the upstream says about one order and settle it when final.
    Returns the order's state afterwards.

    A product the upstream calls Completed (or Partial) with fewer accounts than paid for
    is never settled as delivered in full:
    - automatic delivery: the upstream hands over what it has at once, so what is missing
      will not come. The order ends Partial, the missing items refunded at the stored unit
      price (once: the ledger allows one refund per order), and flagged for staff.
    - manual delivery: the supplier fulfils by hand and may list the accounts in a later
      answer, so the order stays placed (money held, still polled) and is flagged; staff may
      complete it by hand (`orders.staff.deliver_manually`), or later answers settle it.
    An answer for an order already settled (by staff, or short) is recorded, never dropped.
    """
    now = timezone.now()
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.state != State.PLACED:
            record_late_answer(order, status, now)
            return order.state
        fields = _status_fields(order, status, now, next_check(order, now))
        Order.objects.filter(pk=order_id).update(**fields)
        target = _classify(status.status)
        if fields["status_unknown"]:
            log.warning("order %s: unknown upstream status %r kept for staff", order_id,
                        status.status)
        if target in (None, State.PLACED):
            return State.PLACED
        for name, value in fields.items():
            setattr(order, name, value)
        missing = _delivered_short(order, target)
        if missing and not order.auto_delivery:
            _hold_short(order, status)
            return State.PLACED
        if missing:
            _settle_short(order, status, missing, now)
            return State.PARTIAL
        settle(order, target, note=f"upstream: {status.status}")
        return target


def _delivered_short(order: Order, target: str) -> int:
    """The items missing when a product order was given fewer accounts than the upstream
    claims it delivered (all for Completed, all but `remains` for Partial); 0 when the
    accounts match the claim (a plain Partial is settled as such)."""
    missing = missing_accounts(order)
    if target == State.COMPLETED:
        return missing
    if target == State.PARTIAL and order.remains is not None and missing > order.remains:
        return missing
    return 0


def _short_note(order: Order, status: OrderStatus, missing: int) -> str:
    return (f"upstream: {status.status} with {order.quantity - missing} of "
            f"{order.quantity} accounts")


def _hold_short(order: Order, status: OrderStatus) -> None:
    if order.needs_staff:
        return  # said once; later answers only refresh the stored status
    Order.objects.filter(pk=order.pk).update(needs_staff=True)
    OrderEvent.objects.create(
        order=order, action="delivered short",
        note=_short_note(order, status, missing_accounts(order))
        + "; manual delivery: held for staff, still polled")


def _settle_short(order: Order, status: OrderStatus, missing: int, now: datetime) -> None:
    order.remains = missing
    Order.objects.filter(pk=order.pk).update(remains=missing)
    settle(order, State.PARTIAL, note=_short_note(order, status, missing)
           + f"; {missing} refunded")
    watch_after_settling(order, now)


def watch_after_settling(order: Order, now: datetime) -> None:
    """Flag a settled order for staff and keep asking the upstream about it for a while
    (`WATCH_FOR`), so that accounts it sends late are recorded, not lost."""
    Order.objects.filter(pk=order.pk).update(
        needs_staff=True, next_check_at=next_check(order, now) if order.upstream_id else None)


def _raw(status: OrderStatus) -> str:
    return json.dumps(asdict(status), default=str, ensure_ascii=False)


def record_late_answer(order: Order, status: OrderStatus, now: datetime) -> bool:
    """An answer for an order already settled (by staff, or short): kept for staff, with an
    event and the flag, when it says something new (another status, or accounts the
    customer was not given). Money never moves here. Returns whether it was recorded."""
    if order.state not in FINAL:
        return False
    fresh = set(status.accounts) - set(order.account_list)
    raw = _raw(status)
    quiet = {"last_checked_at": now, "next_check_at": next_check(order, now)
             if order.next_check_at else None}
    if raw == order.late_answer or (status.status == order.upstream_status and not fresh):
        Order.objects.filter(pk=order.pk).update(**quiet)
        return False
    Order.objects.filter(pk=order.pk).update(
        **quiet, late_answer=raw, needs_staff=True, upstream_status=status.status[:50])
    OrderEvent.objects.create(
        order=order, action="late upstream answer",
        note=f"after the order was {order.get_state_display().lower()}: {status.status}, "
             f"{len(fresh)} account(s) not given to the customer")
    log.warning("order %s: late upstream answer %r kept for staff", order.pk, status.status)
    return True


@transaction.atomic
def settle(order: Order, target: str, *, note: str = "", actor: object = None,
           expected: Iterable[str] = (State.PLACED,)) -> bool:
    """Move a placed order (or one in `expected`) to its final state, refund what was not
    delivered and credit the referrer's commission on the rest, in one transaction: never a
    final state without its refund (and commission). The customer is told once it commits
    (`orders.notices`)."""
    if not move(order.pk, target, expected=expected, note=note, actor=actor,
                finished_at=timezone.now(), next_check_at=None):
        return False
    if target == State.CANCELED:
        refund_order(order.pk, order.charge, reason=f"Order #{order.pk} canceled",
                     actor=actor)
    elif target == State.PARTIAL:
        remains = order.remains
        if order.kind == Kind.PRODUCT:  # what the customer was not given, whatever it says
            remains = max(remains or 0, missing_accounts(order))
        if remains is None:
            Order.objects.filter(pk=order.pk).update(status_unknown=True)
            log.warning("order %s partial without remains: staff must refund", order.pk)
        else:
            refund_order(order.pk, refund_for_remains(order, remains),
                         reason=f"Order #{order.pk} partial: {remains} not delivered",
                         actor=actor)
    credit_commission(order.pk)
    order_ended(order.pk)
    return True


# --- polling ---------------------------------------------------------------------------

def due_orders(*, everything: bool, now: datetime | None = None,
               limit: int | None = None) -> list[PolledOrder]:
    """Placed orders, and settled ones still watched for a late answer (`WATCH_FOR`), as the
    few plain columns a pass reads (`orders.poll_rows`)."""
    now = now or timezone.now()
    watched = Q(state__in=[State.COMPLETED, State.PARTIAL], next_check_at__isnull=False,
                finished_at__gte=now - WATCH_FOR)
    orders = (Order.objects.filter(Q(state=State.PLACED) | watched, upstream_id__isnull=False)
              .exclude(kind=Kind.SMS))
    if not everything:
        orders = orders.filter(next_check_at__lte=now)
    orders = orders.order_by(F("last_checked_at").asc(nulls_first=True), "pk")
    return polled_orders(orders[:limit] if limit else orders, now)


def _fetchers(client: ProviderClient, upstream_ids: list[int], multi: bool) -> list[Fetch]:
    if multi:
        chunks = [upstream_ids[i:i + MULTI_STATUS_CHUNK]
                  for i in range(0, len(upstream_ids), MULTI_STATUS_CHUNK)]
        return [lambda chunk=chunk: _fetch_many(client, chunk) for chunk in chunks]
    return [lambda uid=uid: _fetch_one(client, uid) for uid in upstream_ids]


def _fetch_many(client: ProviderClient, ids: list[int]) -> dict:
    try:
        return dict(client.statuses(ids))
    except ProviderError as exc:
        return dict.fromkeys(ids, exc)


def _fetch_one(client: ProviderClient, upstream_id: int) -> dict:
    try:
        return {upstream_id: client.status(upstream_id)}
    except ProviderError as exc:
        return {upstream_id: exc}


def _unchanged(order: PolledOrder, status: OrderStatus) -> bool:
    return (_classify(status.status) == State.PLACED and not status.accounts
            and (order.upstream_status, order.start_count, order.remains)
            == (status.status, status.start_count, status.remains)
            and (status.charge is None or order.upstream_charge == status.charge))


def poll(*, everything: bool = False, limit: int | None = None,
         concurrency: int = POLL_CONCURRENCY,
         progress: Callable[[str], None] = lambda _: None) -> PollSummary:
    """One polling pass. `everything` ignores the schedule (the operator's refresh)."""
    summary = PollSummary()
    by_provider: dict[int, list[PolledOrder]] = defaultdict(list)
    for order in due_orders(everything=everything, limit=limit):
        by_provider[order.provider_id].append(order)
    for provider in Provider.objects.filter(pk__in=by_provider):
        try:
            _poll_provider(provider, by_provider[provider.pk], concurrency, summary, progress)
        except Exception:
            # Each order's result is applied on its own already; this is the provider as a
            # whole (its client, its connection pool): the other providers are still polled.
            summary.errors += 1
            log.exception("polling %s failed", provider.name)
    return summary


PROGRESS_FIELDS = ["upstream_status", "start_count", "remains", "upstream_charge",
                   "upstream_currency", "status_unknown", "last_checked_at", "next_check_at"]


@dataclass
class _Batch:
    """What answers write in bulk, gathered over several arrivals: orders only checked, and
    orders whose work moved on (no state change, no money). Written when FLUSH_ORDERS are
    waiting or FLUSH_SECONDS have passed since the last write, and at the end of the pass:
    with one status per call, answers arrive a few at a time, and one transaction per
    arrival would be thousands of commits. What waits here is only a check's date and
    progress figures: an order whose write is lost with the process is asked again next
    pass. Settling and flagging are never deferred."""

    quiet: list[PolledOrder] = field(default_factory=list)
    progress: list[PolledOrder] = field(default_factory=list)
    written_at: float = field(default_factory=time.monotonic)

    def due(self) -> bool:
        waiting = len(self.quiet) + len(self.progress)
        return waiting >= FLUSH_ORDERS or (
            waiting > 0 and time.monotonic() - self.written_at >= FLUSH_SECONDS)

    def save(self) -> None:
        self.written_at = time.monotonic()
        quiet, progress, self.quiet, self.progress = self.quiet, self.progress, [], []
        if not quiet and not progress:
            return
        with transaction.atomic():
            _save_quiet(quiet)
            _save_progress(progress)


def _save_progress(progress: list[PolledOrder]) -> None:
    if not progress:
        return
    try:
        with transaction.atomic():
            update_rows(Order, progress, PROGRESS_FIELDS)
    except DatabaseError:
        # One row the database refused must not cost the others: write them one by one.
        for order in progress:
            _save_one(order)


def _save_quiet(quiet: list[PolledOrder]) -> None:
    """Orders only checked share their two new values by age class (`check_interval` has
    four), so they are written as a few `UPDATE ... WHERE id IN`, not one per row."""
    groups: dict[tuple[datetime, datetime], list[int]] = defaultdict(list)
    for order in quiet:
        groups[(order.last_checked_at, order.next_check_at)].append(order.pk)
    for (checked, next_at), ids in groups.items():
        for start in range(0, len(ids), QUIET_CHUNK):
            Order.objects.filter(pk__in=ids[start:start + QUIET_CHUNK]).update(
                last_checked_at=checked, next_check_at=next_at)


def _save_one(order: PolledOrder) -> None:
    try:
        with transaction.atomic():
            update_rows(Order, [order], PROGRESS_FIELDS)
    except DatabaseError as exc:
        flag_for_staff(order.pk, f"status could not be stored: {type(exc).__name__}: {exc}",
                       next_check_at=order.next_check_at)


def flag_for_staff(order_id: int, reason: str, raw: str = "", *,
                   next_check_at: datetime | None) -> None:
    """Mark an order whose upstream answer the panel could not take, keeping what it said, and
    check it again at `next_check_at`: the upstream may mend it, and staff see it meanwhile."""
    error = f"{reason}\nraw answer: {raw}" if raw else reason
    Order.objects.filter(pk=order_id).update(
        status_unknown=True, error=error[:5000], last_checked_at=timezone.now(),
        next_check_at=next_check_at)
    log.warning("order %s flagged for staff: %s", order_id, reason)


def _poll_provider(provider: Provider, orders: list[PolledOrder], concurrency: int,
                   summary: PollSummary, progress: Callable[[str], None]) -> None:
    by_upstream = {o.upstream_id: o for o in orders}
    client = provider.client()
    fetchers = _fetchers(client, list(by_upstream), bool(provider.multi_status))
    summary.calls += len(fetchers)
    progress(f"{provider.name}: {len(orders)} orders in {len(fetchers)} calls")
    now = timezone.now()
    batch = _Batch()
    try:
        with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
            for results in _as_they_arrive(pool, fetchers):
                _apply_results(results, by_upstream, now, summary, batch)
                if batch.due():
                    batch.save()
        batch.save()
    finally:
        client.close()


def _as_they_arrive(pool: ThreadPoolExecutor,
                    fetchers: list[Fetch]) -> Iterator[dict[int, OrderStatus | ProviderError]]:
    """The answers of every call, merged into one dict per wait: whatever arrived while the
    caller was writing the previous ones. The caller's database work thus overlaps the calls
    still in flight, and batches itself (a few answers per write when calls are quick)."""
    arrived: queue.SimpleQueue[Future] = queue.SimpleQueue()
    for fetch in fetchers:
        pool.submit(fetch).add_done_callback(arrived.put)
    remaining = len(fetchers)
    try:
        while remaining:
            done = [arrived.get()]
            while True:
                try:
                    done.append(arrived.get_nowait())
                except queue.Empty:
                    break
            remaining -= len(done)
            merged: dict[int, OrderStatus | ProviderError] = {}
            for future in done:
                merged.update(future.result())
            yield merged
    finally:
        # The caller failed (or is done): calls not sent yet are not sent.
        pool.shutdown(wait=False, cancel_futures=True)


def _apply_results(results: dict[int, OrderStatus | ProviderError],
                   by_upstream: dict[int, PolledOrder], now: datetime,
                   summary: PollSummary, batch: _Batch) -> None:
    """Apply the answers that arrived together: those only checked or progressing go to
    `batch`; the rest (settling, flagging) are written now, in one transaction: outside one,
    SQLite commits every UPDATE on its own. Each order that settles still has its own
    savepoint (`apply_status`), so one that fails costs that order only."""
    now_or_never = []
    for upstream_id, result in results.items():
        order = by_upstream.get(upstream_id)
        if order is None:
            continue
        if not _deferred(order, result, now, summary, batch):
            now_or_never.append((order, result))
    if not now_or_never:
        return
    with transaction.atomic():
        for order, result in now_or_never:
            _apply_result(order, result, now, summary)


def _deferred(order: PolledOrder, result: OrderStatus | ProviderError, now: datetime,
              summary: PollSummary, batch: _Batch) -> bool:
    """Queue an answer that only dates a check or records progress on `batch`; False for
    one that must be written now (an unreadable answer, a state change, accounts)."""
    if isinstance(result, AnswerUnreadable):
        return False
    if isinstance(result, ProviderError) or _unchanged(order, result):
        summary.checked += 1
        if isinstance(result, ProviderError):
            summary.errors += 1
            log.info("status of order %s unavailable: %s", order.pk, result)
        order.last_checked_at = now
        order.next_check_at = order.next_check(now)
        batch.quiet.append(order)
        return True
    if (order.state == State.PLACED and _classify(result.status) == State.PLACED
            and not result.accounts):
        # Work in progress: no state change and no money, so it can be written in bulk.
        summary.checked += 1
        summary.changed += 1
        for name, value in _status_fields(order, result, now, order.next_check(now)).items():
            setattr(order, name, value)
        batch.progress.append(order)
        return True
    return False


def _apply_result(order: PolledOrder, result: OrderStatus | ProviderError, now: datetime,
                  summary: PollSummary) -> None:
    summary.checked += 1
    if isinstance(result, AnswerUnreadable):
        summary.flagged += 1
        flag_for_staff(order.pk, str(result), result.raw, next_check_at=order.next_check(now))
        return
    summary.changed += 1
    try:
        state = apply_status(order.pk, result)
    except Exception as exc:
        # apply_status is atomic (a savepoint inside a pass): its writes are undone, and the
        # other orders of the pass still settle and refund.
        log.exception("order %s: status could not be applied", order.pk)
        summary.flagged += 1
        flag_for_staff(order.pk, f"status could not be applied: {type(exc).__name__}: {exc}",
                       repr(result), next_check_at=order.next_check(now))
        return
    if _classify(result.status) is None:
        summary.unknown += 1
    if state != State.PLACED:
        summary.settled[state] = summary.settled.get(state, 0) + 1
