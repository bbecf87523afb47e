"""The money invariants, read straight from the panel's database and the sandbox's orders
(DESIGN.md, "Money rules"): what every fault test checks once the dust has settled."""

from collections import Counter
from decimal import Decimal

from tests.fixtures.stack import Stack


def check_money(stack: Stack) -> None:
    """Every wallet is the sum of its ledger and never negative; every order is refunded at
    most once, never beyond its charge; every order is at the upstream once or not at all
    (orders carry unique links), and an order the upstream has carries its id."""
    for wallet, balance, total in stack.sql(
            "SELECT w.id, w.balance, COALESCE(SUM(e.amount), 0) FROM orders_wallet w "
            "LEFT JOIN orders_ledgerentry e ON e.wallet_id = w.id GROUP BY w.id"):
        assert balance == total, f"wallet {wallet}: balance {balance}, ledger sum {total}"
        assert balance >= 0, f"wallet {wallet} is negative"
    for order, charge, refunded, refunds, refunded_sum in stack.sql(
            "SELECT o.id, o.charge, o.refunded, COUNT(e.id), COALESCE(SUM(e.amount), 0) "
            "FROM orders_order o LEFT JOIN orders_ledgerentry e ON e.order_id = o.id "
            "AND e.kind = 'refund' GROUP BY o.id"):
        assert refunds <= 1, f"order {order} refunded {refunds} times"
        assert refunded == refunded_sum <= charge, f"order {order}: {refunded} of {charge}"
    upstream = Counter(o["link"] for o in stack.upstream_orders())
    twice = {link: n for link, n in upstream.items() if n > 1}
    assert not twice, f"sent upstream more than once: {twice}"
    by_link = {o["link"]: o["order"] for o in stack.upstream_orders()}
    for order, link, upstream_id in stack.sql(
            "SELECT id, link, upstream_id FROM orders_order WHERE kind <> 'sms'"):
        if upstream_id is not None:
            assert by_link.get(link) == upstream_id, f"order {order}: upstream id mismatch"


def final_charges(stack: Stack) -> Decimal:
    return stack.sql("SELECT COALESCE(SUM(charge - refunded), 0) FROM orders_order")[0][0]
