"""A seeded randomised run: many orders, and every fault kind of the sandbox
(`provider/sandbox/faults.py`) on both `add` and `status`, fast and slow, with the money
invariants checked after every step.

Each seed is one run: two customers (one nearly broke), steps drawn from placing an order,
arming a fault for the next call, a forwarding pass, and the upstream's clock moving on
followed by a polling pass. A failure names its seed; `FAULT_SEEDS` and `FAULT_STEPS` make
the run longer. The sandbox's clock is stopped (speed 0): orders age only when a step says.
"""

import os
import random
from collections import Counter
from decimal import Decimal as D

import pytest
from django.db.models import Count, Q

from orders.forwarding import forward_waiting
from orders.models import EntryKind, LedgerEntry, Order, Wallet
from orders.placing import PlacementError, place_order
from orders.states import State
from orders.tracking import poll, refund_for_remains
from panel.accounts import create_customer
from provider.models import Provider, Service
from provider.sandbox.faults import FaultKind
from provider.sync import sync_provider

pytestmark = pytest.mark.django_db

SEEDS = int(os.environ.get("FAULT_SEEDS", "8"))
STEPS = int(os.environ.get("FAULT_STEPS", "40"))
CLIENT_TIMEOUT = 0.5  # seconds; a slow fault waits 0.6 s, so the client gives up first
SERVICES = {1: (100, 400), 2: (100, 400), 3: (10, 40), 4: (1, 2), 5: (1, 4), 7: (100, 400),
            8: (100, 2000)}  # the sandbox's well-known services: id -> quantities drawn
MESSAGES = ["Insufficient balance", "Service not found", "Link is invalid"]
STEP_WEIGHTS = {"place": 4, "fault": 3, "forward": 3, "time passes": 2}


class Run:
    def __init__(self, seed: int, sandbox) -> None:
        self.rng = random.Random(seed)
        self.seed, self.sandbox = seed, sandbox
        sandbox.reset(speed=0)
        provider = Provider.objects.create(name=f"sandbox-{seed}", api_url=sandbox.url,
                                           api_key=sandbox.key, timeout=CLIENT_TIMEOUT)
        sync_provider(provider)
        self.services = {s.upstream_id: s for s in Service.objects.filter(provider=provider)}
        self.customers = [create_customer(email=f"rich{seed}@example.com",
                                          balance=D("40.00"))[0],
                          create_customer(email=f"poor{seed}@example.com",
                                          balance=D("0.30"))[0]]
        self.orders: list[int] = []
        self.armed: Counter[str] = Counter()

    def step(self) -> str:
        kind = self.rng.choices(list(STEP_WEIGHTS), weights=list(STEP_WEIGHTS.values()))[0]
        getattr(self, kind.replace(" ", "_"))()
        return kind

    def place(self) -> None:
        upstream_id = self.rng.choice(list(SERVICES))
        low, high = SERVICES[upstream_id]
        try:
            order = place_order(user=self.rng.choice(self.customers),
                                service_id=self.services[upstream_id].pk,
                                quantity=self.rng.randint(low, high),
                                link=f"https://instagram.com/p/s{self.seed}o{len(self.orders)}")
        except PlacementError:
            return  # not enough money: nothing charged, nothing created
        self.orders.append(order.pk)

    def fault(self) -> None:
        kind = self.rng.choice(list(FaultKind))
        action = self.rng.choice(["add", "status"])
        self.sandbox.fault(action, str(kind), times=1, message=self.rng.choice(MESSAGES),
                           delay=self.rng.choice([0.05, CLIENT_TIMEOUT + 0.1]))
        self.armed[f"{action}:{kind}"] += 1

    def forward(self) -> None:
        forward_waiting(ignore_backoff=True)

    def time_passes(self) -> None:
        self.sandbox.advance(self.rng.choice([2, 6, 11, 31, 60]))
        poll(everything=True)

    def fired(self) -> int:
        """Faults armed that a call used up."""
        return sum(self.armed.values()) - sum(rule.times or 0 for rule in
                                              self.sandbox.state.faults())

    def check(self) -> None:
        check_wallets()
        mine = Order.objects.filter(pk__in=self.orders)
        check_orders(mine)
        upstream = Counter(view.order.link for view in self.sandbox.state.orders())
        by_link = {view.order.link: view.order.id for view in self.sandbox.state.orders()}
        for order in mine:
            assert upstream[order.link] <= 1, f"order {order.pk} sent {upstream[order.link]}x"
            if order.upstream_id is not None:
                assert by_link.get(order.link) == order.upstream_id, order.pk
            if order.state in (State.QUEUED, State.REJECTED, State.PROVIDER_FUNDS):
                assert upstream[order.link] == 0, f"{order.state} order {order.pk} upstream"


def check_wallets() -> None:
    # Summed here, in Decimal: SQLite's SUM works in floats.
    for wallet in Wallet.objects.prefetch_related("entries"):
        total = sum((entry.amount for entry in wallet.entries.all()), D(0))
        assert wallet.balance == total, f"wallet {wallet.pk}: {wallet.balance} != {total}"
        assert wallet.balance >= 0


def check_orders(orders) -> None:
    counted = orders.annotate(
        refunds=Count("ledger_entries", filter=Q(ledger_entries__kind=EntryKind.REFUND)),
        charges=Count("ledger_entries", filter=Q(ledger_entries__kind=EntryKind.CHARGE)))
    for order in counted:
        assert order.charges == 1, f"order {order.pk} charged {order.charges}x"
        assert order.refunds <= 1, f"order {order.pk} refunded {order.refunds}x"
        refunded = sum(LedgerEntry.objects.filter(order=order, kind=EntryKind.REFUND)
                       .values_list("amount", flat=True), D(0))
        assert order.refunded == refunded <= order.charge
        if order.state in (State.REJECTED, State.CANCELED):
            assert order.refunded == order.charge, f"{order.state} order {order.pk}"
        elif order.state == State.COMPLETED:
            assert order.refunded == 0
        elif order.state == State.PARTIAL and order.remains is not None:
            assert order.refunded == refund_for_remains(order, order.remains)
        elif order.state not in (State.PARTIAL,):
            assert order.refunded == 0, f"money of a {order.state} order stays held"


def test_money_invariants_hold_under_random_upstream_faults(sandbox, monkeypatch, capsys):
    monkeypatch.setattr("orders.placing.enqueue_forwarding", lambda order_id: None)
    orders, steps, fired, armed, ended = 0, Counter(), 0, Counter(), Counter()
    for seed in range(SEEDS):
        run = Run(seed, sandbox)
        for number in range(STEPS):
            kind = run.step()
            steps[kind] += 1
            try:
                run.check()
            except AssertionError as exc:
                raise AssertionError(f"seed {seed}, step {number} ({kind}): {exc}") from exc
        orders += len(run.orders)
        fired += run.fired()
        armed += run.armed
        ended += Counter(Order.objects.filter(pk__in=run.orders).values_list("state",
                                                                              flat=True))
    with capsys.disabled():
        print(f"\nrandomised fault run: {SEEDS} runs x {STEPS} steps, {orders} orders, "
              f"{sum(armed.values())} faults armed over {len(armed)} kinds "
              f"(of {2 * len(FaultKind)}), {fired} fired; steps {dict(steps)}; "
              f"orders ended {dict(ended)}")
    assert len(armed) == 2 * len(FaultKind), "every fault kind on both actions"
