"""`add`, `status` and `balance` over HTTP, and each well-known service's life."""

import re
from decimal import Decimal

import pytest

from provider.sandbox.catalog import (
    GMAIL_USA,
    INSTAGRAM_COMMENTS,
    INSTAGRAM_FOLLOWERS,
    INSTAGRAM_LIKES,
    NETFLIX_PREMIUM,
    OUTLOOK,
    TELEGRAM_MEMBERS,
    TIKTOK_VIEWS,
    TWITTER_AGED,
)
from provider.sandbox.state import FIRST_ORDER_ID

LINK = "https://instagram.com/p/abc"


@pytest.fixture(autouse=True)
def frozen_clock(sandbox):
    """The clock moves only when a test advances it, so ages are exact."""
    sandbox.reset(speed=0)


def add(sandbox, service, quantity, link=LINK, **params):
    return sandbox.call("add", service=service, quantity=quantity, link=link, **params).json()


def order(sandbox, service, quantity, link=LINK):
    reply = add(sandbox, service, quantity, link)
    assert set(reply) == {"order"}, reply
    return reply["order"]


def status(sandbox, order_id):
    return sandbox.call("status", order=order_id).json()


def balance(sandbox):
    return Decimal(sandbox.call("balance").json()["balance"])


def at(sandbox, order_id, age):
    """The status `age` sandbox seconds after the order was placed."""
    placed = sandbox.state.order_view(order_id).order.created_at
    sandbox.advance(placed + age - sandbox.state.now())
    return status(sandbox, order_id)


def test_balance_starts_at_one_thousand(sandbox):
    assert sandbox.call("balance").json() == {"balance": "1000.00", "currency": "USD"}


def test_add_answers_an_order_id_from_one_counter_and_debits_the_charge(sandbox):
    first = order(sandbox, INSTAGRAM_FOLLOWERS, 1000)
    second = order(sandbox, GMAIL_USA, 2, link="")
    assert (first, second) == (FIRST_ORDER_ID, FIRST_ORDER_ID + 1)
    assert balance(sandbox) == Decimal("1000.00") - Decimal("0.50") - Decimal("50.00")
    [one, two] = sandbox.orders()
    assert (one.order.service.id, one.order.quantity, one.order.link) == (1, 1000, LINK)
    assert (two.order.service.id, two.order.link) == (4, "")


@pytest.mark.parametrize(("params", "message"), [
    ({}, "Service ID is required"),
    ({"service": "12345", "quantity": "100", "link": LINK}, "Service not found"),
    ({"service": "x", "quantity": "100", "link": LINK}, "Service not found"),
    ({"service": "1", "quantity": "99", "link": LINK}, "Quantity must be between 100 and 10000"),
    ({"service": "1", "quantity": "10001", "link": LINK},
     "Quantity must be between 100 and 10000"),
    ({"service": "1", "link": LINK}, "Quantity must be between 100 and 10000"),
    ({"service": "1", "quantity": "lots", "link": LINK},
     "Quantity must be between 100 and 10000"),
    ({"service": "1", "quantity": "100"}, "Link is required"),
    ({"service": "1", "quantity": "100", "link": "  "}, "Link is required"),
    ({"service": "9", "quantity": "6"}, "Quantity must be between 1 and 5"),
    ({"service": "9", "quantity": "4"}, "Not enough stock"),
])
def test_add_refusals_create_nothing(sandbox, params, message):
    assert sandbox.call("add", **params).json() == {"error": message}
    assert sandbox.orders() == []
    assert balance(sandbox) == Decimal("1000.00")


def test_add_refuses_more_than_the_stock(sandbox):
    assert add(sandbox, TWITTER_AGED, 3, link="") == {"order": FIRST_ORDER_ID}
    assert add(sandbox, TWITTER_AGED, 1, link="") == {"error": "Not enough stock"}


def test_add_refuses_when_the_balance_is_short(sandbox):
    sandbox.reset(speed=0, balance="30.00")
    assert add(sandbox, GMAIL_USA, 2, link="") == {"error": "Insufficient balance"}
    assert add(sandbox, GMAIL_USA, 1, link="") == {"order": FIRST_ORDER_ID}
    assert sandbox.call("balance").json()["balance"] == "5.00"
    assert sandbox.call("inventory", service=GMAIL_USA).json()["stock"] == 49


@pytest.mark.parametrize(("params", "message"), [
    ({}, "Order ID is required"),
    ({"order": "1"}, "Order not found"),
    ({"order": "abc"}, "Order not found"),
])
def test_status_errors(sandbox, params, message):
    assert sandbox.call("status", **params).json() == {"error": message}


def test_instagram_followers_pending_then_in_progress_then_completed(sandbox):
    order_id = order(sandbox, INSTAGRAM_FOLLOWERS, 1000)
    assert status(sandbox, order_id) == {
        "status": "Pending", "charge": "0.50", "start_count": 0, "remains": 1000,
        "currency": "USD", "autoDelivery": True}
    assert at(sandbox, order_id, 4.9)["status"] == "Pending"
    assert at(sandbox, order_id, 5)["status"] == "In progress"
    halfway = at(sandbox, order_id, 17.5)
    assert halfway == {"status": "In progress", "charge": "0.50", "start_count": 1000,
                       "remains": 500, "currency": "USD", "autoDelivery": True}
    assert at(sandbox, order_id, 25)["remains"] == 200
    assert at(sandbox, order_id, 30) == {
        "status": "Completed", "charge": "0.50", "start_count": 1000, "remains": 0,
        "currency": "USD", "autoDelivery": True}
    assert at(sandbox, order_id, 3600)["status"] == "Completed"


def test_instagram_likes_ends_partial_and_credits_the_undelivered_part(sandbox):
    order_id = order(sandbox, INSTAGRAM_LIKES, 1001)
    assert balance(sandbox) == Decimal("999.80")
    assert at(sandbox, order_id, 29)["status"] == "In progress"
    final = at(sandbox, order_id, 30)
    assert final["status"] == "Partial"
    assert final["remains"] == 500
    assert final["charge"] == "0.10"  # 501 delivered at 0.20 per 1000
    assert balance(sandbox) == Decimal("999.90")
    assert at(sandbox, order_id, 300)["charge"] == "0.10"
    assert balance(sandbox) == Decimal("999.90")  # credited once


def test_instagram_comments_are_canceled_and_fully_credited(sandbox):
    order_id = order(sandbox, INSTAGRAM_COMMENTS, 100)
    assert balance(sandbox) == Decimal("999.60")
    assert at(sandbox, order_id, 9.9)["status"] == "Pending"
    assert at(sandbox, order_id, 10) == {
        "status": "Canceled", "charge": "0.00", "start_count": 0, "remains": 100,
        "currency": "USD", "autoDelivery": True}
    assert balance(sandbox) == Decimal("1000.00")


def test_credit_back_happens_without_anyone_polling_the_order(sandbox):
    order(sandbox, INSTAGRAM_COMMENTS, 1000)
    assert balance(sandbox) == Decimal("996.00")
    sandbox.advance(11)
    assert balance(sandbox) == Decimal("1000.00")


def test_gmail_is_delivered_with_one_credential_per_account(sandbox):
    order_id = order(sandbox, GMAIL_USA, 3, link="")
    assert status(sandbox, order_id) == {
        "status": "Pending", "charge": "75.00", "start_count": 0, "remains": 3,
        "currency": "USD", "autoDelivery": True}
    done = at(sandbox, order_id, 3)
    accounts = done.pop("accounts")
    assert done == {"status": "Completed", "charge": "75.00", "start_count": 3, "remains": 0,
                    "currency": "USD", "entityType": "product", "autoDelivery": True}
    assert list(done)[:5] == ["status", "charge", "start_count", "remains", "currency"]
    assert len(accounts) == len(set(accounts)) == 3
    assert all(re.fullmatch(r"user4_\d+_\d@gmail\.com:\S+", account) for account in accounts)
    assert at(sandbox, order_id, 100)["accounts"] == accounts  # the same every time


def test_outlook_delivers_half_then_ends_partial_with_only_those(sandbox):
    order_id = order(sandbox, OUTLOOK, 10, link="me@example.com")
    assert at(sandbox, order_id, 2)["status"] == "Pending"
    halfway = at(sandbox, order_id, 3)
    assert (halfway["status"], halfway["remains"], len(halfway["accounts"])) == (
        "In progress", 5, 5)
    assert all("@outlook.com:" in account for account in halfway["accounts"])
    final = at(sandbox, order_id, 10)
    assert (final["status"], final["remains"], final["charge"]) == ("Partial", 5, "10.00")
    assert final["accounts"] == halfway["accounts"]
    assert balance(sandbox) == Decimal("990.00")


def test_netflix_is_manual_and_slow(sandbox):
    order_id = order(sandbox, NETFLIX_PREMIUM, 2, link="")
    pending = at(sandbox, order_id, 19)
    assert (pending["status"], pending["autoDelivery"]) == ("Pending", False)
    working = at(sandbox, order_id, 21)
    assert working["status"] == "In progress"
    assert "accounts" not in working
    assert "entityType" not in working
    done = at(sandbox, order_id, 50)
    assert (done["status"], done["remains"], len(done["accounts"])) == ("Completed", 0, 2)
    assert done["charge"] == "11.00"


def test_telegram_members_behave_like_followers(sandbox):
    order_id = order(sandbox, TELEGRAM_MEMBERS, 200, link="https://t.me/chan")
    assert at(sandbox, order_id, 4)["status"] == "Pending"
    assert at(sandbox, order_id, 17.5)["remains"] == 100
    assert at(sandbox, order_id, 30)["status"] == "Completed"
    assert status(sandbox, order_id)["charge"] == "0.25"


def test_tiktok_views_are_quick(sandbox):
    order_id = order(sandbox, TIKTOK_VIEWS, 100_000, link="https://tiktok.com/@me/video/1")
    assert status(sandbox, order_id)["charge"] == "1.50"
    assert at(sandbox, order_id, 1.9)["status"] == "Pending"
    assert at(sandbox, order_id, 2)["status"] == "In progress"
    assert at(sandbox, order_id, 15)["status"] == "Completed"


def test_twitter_accounts_are_low_stock_but_instant(sandbox):
    order_id = order(sandbox, TWITTER_AGED, 2, link="")
    assert sandbox.call("inventory", service=TWITTER_AGED).json()["stock"] == 1
    done = at(sandbox, order_id, 3)
    assert (done["status"], len(done["accounts"])) == ("Completed", 2)


def test_filler_services_can_be_ordered_and_complete(sandbox):
    catalog = sandbox.call("services").json()["services"]
    smm = next(item for item in catalog if item["service"] > 9 and item["entityType"] == "smm")
    order_id = order(sandbox, smm["service"], smm["min"])
    assert at(sandbox, order_id, 30)["status"] == "Completed"


def test_multi_status_is_off_by_default_for_this_dialect(sandbox):
    first = order(sandbox, INSTAGRAM_FOLLOWERS, 100)
    reply = sandbox.call("status", orders=f"{first},{first}").json()
    assert reply == {"error": "Order ID is required"}


def test_multi_status_knob_answers_an_object_keyed_by_order(sandbox):
    sandbox.configure(multi_status=True)
    first = order(sandbox, INSTAGRAM_FOLLOWERS, 100)
    second = order(sandbox, GMAIL_USA, 1, link="")
    reply = sandbox.call("status", orders=f"{first},{second},5,zz").json()
    assert list(reply) == [str(first), str(second), "5", "zz"]
    assert reply[str(first)]["status"] == "Pending"
    assert reply[str(second)]["charge"] == "25.00"
    assert reply["5"] == reply["zz"] == {"error": "Order not found"}
    assert sandbox.call("status", order=first).json()["status"] == "Pending"
    too_many = ",".join(str(n) for n in range(101))
    assert "error" in sandbox.call("status", orders=too_many).json()
