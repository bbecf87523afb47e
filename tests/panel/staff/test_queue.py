"""Who is in the delivery queue, reason by reason (orders/queue.py), and that reading it
costs the same few queries however many rows it holds."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from orders import queue
from orders.models import Kind, Order
from orders.states import State
from panel.staff.sections import counts, filled
from support.tickets import open_ticket

HOUR = timedelta(hours=1)


def ids(orders):
    return [order.pk for order in orders]


def stuck_orders():
    return {row.order.pk: row.reason for row in queue.stuck() if row.order}


def test_in_review_lists_orders_with_an_unknown_outcome_but_not_sms_numbers(make_order):
    review = make_order(State.REVIEW, error="outcome unknown: read timeout")
    product = make_order(State.REVIEW, kind=Kind.PRODUCT)
    make_order(State.REVIEW, kind=Kind.SMS)
    make_order(State.PLACED, upstream_id=5)
    assert ids(queue.in_review()) == [review.pk, product.pk]
    assert queue.count_in_review() == 2


def test_waiting_for_funds_is_grouped_by_provider_with_its_balance(make_order, upstream):
    provider = upstream[0]
    provider.balance, provider.balance_alert_below = D("3.5"), D("10")
    provider.save()
    first = make_order(State.PROVIDER_FUNDS)
    second = make_order(State.PROVIDER_FUNDS)
    make_order(State.QUEUED)
    [group] = queue.waiting_for_funds()
    assert group.provider == provider and ids(group.orders) == [first.pk, second.pk]
    assert group.below_threshold
    assert queue.count_waiting_for_funds() == 2


def test_manual_deliveries_list_hand_made_products_and_short_ones(make_order, settings):
    settings.MANUAL_DELIVERY_TYPICAL_HOURS = 24
    young = make_order(State.PLACED, kind=Kind.PRODUCT, auto_delivery=False, upstream_id=1)
    old = make_order(State.PLACED, kind=Kind.PRODUCT, auto_delivery=False, upstream_id=2,
                     age=30 * HOUR)
    short = make_order(State.PLACED, kind=Kind.PRODUCT, upstream_id=3, needs_staff=True,
                       upstream_status="Completed", accounts="one@mail.com:pw")
    settled_short = make_order(State.PARTIAL, kind=Kind.PRODUCT, upstream_id=4,
                               needs_staff=True)
    make_order(State.PLACED, kind=Kind.PRODUCT, upstream_id=5)  # automatic, running
    make_order(State.COMPLETED, kind=Kind.PRODUCT, auto_delivery=False)  # done
    rows = {row.order.pk: row for row in queue.manual_deliveries()}
    assert set(rows) == {young.pk, old.pk, short.pk, settled_short.pk}
    assert (rows[young.pk].overdue, rows[old.pk].overdue) == (False, True)
    # Only where the upstream will no longer deliver through the API.
    assert [pk for pk, row in rows.items() if row.can_complete] == [short.pk]
    assert [pk for pk, row in rows.items() if row.can_mark_seen] == [settled_short.pk]
    assert rows[short.pk].reason == "delivered short"
    assert queue.count_manual() == 4


def test_stuck_orders_past_each_states_threshold(make_order, settings):
    settings.STUCK_AFTER_MINUTES = {"queued": 30, "pending": 60, "in_progress": 120}
    now = timezone.now()
    queued = make_order(State.QUEUED, age=HOUR)
    make_order(State.QUEUED, age=timedelta(minutes=10))
    pending = make_order(State.PLACED, upstream_id=1, upstream_status="Pending",
                         placed_at=now - 2 * HOUR)
    make_order(State.PLACED, upstream_id=2, upstream_status="Pending",
               placed_at=now - timedelta(minutes=30))
    running = make_order(State.PLACED, upstream_id=3, upstream_status="In progress",
                         placed_at=now - 3 * HOUR)
    make_order(State.PLACED, upstream_id=4, upstream_status="In progress",
               placed_at=now - 90 * timedelta(minutes=1))
    found = stuck_orders()
    assert set(found) == {queued.pk, pending.pk, running.pk}
    assert found[queued.pk] == "not sent yet"
    assert found[pending.pk] == "placed, not started upstream"


def test_stuck_lists_unknown_statuses_and_sms_numbers_to_watch(make_order, settings):
    settings.SMS_EXPIRY_WARNING_MINUTES = 3
    now = timezone.now()
    unknown = make_order(State.PLACED, upstream_id=1, upstream_status="Weird",
                         status_unknown=True, placed_at=now)
    sms_review = make_order(State.REVIEW, kind=Kind.SMS)
    expiring = make_order(State.PLACED, kind=Kind.SMS, upstream_id=2, phone="+1555",
                          expires_at=now + timedelta(minutes=2))
    make_order(State.PLACED, kind=Kind.SMS, upstream_id=3, phone="+1556",
               expires_at=now + timedelta(minutes=15))
    found = stuck_orders()
    assert set(found) == {unknown.pk, sms_review.pk, expiring.pk}
    assert "unknown upstream status 'Weird'" in found[unknown.pk]
    assert found[expiring.pk] == "SMS number expires soon, no code yet"


def test_stuck_lists_providers_whose_sync_or_balance_check_fails(upstream, settings):
    settings.BALANCE_CHECK_INTERVAL = 600
    provider = upstream[0]
    provider.balance_checked_at = timezone.now()
    provider.save()
    assert not [row for row in queue.stuck() if row.provider]

    provider.last_sync_error = "sync failed: ProviderUnavailable: connection refused"
    provider.balance_checked_at = timezone.now() - timedelta(hours=1)
    provider.save()
    reasons = [row.reason for row in queue.stuck() if row.provider == provider]
    assert reasons[0] == "last sync: sync failed: ProviderUnavailable: connection refused"
    assert reasons[1].startswith("balance not read")
    assert queue.count_stuck() == 2


def test_stuck_lists_a_provider_whose_last_balance_check_failed(upstream, settings):
    settings.BALANCE_CHECK_INTERVAL = 600
    provider = upstream[0]
    provider.balance_checked_at = timezone.now()
    provider.last_balance_error = "2026-12-01 10:00 AnswerUnreadable: `balance` is NaN"
    provider.save()

    reasons = [row.reason for row in queue.stuck() if row.provider == provider]

    assert reasons == ["last balance check: 2026-12-01 10:00 AnswerUnreadable: "
                       "`balance` is NaN"]
    assert queue.count_stuck() == 1


def test_each_count_matches_its_list(make_order, upstream):
    provider = upstream[0]
    provider.balance_checked_at = timezone.now()
    provider.save()
    make_order(State.REVIEW)
    make_order(State.PROVIDER_FUNDS)
    make_order(State.PROVIDER_FUNDS)
    make_order(State.PLACED, kind=Kind.PRODUCT, auto_delivery=False, upstream_id=1)
    make_order(State.PLACED, upstream_id=2, status_unknown=True)
    numbers = counts()
    assert {f.section.key: f.count for f in filled()} == {
        key: n for key, n in numbers.items() if key != "total"}
    assert numbers == {"review": 1, "funds": 2, "manual": 1, "deposits": 0, "stuck": 1,
                       "tickets": 0, "total": 5}


@pytest.mark.parametrize("rows", [1, 12])
def test_reading_the_queue_costs_the_same_queries_for_any_number_of_rows(
        make_order, upstream, django_assert_max_num_queries, rows):
    upstream[0].last_sync_error = "sync failed"
    upstream[0].save()
    for n in range(rows):
        make_order(State.REVIEW)
        make_order(State.PROVIDER_FUNDS)
        make_order(State.PLACED, kind=Kind.PRODUCT, auto_delivery=False, upstream_id=n + 1)
        make_order(State.PLACED, upstream_id=100 + n, status_unknown=True)
        open_ticket(make_order(State.COMPLETED).user, subject=f"t{n}", body="?")
    with django_assert_max_num_queries(7):  # one per list, two for Stuck
        sections = filled()
    assert sum(f.count for f in sections) == 5 * rows + 2  # and the provider's two checks
    assert Order.objects.count() == 5 * rows
