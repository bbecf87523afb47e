"""The standard SMM panel API v2 dialect over HTTP, on the same account and orders."""

import re
from decimal import Decimal

import pytest

from provider.sandbox.catalog import (
    GMAIL_USA,
    INSTAGRAM_COMMENTS,
    INSTAGRAM_FOLLOWERS,
    INSTAGRAM_LIKES,
    TELEGRAM_MEMBERS,
    TIKTOK_VIEWS,
)
from provider.sandbox.state import FIRST_ORDER_ID

LINK = "https://instagram.com/p/abc"


@pytest.fixture(autouse=True)
def frozen_clock(sandbox):
    sandbox.reset(speed=0)


def call(sandbox, action, **params):
    return sandbox.call(action, dialect="standard", **params).json()


def add(sandbox, service, quantity, link=LINK):
    reply = call(sandbox, "add", service=service, quantity=quantity, link=link)
    assert set(reply) == {"order"}, reply
    return reply["order"]


def test_services_is_a_bare_list_of_smm_services_in_the_standard_shape(sandbox):
    listing = call(sandbox, "services")
    assert isinstance(listing, list)
    hstock = sandbox.call("services").json()["services"]
    assert [item["service"] for item in listing] == [
        item["service"] for item in hstock if item["entityType"] == "smm"]
    base = {"service", "name", "type", "category", "rate", "min", "max", "refill", "cancel"}
    for item in listing:
        assert base <= set(item) <= base | {"dripfeed", "desc"}
        assert isinstance(item["min"], str)
        assert isinstance(item["max"], str)
    assert any("dripfeed" in item and "desc" in item for item in listing)
    assert any("dripfeed" not in item for item in listing)
    assert any(re.fullmatch(r"\d+\.\d{5}", item["rate"]) for item in listing)
    first = listing[0]
    assert (first["service"], first["name"], first["rate"], first["min"], first["max"]) == (
        1, "Instagram Followers", "0.50", "100", "10000")
    tiktok = next(item for item in listing if item["service"] == TIKTOK_VIEWS)
    assert Decimal(tiktok["rate"]) == Decimal("0.015")


@pytest.mark.parametrize("action", [
    "categories", "inventory", "sms_projects", "sms_countries", "add_sms", "sms_code",
    "sms_status", "nonsense",
])
def test_hstockplus_only_actions_are_invalid_here(sandbox, action):
    assert call(sandbox, action) == {"error": "Invalid action"}


@pytest.mark.parametrize("action", ["refill", "refill_status", "cancel"])
def test_standard_only_actions_are_invalid_in_the_hstockplus_dialect(sandbox, action):
    assert sandbox.call(action, order=1).json() == {"error": "Invalid action"}


def test_wrong_key_is_refused(sandbox):
    assert call(sandbox, "balance", key="nope") == {"error": "Invalid API key"}


def test_balance_is_the_same_account(sandbox):
    add(sandbox, INSTAGRAM_FOLLOWERS, 1000)
    assert call(sandbox, "balance") == {"balance": "999.50", "currency": "USD"}
    assert sandbox.call("balance").json() == call(sandbox, "balance")


def test_add_places_orders_in_the_shared_state(sandbox):
    order_id = add(sandbox, INSTAGRAM_FOLLOWERS, 1000)
    assert order_id == FIRST_ORDER_ID
    assert sandbox.call("status", order=order_id).json()["status"] == "Pending"
    [view] = sandbox.orders()
    assert view.order.dialect == "standard"
    hstock_order = sandbox.call("add", service=1, quantity=100, link=LINK).json()["order"]
    assert call(sandbox, "status", order=hstock_order)["status"] == "Pending"


def test_add_does_not_sell_products_here(sandbox):
    assert call(sandbox, "add", service=GMAIL_USA, quantity=1) == {"error": "Service not found"}


def test_insufficient_funds_has_the_standard_wording(sandbox):
    sandbox.reset(speed=0, balance="0.10")
    reply = call(sandbox, "add", service=INSTAGRAM_FOLLOWERS, quantity=1000, link=LINK)
    assert reply == {"error": "Not enough funds on balance"}


def test_status_numbers_are_strings_and_words_are_standard(sandbox):
    order_id = add(sandbox, INSTAGRAM_FOLLOWERS, 1000)
    assert call(sandbox, "status", order=order_id) == {
        "charge": "0.50000", "start_count": "0", "status": "Pending", "remains": "1000",
        "currency": "USD"}
    sandbox.advance(17.5)
    assert call(sandbox, "status", order=order_id) == {
        "charge": "0.50000", "start_count": "1000", "status": "Processing", "remains": "500",
        "currency": "USD"}
    sandbox.advance(20)
    assert call(sandbox, "status", order=order_id)["status"] == "Completed"


def test_canceled_is_spelled_cancelled(sandbox):
    order_id = add(sandbox, INSTAGRAM_COMMENTS, 10)
    sandbox.advance(10)
    reply = call(sandbox, "status", order=order_id)
    assert (reply["status"], reply["charge"], reply["remains"]) == ("Cancelled", "0.00000", "10")


def test_status_of_an_unknown_order(sandbox):
    assert call(sandbox, "status", order=99) == {"error": "Incorrect order ID"}


def test_status_of_many_orders_is_keyed_by_id(sandbox):
    first = add(sandbox, INSTAGRAM_FOLLOWERS, 100)
    second = add(sandbox, INSTAGRAM_LIKES, 100)
    reply = call(sandbox, "status", orders=f"{first}, {second},7")
    assert list(reply) == [str(first), str(second), "7"]
    assert reply[str(first)]["status"] == "Pending"
    assert reply[str(second)]["remains"] == "100"
    assert reply["7"] == {"error": "Incorrect order ID"}


def test_status_takes_at_most_one_hundred_orders(sandbox):
    order_id = add(sandbox, INSTAGRAM_FOLLOWERS, 100)
    hundred = ",".join([str(order_id)] + [str(n) for n in range(99)])
    assert len(call(sandbox, "status", orders=hundred)) == 100
    assert "error" in call(sandbox, "status", orders=hundred + ",5")


def test_standard_multi_status_knob_can_turn_batches_off(sandbox):
    sandbox.configure(standard_multi_status=False)
    order_id = add(sandbox, INSTAGRAM_FOLLOWERS, 100)
    assert call(sandbox, "status", orders=str(order_id)) == {"error": "Order ID is required"}


def test_refill_of_a_completed_order(sandbox):
    order_id = add(sandbox, INSTAGRAM_FOLLOWERS, 100)
    assert call(sandbox, "refill", order=order_id) == {"error": "Order is not completed yet"}
    sandbox.advance(30)
    reply = call(sandbox, "refill", order=order_id)
    assert set(reply) == {"refill"}
    refill_id = reply["refill"]
    assert call(sandbox, "refill_status", refill=refill_id) == {"status": "Pending"}
    sandbox.advance(10)
    assert call(sandbox, "refill_status", refill=refill_id) == {"status": "Completed"}


def test_refill_errors(sandbox):
    no_refill = add(sandbox, TELEGRAM_MEMBERS, 100)
    sandbox.advance(30)
    assert call(sandbox, "refill", order=no_refill) == {
        "error": "Refill is disabled for this service"}
    assert call(sandbox, "refill", order=5) == {"error": "Incorrect order ID"}
    assert call(sandbox, "refill") == {"error": "Order ID is required"}
    assert call(sandbox, "refill_status", refill=5) == {"error": "Refill not found"}
    assert call(sandbox, "refill_status") == {"error": "Refill ID is required"}


def test_refill_and_refill_status_in_batches(sandbox):
    done = add(sandbox, INSTAGRAM_FOLLOWERS, 100)
    sandbox.advance(30)
    reply = call(sandbox, "refill", orders=f"{done},3")
    assert reply[1] == {"order": 3, "refill": {"error": "Incorrect order ID"}}
    refill_id = reply[0]["refill"]
    assert reply[0] == {"order": done, "refill": refill_id}
    statuses = call(sandbox, "refill_status", refills=f"{refill_id},4")
    assert statuses == [{"refill": refill_id, "status": "Pending"},
                        {"refill": 4, "status": {"error": "Refill not found"}}]


def test_cancel_before_work_starts_cancels_and_credits_everything(sandbox):
    order_id = add(sandbox, TELEGRAM_MEMBERS, 1000)
    assert call(sandbox, "balance")["balance"] == "998.75"
    assert call(sandbox, "cancel", orders=f"{order_id},2") == [
        {"order": order_id, "cancel": 1},
        {"order": 2, "cancel": {"error": "Incorrect order ID"}}]
    reply = call(sandbox, "status", order=order_id)
    assert (reply["status"], reply["charge"], reply["remains"]) == ("Cancelled", "0.00000", "1000")
    assert call(sandbox, "balance")["balance"] == "1000.00"
    sandbox.advance(60)
    assert call(sandbox, "status", order=order_id)["status"] == "Cancelled"


def test_cancel_while_in_progress_ends_partial(sandbox):
    order_id = add(sandbox, TELEGRAM_MEMBERS, 1000)
    sandbox.advance(17.5)
    assert call(sandbox, "cancel", orders=str(order_id)) == [{"order": order_id, "cancel": 1}]
    reply = call(sandbox, "status", order=order_id)
    assert (reply["status"], reply["remains"], reply["charge"]) == ("Partial", "500", "0.63000")
    assert call(sandbox, "balance")["balance"] == "999.37"


def test_cancel_refusals(sandbox):
    not_cancelable = add(sandbox, INSTAGRAM_FOLLOWERS, 100)
    finished = add(sandbox, TELEGRAM_MEMBERS, 100)
    sandbox.advance(30)
    reply = call(sandbox, "cancel", orders=f"{not_cancelable},{finished},abc")
    assert reply == [
        {"order": not_cancelable, "cancel": {"error": "Cancel is not available for this service"}},
        {"order": finished, "cancel": {"error": "Order cannot be canceled"}},
        {"order": "abc", "cancel": {"error": "Incorrect order ID"}},
    ]
    assert call(sandbox, "cancel") == {"error": "Order ID is required"}
