"""PostgreSQL restarted during a polling pass, as the worker sees it: the pass is waiting
on the upstream when every connection drops and new ones are refused; then the database is
back. The pass fails cleanly (the task errors, the worker lives on), the next pass
completes, and no order is left half-settled: each final order with its refund, once.

The shared PostgreSQL server cannot be restarted under other test runs, so the worker
reaches it through a proxy in this test, which cuts and restores the connections.
"""

from decimal import Decimal as D
from urllib.parse import urlsplit

from tests.faults.money import check_money, final_charges
from tests.faults.proxy import CuttableProxy
from tests.fixtures.stack import Api

WITHIN = 90.0  # seconds: a bound, never a measure
ORDERS = {"Instagram Likes": 3, "Instagram Followers": 2}  # Likes end Partial, refunded


def test_a_polling_pass_cut_off_from_the_database_fails_cleanly_and_the_next_settles(
        make_stack):
    stack = make_stack(tag="pgcut")
    database = urlsplit(stack.env["DATABASE_URL"])
    proxy = CuttableProxy(database.hostname, database.port or 5432).start()
    through_proxy = database._replace(
        netloc=f"{database.username}@127.0.0.1:{proxy.port}").geturl()
    stack.start_web()
    stack.start_worker(pool="solo", concurrency=1, DATABASE_URL=through_proxy)
    stack.start_beat()
    api = Api(stack.base, stack.new_customer("buyer@example.com", "20.00"))
    for name, count in ORDERS.items():
        service = api.service_id(name)
        for n in range(count):
            placed = api("add", service=service, quantity=100,
                         link=f"https://instagram.com/p/{service}-{n}")
            assert "order" in placed, placed
    stack.wait(lambda: stack.sql("SELECT DISTINCT state FROM orders_order") == [("placed",)],
               within=WITHIN, what="every order placed")

    # The next pass's first status call hangs upstream for 4 s (the client waits 5).
    stack.control("faults", {"action": "status", "kind": "timeout", "delay": 4, "times": 1})
    stack.control("advance", {"seconds": 60})  # every order's life is over upstream
    stack.wait(lambda: not stack.control("faults")["faults"], within=WITHIN,
               what="a polling pass waiting on the upstream")
    proxy.cut()
    stack.wait(lambda: "raised unexpected" in (stack.folder / "worker.log").read_text(),
               within=WITHIN, what="the pass failing on the lost database")
    proxy.restore()

    stack.wait(lambda: not stack.sql("SELECT id FROM orders_order WHERE state = 'placed'"),
               within=WITHIN, what="the next pass settling every order")
    half_settled = stack.sql("SELECT id FROM orders_order WHERE state = 'partial' AND "
                             "refunded = 0")
    assert not half_settled, "a Partial order without its refund"
    refunds = stack.sql("SELECT COUNT(*) FROM orders_ledgerentry WHERE kind = 'refund'")
    assert refunds == [(ORDERS["Instagram Likes"],)]
    assert D(api("balance")["balance"]) == D("20.00") - final_charges(stack)
    check_money(stack)
    proxy.cut()
