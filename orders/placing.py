"""Placing an order: validate, price on the server, debit and create in one transaction,
then queue forwarding once the transaction has committed. Shared by the storefront and
the customers' API, so both refuse exactly the same things with the same messages."""

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction

from orders.ledger import InsufficientFunds, debit
from orders.models import Kind, Order
from orders.money import in_currency
from orders.states import State
from panel.models import User
from provider.models import EntityType, Service
from provider.pricing import order_amount

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

    def __init__(self, amount: Decimal, what: str = "this order costs") -> None:
        super().__init__(f"Insufficient balance: {what} {in_currency(amount)}.", field="funds")
        self.amount = amount


@dataclass(frozen=True)
class Quote:
    service: Service
    quantity: int
    link: str
    amount: Decimal


def parse_quantity(raw: object) -> int:
    text = str(raw).strip() if raw is not None else ""
    if text.startswith("-") and text[1:].isascii() and text[1:].isdigit():
        raise PlacementError("Quantity cannot be negative.", field="quantity")
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise PlacementError("Quantity must be a whole number.", field="quantity")
    return int(text)


def on_sale_service(service_id: object) -> Service:
    text = str(service_id).strip() if service_id is not None else ""
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise PlacementError("Service not found.", field="service")
    service = Service.objects.on_sale().select_related("provider").filter(pk=int(text)).first()
    if service is None:
        raise PlacementError("Service not found.", field="service")
    return service


def clean_link(service: Service, link: object) -> str:
    link = str(link or "").strip()
    if len(link) > MAX_LINK:
        raise PlacementError(f"The link is longer than {MAX_LINK} characters.", field="link")
    if service.entity_type == EntityType.PRODUCT:
        return _delivery_email(link)
    if not link:
        raise PlacementError("A link is required for this service.", field="link")
    try:
        http_url(link)
    except ValidationError as exc:
        raise PlacementError("The link must be an http:// or https:// URL.",
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
        raise PlacementError("The delivery e-mail is not a valid address (name@example.com).",
                             field="link") from exc
    return text


def quote(*, service_id: object, quantity: object, link: object = "") -> Quote:
    """Validate an order and price it, without charging anything."""
    return quote_service(on_sale_service(service_id), quantity=quantity, link=link)


def quote_service(service: Service, *, quantity: object, link: object = "") -> Quote:
    """`quote` for a service already found on sale (a mass order finds them all at once)."""
    qty = parse_quantity(quantity)
    if not service.min_quantity <= qty <= service.max_quantity:
        raise PlacementError(f"Quantity must be between {service.min_quantity} and "
                             f"{service.max_quantity}.", field="quantity")
    if service.entity_type == EntityType.PRODUCT and service.stock is not None \
            and qty > service.stock:
        raise PlacementError(f"Only {service.stock} left in stock.", field="quantity")
    clean = clean_link(service, link)
    amount = order_amount(service.sell_price, qty, service.price_unit)
    if amount <= 0:  # on sale means priced above zero; this is the last word before money
        raise PlacementError("This service has no price yet.", field="service")
    return Quote(service, qty, clean, amount)


def place_order(*, user: User, service_id: object, quantity: object,
                link: object = "") -> Order:
    """Charge the customer and create a queued order, or raise PlacementError."""
    q = quote(service_id=service_id, quantity=quantity, link=link)
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
        price_unit=service.price_unit, charge=q.amount, state=State.QUEUED,
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
