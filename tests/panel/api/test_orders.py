"""`add`, `status` (one order and many), and `balance`: the storefront's own placing code,
the panel's states in the standard words, and only the key owner's orders."""

from decimal import Decimal as D

import pytest

from orders.forwarding import forward_one
from orders.ledger import refund_order
from orders.models import Order
from orders.states import State
from orders.tracking import poll
from provider.models import Service
from tests.panel.api.helpers import (
    COMMENTS,
    FOLLOWERS,
    GMAIL,
    LIKES,
    LINK,
    NETFLIX,
    OUTLOOK,
    TWITTER,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def svc(provider):
    return lambda upstream_id: Service.objects.get(provider=provider, upstream_id=upstream_id)


def add(api, key, service, quantity, link=LINK):
    status, answer = api(key, "add", service=service.pk, quantity=quantity, link=link)
    assert status == 200, answer
    return answer


def test_add_places_an_order_through_the_storefront_code(api, alice, alice_key, svc):
    followers = svc(FOLLOWERS)
    answer = add(api, alice_key, followers, 1000)
    order = Order.objects.get()
    assert answer == {"order": order.pk}
    assert (order.user, order.service, order.quantity, order.link) == (
        alice, followers, 1000, LINK)
    assert order.state == State.QUEUED and order.charge == followers.sell_price
    assert api(alice_key, "balance")[1] == {
        "balance": f"{D('100') - order.charge:.4f}", "currency": "USD"}


def test_add_product_without_a_link(api, alice_key, svc):
    answer = add(api, alice_key, svc(GMAIL), 2, link="")
    assert Order.objects.get(pk=answer["order"]).kind == "product"


@pytest.mark.parametrize(("params", "message"), [
    ({}, "Service ID is required"),
    ({"service": "999999", "quantity": "100", "link": LINK}, "Service not found."),
    ({"service": "abc", "quantity": "100", "link": LINK}, "Service not found."),
    ({"service": "FOLLOWERS", "quantity": "", "link": LINK}, "Quantity must be a whole number."),
    ({"service": "FOLLOWERS", "quantity": "99", "link": LINK}, "between 100 and 10000"),
    ({"service": "FOLLOWERS", "quantity": "100", "link": ""}, "A link is required"),
    ({"service": "FOLLOWERS", "quantity": "100", "link": "javascript:alert(1)"}, "http"),
    ({"service": "TWITTER", "quantity": "4"}, "Only 3 left in stock."),
])
def test_add_refusals_charge_nothing(api, alice, alice_key, svc, params, message):
    ids = {"FOLLOWERS": svc(FOLLOWERS).pk, "TWITTER": svc(TWITTER).pk}
    params = {k: ids.get(v, v) for k, v in params.items()}
    status, answer = api(alice_key, "add", **params)
    assert status == 200 and message in answer["error"]
    assert not Order.objects.exists()
    alice.wallet.refresh_from_db()
    assert alice.wallet.balance == D("100.00")


def test_add_with_too_little_money(api, make_customer, svc):
    from panel.apikeys import regenerate_api_key

    poor = make_customer("poor@example.com", balance="0.10")
    key = regenerate_api_key(poor)
    status, answer = api(key, "add", service=svc(GMAIL).pk, quantity=1)
    assert status == 200 and answer["error"].startswith("Insufficient balance")
    assert not Order.objects.exists()


def test_balance_is_the_wallet(api, make_customer):
    from panel.apikeys import regenerate_api_key

    carol = make_customer("carol@example.com", balance="12.34")
    assert api(regenerate_api_key(carol), "balance") == (
        200, {"balance": "12.3400", "currency": "USD"})


def test_balance_of_a_customer_without_a_wallet(api, django_user_model):
    from panel.apikeys import regenerate_api_key

    dave = django_user_model.objects.create_user(email="dave@example.com", password="x",
                                                 email_verified=True)
    assert api(regenerate_api_key(dave), "balance")[1]["balance"] == "0.0000"


def test_currency_follows_the_setting(api, alice_key, settings, provider):
    settings.PANEL_CURRENCY = "EUR"
    assert api(alice_key, "balance")[1]["currency"] == "EUR"


# --- status ------------------------------------------------------------------------------


def status_of(api, key, order_id):
    status, answer = api(key, "status", order=order_id)
    assert status == 200
    return answer


def test_status_follows_the_order_to_completed(api, alice_key, svc, sandbox):
    order_id = add(api, alice_key, svc(FOLLOWERS), 1000)["order"]
    charge = Order.objects.get(pk=order_id).charge
    assert status_of(api, alice_key, order_id) == {
        "status": "Pending", "charge": f"{charge:.4f}", "start_count": "0", "remains": "1000",
        "currency": "USD", "autoDelivery": True}
    forward_one(order_id)
    assert status_of(api, alice_key, order_id)["status"] == "Pending"
    sandbox.advance(15)
    poll(everything=True)
    answer = status_of(api, alice_key, order_id)
    assert answer["status"] == "In progress" and answer["start_count"] == "1000"
    assert 0 < int(answer["remains"]) < 1000
    sandbox.advance(20)
    poll(everything=True)
    answer = status_of(api, alice_key, order_id)
    assert answer == {"status": "Completed", "charge": f"{charge:.4f}", "start_count": "1000",
                      "remains": "0", "currency": "USD", "autoDelivery": True}
    # Never the upstream's id or cost.
    order = Order.objects.get(pk=order_id)
    assert str(order.upstream_id) not in str(answer)


def test_partial_charge_is_net_of_the_refund(api, alice_key, svc, sandbox):
    order_id = add(api, alice_key, svc(LIKES), 1000)["order"]
    forward_one(order_id)
    sandbox.advance(31)
    poll(everything=True)
    order = Order.objects.get(pk=order_id)
    assert order.refunded > 0
    answer = status_of(api, alice_key, order_id)
    assert answer["status"] == "Partial" and answer["remains"] == "500"
    assert answer["charge"] == f"{order.charge - order.refunded:.4f}"


def test_canceled_upstream(api, alice_key, svc, sandbox):
    order_id = add(api, alice_key, svc(COMMENTS), 10)["order"]
    forward_one(order_id)
    sandbox.advance(11)
    poll(everything=True)
    answer = status_of(api, alice_key, order_id)
    assert (answer["status"], answer["charge"], answer["remains"]) == ("Canceled", "0.0000", "10")


def test_rejected_reads_canceled_with_everything_remaining(api, alice_key, svc, sandbox):
    sandbox.fault("add", "error", message="Invalid link")
    order_id = add(api, alice_key, svc(FOLLOWERS), 300)["order"]
    assert forward_one(order_id) == State.REJECTED
    assert status_of(api, alice_key, order_id) == {
        "status": "Canceled", "charge": "0.0000", "start_count": "0", "remains": "300",
        "currency": "USD", "autoDelivery": True}


@pytest.mark.parametrize("state", [State.QUEUED, State.SENDING, State.REVIEW,
                                   State.PROVIDER_FUNDS])
def test_held_states_read_pending(api, alice_key, svc, state):
    order_id = add(api, alice_key, svc(FOLLOWERS), 100)["order"]
    Order.objects.filter(pk=order_id).update(state=state)
    answer = status_of(api, alice_key, order_id)
    assert (answer["status"], answer["remains"]) == ("Pending", "100")


@pytest.mark.parametrize(("upstream", "word"), [
    ("Pending", "Pending"), ("In progress", "In progress"), ("Processing", "In progress"),
    ("Something new", "Pending"), ("", "Pending")])
def test_placed_mirrors_the_upstream_word(api, alice_key, svc, upstream, word):
    order_id = add(api, alice_key, svc(FOLLOWERS), 100)["order"]
    Order.objects.filter(pk=order_id).update(state=State.PLACED, upstream_id=1,
                                             upstream_status=upstream, remains=40)
    answer = status_of(api, alice_key, order_id)
    assert (answer["status"], answer["remains"]) == (word, "40")


def test_refunds_made_by_staff_show_in_the_charge(api, alice_key, svc):
    order_id = add(api, alice_key, svc(GMAIL), 2, link="")["order"]
    order = Order.objects.get(pk=order_id)
    Order.objects.filter(pk=order_id).update(state=State.PARTIAL, remains=1)
    refund_order(order_id, order.charge / 2, reason="test")
    assert status_of(api, alice_key, order_id)["charge"] == f"{order.charge / 2:.4f}"


def test_products_list_their_accounts(api, alice_key, svc, sandbox):
    order_id = add(api, alice_key, svc(OUTLOOK), 4, link="")["order"]
    forward_one(order_id)
    sandbox.advance(4)
    poll(everything=True)
    answer = status_of(api, alice_key, order_id)
    assert answer["status"] == "In progress"
    assert answer["entityType"] == "product" and answer["autoDelivery"] is True
    assert len(answer["accounts"]) == 2
    sandbox.advance(10)
    poll(everything=True)
    answer = status_of(api, alice_key, order_id)
    assert (answer["status"], answer["remains"], len(answer["accounts"])) == ("Partial", "2", 2)


def test_manual_product_before_delivery(api, alice_key, svc):
    order_id = add(api, alice_key, svc(NETFLIX), 1, link="")["order"]
    answer = status_of(api, alice_key, order_id)
    assert (answer["autoDelivery"], answer["entityType"], answer["accounts"]) == (
        False, "product", [])


def test_status_only_of_ones_own_orders(api, alice_key, bob_key, svc):
    order_id = add(api, alice_key, svc(FOLLOWERS), 100)["order"]
    # The standard's words, single and batch alike.
    assert api(bob_key, "status", order=order_id) == (200, {"error": "Incorrect order ID"})
    assert api(alice_key, "status", order=999999) == (200, {"error": "Incorrect order ID"})
    assert api(alice_key, "status", order="abc") == (200, {"error": "Incorrect order ID"})
    assert api(alice_key, "status") == (200, {"error": "Order ID is required"})


def test_multi_status_with_foreign_and_unknown_ids(api, alice_key, bob_key, svc):
    mine = [add(api, alice_key, svc(FOLLOWERS), 100)["order"] for _ in range(2)]
    bobs = add(api, bob_key, svc(FOLLOWERS), 100)["order"]
    ids = f"{mine[0]}, {mine[1]},{bobs},999999,abc,,{mine[0]}"
    status, answer = api(alice_key, "status", orders=ids)
    assert status == 200
    assert list(answer) == [str(mine[0]), str(mine[1]), str(bobs), "999999", "abc"]
    assert answer[str(mine[0])]["status"] == "Pending"
    assert answer[str(mine[1])]["remains"] == "100"
    for foreign in (str(bobs), "999999", "abc"):
        assert answer[foreign] == {"error": "Incorrect order ID"}


def test_status_with_a_comma_list_in_order_answers_like_orders(api, alice_key, bob_key, svc):
    """Some SDKs send `order=1,2` for several orders."""
    mine = [add(api, alice_key, svc(FOLLOWERS), 100)["order"] for _ in range(2)]
    bobs = add(api, bob_key, svc(FOLLOWERS), 100)["order"]
    ids = f"{mine[0]},{mine[1]},{bobs}"
    status, answer = api(alice_key, "status", order=ids)
    assert status == 200 and answer == api(alice_key, "status", orders=ids)[1]
    assert answer[str(mine[0])]["remains"] == "100"
    assert answer[str(bobs)] == {"error": "Incorrect order ID"}


def test_status_numbers_are_strings_so_a_zero_remains_is_seen(api, alice_key, svc):
    """A client testing `if status["remains"]:` must see a completed order's "0"."""
    order_id = add(api, alice_key, svc(FOLLOWERS), 100)["order"]
    Order.objects.filter(pk=order_id).update(state=State.COMPLETED, upstream_id=1,
                                             start_count=0, remains=0)
    answer = status_of(api, alice_key, order_id)
    assert (answer["charge"], answer["start_count"], answer["remains"]) == (
        answer["charge"], "0", "0")
    assert all(isinstance(answer[field], str) and answer[field]
               for field in ("charge", "start_count", "remains"))
    multi = api(alice_key, "status", orders=order_id)[1][str(order_id)]
    assert multi["remains"] == "0"


def test_multi_status_takes_up_to_100_ids(api, alice_key, svc, django_assert_max_num_queries):
    order_id = add(api, alice_key, svc(FOLLOWERS), 100)["order"]
    ids = ",".join([str(order_id)] + [str(900000 + i) for i in range(99)])
    with django_assert_max_num_queries(2):
        _, answer = api(alice_key, "status", orders=ids)
    assert len(answer) == 100 and answer[str(order_id)]["status"] == "Pending"
    too_many = ids + ",800000"
    assert api(alice_key, "status", orders=too_many) == (
        200, {"error": "Too many ids: at most 100 per call"})
    assert api(alice_key, "status", orders=" , ") == (200, {"error": "Order ID is required"})


def test_a_single_order_wins_over_orders(api, alice_key, svc):
    order_id = add(api, alice_key, svc(FOLLOWERS), 100)["order"]
    answer = api(alice_key, "status", order=order_id, orders=f"{order_id},2")[1]
    assert answer["status"] == "Pending"
