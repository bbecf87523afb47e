"""The sandbox's in-memory upstream: account balance, stock, orders, numbers, faults, calls.

One `SandboxState` serves both dialects. Every public method takes the one lock, so the
threaded server can call it from many requests at once. Statuses are derived from ages
(`lifecycle.py`); money for an order that ends short is credited back the first time anyone
looks after it ended, or when any later call passes its end time, whichever comes first.
"""

import heapq
import threading
from collections import Counter
from dataclasses import dataclass, field, replace
from decimal import Decimal

from provider.sandbox.catalog import (
    COUNTRIES_BY_CODE,
    NUMBER_TTL,
    PROJECTS_BY_ID,
    SMS_PROJECTS,
    Entity,
    Service,
    SmsCountry,
    SmsProject,
    Status,
    build_services,
)
from provider.sandbox.clock import Clock
from provider.sandbox.faults import FaultBook, FaultRule
from provider.sandbox.knobs import Knobs
from provider.sandbox.lifecycle import (
    NUMBER_REFUNDED,
    NumberStatus,
    Progress,
    charge_for,
    number_settles_at,
    number_status,
    order_progress,
    settles_at,
    sms_code,
)
from provider.sandbox.listing import Listing
from provider.sandbox.money import catalog_rate, to_cents

FIRST_ORDER_ID = 23501  # far above the small ids a fresh panel hands out
REFILL_PENDING_SECONDS = 10.0
MAX_NUMBERS_PER_RENT = 10


class Rejected(Exception):
    """The upstream refuses the request; `message` is what its `error` field says."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(slots=True)
class Order:
    id: int
    service: Service
    quantity: int
    link: str
    dialect: str
    created_at: float
    paid: Decimal  # what was taken from the balance when the order was placed
    charge: Decimal  # what the order costs now: less than `paid` once it ended short
    canceled_at: float | None = None
    settled: bool = False
    runs: int | None = None  # a drip-feed: `quantity` is then all runs together
    interval: int | None = None  # minutes
    fields: dict[str, str] = field(default_factory=dict)  # a service type's own fields
    package: bool = False  # one unit priced per order


@dataclass(frozen=True, slots=True)
class OrderView:
    """An order and where it stands, read at one instant."""

    order: Order
    progress: Progress
    charge: Decimal


@dataclass(slots=True)
class SmsNumber:
    id: int
    project: SmsProject
    country: SmsCountry
    phone: str
    created_at: float
    price: Decimal
    charge: Decimal
    settled: bool = False

    @property
    def expires_at(self) -> float:
        return self.created_at + NUMBER_TTL


@dataclass(frozen=True, slots=True)
class NumberView:
    number: SmsNumber
    status: NumberStatus
    charge: Decimal
    code: str | None


@dataclass(frozen=True, slots=True)
class Refill:
    id: int
    order_id: int
    created_at: float


class SandboxState:
    """Everything the sandbox upstream knows. `reset` puts it back as new."""

    clock: Clock
    _knobs: Knobs
    _balance: Decimal
    _stock: dict[int, int]
    _orders: dict[int, Order]
    _numbers: dict[int, SmsNumber]
    _refills: dict[int, Refill]
    _numbers_left: dict[tuple[str, str], int]
    _due: list[tuple[float, int]]  # (when, order or number id): credits that may fall due
    _next_id: int
    _faults: FaultBook
    _calls: Counter[tuple[str, str]]

    def __init__(self, knobs: Knobs | None = None) -> None:
        self._lock = threading.RLock()
        self._listing = Listing(())
        self._generation = 0
        self._start(knobs or Knobs())

    # --- knobs, clock, reset ---------------------------------------------------------------

    @property
    def knobs(self) -> Knobs:
        return self._knobs

    @property
    def generation(self) -> int:
        """Goes up by one at every reset, so a call that waited through one can tell."""
        return self._generation

    def reset(self, **knobs: object) -> None:
        """Back to a fresh account: defaults, with these knobs changed. KnobError if invalid."""
        fresh = Knobs().with_changes(**knobs)
        with self._lock:
            self._start(fresh)

    def configure(self, **knobs: object) -> None:
        """Change knobs and keep everything else (orders, numbers, faults, the clock)."""
        with self._lock:
            changed = self._knobs.with_changes(**knobs)
            if changed.services != self._knobs.services:
                self._load_catalog(changed.services)
            if "speed" in knobs:
                self.clock.set_speed(changed.speed)
            if "balance" in knobs:
                self._balance = changed.balance
            self._knobs = changed

    def now(self) -> float:
        return self.clock.now()

    def advance(self, seconds: float) -> None:
        """Move the sandbox clock forward: every order ages by `seconds` at once."""
        self.clock.advance(seconds)

    def _start(self, knobs: Knobs) -> None:
        self._generation += 1
        self._knobs = knobs
        self.clock = Clock(knobs.speed)
        self._balance = knobs.balance
        self._load_catalog(knobs.services, fresh_stock=True)
        self._orders = {}
        self._numbers = {}
        self._refills = {}
        self._numbers_left = {(project.id, country): count for project in SMS_PROJECTS
                              for country, count in project.numbers_available.items()}
        self._due = []
        self._next_id = FIRST_ORDER_ID
        self._faults = FaultBook()
        self._calls = Counter()

    def _load_catalog(self, size: int, *, fresh_stock: bool = False) -> None:
        # The listing is immutable apart from its caches, so a reset to the same size keeps
        # it and its serialized JSON (unless set_rate changed it); stock goes back regardless.
        if len(self._listing.services) != size or not self._listing.pristine:
            self._listing = Listing(build_services(size))
        kept = {} if fresh_stock else self._stock
        self._stock = {service.id: kept.get(service.id, service.stock)
                       for service in self._listing.services if service.is_product}

    # --- catalog and balance ----------------------------------------------------------------

    @property
    def listing(self) -> Listing:
        return self._listing

    def service(self, service_id: int) -> Service:
        service = self._listing.by_id.get(service_id)
        if service is None:
            raise Rejected("Service not found")
        return service

    def stock(self, service_id: int) -> int:
        with self._lock:
            return self._stock.get(service_id, self.service(service_id).stock)

    def stock_levels(self) -> dict[int, int]:
        """Current stock of every product (smm stock never changes)."""
        with self._lock:
            return dict(self._stock)

    def set_rate(self, service_id: int, rate: Decimal | str) -> Service:
        """Change a service's price from now on, as an upstream does; placed orders keep theirs.

        Lasts until the next reset or change of catalog size.
        """
        price = Decimal(str(rate))
        if not price.is_finite() or price < 0:
            raise ValueError(f"not a rate: {rate!r}")
        with self._lock:
            service = replace(self.service(service_id), rate=catalog_rate(price))
            self._listing = self._listing.replaced(service)
            return service

    def set_stock(self, service_id: int, stock: int) -> None:
        """Set a product's stock (smm services have no stock to run out of)."""
        with self._lock:
            if not self.service(service_id).is_product:
                raise ValueError("only products have stock")
            if stock < 0:
                raise ValueError("stock must not be negative")
            self._stock[service_id] = stock

    @property
    def balance(self) -> Decimal:
        with self._lock:
            self._settle_due(self.clock.now())
            return self._balance

    # --- orders -----------------------------------------------------------------------------

    def place_order(self, *, service_id: int, quantity: int, link: str, dialect: str,
                    runs: int | None = None, interval: int | None = None,
                    fields: dict[str, str] | None = None, package: bool = False) -> Order:
        """Take the money (and stock) and create the order, or raise Rejected. With `runs`,
        a drip-feed: `quantity` is per run, charged and delivered `runs` times."""
        with self._lock:
            service = self.service(service_id)
            if package:  # a standard `Package`: one unit at its rate, no quantity
                quantity = 1
            else:
                self._check_order(service, quantity, link)
            if runs is not None:
                quantity *= runs
            now = self.clock.now()
            charge = to_cents(service.rate) if package else charge_for(service, quantity)
            self._debit(charge, now)
            if service.is_product:
                self._stock[service.id] -= quantity
            order = Order(self._new_id(), service, quantity, link, dialect, now, charge, charge,
                          runs=runs, interval=interval, fields=dict(fields or {}),
                          package=package)
            self._orders[order.id] = order
            ends_short = settles_at(service)
            if ends_short is not None:
                heapq.heappush(self._due, (now + ends_short, order.id))
            return order

    def order_view(self, order_id: int) -> OrderView:
        with self._lock:
            return self._view(self._order(order_id), self.clock.now())

    def orders(self) -> list[OrderView]:
        """Every order placed since the last reset, oldest first."""
        with self._lock:
            now = self.clock.now()
            return [self._view(order, now) for order in self._orders.values()]

    def cancel_order(self, order_id: int) -> OrderView:
        """Stop an order of a cancelable service; the undelivered part is credited back."""
        with self._lock:
            order = self._order(order_id)
            if not order.service.cancel:
                raise Rejected("Cancel is not available for this service")
            now = self.clock.now()
            if self._view(order, now).progress.final:
                raise Rejected("Order cannot be canceled")
            order.canceled_at = now
            return self._view(order, now)

    def request_refill(self, order_id: int) -> Refill:
        with self._lock:
            order = self._order(order_id)
            if not order.service.refill:
                raise Rejected("Refill is disabled for this service")
            now = self.clock.now()
            if self._view(order, now).progress.status not in {Status.COMPLETED, Status.PARTIAL}:
                raise Rejected("Order is not completed yet")
            refill = Refill(self._new_id(), order.id, now)
            self._refills[refill.id] = refill
            return refill

    def refill_status(self, refill_id: int) -> str:
        with self._lock:
            refill = self._refills.get(refill_id)
            if refill is None:
                raise Rejected("Refill not found")
            age = self.clock.now() - refill.created_at
            return "Pending" if age < REFILL_PENDING_SECONDS else "Completed"

    def _check_order(self, service: Service, quantity: int, link: str) -> None:
        if not service.min_quantity <= quantity <= service.max_quantity:
            raise Rejected(
                f"Quantity must be between {service.min_quantity} and {service.max_quantity}")
        if service.entity is Entity.SMM and not link:
            raise Rejected("Link is required")
        if service.is_product and quantity > self._stock[service.id]:
            raise Rejected("Not enough stock")

    def _order(self, order_id: int) -> Order:
        order = self._orders.get(order_id)
        if order is None:
            raise Rejected("Order not found")
        return order

    def _view(self, order: Order, now: float) -> OrderView:
        canceled_age = None if order.canceled_at is None else order.canceled_at - order.created_at
        progress = order_progress(order.service, order.quantity, now - order.created_at,
                                  canceled_age)
        if progress.final and not order.settled:
            self._settle_order(order, progress)
        return OrderView(order, progress, order.charge)

    def _settle_order(self, order: Order, progress: Progress) -> None:
        """Charge only what was delivered, once, and credit the rest back."""
        if progress.remains:
            order.charge = charge_for(order.service, progress.delivered)
            self._balance += order.paid - order.charge
        order.settled = True

    # --- SMS numbers ------------------------------------------------------------------------

    def rent_numbers(
        self, *, project_id: str, quantity: int = 1, country: str = "", phone: str = ""
    ) -> list[SmsNumber]:
        """Rent up to `quantity` numbers; fewer when the country has fewer left."""
        project = PROJECTS_BY_ID.get(project_id)
        if project is None:
            raise Rejected("Project not found")
        if not 1 <= quantity <= MAX_NUMBERS_PER_RENT:
            raise Rejected(f"Quantity must be between 1 and {MAX_NUMBERS_PER_RENT}")
        with self._lock:
            if phone:
                country, quantity = self._reused(project, phone).country.code, 1
            where = self._sms_country(project, country)
            count = self._take_numbers(project, where, quantity, dry_run=True)
            now = self.clock.now()
            self._debit(project.prices[where.code] * count, now)
            self._take_numbers(project, where, count)
            return [self._new_number(project, where, phone, now) for _ in range(count)]

    def number_view(self, order_id: int) -> NumberView:
        with self._lock:
            number = self._numbers.get(order_id)
            if number is None:
                raise Rejected("Order not found")
            return self._number_view(number, self.clock.now())

    def numbers(self) -> list[NumberView]:
        """Every number rented since the last reset, oldest first."""
        with self._lock:
            now = self.clock.now()
            return [self._number_view(number, now) for number in self._numbers.values()]

    def _reused(self, project: SmsProject, phone: str) -> SmsNumber:
        for number in self._numbers.values():
            if number.phone == phone and number.project.id == project.id:
                return number
        raise Rejected("Phone number not found")

    def _sms_country(self, project: SmsProject, code: str) -> SmsCountry:
        if not code:
            code = "us" if "us" in project.prices else next(iter(project.prices))
        if code not in project.prices:
            raise Rejected("Country not available for this project")
        return COUNTRIES_BY_CODE[code]

    def _take_numbers(
        self, project: SmsProject, country: SmsCountry, wanted: int, *, dry_run: bool = False
    ) -> int:
        key = (project.id, country.code)
        left = self._numbers_left.get(key)
        if left is None:
            return wanted
        if left == 0:
            raise Rejected("No numbers available")
        count = min(wanted, left)
        if not dry_run:
            self._numbers_left[key] = left - count
        return count

    def _new_number(
        self, project: SmsProject, country: SmsCountry, phone: str, now: float
    ) -> SmsNumber:
        number_id = self._new_id()
        phone = phone or f"{country.dial_code}{country.mobile_prefix}{number_id % 10**7:07d}"
        price = project.prices[country.code]
        number = SmsNumber(number_id, project, country, phone, now, price, price)
        self._numbers[number_id] = number
        refunded_at = number_settles_at(project)
        if refunded_at is not None:
            heapq.heappush(self._due, (now + refunded_at, number_id))
        return number

    def _number_view(self, number: SmsNumber, now: float) -> NumberView:
        status = number_status(number.project, now - number.created_at)
        if status in NUMBER_REFUNDED and not number.settled:
            self._balance += number.charge
            number.charge = Decimal("0")
            number.settled = True
        code = sms_code(number.id) if status is NumberStatus.CODE_RECEIVED else None
        return NumberView(number, status, number.charge, code)

    # --- money and ids ----------------------------------------------------------------------

    def _debit(self, amount: Decimal, now: float) -> None:
        self._settle_due(now)  # credits that fell due count towards what can be spent
        if amount > self._balance:
            raise Rejected("Insufficient balance")
        self._balance -= amount

    def _settle_due(self, now: float) -> None:
        """Credit back every order or number that has ended short by `now`."""
        while self._due and self._due[0][0] <= now:
            _, item_id = heapq.heappop(self._due)
            if item_id in self._orders:
                view = self._view(self._orders[item_id], now)
                settled = view.order.settled
            else:
                settled = self._number_view(self._numbers[item_id], now).number.settled
            if not settled:
                # Float rounding put the end a hair after `now`: look again a moment later.
                heapq.heappush(self._due, (now + 0.001, item_id))

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id - 1

    # --- faults and call counts -------------------------------------------------------------

    def add_fault(self, rule: FaultRule) -> None:
        with self._lock:
            self._faults.add(rule)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def faults(self) -> list[FaultRule]:
        with self._lock:
            return self._faults.rules()

    def take_fault(self, action: str, service: str | None) -> FaultRule | None:
        """The fault rule this call triggers, if any (using up one of its `times`)."""
        with self._lock:
            return self._faults.take(action, service)

    def record_call(self, dialect: str, action: str) -> None:
        with self._lock:
            self._calls[(dialect, action)] += 1

    def calls(self) -> dict[str, dict[str, int]]:
        """How many API calls each action got, per dialect, since the last reset."""
        with self._lock:
            counts: dict[str, dict[str, int]] = {}
            for (dialect, action), count in sorted(self._calls.items()):
                counts.setdefault(dialect, {})[action] = count
            return counts

    def reset_calls(self) -> None:
        with self._lock:
            self._calls.clear()
