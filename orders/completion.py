"""How long a service's orders take, as customers are told it: the average time from placed
to completed of the panel's own orders of that service.

The rule: only orders that ended **Completed** (a partial or canceled one says nothing about
delivering the whole), finished in the last `WINDOW_DAYS` days (a provider's speed changes),
and only once there are at least `MIN_ORDERS` of them (a few would tell noise); otherwise
there is no figure. The average is the dashboard's own (`orders.reports.average_completion`),
computed by the database in one grouped query for any number of services, and kept in the
cache for `CACHE_SECONDS` per service, so a page asks only about services it has not seen
lately.
"""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from orders.models import Order
from orders.reports import average_completion
from orders.states import State

MIN_ORDERS = 10
WINDOW_DAYS = 90
CACHE_SECONDS = 30 * 60
KEY = "completion:v1:{}"
log = logging.getLogger(__name__)
_NONE = -1.0  # cached for "no figure", which the cache could not tell from a miss


def _counted(since: object) -> Q:
    return Q(
        state=State.COMPLETED,
        finished_at__gte=since,
        placed_at__isnull=False,
        finished_at__isnull=False,
    )


def _measure(service_ids: list[int]) -> dict[int, timedelta]:
    since = timezone.now() - timedelta(days=WINDOW_DAYS)
    counted = _counted(since)
    rows = (
        Order.objects.filter(service_id__in=service_ids)
        .filter(counted)
        .values("service_id")
        .annotate(n=Count("id"), took=average_completion(counted))
        .filter(n__gte=MIN_ORDERS)
        .values_list("service_id", "took")
    )
    return {service_id: took for service_id, took in rows if took is not None}


def completion_times(service_ids: Iterable[int]) -> dict[int, timedelta]:
    """The average completion time of each service that has one under the rule; one cache
    read, and at most one query for the services the cache does not know."""
    ids = sorted({int(i) for i in service_ids})
    if not ids:
        return {}
    keys = {KEY.format(i): i for i in ids}
    try:
        cached = cache.get_many(list(keys))
    except Exception:  # the cache is down (Redis stopped): measure, the page still shows
        log.warning("cache unreadable; measuring completion times", exc_info=True)
        cached = {}
    known = {keys[key]: seconds for key, seconds in cached.items()}
    missing = [i for i in ids if i not in known]
    if missing:
        measured = _measure(missing)
        fresh = {i: measured[i].total_seconds() if i in measured else _NONE for i in missing}
        try:
            cache.set_many({KEY.format(i): s for i, s in fresh.items()}, timeout=CACHE_SECONDS)
        except Exception:
            log.warning("could not store completion times", exc_info=True)
        known.update(fresh)
    return {i: timedelta(seconds=s) for i, s in known.items() if s != _NONE}


def completion_time(service_id: int) -> timedelta | None:
    """`completion_times` for one service."""
    return completion_times([service_id]).get(service_id)
