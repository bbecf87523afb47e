"""The owner's dashboard and the admin lists in a real browser: charts drawn without a
script or an inline style (any CSP violation fails the test), lists that fit 1280 px with
the state in view. Screenshots: dashboard-desktop.png and dashboard-phone.png."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from orders import ledger
from orders.models import Order
from orders.states import State
from panel.models import User
from provider.models import Category, Provider, Service
from tests.browser.conftest import PASSWORD, shoot, sign_in

pytestmark = pytest.mark.browser

STATES = [State.COMPLETED] * 6 + [State.PARTIAL, State.REJECTED, State.PLACED, State.REVIEW]


@pytest.fixture
def owner(db):
    # A superuser: the live server's database is flushed between tests, and the groups the
    # migration made go with it (tests/panel/test_roles.py covers the groups).
    return User.objects.create_superuser(email="owner@novaboost.example", password=PASSWORD,
                                         email_verified=True)


@pytest.fixture
def month_of_orders(alice, bob):
    """A month of a small shop: two providers, a handful of services, orders every day."""
    now = timezone.now()
    catalog = []
    for name, balance, alert, services in (
            ("HstockPlus", "412.80", "100", ["Instagram followers", "TikTok views",
                                             "Gmail accounts"]),
            ("Backup SMM", "38.10", "50", ["YouTube likes", "Telegram members"])):
        provider = Provider.objects.create(name=name, api_url="http://127.0.0.1:9/api",
                                           balance=D(balance), balance_alert_below=D(alert),
                                           balance_checked_at=now)
        category = Category.objects.create(provider=provider, name="Social")
        catalog += [Service.objects.create(provider=provider, upstream_id=n, category=category,
                                           name=s, rate=D("1"), sell_price=D("1.6"))
                    for n, s in enumerate(services, start=1)]
    for customer in (alice, bob):
        ledger.top_up(customer, D("400"), reason="Top-up via NOWPayments")
        ledger.top_up(customer, D("150"), reason="Top-up via Cryptomus")
    n = 0
    for day in range(30):
        for k in range(2 + (day * 7) % 5):
            n += 1
            service = catalog[(day + k) % len(catalog)]
            state = STATES[n % len(STATES)]
            charge = D(3 + (n * 13) % 17) / 2
            customer = alice if n % 2 else bob
            order = Order.objects.create(
                user=customer, provider=service.provider, service=service,
                link="https://instagram.com/p/x", quantity=1000, unit_price=charge,
                charge=charge, state=state,
                upstream_charge=(charge * D("0.62")).quantize(D("0.01"))
                if state != State.REJECTED else None,
                placed_at=now - timedelta(hours=3 + n % 9), finished_at=now)
            ledger.debit(customer, charge, reason=f"Order #{order.pk}", order=order)
            if state == State.REJECTED:
                ledger.refund_order(order.pk, charge, reason="refused")
            elif state == State.PARTIAL:
                ledger.refund_order(order.pk, charge / 4, reason="partial")
            Order.objects.filter(pk=order.pk).update(
                created_at=now - timedelta(days=29 - day, hours=k))


def test_the_owner_reads_the_dashboard(shop, owner, month_of_orders):
    page = shop
    sign_in(page, owner.email)
    page.goto("/staff/dashboard")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.locator("svg.chart rect.bar").first).to_be_attached()
    expect(page.get_by_role("cell", name="Backup SMM").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    shoot(page, "dashboard")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scroll"


def test_the_admin_lists_fit_1280_px_with_the_state_in_view(shop, owner, month_of_orders):
    page = shop
    sign_in(page, owner.email)
    for path, column in (("/admin/orders/order/", "column-state"),
                         ("/admin/provider/service/", "column-sell_price")):
        page.goto(path)
        header = page.locator(f"th.{column}")
        expect(header).to_be_visible()
        box = header.bounding_box()
        assert box["x"] + box["width"] <= 1280, f"{path}: {column} is off-screen"
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280, path
