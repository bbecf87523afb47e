"""The customer's notices: the list (newest first, marked read once seen), one notice opened,
the bell and its count endpoint (htmx, one query), the account's e-mail switches; each
customer reaches only their own, with query bounds and no 500 from odd input."""

import pytest
from django.test import Client

from panel import notifications
from panel.models import Notice, NoticeKind
from tests.panel.storefront.conftest import htmx

pytestmark = pytest.mark.usefixtures("quick_passwords")


def told(user, n: int, *, kind: str = NoticeKind.DEPOSIT, first: int = 1) -> list[Notice]:
    return [
        notifications.tell(
            notifications.Event(
                user_id=user.pk,
                kind=kind,
                object_id=i,
                link=f"/wallet/deposits/{i}/",
                params={"reference": f"D{i}", "method": "Bank", "credited": "10.5", "bonus": ""},
            )
        )
        for i in range(first, first + n)
    ]


def test_the_list_shows_the_newest_first_and_marks_them_read(alice, as_alice):
    told(alice, 2)
    notifications.tell(
        notifications.Event(
            user_id=alice.pk,
            kind=NoticeKind.ORDER,
            object_id=7,
            link="/orders/7/",
            params={
                "order": 7,
                "state": "partial",
                "quantity": 1000,
                "service": "Likes <b>",
                "refunded": "0.6000",
                "not_delivered": 300,
            },
        )
    )
    html = as_alice.get("/notices/").content.decode()
    assert html.index("Order #7 ended partial") < html.index("Deposit credited: $10.50")
    assert "300 of 1,000 of Likes &lt;b&gt; could not be delivered." in html
    assert "$0.60 for what was not delivered went back to your balance." in html
    assert html.count(">New</span>") == 3
    newest = Notice.objects.get(object_id=7)
    assert f'href="/notices/{newest.pk}/"' in html
    assert not Notice.objects.filter(read_at=None).exists(), "seen"
    again = as_alice.get("/notices/").content.decode()
    assert ">New</span>" not in again and 'data-testid="notice-count"' not in again


def test_opening_a_notice_marks_it_read_and_goes_to_its_page(alice, as_alice):
    [notice, other] = told(alice, 2)
    response = as_alice.get(f"/notices/{notice.pk}/")
    assert response.status_code == 302 and response["Location"] == "/wallet/deposits/1/"
    notice.refresh_from_db()
    other.refresh_from_db()
    assert notice.read_at is not None and other.read_at is None


def test_a_notice_never_leads_to_another_site(alice, as_alice):
    [notice] = told(alice, 1)
    Notice.objects.filter(pk=notice.pk).update(link="//evil.example.com/")
    assert as_alice.get(f"/notices/{notice.pk}/")["Location"] == "/notices/"


def test_a_customer_reaches_only_their_own_notices(alice, bob, as_bob):
    [notice] = told(alice, 1)
    told(bob, 1, first=50)
    assert as_bob.get(f"/notices/{notice.pk}/").status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None, "someone else's stays unread"
    html = as_bob.get("/notices/").content.decode()
    assert "D50" in html and "D1)" not in html
    assert Client().get("/notices/").status_code == 302  # signed out: sign in first
    assert Client().get(f"/notices/{notice.pk}/").status_code == 302


def test_the_bell_counts_unread_notices_and_polls(alice, bob, as_alice):
    told(alice, 3)
    told(bob, 2, first=10)
    page = as_alice.get("/orders/").content.decode()
    assert 'id="notice-bell"' in page and 'hx-trigger="every 30s"' in page
    assert 'data-testid="notice-count">3<' in page and "Notices: 3 new" in page
    response = as_alice.get("/notices/count", headers=htmx("notice-bell"))
    html = response.content.decode()
    assert html.lstrip().startswith('<a id="notice-bell"') and "<html" not in html
    assert 'data-testid="notice-count">3<' in html
    assert "no-store" in response["Cache-Control"]


def test_the_count_stops_polling_once_signed_out(db):
    response = Client().get("/notices/count", headers=htmx("notice-bell"))
    assert response.status_code == 286 and response.content == b""


def test_the_bell_is_only_for_signed_in_customers(db):
    assert 'id="notice-bell"' not in Client().get("/catalog/").content.decode()


def test_the_count_and_the_list_cost_the_same_queries_for_more_notices(
    alice, as_alice, django_assert_max_num_queries
):
    told(alice, 2)
    as_alice.get("/notices/count")  # session warmed
    with django_assert_max_num_queries(3) as few:  # session, user, the count
        as_alice.get("/notices/count")
    listing = []
    for first in (100, 200):
        told(alice, 2 if first == 100 else 40, first=first)
        with django_assert_max_num_queries(12) as counted:
            assert as_alice.get("/notices/").status_code == 200
        listing.append(len(counted.captured_queries))
    assert listing[0] == listing[1]
    told(alice, 40, first=500)
    with django_assert_max_num_queries(len(few.captured_queries)):
        as_alice.get("/notices/count")


def test_the_account_page_switches_emails_per_kind(alice, as_alice):
    html = as_alice.get("/account/").content.decode()
    for name in ("email_orders", "email_deposits", "email_tickets"):
        assert f'name="{name}" checked' in html, "on by default"
    response = as_alice.post("/account/emails/", {"email_deposits": "on"})
    assert response.status_code == 302 and response["Location"] == "/account/"
    alice.refresh_from_db()
    assert (alice.email_orders, alice.email_deposits, alice.email_tickets) == (False, True, False)
    html = as_alice.get("/account/").content.decode()
    assert 'name="email_deposits" checked' in html and 'name="email_orders" checked' not in html


@pytest.mark.parametrize(
    "data",
    [
        {"email_orders": "yes", "email_tickets": ["on", "on"]},
        {"email_orders": "x" * 10000, "is_staff": "on", "email_verified": "on"},
        {},
    ],
)
def test_odd_switch_forms_never_a_500_nor_change_anything_else(alice, as_alice, data):
    response = as_alice.post("/account/emails/", data)
    assert response.status_code == 302
    alice.refresh_from_db()
    assert not alice.is_staff
    assert alice.email_orders is False
    assert alice.email_tickets == (data.get("email_tickets") == ["on", "on"])


@pytest.mark.parametrize(
    "path",
    [
        "/notices/99999999999999999999999/",
        "/notices/0/",
        "/notices/-1/",
        "/notices/abc/",
        "/notices/?page=%00",
        "/notices/count?x=%ff",
    ],
)
def test_odd_paths_never_a_500(as_alice, path):
    assert as_alice.get(path).status_code in (200, 302, 400, 404)


def test_switches_and_counts_want_the_right_method(as_alice):
    assert as_alice.get("/account/emails/").status_code == 405
    assert as_alice.post("/notices/count").status_code == 405
