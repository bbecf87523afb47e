"""Drip-feed (`runs`, `interval`): where the provider's service takes it, forwarded as asked,
charged `runs x quantity`, listed as `dripfeed` and mirrored as it progresses; everywhere else
refused, never silently placed as one ordinary order."""

from decimal import Decimal as D

import pytest

from orders.forwarding import forward_one
from orders.ledger import wallet_for
from orders.models import Order
from orders.states import State
from orders.tracking import poll
from provider.models import Service
from provider.pricing import order_amount
from tests.panel.api.helpers import FOLLOWERS, LIKES, LINK, synced

pytestmark = pytest.mark.django_db


@pytest.fixture
def standard(sandbox):
    return synced(sandbox, name="standard", standard=True)


def test_services_say_which_take_drip_feed(api, alice_key, standard):
    rows = {row["service"]: row for row in api(alice_key, "services")[1]}
    followers = Service.objects.get(provider=standard, upstream_id=FOLLOWERS)
    likes = Service.objects.get(provider=standard, upstream_id=LIKES)
    assert (rows[followers.pk]["dripfeed"], rows[likes.pk]["dripfeed"]) == (True, False)


def test_a_drip_feed_is_charged_per_run_forwarded_and_mirrored(api, alice_key, alice,
                                                               standard, sandbox):
    followers = Service.objects.get(provider=standard, upstream_id=FOLLOWERS)
    before = wallet_for(alice).balance
    status, answer = api(alice_key, "add", service=followers.pk, quantity=100, link=LINK,
                         runs=3, interval=15)
    assert status == 200
    order = Order.objects.get(pk=answer["order"])
    expected = order_amount(followers.sell_price, 300, 1000)
    assert (order.quantity, order.runs, order.interval, order.charge) == (300, 3, 15, expected)
    assert before - wallet_for(alice).balance == expected
    assert api(alice_key, "status", order=order.pk)[1]["remains"] == "300"

    assert forward_one(order.pk) == State.PLACED
    upstream = sandbox.orders()[-1]
    assert (upstream.order.quantity, upstream.order.runs, upstream.order.interval) == (
        300, 3, 15)
    assert upstream.charge == order_amount(D(str(followers.rate)), 300, 1000)

    sandbox.advance(15)
    poll(everything=True)
    remains = int(api(alice_key, "status", order=order.pk)[1]["remains"])
    assert 0 < remains < 300
    sandbox.advance(30)
    poll(everything=True)
    answer = api(alice_key, "status", order=order.pk)[1]
    assert (answer["status"], answer["remains"]) == ("Completed", "0")


@pytest.mark.parametrize(("params", "message"), [
    ({"runs": 3, "interval": 15, "upstream": LIKES},
     "Drip-feed is not available for this service."),
    ({"runs": 3}, "Drip-feed needs both runs and interval."),
    ({"runs": 0, "interval": 15}, "The runs must be a whole number from 1 to 1000."),
    ({"runs": 2, "interval": "x"}, "The interval must be a whole number from 1 to 43200."),
])
def test_refused_where_it_cannot_be_carried_out(api, alice_key, alice, standard, params,
                                                message):
    service = Service.objects.get(provider=standard,
                                  upstream_id=params.pop("upstream", FOLLOWERS))
    before = wallet_for(alice).balance
    assert api(alice_key, "add", service=service.pk, quantity=100, link=LINK, **params) == (
        200, {"error": message})
    assert not Order.objects.exists() and wallet_for(alice).balance == before


def test_refused_where_the_provider_has_no_drip_feed(api, alice_key, provider):
    """HstockPlus lists no `dripfeed`: its services never take one."""
    followers = Service.objects.get(provider=provider, upstream_id=FOLLOWERS)
    assert api(alice_key, "add", service=followers.pk, quantity=100, link=LINK, runs=2,
               interval=5) == (200, {"error": "Drip-feed is not available for this service."})
