"""An admin that fits a screen: short lists with the state in view, the order page led by
what a person needs with its actions as buttons, the shop's name as the title, consistent
labels. (The browser test measures the lists at 1280 px: tests/browser/test_dashboard.py.)"""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from orders.admin import OrderAdmin
from orders.models import Order
from orders.states import State
from panel.models import ShopSettings
from provider.admin import ServiceAdmin


def test_the_lists_are_short_and_show_the_state():
    assert len(OrderAdmin.list_display) <= 7 and "state" in OrderAdmin.list_display
    assert len(ServiceAdmin.list_display) <= 8


@pytest.fixture
def in_review(alice, upstream):
    provider, services, _, _ = upstream
    return Order.objects.create(user=alice, provider=provider, service=services["smm"],
                                link="https://x.example/p", quantity=100, unit_price=D("1"),
                                charge=D("0.1"), state=State.REVIEW, error="outcome unknown")


def test_the_order_page_leads_with_state_customer_service_upstream_and_money(admin_client,
                                                                              in_review):
    page = admin_client.get(reverse("admin:orders_order_change", args=[in_review.pk]))
    html = page.content.decode()
    first = page.context["adminform"].fieldsets[0][1]["fields"]
    assert first[:4] == ["state", "user", "service", "upstream_id"]
    assert page.context["adminform"].fieldsets[1][0] == "Money"
    assert html.index("In review") < html.index("Money") < html.index("What was ordered")
    assert "Events" in html or "order events" in html.lower()
    for label in ("Mark placed (upstream id)", "Resend (may duplicate)", "Fail and refund"):
        assert f">{label}</button>" in html
    assert "Mark seen" not in html, "only the actions that fit the order"


def test_an_order_button_runs_its_action_for_that_order(admin_client, in_review):
    changelist = reverse("admin:orders_order_changelist")
    form = admin_client.post(changelist, {"action": "mark_placed", "index": "0",
                                          "_selected_action": [in_review.pk]})
    assert "Upstream order id" in form.content.decode()
    admin_client.post(changelist, {"action": "mark_placed", "_selected_action": [in_review.pk],
                                   "apply": "1", "upstream_id": "99"})
    in_review.refresh_from_db()
    assert (in_review.state, in_review.upstream_id) == (State.PLACED, 99)


def test_the_admin_is_titled_with_the_shop_name_and_labels_are_consistent(admin_client, db):
    ShopSettings.objects.create(name="Nova Boost")
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "<title>Staff workspace | Nova Boost admin</title>" in html
    assert ">Nova Boost</a>" in html
    for label in ("SMS prices", "SMS projects", "SMS countries", "Audit entries",
                  "Incidents"):
        assert label in html


def test_a_customers_page_links_their_wallet_ledger_and_orders(admin_client, alice):
    html = admin_client.get(reverse("admin:panel_user_change", args=[alice.pk])).content.decode()
    wallet = alice.wallet.pk
    ledger = reverse("admin:orders_ledgerentry_changelist") + f"?wallet__id__exact={wallet}"
    orders = reverse("admin:orders_order_changelist") + f"?user__id__exact={alice.pk}"
    assert ledger.replace("&", "&amp;") in html and orders in html
    for url in (ledger, orders):
        response = admin_client.get(url)
        assert response.status_code == 200 and "e=1" not in response.get("Location", "")
    assert len(admin_client.get(ledger).context["cl"].result_list) == 1
