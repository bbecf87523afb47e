"""The owner's dashboard: admins only; its sums match a ledger and orders built here; its
query count does not grow with the number of orders; its charts need no script."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders import ledger, reports
from orders.models import EntryKind, LedgerEntry, Order
from orders.states import State
from provider.models import Category, Provider, Service

URL = "/staff/dashboard"


@pytest.fixture(autouse=True)
def _quick(quick_passwords):
    pass


def test_a_visitor_is_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")


def test_customers_and_staff_who_are_not_admins_are_refused(client, alice, clerk):
    for user in (alice, clerk):
        client.force_login(user)
        assert client.get(URL).status_code == 403


def test_admins_and_superusers_see_it(client, owner, admin_user):
    for user in (owner, admin_user):
        client.force_login(user)
        response = client.get(URL)
        assert response.status_code == 200
        assert b"<script>" not in response.content and b"style=" not in response.content


def test_only_admins_get_the_dashboard_link_in_the_navigation(client, alice, clerk, owner):
    link = f'href="{URL}"'.encode()
    for user, shown in ((alice, False), (clerk, False), (owner, True)):
        client.force_login(user)
        assert (link in client.get("/catalog/").content) is shown, user
        if user.is_staff:
            assert (link in client.get("/admin/").content) is shown, user


def place(user, provider, service, charge: str, *, state=State.COMPLETED, cost=None,
          refund=None, days_ago=0, took=None) -> Order:
    """An order paid from the customer's wallet (a charge entry), refunded through the ledger
    when `refund` is given, created `days_ago`."""
    now = timezone.now()
    order = Order.objects.create(
        user=user, provider=provider, service=service, link="https://x.example/p",
        quantity=100, unit_price=D(charge) * 10, charge=D(charge), state=state,
        upstream_charge=D(cost) if cost else None,
        placed_at=now - took if took else None, finished_at=now if took else None)
    ledger.debit(user, D(charge), reason=f"Order #{order.pk}", order=order)
    if refund:
        ledger.refund_order(order.pk, D(refund), reason="refund")
    Order.objects.filter(pk=order.pk).update(created_at=now - timedelta(days=days_ago))
    return order


@pytest.fixture
def shop(alice, bob, upstream):
    quiet, services, _, _ = upstream
    other = Provider.objects.create(name="other", api_url="http://127.0.0.1:9/api",
                                    balance=D("5"), balance_alert_below=D("20"))
    category = Category.objects.create(provider=other, name="TikTok")
    likes = Service.objects.create(provider=other, upstream_id=1, category=category,
                                   name="TikTok likes", rate=D("1"), sell_price=D("2"))
    smm = services["smm"]
    place(alice, quiet, smm, "10.00", cost="6.00", took=timedelta(hours=2))
    place(alice, quiet, smm, "5.00", state=State.REJECTED, refund="5.00")
    place(bob, other, likes, "8.00", state=State.PARTIAL, cost="3.00", refund="2.00",
          days_ago=1, took=timedelta(hours=4))
    place(bob, quiet, smm, "1.00", cost="0.50", days_ago=60)  # outside the period
    ledger.top_up(alice, D("25"), reason="Top-up via NOWPayments")
    return {"quiet": quiet, "other": other, "smm": smm, "likes": likes}


def test_the_sums_match_the_ledger_and_the_orders(shop):
    period = reports.Period.last_days(30)
    report = reports.report(period)
    start, end = period.bounds()
    in_period = Order.objects.filter(created_at__gte=start, created_at__lt=end)
    entries = LedgerEntry.objects.filter(order__in=in_period)
    paid = -sum(e.amount for e in entries.filter(kind=EntryKind.CHARGE))
    refunded = sum(e.amount for e in entries.filter(kind=EntryKind.REFUND))

    assert report.total.revenue == paid - refunded == D("16.00")
    assert report.total.cost == D("9.00")
    assert report.total.profit == D("7.00")
    assert report.total.orders == 3

    by_provider = {m.label: (m.revenue, m.cost, m.profit) for m in report.by_provider}
    assert by_provider == {"quiet": (D("10"), D("6"), D("4")), "other": (D("6"), D("3"), D("3"))}
    today, yesterday = report.by_day[-1], report.by_day[-2]
    assert (today.revenue, today.cost, today.orders) == (D("10"), D("6"), 2)
    assert (yesterday.revenue, yesterday.cost, yesterday.orders) == (D("6"), D("3"), 1)
    assert len(report.by_day) == 30

    states = {t.label: t.value for t in report.states}
    assert (states["Completed"], states["Rejected"], states["Partial"], states["Queued"]) == (
        1, 1, 1, 0)

    services = {s.name: s for s in report.services}
    assert [s.name for s in report.services] == ["smm service", "TikTok likes"], "by profit"
    assert services["smm service"].refund_rate == D("0.5")
    assert services["smm service"].avg_completion == timedelta(hours=2)
    assert services["TikTok likes"].refund_rate == 1

    balances = {b.name: b for b in report.balances}
    assert balances["other"].low and not balances["quiet"].low

    top_ups = {t.label: (t.value, t.count) for t in report.top_ups}
    # alice's and bob's opening balances, and alice's top-up through a payment method.
    assert top_ups == {"Opening balance": (D("200"), 2), "Top-up via NOWPayments": (D("25"), 1)}


def test_commissions_paid_on_the_periods_orders_come_off_the_profit(shop, owner):
    """A referrer's commission is the shop's money given away: counted on the day of its
    order (and its provider and service), never on an order outside the period."""
    completed = Order.objects.get(provider=shop["quiet"], state=State.COMPLETED,
                                  charge=D("10.00"))
    partial = Order.objects.get(provider=shop["other"], state=State.PARTIAL)
    old = Order.objects.get(charge=D("1.00"))  # 60 days ago
    for order, amount in ((completed, "1.00"), (partial, "0.30"), (old, "0.05")):
        ledger.credit(owner, D(amount), kind=EntryKind.COMMISSION, reason="Commission",
                      order=order)

    report = reports.report(reports.Period.last_days(30))

    assert report.total.commission == D("1.30")
    assert report.total.profit == D("16.00") - D("9.00") - D("1.30")
    by_provider = {m.label: (m.commission, m.profit) for m in report.by_provider}
    assert by_provider == {"quiet": (D("1.00"), D("3.00")), "other": (D("0.30"), D("2.70"))}
    today, yesterday = report.by_day[-1], report.by_day[-2]
    assert (today.commission, yesterday.commission) == (D("1.00"), D("0.30"))
    services = {s.name: (s.commission, s.profit) for s in report.services}
    assert services["TikTok likes"] == (D("0.30"), D("2.70"))


def test_the_page_shows_the_totals_and_a_period_can_be_chosen(client, owner, shop):
    client.force_login(owner)
    page = client.get(URL).content.decode()
    assert 'data-testid="revenue">$16.00<' in page and 'data-testid="profit" ' in page
    assert 'data-testid="commission">$0.00<' in page
    assert "<svg" in page and "TikTok likes" in page
    today = timezone.localdate()
    page = client.get(URL, {"start": today.isoformat(), "end": today.isoformat()}).content.decode()
    assert 'data-testid="revenue">$10.00<' in page
    page = client.get(URL, {"start": today.isoformat(), "end": "2000-01-01"}).content.decode()
    assert "at most 366 days" in page and 'data-testid="revenue">$16.00<' in page


def many_orders(user, provider, service, n: int) -> None:
    Order.objects.bulk_create(
        Order(user=user, provider=provider, service=service, quantity=10, unit_price=D("1"),
              charge=D("1"), upstream_charge=D("0.5"), state=State.COMPLETED)
        for _ in range(n))


def test_the_query_count_does_not_grow_with_the_orders(client, owner, shop,
                                                       django_assert_max_num_queries):
    client.force_login(owner)
    many_orders(owner, shop["quiet"], shop["smm"], 10)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    many_orders(owner, shop["other"], shop["likes"], 190)
    with django_assert_max_num_queries(len(few)):
        response = client.get(URL)
    assert 'data-testid="orders">203<' in response.content.decode()
