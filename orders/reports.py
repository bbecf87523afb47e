"""The owner's figures, read from orders, the ledger and providers (selectors: no writes).

Every sum is done by the database, one grouped query per table of the dashboard, so the
number of queries does not grow with the number of orders. Money per order:
revenue = what the customer paid less what was refunded (`charge - refunded`),
cost = what the provider charged (`upstream_charge`; none yet counts as nothing),
commission = what referrers were credited for it (`affiliates`), profit = revenue - cost -
commission. Orders count in the period they were created in, and so do their commissions.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import (
    Avg,
    Count,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from orders.models import EntryKind, LedgerEntry, Order
from orders.states import State
from provider.models import Provider

ZERO = Decimal(0)
_DEC = DecimalField(max_digits=24, decimal_places=6)
REVENUE = Coalesce(Sum(F("charge") - F("refunded"), output_field=_DEC), Value(ZERO),
                   output_field=_DEC)
COST = Coalesce(Sum("upstream_charge", output_field=_DEC), Value(ZERO), output_field=_DEC)
DONE = [State.COMPLETED, State.PARTIAL]
# How long an order took, from placed upstream to finished, and its average over the orders
# `done` keeps: the one definition the dashboard and the storefront's figure both use.
TOOK = ExpressionWrapper(F("finished_at") - F("placed_at"), output_field=DurationField())


def average_completion(done: Q) -> Avg:
    """The average `TOOK` of the orders `done` keeps that were placed and finished."""
    return Avg(TOOK, filter=done & Q(placed_at__isnull=False, finished_at__isnull=False))


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included, in the panel's time zone."""

    start: date
    end: date

    @classmethod
    def last_days(cls, days: int, today: date | None = None) -> "Period":
        today = today or timezone.localdate()
        return cls(today - timedelta(days=days - 1), today)

    def bounds(self) -> tuple[datetime, datetime]:
        zone = timezone.get_current_timezone()
        return (datetime.combine(self.start, time.min, zone),
                datetime.combine(self.end + timedelta(days=1), time.min, zone))

    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]


@dataclass(frozen=True)
class Money:
    label: str
    revenue: Decimal
    cost: Decimal
    orders: int
    commission: Decimal = ZERO

    @property
    def profit(self) -> Decimal:
        return self.revenue - self.cost - self.commission


@dataclass(frozen=True)
class ServiceFigures:
    service_id: int
    name: str
    revenue: Decimal
    cost: Decimal
    orders: int
    refunded_orders: int
    avg_completion: timedelta | None
    commission: Decimal = ZERO

    @property
    def profit(self) -> Decimal:
        return self.revenue - self.cost - self.commission

    @property
    def refund_rate(self) -> Decimal:
        """Share of the service's orders that got money back (any refund), 0 to 1."""
        return Decimal(self.refunded_orders) / self.orders if self.orders else ZERO


@dataclass(frozen=True)
class Tally:
    label: str
    value: int | Decimal
    count: int = 0


def orders_in(period: Period) -> QuerySet[Order]:
    start, end = period.bounds()
    return Order.objects.filter(created_at__gte=start, created_at__lt=end)


@dataclass(frozen=True)
class Commissions:
    """Commissions credited on the period's orders, summed by the order's day, provider and
    service: one grouped query over the ledger (joined to the orders, never the other way
    round, which would repeat each order once per ledger entry in the money sums)."""

    by_day: dict[date, Decimal]
    by_provider: dict[str, Decimal]
    by_service: dict[int, Decimal]

    @classmethod
    def of(cls, period: Period) -> "Commissions":
        start, end = period.bounds()
        rows = (LedgerEntry.objects.filter(kind=EntryKind.COMMISSION,
                                           order__created_at__gte=start,
                                           order__created_at__lt=end)
                .annotate(day=TruncDate("order__created_at",
                                        tzinfo=timezone.get_current_timezone()))
                .values_list("day", "order__provider__name", "order__service_id")
                .annotate(total=Sum("amount")).order_by())
        found = cls({}, {}, {})
        for day, provider, service, total in rows:
            for sums, key in ((found.by_day, day), (found.by_provider, provider),
                              (found.by_service, service)):
                sums[key] = sums.get(key, ZERO) + total
        return found


def money_by_day(period: Period, commissions: Commissions) -> list[Money]:
    """One row per day of the period, days without orders included (as zeros)."""
    rows = {row["day"]: row for row in orders_in(period).annotate(
        day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day").annotate(revenue=REVENUE, cost=COST, n=Count("id")).order_by("day")}
    return [Money(day.isoformat(), rows[day]["revenue"], rows[day]["cost"], rows[day]["n"],
                  commissions.by_day.get(day, ZERO))
            if day in rows else Money(day.isoformat(), ZERO, ZERO, 0) for day in period.days()]


def money_by_provider(period: Period, commissions: Commissions) -> list[Money]:
    return [Money(row["provider__name"], row["revenue"], row["cost"], row["n"],
                  commissions.by_provider.get(row["provider__name"], ZERO))
            for row in orders_in(period).values("provider__name")
            .annotate(revenue=REVENUE, cost=COST, n=Count("id")).order_by("provider__name")]


def orders_by_state(period: Period) -> list[Tally]:
    """Every state, in the order of the order's life, with how many orders are in it."""
    counts = dict(orders_in(period).values_list("state").annotate(n=Count("id"))
                  .values_list("state", "n"))
    return [Tally(state.label, counts.get(state.value, 0)) for state in State]


def services(period: Period, commissions: Commissions, limit: int = 15) -> list[ServiceFigures]:
    """The services that made the most profit in the period (before commissions: the
    database ranks them), with their refund rate, the average time from placed to finished of
    their completed orders, and the commissions paid on them."""
    rows = (orders_in(period).exclude(service=None)
            .values("service_id", "service__name", "service__custom_name")
            .annotate(revenue=REVENUE, cost=COST, n=Count("id"),
                      refunded_n=Count("id", filter=Q(refunded__gt=0)),
                      avg_completion=average_completion(Q(state__in=DONE)))
            .annotate(profit=F("revenue") - F("cost")).order_by("-profit", "service_id")[:limit])
    return [ServiceFigures(row["service_id"], row["service__custom_name"] or row["service__name"],
                           row["revenue"], row["cost"], row["n"], row["refunded_n"],
                           row["avg_completion"],
                           commissions.by_service.get(row["service_id"], ZERO))
            for row in rows]


@dataclass(frozen=True)
class Balance:
    name: str
    balance: Decimal | None
    threshold: Decimal | None
    currency: str
    checked_at: datetime | None

    @property
    def low(self) -> bool:
        return (self.balance is not None and self.threshold is not None
                and self.balance < self.threshold)


def provider_balances() -> list[Balance]:
    return [Balance(p.name, p.balance, p.balance_alert_below, p.currency, p.balance_checked_at)
            for p in Provider.objects.filter(enabled=True).only(
                "name", "balance", "balance_alert_below", "currency", "balance_checked_at")]


def top_ups_by_method(period: Period) -> list[Tally]:
    """Customers' top-ups in the period, summed per payment method: the entry's `method`
    when the ledger has one (payments add it), else its reason ("Top-up via ...")."""
    field = "method" if any(f.name == "method" for f in LedgerEntry._meta.fields) else "reason"
    start, end = period.bounds()
    rows = (LedgerEntry.objects.filter(kind=EntryKind.TOP_UP, created_at__gte=start,
                                       created_at__lt=end)
            .values(field).annotate(total=Sum("amount"), n=Count("id")).order_by("-total"))
    return [Tally(row[field] or "-", row["total"], row["n"]) for row in rows]


@dataclass(frozen=True)
class Report:
    period: Period
    by_day: list[Money]
    by_provider: list[Money]
    states: list[Tally]
    services: list[ServiceFigures]
    balances: list[Balance]
    top_ups: list[Tally]

    @property
    def total(self) -> Money:
        return Money("total", sum((d.revenue for d in self.by_day), ZERO),
                     sum((d.cost for d in self.by_day), ZERO),
                     sum(d.orders for d in self.by_day),
                     sum((d.commission for d in self.by_day), ZERO))


def report(period: Period) -> Report:
    """Everything the dashboard shows, in a fixed number of queries."""
    commissions = Commissions.of(period)
    return Report(period, money_by_day(period, commissions),
                  money_by_provider(period, commissions), orders_by_state(period),
                  services(period, commissions), provider_balances(), top_ups_by_method(period))
