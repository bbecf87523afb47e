"""A worker SIGKILLed while it settles a refund (DESIGN.md, "Money rules").

The test holds the customer's wallet row locked, so the worker's polling pass stops inside
its settling transaction: the order already moved to Partial, the refund's credit waiting
on the wallet. The worker is killed there. PostgreSQL rolls that transaction back whole
(never Partial without its refund), and the worker started again refunds exactly once.
"""

from decimal import Decimal as D

import psycopg

from tests.faults.money import check_money, final_charges
from tests.fixtures.stack import Api

WITHIN = 60.0  # seconds: a bound, never a measure
LINK = "https://instagram.com/p/kill"


def polling_passes(stack) -> int:
    return (stack.folder / "worker.log").read_text(errors="replace").count("polling pass:")


def test_a_worker_killed_while_refunding_refunds_exactly_once_after_restart(make_stack):
    stack = make_stack(tag="kill")
    stack.start_web()
    stack.start_worker(pool="solo", concurrency=1)
    stack.start_beat()
    api = Api(stack.base, stack.new_customer("buyer@example.com", "10.00"))
    order = api("add", service=api.service_id("Instagram Likes"), quantity=100,
                link=LINK)["order"]
    stack.wait(lambda: stack.sql("SELECT state FROM orders_order") == [("placed",)],
               within=WITHIN, what="the order placed upstream")
    database = stack.sql("SELECT current_database()")[0][0]

    with psycopg.connect(stack.env["DATABASE_URL"]) as wallet_lock:
        wallet_lock.execute("SELECT balance FROM orders_wallet FOR UPDATE")
        stack.control("advance", {"seconds": 60})  # upstream: Partial, half delivered
        stack.wait(lambda: stack.sql(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event_type = "
            "'Lock' AND query LIKE %s", (database, "%orders_wallet%")),
            within=WITHIN, what="the worker settling, waiting on the wallet")
        stack.kill("worker")
        wallet_lock.rollback()

    stack.wait(lambda: not stack.sql("SELECT pid FROM pg_stat_activity WHERE datname = %s "
                                     "AND wait_event_type = 'Lock'", (database,)),
               within=WITHIN, what="the dead worker's transaction gone")
    assert stack.sql("SELECT state, refunded FROM orders_order") == [("placed", 0)], \
        "rolled back whole: not Partial without its refund"
    assert stack.sql("SELECT COUNT(*) FROM orders_ledgerentry WHERE kind = 'refund'") == [(0,)]

    stack.start_worker(pool="solo", concurrency=1)
    stack.wait(lambda: api.status(order)["status"] == "Partial", within=WITHIN,
               what="the restarted worker settling the order")
    seen = polling_passes(stack)
    stack.wait(lambda: polling_passes(stack) >= seen + 2, within=WITHIN,
               what="two more polling passes")
    assert stack.sql("SELECT COUNT(*) FROM orders_ledgerentry WHERE kind = 'refund'") == [(1,)]
    assert D(api("balance")["balance"]) == D("10.00") - final_charges(stack)
    check_money(stack)
