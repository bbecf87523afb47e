"""A mass order: many orders written one per line, `service_id|link|quantity` (the format
customers know from other panels).

`preview` prices every line without charging, and says why each bad one would be refused
(including lines the balance no longer covers after the lines above it). `place_all` then
places the good lines one by one through `place_order`, the same code as a single order: each
line is charged as its own order, and a line refused (the balance ran out, the service left
the catalog) is refused alone, without touching the lines placed before or after it.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from orders.models import Order, Wallet
from orders.placing import (
    NotEnoughFunds,
    PlacementError,
    Quote,
    place_order,
    quote_service,
)
from panel.models import User
from provider.models import Service

MAX_LINES = 100
FORMAT = "Write it as service_id|link|quantity."


class TooManyLines(PlacementError):
    pass


@dataclass(frozen=True)
class Line:
    """One written line: its number in the text (from 1) and its three fields."""

    number: int
    text: str
    service_id: str = ""
    link: str = ""
    quantity: str = ""
    problem: str = ""  # the line cannot even be read


@dataclass(frozen=True)
class Priced:
    line: Line
    quote: Quote | None = None
    error: str = ""
    short_of: Decimal | None = None  # the amount the balance does not cover

    @property
    def ok(self) -> bool:
        return self.quote is not None and not self.error


@dataclass(frozen=True)
class Preview:
    lines: list[Priced]
    balance: Decimal

    @property
    def good(self) -> list[Priced]:
        return [p for p in self.lines if p.ok]

    @property
    def bad(self) -> list[Priced]:
        return [p for p in self.lines if not p.ok]

    @property
    def total(self) -> Decimal:
        return sum((p.quote.amount for p in self.good if p.quote), Decimal(0))

    @property
    def balance_after(self) -> Decimal:
        return self.balance - self.total


@dataclass
class Placed:
    """What confirming did with one line: its order, or why it was refused."""

    line: Line
    order: Order | None = None
    error: str = ""
    short_of: Decimal | None = None


@dataclass
class Outcome:
    results: list[Placed] = field(default_factory=list)

    @property
    def orders(self) -> list[Order]:
        return [r.order for r in self.results if r.order is not None]

    @property
    def charged(self) -> Decimal:
        return sum((o.charge for o in self.orders), Decimal(0))


def parse(text: str) -> list[Line]:
    """The non-blank lines of `text`; TooManyLines beyond MAX_LINES. The link is everything
    between the first and the last `|`, so a link may itself hold one."""
    lines = []
    for number, raw in enumerate(str(text or "").splitlines(), start=1):
        written = raw.strip()
        if not written:
            continue
        lines.append(_read(number, written))
    if len(lines) > MAX_LINES:
        raise TooManyLines(f"At most {MAX_LINES} lines at once; this list has {len(lines)}.",
                           field="lines")
    return lines


def _read(number: int, written: str) -> Line:
    if written.count("|") < 2:
        return Line(number, written, problem=FORMAT)
    service_id, rest = written.split("|", 1)
    link, quantity = rest.rsplit("|", 1)
    return Line(number, written, service_id.strip(), link.strip(), quantity.strip())


def preview(user: User, text: str) -> Preview:
    """Every line priced or refused with its reason; nothing is charged."""
    lines = parse(text)
    services = _services_on_sale(lines)
    balance = Wallet.objects.filter(user=user).values_list("balance", flat=True).first()
    left = balance = balance if balance is not None else Decimal(0)
    priced = []
    for line in lines:
        one = _price(line, services)
        if one.ok and one.quote and one.quote.amount > left:
            one = Priced(line, one.quote, "Insufficient balance for this line after the lines "
                         "above it.", short_of=one.quote.amount)
        elif one.ok and one.quote:
            left -= one.quote.amount
        priced.append(one)
    return Preview(priced, balance)


def _services_on_sale(lines: list[Line]) -> dict[int, Service]:
    """The lines' services that are on sale, in one query, by id."""
    ids = {number for line in lines if (number := _as_id(line.service_id)) is not None}
    found = Service.objects.on_sale().select_related("provider").filter(pk__in=ids)
    return {service.pk: service for service in found}


def _as_id(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def _price(line: Line, services: dict[int, Service]) -> Priced:
    if line.problem:
        return Priced(line, error=line.problem)
    service = services.get(_as_id(line.service_id))  # type: ignore[arg-type]
    if service is None:
        return Priced(line, error="Service not found.")
    try:
        return Priced(line, quote_service(service, quantity=line.quantity, link=line.link))
    except PlacementError as exc:
        return Priced(line, error=exc.message)


def place_all(user: User, text: str) -> Outcome:
    """Place every line that can be placed, each as its own order through `place_order`
    (priced and checked again: the catalog or the balance may have changed since the
    preview). Run it inside the caller's transaction: each line is a savepoint, so a refused
    line rolls back alone."""
    outcome = Outcome()
    for line in parse(text):
        outcome.results.append(_place_line(user, line))
    return outcome


def _place_line(user: User, line: Line) -> Placed:
    if line.problem:
        return Placed(line, error=line.problem)
    try:
        with transaction.atomic():
            order = place_order(user=user, service_id=line.service_id,
                                quantity=line.quantity, link=line.link)
    except NotEnoughFunds as exc:
        return Placed(line, error=exc.message, short_of=exc.amount)
    except PlacementError as exc:
        return Placed(line, error=exc.message)
    return Placed(line, order)
