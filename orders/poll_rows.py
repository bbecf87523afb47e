"""What a polling pass reads of each order: a few plain columns, and the interval until its
next check computed by the database from the order's age (`CHECK_INTERVALS`).

A pass over tens of thousands of orders spent most of its own time building model instances
and converting their dates (a text column on SQLite, parsed per row and per date); the pass
needs no date of the order, only which age class it is in. Never the encrypted `accounts`:
only an answer that delivers accounts needs them, and `apply_status` reads them under its
row lock.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from orders.models import Order

# (age below, interval): young orders change fast and are checked often, old ones rarely.
CHECK_INTERVALS = (
    (timedelta(minutes=10), timedelta(seconds=20)),
    (timedelta(hours=1), timedelta(minutes=2)),
    (timedelta(days=1), timedelta(minutes=15)),
)
OLDEST_INTERVAL = timedelta(hours=1)
_BY_SECONDS = {int(i.total_seconds()): i for _, i in CHECK_INTERVALS} | {
    int(OLDEST_INTERVAL.total_seconds()): OLDEST_INTERVAL
}

COLUMNS = (
    "id",
    "state",
    "provider_id",
    "upstream_id",
    "kind",
    "upstream_status",
    "start_count",
    "remains",
    "upstream_charge",
    "upstream_currency",
    "status_unknown",
)


def check_interval(age: timedelta) -> timedelta:
    """The interval for an order of `age`."""
    for below, interval in CHECK_INTERVALS:
        if age < below:
            return interval
    return OLDEST_INTERVAL


def interval_seconds(now: datetime) -> Case:
    """`check_interval` of each order's age at `now`, in whole seconds, as SQL (an order's
    age counts from `_started`, annotated by `polled_orders`)."""
    return Case(
        *(
            When(Q(_started__gt=now - below), then=Value(int(i.total_seconds())))
            for below, i in CHECK_INTERVALS
        ),
        default=Value(int(OLDEST_INTERVAL.total_seconds())),
        output_field=IntegerField(),
    )


@dataclass(slots=True, eq=False)
class PolledOrder:
    """One order of a pass; `provider.bulk.update_rows` writes it like an Order."""

    id: int
    state: str
    provider_id: int
    upstream_id: int
    kind: str
    upstream_status: str | None
    start_count: int | None
    remains: int | None
    upstream_charge: Decimal | None
    upstream_currency: str
    status_unknown: bool
    interval: timedelta
    last_checked_at: datetime | None = None
    next_check_at: datetime | None = None

    @property
    def pk(self) -> int:
        return self.id

    def next_check(self, now: datetime) -> datetime:
        return now + self.interval


def polled_orders(orders: QuerySet[Order], now: datetime) -> list[PolledOrder]:
    """`orders` (filtered and ordered by the caller) as PolledOrder rows, in one query."""
    rows = (
        orders.annotate(_started=Coalesce("placed_at", "created_at"))
        .annotate(_interval=interval_seconds(now))
        .values_list(*COLUMNS, "_interval")
    )
    return [PolledOrder(*row[:-1], _BY_SECONDS[row[-1]]) for row in rows]
