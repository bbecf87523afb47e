"""Two beat processes at once (a deploy that left the old one running, say): every sweep
and every polling pass is scheduled twice, and two workers run them side by side. No order
may be sent twice and none refunded twice: claims are conditional updates, passes take a
lock, and a refund is one unique ledger entry."""

from decimal import Decimal as D

from tests.faults.money import check_money, final_charges
from tests.fixtures.stack import Api

ORDERS = {"Instagram Followers": 3, "Instagram Likes": 3, "Instagram Comments": 2}
WITHIN = 90.0  # seconds: a bound, never a measure


def test_two_beats_send_each_order_once_and_refund_each_once(make_stack):
    stack = make_stack(tag="beats")
    stack.start_web()
    stack.start_worker("worker-a")
    stack.start_worker("worker-b")
    stack.start_beat("beat-a")
    stack.start_beat("beat-b")
    api = Api(stack.base, stack.new_customer("buyer@example.com", "50.00"))

    links = []
    for name, count in ORDERS.items():
        service = api.service_id(name)
        for n in range(count):
            links.append(f"https://instagram.com/p/{service}-{n}")
            assert "order" in api("add", service=service, quantity=100, link=links[-1])
    stack.wait(lambda: len(stack.upstream_orders()) >= len(links), within=WITHIN,
               what="every order sent")
    stack.control("advance", {"seconds": 60})  # each order's life is over upstream
    stack.wait(lambda: not stack.sql("SELECT id FROM orders_order WHERE state NOT IN "
                                     "('completed', 'partial', 'canceled')"),
               within=WITHIN, what="every order settled")

    assert sorted(o["link"] for o in stack.upstream_orders()) == sorted(links)
    refunded = stack.sql("SELECT COUNT(*) FROM orders_ledgerentry WHERE kind = 'refund'")
    assert refunded == [(ORDERS["Instagram Likes"] + ORDERS["Instagram Comments"],)]
    assert D(api("balance")["balance"]) == D("50.00") - final_charges(stack)
    check_money(stack)
