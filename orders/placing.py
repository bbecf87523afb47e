"""Placing an order: validate, price on the server, debit and create in one transaction,
then queue forwarding once the transaction has committed. Shared by the storefront and
the customers' API, so both refuse exactly the same things with the same messages."""

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from orders.ledger import InsufficientFunds, debit
from orders.models import Kind, Order
from orders.money import in_currency
from orders.states import State
from panel.models import User
from provider.models import EntityType, PriceUnit, Service
from provider.pricing import order_amount
from provider.service_types import MAX_FIELD, MAX_SHORT, ServiceType, lines, service_type

log = logging.getLogger(__name__)
http_url = URLValidator(schemes=["http", "https"])
email_address = EmailValidator()
MAX_LINK = 2000


class PlacementError(Exception):
    """The order was refused; nothing was charged. `message` is for the customer."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotEnoughFunds(PlacementError):
    """The balance does not cover `amount`; the storefront words it with its own symbol."""

    def __init__(self, amount: Decimal, what: str = "") -> None:
        super().__init__(_("Insufficient balance: %(what)s %(amount)s.")
                         % {"what": what or _("this order costs"),
                            "amount": in_currency(amount)}, field="funds")
        self.amount = amount


MAX_RUNS = 1000
MAX_INTERVAL = 60 * 24 * 30  # minutes: a month between runs


@dataclass(frozen=True)
class DripFeed:
    runs: int
    interval: int  # minutes


@dataclass(frozen=True)
class Quote:
    service: Service
    quantity: int  # in all: per run times runs; 1 for a package
    link: str
    amount: Decimal
    drip_feed: DripFeed | None = None
    fields: dict[str, str] = field(default_factory=dict)  # the type's fields, cleaned
    price_unit: int = PriceUnit.PER_THOUSAND

    @property
    def per_run(self) -> int:
        return self.quantity // self.drip_feed.runs if self.drip_feed else self.quantity


def parse_quantity(raw: object) -> int:
    text = str(raw).strip() if raw is not None else ""
    if text.startswith("-") and text[1:].isascii() and text[1:].isdigit():
        raise PlacementError(_("Quantity cannot be negative."), field="quantity")
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise PlacementError(_("Quantity must be a whole number."), field="quantity")
    return int(text)


def on_sale_service(service_id: object) -> Service:
    text = str(service_id).strip() if service_id is not None else ""
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise PlacementError(_("Service not found."), field="service")
    service = Service.objects.on_sale().select_related("provider").filter(pk=int(text)).first()
    if service is None:
        raise PlacementError(_("Service not found."), field="service")
    return service


def clean_link(service: Service, link: object) -> str:
    link = str(link or "").strip()
    if len(link) > MAX_LINK:
        raise PlacementError(_("The link is longer than %(max)d characters.") % {"max": MAX_LINK},
                             field="link")
    if service.entity_type == EntityType.PRODUCT:
        return _delivery_email(link)
    if not link:
        raise PlacementError(_("A link is required for this service."), field="link")
    try:
        http_url(link)
    except ValidationError as exc:
        raise PlacementError(_("The link must be an http:// or https:// URL."),
                             field="link") from exc
    return link


def _delivery_email(text: str) -> str:
    """A product's delivery address: optional (the accounts are also on the order page), but
    when given it must be one an e-mail can reach."""
    if not text:
        return text
    try:
        email_address(text)
    except ValidationError as exc:
        raise PlacementError(_("The delivery e-mail is not a valid address (name@example.com)."),
                             field="link") from exc
    return text


def _whole(raw: object, name: str, low: int, high: int) -> int:
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 12 \
            or not low <= int(text) <= high:
        message = (_("The runs must be a whole number from %(low)d to %(high)d.")
                   if name == "runs" else
                   _("The interval must be a whole number from %(low)d to %(high)d."))
        raise PlacementError(message % {"low": low, "high": high}, field=name)
    return int(text)


def parse_drip_feed(service: Service, runs: object, interval: object) -> DripFeed | None:
    """`runs` and `interval` (minutes), or None for an ordinary order. Refused where the
    service cannot drip-feed: a parameter the customer pays by is never ignored."""
    runs_text, interval_text = str(runs or "").strip(), str(interval or "").strip()
    if not (runs_text or interval_text):
        return None
    if not service.dripfeed:
        raise PlacementError(_("Drip-feed is not available for this service."), field="runs")
    if not (runs_text and interval_text):
        raise PlacementError(_("Drip-feed needs both runs and interval."), field="runs")
    return DripFeed(_whole(runs_text, "runs", 1, MAX_RUNS),
                    _whole(interval_text, "interval", 1, MAX_INTERVAL))


def type_fields(kind: ServiceType, given: Mapping[str, object] | None) -> dict[str, str]:
    """The fields the service's type takes, each required; list fields one entry a line."""
    given = given or {}
    cleaned: dict[str, str] = {}
    for name in kind.fields:
        text = str(given.get(name) or "").strip()
        if "\x00" in text:
            raise PlacementError(_("Invalid %(field)s.") % {"field": name}, field=name)
        if name in kind.lists:
            text = "\n".join(lines(text))
        if not text:
            raise PlacementError(_("This service needs %(field)s.") % {"field": name},
                                 field=name)
        if len(text) > (MAX_FIELD if name in kind.lists else MAX_SHORT):
            raise PlacementError(_("The %(field)s field is too long.") % {"field": name},
                                 field=name)
        if name == "answer_number" and not (text.isascii() and text.isdigit()
                                            and 0 < int(text) < 1000):
            raise PlacementError(_("The answer number must be a whole number from 1."),
                                 field=name)
        cleaned[name] = text
    return cleaned


def _units(service: Service, kind: ServiceType, quantity: object,
           fields: dict[str, str]) -> int:
    """How many units the order is: given, counted from a list's lines, or one package."""
    if kind.per_order:
        return 1
    if kind.counted:
        qty = len(lines(fields[kind.counted]))
        what = _("The number of %(field)s (one per line)") % {"field": kind.counted}
    else:
        qty = parse_quantity(quantity)
        what = _("Quantity")
    if not service.min_quantity <= qty <= service.max_quantity:
        raise PlacementError(_("%(what)s must be between %(min)s and %(max)s.")
                             % {"what": what, "min": service.min_quantity,
                                "max": service.max_quantity}, field=kind.counted or "quantity")
    return qty


def quote(*, service_id: object, quantity: object, link: object = "", runs: object = "",
          interval: object = "", fields: Mapping[str, object] | None = None) -> Quote:
    """Validate an order and price it, without charging anything. With `runs` and
    `interval`, a drip-feed: `quantity` is per run, charged `runs` times. `fields`: those
    of the service's type (`provider.service_types`); a package is one unit at its price."""
    return quote_service(on_sale_service(service_id), quantity=quantity, link=link, runs=runs,
                         interval=interval, fields=fields)


def quote_service(service: Service, *, quantity: object, link: object = "",
                  runs: object = "", interval: object = "",
                  fields: Mapping[str, object] | None = None) -> Quote:
    """`quote` for a service already found on sale (a mass order finds them all at once)."""
    kind = service_type(service.type)
    if kind is None:
        raise PlacementError(_("Orders of type %(type)s are not supported.")
                             % {"type": service.type},
                             field="service")
    cleaned = type_fields(kind, fields)
    qty = _units(service, kind, quantity, cleaned)
    drip_feed = parse_drip_feed(service, runs, interval)
    if drip_feed is not None:
        if kind.fields or not kind.quantity:
            raise PlacementError(_("Drip-feed is not available for this service."), field="runs")
        qty *= drip_feed.runs
    if service.entity_type == EntityType.PRODUCT and service.stock is not None \
            and qty > service.stock:
        raise PlacementError(ngettext("Only %(count)d left in stock.",
                                      "Only %(count)d left in stock.", service.stock)
                             % {"count": service.stock}, field="quantity")
    clean = clean_link(service, link)
    price_unit = PriceUnit.PER_ITEM if kind.per_order else service.price_unit
    amount = order_amount(service.sell_price, qty, price_unit)
    if amount <= 0:  # on sale means priced above zero; this is the last word before money
        raise PlacementError(_("This service has no price yet."), field="service")
    return Quote(service, qty, clean, amount, drip_feed, cleaned, price_unit)


def place_order(*, user: User, service_id: object, quantity: object = "",
                link: object = "", runs: object = "", interval: object = "",
                fields: Mapping[str, object] | None = None) -> Order:
    """Charge the customer and create a queued order, or raise PlacementError."""
    q = quote(service_id=service_id, quantity=quantity, link=link, runs=runs,
              interval=interval, fields=fields)
    try:
        order = _charge_and_create(user, q)
    except InsufficientFunds as exc:
        raise NotEnoughFunds(q.amount) from exc
    return order


@transaction.atomic
def _charge_and_create(user: User, q: Quote) -> Order:
    service = q.service
    order = Order.objects.create(
        user=user, provider=service.provider, service=service,
        kind=Kind.PRODUCT if service.entity_type == EntityType.PRODUCT else Kind.SMM,
        link=q.link, quantity=q.quantity, unit_price=service.sell_price,
        runs=q.drip_feed.runs if q.drip_feed else None,
        interval=q.drip_feed.interval if q.drip_feed else None,
        price_unit=q.price_unit, fields=q.fields, charge=q.amount, state=State.QUEUED,
        auto_delivery=service.auto_delivery)
    debit(user, q.amount, reason=f"Order #{order.pk}: {service.display_name}"[:300],
          order=order)
    transaction.on_commit(lambda: enqueue_forwarding(order.pk))
    return order


def enqueue_forwarding(order_id: int) -> None:
    """Ask a worker to send the order. If the broker is down, the periodic sweep finds the
    order still queued and sends it, so nothing is lost."""
    from orders.tasks import forward_order

    try:
        forward_order.delay(order_id)
    except Exception:
        log.warning("could not queue order %s; the sweep will send it", order_id,
                    exc_info=True)
