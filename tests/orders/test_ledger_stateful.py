"""The money rules under random sequences of everything that touches an order
(DESIGN.md, "Money rules"), against the real sandbox.

Hypothesis drives customers topping up, ordering (sometimes invalidly), forwarding (sometimes
into an upstream fault), the upstream clock, polling, staff failing orders and final statuses
applied twice. After every step the ledger must add up: each wallet is the sum of its
entries and never negative, each order is refunded at most once and never beyond its
charge, and what a final order kept matches its state.

The sandbox clock is stopped (speed 0), so order ages move only with `advance`; nothing
depends on wall-clock timing. Each example runs in a savepoint that is rolled back.
"""

from decimal import Decimal as D

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from orders.forwarding import forward_waiting
from orders.ledger import top_up, wallet_for
from orders.models import EntryKind, LedgerEntry, Order, OrderEvent, Wallet
from orders.placing import NotEnoughFunds, PlacementError, place_order, quote
from orders.staff import fail_and_refund
from orders.states import HELD, State
from orders.tracking import apply_status, poll, refund_for_remains
from panel.models import User
from provider.client import OrderStatus
from provider.models import Provider, Service
from provider.sandbox import SandboxServer, make_rule
from provider.sync import sync_provider

WELL_KNOWN = range(1, 10)  # the sandbox's well-known services (docs/sandbox.md)
OPENING = {"ann@example.com": D("0"), "ben@example.com": D("100.00")}
GOOD_LINK, BAD_LINK = "https://instagram.com/p/abc", "instagram.com/p/abc"
# A product's "link" is its delivery e-mail: these stand in for GOOD_LINK and BAD_LINK there.
GOOD_EMAIL, BAD_EMAIL = "ben@example.com", "ben@"
Fault = tuple[str, str | None]  # kind, message
FAULTS: list[Fault] = [("error", "Service not found"), ("error", "Insufficient balance"),
                       ("lost", None), ("reset", None), ("http500", None), ("malformed", None)]
FINAL_STATUSES = ["Completed", "Partial", "Canceled"]

money = st.decimals(min_value=D("0.01"), max_value=D("60.00"), places=2)
faults = st.sampled_from([None, *FAULTS])  # for the next `add`


def status(word: str, remains: int | None) -> OrderStatus:
    return OrderStatus(word, None, None, remains, "USD", None, None, ())


def expected_state(order: Order, word: str, remains: int) -> str:
    """A product given fewer accounts than the upstream says it delivered is short
    (orders.tracking.apply_status): Partial with the rest refunded when delivered
    automatically, held (still placed) for staff when delivered by hand."""
    claimed_missing = {"Completed": 0, "Partial": remains}.get(word)
    missing = order.quantity - len(order.account_list)
    if order.kind != "product" or claimed_missing is None or missing <= claimed_missing:
        return State(word.lower())
    return State.PARTIAL if order.auto_delivery else State.PLACED


def ledger_entries() -> int:
    return LedgerEntry.objects.count()


class LedgerMachine(RuleBasedStateMachine):
    server: SandboxServer  # the session's sandbox, set by the test case below

    def __init__(self) -> None:
        super().__init__()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        try:
            self._set_up()
        except BaseException as exc:
            self._savepoint.__exit__(type(exc), exc, exc.__traceback__)
            raise

    def _set_up(self) -> None:
        self.server.state.reset(speed=0, services=len(WELL_KNOWN))
        # No fault here delays an answer, so a generous timeout costs nothing and keeps a
        # slow CI machine from turning a send into an unknown outcome.
        provider = Provider.objects.create(name="sandbox", api_url=self.server.url,
                                           api_key=self.server.state.knobs.key, timeout=5.0)
        sync_provider(provider)
        self.services = {s.upstream_id: s for s in Service.objects.filter(provider=provider)}
        self.customers: list[User] = []
        self.paid_in: dict[int, D] = {}  # what each customer put in: opening and top-ups
        for email, opening in OPENING.items():
            user = User.objects.create_user(email=email, password=None)
            wallet_for(user)
            if opening:
                top_up(user, opening, reason="Opening balance")
            self.customers.append(user)
            self.paid_in[user.pk] = opening
        self.staff = User.objects.create_user(email="staff@example.com", is_staff=True)
        self.orders: list[int] = []

    def teardown(self) -> None:
        for reached in sorted(set(Order.objects.filter(pk__in=self.orders)
                                  .values_list("state", flat=True))):
            event(f"an order ended {reached}")
        event(f"orders: {len(self.orders)}")
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    # --- helpers ---

    def balance(self, user: User) -> D:
        return Wallet.objects.values_list("balance", flat=True).get(user=user)

    def in_state(self, *states: str) -> list[int]:
        return list(Order.objects.filter(pk__in=self.orders, state__in=states)
                    .order_by("pk").values_list("pk", flat=True))

    # --- rules ---

    @rule(who=st.sampled_from(range(len(OPENING))), amount=money)
    def top_up_customer(self, who: int, amount: D) -> None:
        user = self.customers[who]
        top_up(user, amount, reason="Top-up")
        self.paid_in[user.pk] += amount

    @initialize(upstream_ids=st.lists(st.sampled_from(WELL_KNOWN), min_size=2, max_size=4),
                fault=faults)
    def ben_has_orders_upstream(self, upstream_ids: list[int], fault: Fault | None) -> None:
        for upstream_id in upstream_ids:
            svc = self.services[upstream_id]
            self.try_to_place(self.customers[1], svc, svc.min_quantity, GOOD_LINK, valid=True)
        self.forward(fault)

    @rule(who=st.sampled_from(range(len(OPENING))), upstream_id=st.sampled_from(WELL_KNOWN),
          data=st.data())
    def place(self, who: int, upstream_id: int, data: st.DataObject) -> None:
        svc = self.services[upstream_id]
        top = min(svc.max_quantity, svc.min_quantity * 10, svc.stock or svc.max_quantity)
        if data.draw(st.booleans(), label="valid"):
            quantity = data.draw(st.integers(svc.min_quantity, top), label="quantity")
            self.try_to_place(self.customers[who], svc, quantity, GOOD_LINK, valid=True)
        else:
            quantity = data.draw(st.sampled_from([0, svc.min_quantity - 1, svc.max_quantity + 1,
                                                  svc.min_quantity]), label="quantity")
            # A bad link is refused for smm, a bad delivery e-mail for a product.
            self.try_to_place(self.customers[who], svc, quantity, BAD_LINK, valid=False)

    def try_to_place(self, user: User, svc: Service, quantity: int, link: str, *,
                     valid: bool) -> None:
        """Place the order, which must succeed exactly when it is valid and affordable."""
        if svc.entity_type == "product":
            link = GOOD_EMAIL if link == GOOD_LINK else BAD_EMAIL
        before, count = self.balance(user), Order.objects.filter(user=user).count()
        affordable = valid and quote(service_id=svc.pk, quantity=quantity,
                                     link=link).amount <= before
        try:
            order = place_order(user=user, service_id=svc.pk, quantity=quantity, link=link)
        except PlacementError as exc:
            assert not affordable, f"refused a valid, affordable order: {exc.message}"
            assert isinstance(exc, NotEnoughFunds) == valid
            assert self.balance(user) == before, "a refusal charges nothing"
            assert Order.objects.filter(user=user).count() == count
            return
        assert affordable, "accepted an invalid or unaffordable order"
        assert order.state == State.QUEUED
        assert self.balance(user) == before - order.charge
        self.orders.append(order.pk)

    @rule(fault=faults)
    def forward(self, fault: Fault | None) -> None:
        if fault:  # the next `add` misbehaves
            kind, message = fault
            self.server.state.add_fault(make_rule("add", kind, times=1, message=message,
                                                  delay=0))
        forward_waiting(ignore_backoff=True)
        assert self.in_state(State.QUEUED) == [], "a pass sends every order waiting to go"

    @rule(seconds=st.sampled_from([1, 4, 6, 11, 31, 60]))
    def time_passes_and_poll(self, seconds: int) -> None:
        self.server.state.advance(seconds)
        poll(everything=True)

    @precondition(lambda self: self.orders)
    @rule(data=st.data())
    def staff_fail_and_refund(self, data: st.DataObject) -> None:
        held = self.in_state(State.REVIEW, State.PROVIDER_FUNDS)
        order_id = data.draw(st.sampled_from(held or self.orders), label="order")
        before = Order.objects.get(pk=order_id)
        failed = fail_and_refund(order_id, reason="staff: no such order upstream",
                                 actor=self.staff)
        after = Order.objects.get(pk=order_id)
        assert failed == (before.state in (State.REVIEW, State.PROVIDER_FUNDS))
        if failed:
            assert after.state == State.REJECTED
            assert after.refunded == after.charge
        else:
            assert (after.state, after.refunded) == (before.state, before.refunded)

    @precondition(lambda self: self.in_state(State.PLACED))
    @rule(data=st.data(), word=st.sampled_from(FINAL_STATUSES))
    def final_status_applied_twice(self, data: st.DataObject, word: str) -> None:
        order = Order.objects.get(pk=data.draw(st.sampled_from(self.in_state(State.PLACED)),
                                               label="order"))
        remains = data.draw(st.integers(0, order.quantity), label="remains")
        first = apply_status(order.pk, status(word, remains))
        entries = ledger_entries()
        second = apply_status(order.pk, status(word, remains))
        assert first == second == expected_state(order, word, remains)
        assert ledger_entries() == entries, "the second report changes no money"
        assert OrderEvent.objects.filter(order=order, to_state=first).count() == 1

    # --- invariants ---

    @invariant()
    def wallets_add_up(self) -> None:
        for user in self.customers:
            wallet = Wallet.objects.get(user=user)
            entries = sum(wallet.entries.values_list("amount", flat=True), D(0))
            orders = Order.objects.filter(user=user)
            charged = sum(orders.values_list("charge", flat=True), D(0))
            refunded = sum(orders.values_list("refunded", flat=True), D(0))
            assert wallet.balance == entries, "the balance is the sum of its entries"
            assert wallet.balance >= 0
            assert wallet.balance == self.paid_in[user.pk] - charged + refunded

    @invariant()
    def each_order_is_charged_once_and_refunded_at_most_once(self) -> None:
        for order in Order.objects.filter(pk__in=self.orders):
            entries = list(order.ledger_entries.values_list("kind", "amount"))
            charges = [amount for kind, amount in entries if kind == EntryKind.CHARGE]
            refunds = [amount for kind, amount in entries if kind == EntryKind.REFUND]
            assert charges == [-order.charge]
            assert len(refunds) <= 1, f"order #{order.pk} refunded twice"
            assert order.refunded == sum(refunds, D(0))
            assert 0 <= order.refunded <= order.charge

    @invariant()
    def what_a_final_order_kept_matches_its_state(self) -> None:
        for order in Order.objects.filter(pk__in=self.orders):
            if order.state in HELD or order.state in (State.PLACED, State.COMPLETED):
                assert order.refunded == 0, f"{order}: nothing is refunded"
            elif order.state in (State.CANCELED, State.REJECTED):
                assert order.refunded == order.charge, f"{order}: all is refunded"
            else:
                assert order.state == State.PARTIAL
                assert order.remains is not None
                assert order.refunded == refund_for_remains(order, order.remains)

    @invariant()
    def the_upstream_has_each_order_at_most_once(self) -> None:
        ids = list(Order.objects.filter(pk__in=self.orders, upstream_id__isnull=False)
                   .values_list("upstream_id", flat=True))
        upstream = {view.order.id for view in self.server.state.orders()}
        assert len(ids) == len(set(ids))
        assert set(ids) <= upstream
        claims = OrderEvent.objects.filter(order__in=self.orders, action="claimed").count()
        assert len(upstream) <= claims, "no upstream order without a send"


@pytest.mark.django_db
class TestLedgerMachine(LedgerMachine.TestCase):
    settings = settings(max_examples=25, stateful_step_count=20, deadline=None,
                        suppress_health_check=[HealthCheck.too_slow,
                                               HealthCheck.filter_too_much])

    @pytest.fixture(autouse=True)
    def _session_sandbox(self, sandbox_server: SandboxServer):
        LedgerMachine.server = sandbox_server
        yield
        sandbox_server.state.reset()  # the defaults, as the next test's `sandbox` expects
