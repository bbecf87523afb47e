"""Redis stopped while customers order: the broker and the cache are gone at once.

Orders are accepted and charged (the web request only debits and queues, and a broker that
cannot be reached is logged, not raised); the API and the storefront keep answering (rate
limits fail open); once Redis is back, empty (no persistence), the forwarding sweep that beat
schedules finds the queued orders and the worker sends each of them once.
"""

from decimal import Decimal as D

import requests

from tests.faults.money import check_money
from tests.fixtures.stack import Api

ORDERS = 4
WITHIN = 90.0  # seconds: a bound on the recovery, never a measure of it


def test_orders_placed_while_redis_is_down_are_charged_and_sent_once_it_is_back(make_stack):
    stack = make_stack(tag="redis")
    stack.start_web()
    stack.start_worker()
    stack.start_beat()
    api = Api(stack.base, stack.new_customer("buyer@example.com", "20.00"))
    service = api.service_id("Instagram Followers")

    stack.redis.stop()
    placed = [api("add", service=service, quantity=100, link=f"https://instagram.com/p/r{n}")
              for n in range(ORDERS)]
    assert all("order" in answer for answer in placed), placed
    statuses = [api.status(answer["order"]) for answer in placed]
    charged = sum(D(status["charge"]) for status in statuses)
    assert charged > 0
    assert D(api("balance")["balance"]) == D("20.00") - charged, "charged at once"
    for page in ("/", "/catalog/", "/login/"):
        assert requests.get(f"{stack.base}{page}", timeout=30).status_code == 200, page
    ready = requests.get(f"{stack.base}/readyz", timeout=30)
    assert ready.status_code == 503 and ready.json()["broker"] != "ok", "readyz names it"
    assert not stack.upstream_orders(), "nothing can reach a worker without the broker"

    stack.redis.start()
    stack.wait(lambda: len(stack.upstream_orders()) == ORDERS, within=WITHIN,
               what="the sweep sending the orders once Redis is back")
    stack.wait(lambda: stack.sql("SELECT DISTINCT state FROM orders_order") == [("placed",)],
               within=WITHIN, what="every order placed")
    assert sorted(o["link"] for o in stack.upstream_orders()) == [
        f"https://instagram.com/p/r{n}" for n in range(ORDERS)]
    check_money(stack)
