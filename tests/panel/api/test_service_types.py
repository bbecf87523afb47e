"""The standard's service types, from the customer's `add` to the upstream's order: sync keeps
the type, placing takes and prices the type's fields (a package per order, comments by their
lines), forwarding sends exactly those fields (the sandbox's standard dialect checks them)."""

import pytest

from orders.forwarding import forward_one
from orders.ledger import wallet_for
from orders.models import Order
from orders.states import State
from provider.models import PriceUnit, Service
from provider.pricing import order_amount
from provider.sandbox.money import to_cents
from tests.panel.api.helpers import LINK, synced

pytestmark = pytest.mark.django_db

CUSTOM_COMMENTS, POLL, COMMENT_LIKES, PACKAGE, USER_FOLLOWERS, CUSTOM_LIST = 16, 22, 24, 28, 34, 40


@pytest.fixture
def standard(sandbox):
    return synced(sandbox, name="standard", standard=True)


def service(provider, upstream_id: int) -> Service:
    return Service.objects.get(provider=provider, upstream_id=upstream_id)


def place(api, key, svc, sandbox, **params):
    """Add through the API, forward, and return (our order, the sandbox's order)."""
    status, answer = api(key, "add", service=svc.pk, link=LINK, **params)
    assert status == 200, answer
    assert "order" in answer, answer
    order = Order.objects.get(pk=answer["order"])
    assert forward_one(order.pk) == State.PLACED
    upstream = sandbox.orders()[-1].order
    assert upstream.id == Order.objects.get(pk=order.pk).upstream_id
    return order, upstream


def test_sync_keeps_the_type(standard):
    assert service(standard, CUSTOM_COMMENTS).type == "Custom Comments"
    assert service(standard, PACKAGE).type == "Package"
    assert service(standard, PACKAGE).price_unit == PriceUnit.PER_ITEM  # a price per order
    assert service(standard, 1).type == "Default"


def test_custom_comments_count_their_lines(api, alice_key, alice, standard, sandbox):
    svc = service(standard, CUSTOM_COMMENTS)
    comments = "\r\n".join(f"Great video {n}!" for n in range(10)) + "\n\n  \n"
    before = wallet_for(alice).balance
    order, upstream = place(api, alice_key, svc, sandbox, comments=comments, quantity=999)
    expected = order_amount(svc.sell_price, 10, 1000)
    assert (order.quantity, order.charge) == (10, expected)
    assert before - wallet_for(alice).balance == expected
    assert upstream.fields == {"comments": "\n".join(f"Great video {n}!" for n in range(10))}
    assert upstream.quantity == 10  # counted upstream from the lines: no quantity sent
    _, answer = api(alice_key, "add", service=svc.pk, link=LINK, comments="just one")
    assert answer == {"error": "The number of comments (one per line) must be between 10 "
                      f"and {svc.max_quantity}."}


def test_a_package_is_one_order_at_its_price(api, alice_key, alice, standard, sandbox):
    svc = service(standard, PACKAGE)
    before = wallet_for(alice).balance
    order, upstream = place(api, alice_key, svc, sandbox)
    assert (order.quantity, order.charge, order.price_unit) == (1, svc.sell_price, 1)
    assert before - wallet_for(alice).balance == svc.sell_price
    assert upstream.package and upstream.quantity == 1 and upstream.fields == {}
    assert sandbox.orders()[-1].charge == to_cents(svc.rate)  # the upstream's price per order


@pytest.mark.parametrize(("upstream_id", "fields", "quantity"), [
    (POLL, {"answer_number": "2"}, 100),
    (COMMENT_LIKES, {"username": "the_author"}, 50),
    (USER_FOLLOWERS, {"username": "someone"}, 100),
])
def test_typed_fields_are_sent_as_given(api, alice_key, standard, sandbox, upstream_id,
                                        fields, quantity):
    svc = service(standard, upstream_id)
    order, upstream = place(api, alice_key, svc, sandbox, quantity=quantity, **fields)
    assert order.fields == fields and upstream.fields == fields
    assert upstream.quantity == quantity
    assert order.charge == order_amount(svc.sell_price, quantity, 1000)


def test_mentions_custom_list_counts_usernames(api, alice_key, standard, sandbox):
    svc = service(standard, CUSTOM_LIST)
    usernames = "\n".join(f"user{n}" for n in range(12))
    order, upstream = place(api, alice_key, svc, sandbox, usernames=usernames)
    assert order.quantity == upstream.quantity == 12
    assert upstream.fields == {"usernames": usernames}


@pytest.mark.parametrize(("upstream_id", "params", "message"), [
    (POLL, {"quantity": 100}, "This service needs answer_number."),
    (POLL, {"quantity": 100, "answer_number": "first"},
     "The answer number must be a whole number from 1."),
    (CUSTOM_COMMENTS, {"quantity": 10}, "This service needs comments."),
    (POLL, {"quantity": 100, "answer_number": "1", "runs": 2, "interval": 5},
     "Drip-feed is not available for this service."),
])
def test_missing_or_wrong_fields_are_refused(api, alice_key, alice, standard, upstream_id,
                                             params, message):
    before = wallet_for(alice).balance
    svc = service(standard, upstream_id)
    assert api(alice_key, "add", service=svc.pk, link=LINK, **params) == (
        200, {"error": message})
    assert not Order.objects.exists() and wallet_for(alice).balance == before


def test_subscriptions_are_refused_not_sent_as_something_else(api, alice_key, standard):
    svc = service(standard, 1)
    Service.objects.filter(pk=svc.pk).update(type="Subscriptions")
    assert api(alice_key, "add", service=svc.pk, link=LINK, quantity=100) == (
        200, {"error": "Orders of type Subscriptions are not supported."})
