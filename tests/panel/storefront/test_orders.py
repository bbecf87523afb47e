"""The customer's orders: the list (filters, search, polling only while something is
active), one order's page, and its accounts as a download, for its owner alone."""

import re
from decimal import Decimal as D

import pytest

from orders.ledger import top_up
from orders.models import Order
from orders.states import State
from orders.tracking import settle
from tests.panel.storefront.conftest import htmx
from tests.panel.storefront.helpers import order

FOLLOWERS, GMAIL = 1, 4


def _ids(response) -> list[int]:
    return [int(n) for n in re.findall(r'href="/orders/(\d+)/"', response.content.decode())]


@pytest.fixture
def mix(alice, bob, service):
    """Alice: an active smm order, a completed product, a canceled smm; bob: one order."""
    active = order(alice, service, FOLLOWERS, link="https://instagram.com/active")
    done = order(alice, service, GMAIL, quantity=1)
    Order.objects.filter(pk=done.pk).update(state=State.COMPLETED,
                                            accounts="user@gmail.com:pass1")
    canceled = order(alice, service, FOLLOWERS, link="https://instagram.com/gone")
    Order.objects.filter(pk=canceled.pk).update(state=State.CANCELED)
    theirs = order(bob, service, FOLLOWERS)
    return {"active": active, "done": done, "canceled": canceled, "theirs": theirs}


def test_the_list_shows_the_customers_orders_newest_first(as_alice, mix):
    ids = _ids(as_alice.get("/orders/"))
    assert ids == [mix["canceled"].pk, mix["done"].pk, mix["active"].pk]
    page = as_alice.get("/orders/").content.decode()
    assert ">In progress<" in page or ">Pending<" in page
    assert ">Completed<" in page and ">Canceled<" in page


@pytest.mark.parametrize(("query", "expect"), [
    ("status=active", ["active"]), ("status=completed", ["done"]),
    ("status=canceled", ["canceled"]), ("kind=product", ["done"]),
    ("q=gone", ["canceled"]), ("q=gmail", ["done"]),
])
def test_filters_and_search(as_alice, mix, query, expect):
    assert _ids(as_alice.get(f"/orders/?{query}")) == [mix[name].pk for name in expect]


def test_search_by_order_number(as_alice, mix):
    assert _ids(as_alice.get(f"/orders/?q=%23{mix['done'].pk}")) == [mix["done"].pk]


def test_the_list_polls_while_an_order_is_active_and_stops_when_all_are_final(as_alice, mix):
    live = as_alice.get("/orders/?status=canceled", headers=htmx("orders-list"))
    assert "hx-trigger" not in live.content.decode(), "nothing active on this page"
    response = as_alice.get("/orders/", headers=htmx("orders-list"))
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="orders-list"')
    assert 'hx-trigger="every 3s"' in html and 'hx-get="/orders/"' in html
    Order.objects.filter(pk=mix["active"].pk).update(state=State.COMPLETED)
    html = as_alice.get("/orders/", headers=htmx("orders-list")).content.decode()
    assert "hx-trigger" not in html, "all final: the fragment comes back without a trigger"


def test_the_polling_keeps_the_filters(as_alice, mix):
    html = as_alice.get("/orders/?status=active&q=insta", headers=htmx()).content.decode()
    assert 'hx-get="/orders/?status=active&amp;q=insta"' in html


def test_an_order_page_shows_progress_money_and_polls_until_final(as_alice, mix):
    active = mix["active"]
    Order.objects.filter(pk=active.pk).update(state=State.PLACED, upstream_status="In progress",
                                              start_count=1000, remains=40)
    html = as_alice.get(f"/orders/{active.pk}/").content.decode()
    assert "In progress" in html and 'hx-trigger="every 3s"' in html
    assert '<progress max="100" value="60"' in html and "60 of 100 delivered" in html
    assert "<dd>1,000</dd>" in html and 'data-testid="remains">40<' in html
    assert "Charged</dt><dd>$0.05" in html
    placed = Order.objects.get(pk=active.pk)
    settle(placed, State.PARTIAL)
    response = as_alice.get(f"/orders/{active.pk}/", headers=htmx("order-live"))
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="order-live"')
    assert "hx-trigger" not in html, "final: polling stops"
    assert "Partial" in html and "Refunded</dt><dd class=\"ok-text\">$0.02" in html
    assert "You paid</dt><dd>$0.03" in html


def test_delivered_accounts_can_be_copied_and_downloaded_by_the_owner(as_alice, as_bob, mix):
    done = mix["done"]
    html = as_alice.get(f"/orders/{done.pk}/").content.decode()
    assert '<code>user@gmail.com:pass1</code>' in html
    assert 'data-copy="user@gmail.com:pass1"' in html and 'data-copy-from="#accounts"' in html
    response = as_alice.get(f"/orders/{done.pk}/accounts.txt")
    assert response.content == b"user@gmail.com:pass1\n"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="order-{done.pk}-accounts.txt"')
    assert "no-store" in response["Cache-Control"]
    assert as_bob.get(f"/orders/{done.pk}/accounts.txt").status_code == 404
    assert as_bob.get(f"/orders/{done.pk}/").status_code == 404


def test_no_download_without_accounts(as_alice, mix):
    assert as_alice.get(f"/orders/{mix['active'].pk}/accounts.txt").status_code == 404


@pytest.mark.parametrize(("link", "clickable"), [
    ("https://instagram.com/p/x?a=1&b=2", True),
    ("javascript:alert(1)", False),
    ('"><script>alert(1)</script>', False),
])
def test_a_typed_link_is_escaped_and_clickable_only_if_http(as_alice, alice, service, link,
                                                            clickable):
    placed = order(alice, service, GMAIL, quantity=1)
    # stored as typed: before delivery addresses were checked, or by staff in the admin
    Order.objects.filter(pk=placed.pk).update(link=link)
    html = as_alice.get(f"/orders/{placed.pk}/").content.decode()
    assert "<script>alert" not in html
    assert ('href="https://instagram.com/p/x?a=1&amp;b=2"' in html) is clickable
    assert 'href="javascript' not in html


def test_an_sms_number_page_shows_the_number_countdown_and_code(as_alice, alice, provider):
    from orders.models import Kind
    from provider.models import SmsPrice

    offer = SmsPrice.objects.select_related("project", "country").filter(
        country__code="us").first()
    top_up(alice, D("1"))
    number = Order.objects.create(
        user=alice, provider=provider, kind=Kind.SMS, quantity=1, unit_price=offer.sell_price,
        price_unit=1, charge=offer.sell_price, state=State.PLACED, phone="+15550001234",
        sms_project=offer.project, sms_country=offer.country)
    from django.utils import timezone
    Order.objects.filter(pk=number.pk).update(expires_at=timezone.now() + timezone.timedelta(
        seconds=45))
    html = as_alice.get(f"/orders/{number.pk}/").content.decode()
    assert 'data-testid="phone">+15550001234<' in html and "Waiting for SMS" in html
    assert re.search(r'data-countdown="4[0-5]"', html)
    assert 'hx-trigger="every 2s"' in html
    Order.objects.filter(pk=number.pk).update(sms_code="123456", sms_text="Code 123456",
                                              state=State.COMPLETED)
    html = as_alice.get(f"/orders/{number.pk}/", headers=htmx("order-live")).content.decode()
    assert 'data-testid="code">123456<' in html and "Code received" in html
    assert "hx-trigger" not in html


@pytest.mark.parametrize(("state", "label", "words"), [
    (State.REVIEW, "Being checked", "Our team is checking this order"),
    (State.PROVIDER_FUNDS, "Delayed", "starts on its own as soon as they can"),
])
def test_an_order_waiting_for_a_person_says_what_is_happening(as_alice, mix, state, label,
                                                              words):
    active = mix["active"]
    Order.objects.filter(pk=active.pk).update(state=state, error="upstream: timeout")
    html = as_alice.get(f"/orders/{active.pk}/").content.decode()
    assert f'data-testid="status">{label}<' in html and words in html
    assert "Processing" not in html and "Starting soon" not in html
    assert "upstream: timeout" not in html, "staff's notes stay with staff"
    assert f">{label}<" in as_alice.get("/orders/").content.decode()


def test_a_refused_order_shows_the_reason_staff_gave(as_alice, alice, mix):
    from orders.staff import fail_and_refund
    from panel.models import User

    staff = User.objects.create_user(email="staff@example.com", password="x", is_staff=True)
    active = mix["active"]
    Order.objects.filter(pk=active.pk).update(state=State.REVIEW)
    assert fail_and_refund(active.pk, reason="This profile is private.", actor=staff)
    html = as_alice.get(f"/orders/{active.pk}/").content.decode()
    assert 'data-testid="status">Refused<' in html
    assert 'data-testid="status-why">Why: This profile is private.<' in html
    assert "Starting soon" not in html and "Nothing delivered" in html


def test_a_product_row_reads_as_items_and_its_address(as_alice, alice, service):
    bare = order(alice, service, GMAIL, quantity=1)
    addressed = order(alice, service, GMAIL, quantity=2, link="bob@example.com")
    smm = order(alice, service, FOLLOWERS, quantity=1000, link="https://instagram.com/nova")
    html = as_alice.get("/orders/").content.decode()
    assert f"#{bare.pk} · 1 item · <time" in html
    # links and addresses keep their left-to-right order inside Arabic (docs/i18n.md)
    assert f'#{addressed.pk} · 2 items to <bdi dir="ltr">bob@example.com</bdi> · <time' in html
    assert f'#{smm.pk} · 1,000 for <bdi dir="ltr">https://instagram.com/nova</bdi> · <time' in html
    assert "\u00d7 ·" not in html and "· ·" not in html


def test_the_list_costs_the_same_queries_for_more_orders(as_alice, alice, service,
                                                         django_assert_max_num_queries):
    for _ in range(3):
        order(alice, service, GMAIL, quantity=1, link="bob@example.com")
    with django_assert_max_num_queries(12) as few:
        as_alice.get("/orders/")
    for _ in range(20):
        order(alice, service, FOLLOWERS)
    with django_assert_max_num_queries(len(few.captured_queries)):
        as_alice.get("/orders/")
