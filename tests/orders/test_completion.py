"""orders.completion: a service's average completion time, from the panel's own Completed
orders of that service in the last 90 days, only once there are at least 10 of them; one
query for any number of services, then the cache."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from orders import completion
from orders.models import Order
from orders.states import State

FOLLOWERS, LIKES = 1, 2


def _orders(user, svc, n: int, took: timedelta, *, state=State.COMPLETED, days_ago: int = 0,
            placed: bool = True) -> None:
    finished = timezone.now() - timedelta(days=days_ago)
    Order.objects.bulk_create([
        Order(user=user, provider=svc.provider, service=svc, link="https://x.example/p",
              quantity=100, unit_price=D("1"), charge=D("0.10"), state=state,
              placed_at=finished - took if placed else None, finished_at=finished)
        for _ in range(n)])


@pytest.fixture
def followers(service):
    return service(FOLLOWERS)


def test_no_figure_below_the_threshold(alice, followers):
    _orders(alice, followers, completion.MIN_ORDERS - 1, timedelta(hours=1))
    assert completion.completion_time(followers.pk) is None


def test_the_average_once_there_are_enough(alice, followers):
    _orders(alice, followers, 5, timedelta(hours=1))
    _orders(alice, followers, 5, timedelta(hours=3))
    assert completion.completion_time(followers.pk) == timedelta(hours=2)


def test_only_completed_orders_count(alice, followers):
    _orders(alice, followers, 9, timedelta(hours=1))
    for state in (State.PARTIAL, State.CANCELED, State.REJECTED, State.PLACED):
        _orders(alice, followers, 5, timedelta(days=9), state=state)
    assert completion.completion_time(followers.pk) is None
    cache_clear()
    _orders(alice, followers, 1, timedelta(hours=1))
    assert completion.completion_time(followers.pk) == timedelta(hours=1)


def test_only_the_last_90_days_and_only_orders_that_were_placed(alice, followers):
    _orders(alice, followers, 9, timedelta(hours=1))
    _orders(alice, followers, 5, timedelta(days=5), days_ago=completion.WINDOW_DAYS + 1)
    _orders(alice, followers, 5, timedelta(days=5), placed=False)
    assert completion.completion_time(followers.pk) is None


def test_only_that_services_orders(alice, service, followers):
    likes = service(LIKES)
    _orders(alice, followers, 10, timedelta(hours=1))
    _orders(alice, likes, 10, timedelta(hours=5))
    assert completion.completion_times([followers.pk, likes.pk]) == {
        followers.pk: timedelta(hours=1), likes.pk: timedelta(hours=5)}


def test_one_query_for_many_services_then_none(alice, service, followers,
                                               django_assert_num_queries):
    _orders(alice, followers, 10, timedelta(minutes=30))
    ids = [service(n).pk for n in range(1, 10)]
    with django_assert_num_queries(1):
        times = completion.completion_times(ids)
    assert times == {followers.pk: timedelta(minutes=30)}
    with django_assert_num_queries(0):
        assert completion.completion_times(ids) == times  # "none" is cached too


def test_the_dashboard_and_the_shop_share_one_average():
    from orders import reports

    assert completion.average_completion is reports.average_completion


def cache_clear() -> None:
    from django.core.cache import cache

    cache.clear()


def test_a_cache_that_is_down_costs_the_query_not_the_page(alice, followers, monkeypatch):
    """Redis stopped: the figure is measured every time instead, never an error (the catalog
    and the order form show it; tests/faults/test_redis_down.py opens the catalog)."""
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get_many", down)
    monkeypatch.setattr(cache, "set_many", down)
    _orders(alice, followers, completion.MIN_ORDERS, timedelta(hours=2))
    assert completion.completion_time(followers.pk) == timedelta(hours=2)
