"""What needs a person: the delivery queue's membership, one selector per reason.

Each selector reads the whole list in a fixed number of queries, however many rows it holds
(orders come with their customer, service and provider joined). The web layer
(`panel.staff.sections`) decides how each list is shown; the rules for who belongs where
live here, with the thresholds from settings:

- In review: the outcome of sending is unknown (an SMS number in review is under Stuck).
- Waiting for provider funds: held because our account at the provider is short, grouped by
  provider.
- Manual deliveries: products the upstream fulfils by hand, still running (with their age
  against `MANUAL_DELIVERY_TYPICAL_HOURS`), and products the upstream delivered short or
  answered for after settling (`Order.needs_staff`).
- Stuck: orders with no progress past the per-state threshold (`STUCK_AFTER_MINUTES`),
  unknown upstream statuses, SMS numbers in review or near expiry, and providers whose sync
  failed or whose balance has not been read for a while.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.models import Kind, Order, OrderEvent
from orders.staff import can_deliver_manually
from orders.states import FINAL, State
from provider.models import Provider

# Upstream words for an order not started yet (blank: not polled yet).
NOT_STARTED = ("", "pending")


def _orders() -> QuerySet[Order]:
    # Delivered credentials stay unread here; a row never shows them.
    return Order.objects.select_related("user", "service", "provider").defer(
        "accounts", "sms_code", "sms_text", "late_answer")


def stuck_after(state: str) -> timedelta:
    """How long an order may sit in `state` (queued, pending, in_progress) before it is
    called stuck."""
    return timedelta(minutes=settings.STUCK_AFTER_MINUTES[state])


def typical_manual_delivery() -> timedelta:
    return timedelta(hours=settings.MANUAL_DELIVERY_TYPICAL_HOURS)


def sms_expiry_warning() -> timedelta:
    return timedelta(minutes=settings.SMS_EXPIRY_WARNING_MINUTES)


def balance_stale_after() -> timedelta:
    """A balance not read for three check intervals: the checks are failing (or not run)."""
    return timedelta(seconds=3 * settings.BALANCE_CHECK_INTERVAL)


# --- In review ----------------------------------------------------------------------------

def review_filter() -> Q:
    return Q(state=State.REVIEW) & ~Q(kind=Kind.SMS)


def in_review() -> list[Order]:
    """Orders whose send had an unknown outcome, oldest first."""
    return list(_orders().filter(review_filter()).order_by("created_at", "pk"))


# --- Waiting for provider funds ------------------------------------------------------------

@dataclass
class FundsGroup:
    provider: Provider
    orders: list[Order] = field(default_factory=list)

    @property
    def below_threshold(self) -> bool:
        threshold, balance = self.provider.balance_alert_below, self.provider.balance
        return threshold is not None and balance is not None and balance < threshold


def funds_filter() -> Q:
    return Q(state=State.PROVIDER_FUNDS)


def waiting_for_funds() -> list[FundsGroup]:
    """Orders held for provider funds, grouped by provider (by name), oldest first."""
    groups: dict[int, FundsGroup] = {}
    for order in _orders().filter(funds_filter()).order_by("created_at", "pk"):
        groups.setdefault(order.provider_id, FundsGroup(order.provider)).orders.append(order)
    return sorted(groups.values(), key=lambda group: group.provider.name)


# --- Manual deliveries -----------------------------------------------------------------------

@dataclass(frozen=True)
class ManualRow:
    order: Order
    reason: str
    overdue: bool
    can_complete: bool  # orders.staff.can_deliver_manually
    can_mark_seen: bool


def manual_filter() -> Q:
    running_by_hand = Q(kind=Kind.PRODUCT, auto_delivery=False,
                        state__in=[State.QUEUED, State.SENDING, State.PLACED])
    return running_by_hand | Q(needs_staff=True)


def manual_deliveries(now: datetime | None = None) -> list[ManualRow]:
    """Products delivered by hand and still running, and orders flagged for a person
    (delivered short, or answered for after they settled), oldest first."""
    now = now or timezone.now()
    rows = Order.objects.select_related("user", "service", "provider").defer(
        "sms_code", "sms_text").filter(manual_filter()).order_by("created_at", "pk")
    return [ManualRow(order=order, reason=_manual_reason(order),
                      overdue=now - order.created_at > typical_manual_delivery(),
                      can_complete=can_deliver_manually(order),
                      can_mark_seen=order.needs_staff and order.state in FINAL)
            for order in rows]


def _manual_reason(order: Order) -> str:
    if order.needs_staff and order.late_answer:
        return _("the upstream answered after the order was settled")
    if order.needs_staff:
        return _("delivered short")
    return _("delivered by hand")


# --- Stuck -------------------------------------------------------------------------------

@dataclass(frozen=True)
class StuckRow:
    reason: str
    since: datetime | None
    order: Order | None = None
    provider: Provider | None = None

    @property
    def key(self) -> str:
        return f"order-{self.order.pk}" if self.order else f"provider-{self.provider.pk}"


def _stuck_orders_filter(now: datetime) -> Q:
    queued = (Q(state=State.QUEUED, created_at__lt=now - stuck_after("queued"))
              & ~Q(kind=Kind.SMS))
    # Products delivered by hand, and orders held short, are under Manual deliveries.
    placed = (Q(state=State.PLACED, status_unknown=False, needs_staff=False) & ~Q(kind=Kind.SMS)
              & ~Q(kind=Kind.PRODUCT, auto_delivery=False))
    pending = placed & Q(upstream_status__in=NOT_STARTED,
                         placed_at__lt=now - stuck_after("pending"))
    running = placed & ~Q(upstream_status__in=NOT_STARTED) & Q(
        placed_at__lt=now - stuck_after("in_progress"))
    sms = Q(kind=Kind.SMS) & (Q(state=State.REVIEW) | Q(
        state=State.PLACED, expires_at__lt=now + sms_expiry_warning()))
    return queued | pending | running | Q(status_unknown=True) | sms


def _stuck_reason(order: Order, now: datetime) -> tuple[str, datetime | None]:
    if order.status_unknown:
        return (_("unknown upstream status %(status)s") % {"status": repr(order.upstream_status)},
                order.last_checked_at)
    if order.kind == Kind.SMS and order.state == State.REVIEW:
        return _("SMS number in review: the rental's outcome is unknown"), order.created_at
    if order.kind == Kind.SMS:
        if order.expires_at < now:
            return _("SMS number expired, no code yet"), order.expires_at
        return _("SMS number expires soon, no code yet"), order.expires_at
    if order.state == State.QUEUED:
        return _("not sent yet"), order.created_at
    if order.upstream_status.strip().lower() in NOT_STARTED:
        return _("placed, not started upstream"), order.placed_at
    return (_("no end yet upstream (%(status)s)") % {"status": order.upstream_status},
            order.placed_at)


def provider_problems_filter(now: datetime) -> Q:
    stale = Q(balance_checked_at=None) | Q(balance_checked_at__lt=now - balance_stale_after())
    return Q(enabled=True) & (~Q(last_sync_error="") | ~Q(last_balance_error="") | stale)


def _provider_rows(now: datetime) -> list[StuckRow]:
    rows = []
    for provider in Provider.objects.filter(provider_problems_filter(now)).order_by("name"):
        if provider.last_sync_error:
            rows.append(StuckRow(_("last sync: %(error)s") % {"error": provider.last_sync_error},
                                 provider.last_synced_at, provider=provider))
        checked = provider.balance_checked_at
        if provider.last_balance_error:
            rows.append(StuckRow(_("last balance check: %(error)s")
                                 % {"error": provider.last_balance_error},
                                 checked, provider=provider))
        elif checked is None or checked < now - balance_stale_after():
            rows.append(StuckRow(_("balance not read (the balance check fails or does not run)"),
                                 checked, provider=provider))
    return rows


def stuck(now: datetime | None = None) -> list[StuckRow]:
    """Providers with failing checks first, then orders, oldest first."""
    now = now or timezone.now()
    orders = _orders().filter(_stuck_orders_filter(now)).order_by("created_at", "pk")
    return _provider_rows(now) + [StuckRow(*_stuck_reason(order, now), order=order)
                                  for order in orders]


# --- Counts and who resolved a row ------------------------------------------------------------

def count_orders(condition: Q) -> int:
    return Order.objects.filter(condition).count()


def count_stuck(now: datetime | None = None) -> int:
    """Rows of `stuck`: stuck orders, plus one per failing check of each provider."""
    now = now or timezone.now()
    providers = _provider_rows(now)
    return count_orders(_stuck_orders_filter(now)) + len(providers)


def count_waiting_for_funds() -> int:
    return count_orders(funds_filter())


def count_in_review() -> int:
    return count_orders(review_filter())


def count_manual() -> int:
    return count_orders(manual_filter())


def last_staff_move(order_ids: Iterable[int]) -> dict[int, OrderEvent]:
    """The latest event of each order, with its actor: who resolved it, when another staff
    member's action arrives second."""
    events = (OrderEvent.objects.filter(order_id__in=list(order_ids))
              .select_related("actor").order_by("order_id", "-created_at", "-id"))
    latest: dict[int, OrderEvent] = {}
    for event in events:
        latest.setdefault(event.order_id, event)
    return latest


def state_of(order_id: int) -> str:
    return Order.objects.filter(pk=order_id).values_list("state", flat=True).first() or ""


def resolved_by(order_id: int) -> str:
    """Who last moved the order, for the staff member who came second: "bob@example.com
    (now Placed)", or "the panel (now Completed)" when no person did."""
    event = last_staff_move([order_id]).get(order_id)
    state = state_of(order_id)
    who = event.actor.email if event and event.actor else _("the panel")
    label = State(state).label if state else _("gone")
    return _("%(who)s (now %(state)s)") % {"who": who, "state": label}
