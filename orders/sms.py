"""Renting SMS verification numbers.

The customer waits for the number, so renting is synchronous: debit and one queued order
per number in one transaction, then one `add_sms` upstream. Each number returned becomes
its order's phone; numbers asked for but not returned are refunded at once. A refusal, or
an upstream that could not be reached, refunds everything at once; an unknown outcome
sends the whole batch to review with the money held, and it is never re-sent by a machine.
So does an answer the panel cannot store (a number id of 10^20, a phone with a NUL): the
customer is told the rental is being checked, never shown an error page after paying.
"""

import re
import uuid

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, ngettext

from orders.forwarding import reject, to_review, unknown_outcome
from orders.ledger import InsufficientFunds, debit
from orders.models import Kind, Order
from orders.placing import NotEnoughFunds, PlacementError, parse_quantity
from orders.states import State
from orders.transitions import move
from panel.models import User
from provider.client import OutcomeUnknown, ProviderError, ProviderUnavailable, SmsNumber
from provider.models import SmsPrice

MAX_NUMBERS = 10
PHONE = re.compile(r"^\+?[0-9]{6,20}$")


def sms_offer(*, project_id: object, country: object) -> SmsPrice:
    """The price row for a project in a country, if it is on sale (`sms_price_on_sale`:
    never at a price of zero or less)."""
    project = str(project_id or "").strip()
    code = str(country or "").strip().lower()
    if not (project.isascii() and project.isdigit()) or len(project) > 18:
        raise PlacementError(gettext("Project not found."), field="project_id")
    offer = (SmsPrice.objects.on_sale().select_related("project__provider", "country")
             .filter(project_id=int(project), country__code=code).first())
    if offer is None:
        raise PlacementError(gettext("This project is not available in that country."),
                             field="country")
    return offer


NOT_YOURS = gettext_noop(
    "You can reuse only a number you rented before for this project and country.")


def clean_phone(phone: object) -> str:
    text = str(phone or "").strip().replace(" ", "")
    if text and not PHONE.match(text):
        raise PlacementError(gettext("The phone number to reuse is not valid."), field="phone")
    return text


def reusable_phone(user: User, offer: SmsPrice, phone: object) -> str:
    """The number to ask the upstream for again, as it was rented, or "" for a new one.

    A customer may reuse only a number they rented themselves for the same project and
    country: the upstream hands a reused number to whoever names it, with the codes sent to
    it, so another customer's number must never reach it. The refusal reads the same
    whether the number exists or not, and comes before any charge, so nobody can probe
    which numbers exist."""
    text = clean_phone(phone)
    if not text:
        return ""
    digits = text.lstrip("+")
    rented = (Order.objects.filter(user=user, kind=Kind.SMS, sms_project=offer.project,
                                   sms_country=offer.country, phone__in=[digits, f"+{digits}"])
              .values_list("phone", flat=True).first())
    if rented is None:
        raise PlacementError(gettext(NOT_YOURS), field="phone")
    return rented


def rent_numbers(*, user: User, project_id: object, country: object, quantity: object = 1,
                 phone: object = "") -> list[Order]:
    """Rent `quantity` numbers; returns one order per number asked for, each placed
    (number known), rejected (refunded) or in review."""
    offer = sms_offer(project_id=project_id, country=country)
    qty = parse_quantity(quantity if quantity not in (None, "") else 1)
    if not 1 <= qty <= MAX_NUMBERS:
        raise PlacementError(gettext("Quantity must be between 1 and %(max)d.")
                             % {"max": MAX_NUMBERS}, field="quantity")
    reuse = reusable_phone(user, offer, phone)
    try:
        orders = _charge_and_create(user, offer, qty)
    except InsufficientFunds as exc:
        total = offer.sell_price * qty
        raise NotEnoughFunds(total, ngettext("%(count)d number costs", "%(count)d numbers cost",
                                             qty) % {"count": qty}) from exc
    _send(orders, offer, reuse)
    return list(Order.objects.filter(pk__in=[o.pk for o in orders]).order_by("pk"))


@transaction.atomic
def _charge_and_create(user: User, offer: SmsPrice, qty: int) -> list[Order]:
    batch = uuid.uuid4()
    orders = []
    for _ in range(qty):
        order = Order.objects.create(
            user=user, provider=offer.project.provider, kind=Kind.SMS, quantity=1,
            unit_price=offer.sell_price, price_unit=1, charge=offer.sell_price,
            sms_project=offer.project, sms_country=offer.country, batch=batch,
            state=State.QUEUED)
        debit(user, offer.sell_price, order=order,
              reason=f"SMS #{order.pk}: {offer.project.name} ({offer.country.code})"[:300])
        orders.append(order)
    return orders


def _send(orders: list[Order], offer: SmsPrice, reuse: str) -> None:
    now = timezone.now()
    claimed = [o for o in orders if move(o.pk, State.SENDING, expected=[State.QUEUED],
                                         action="claimed", claimed_at=now)]
    try:
        client = offer.project.provider.client()
    except ValueError as exc:  # a URL or timeout the client refuses: nothing was sent
        _failed(claimed, ProviderUnavailable(f"cannot call the provider: {exc}", "add_sms"))
        return
    try:
        numbers = client.add_sms(project_id=offer.project.project_id, quantity=len(claimed),
                                 country=offer.country.code, phone=reuse or None)
    except ProviderError as exc:
        _failed(claimed, exc)
        return
    finally:
        client.close()
    _assign(claimed, numbers)


def _failed(orders: list[Order], exc: ProviderError) -> None:
    for order in orders:
        if isinstance(exc, OutcomeUnknown):
            to_review(order.pk, reason=f"add_sms {unknown_outcome(exc)}",
                      expected=[State.SENDING])
        else:
            # Refused, or never sent: the customer is told now and paid back.
            reject(order.pk, reason=getattr(exc, "message", str(exc)), expected=[State.SENDING])


def _assign(orders: list[Order], numbers: list[SmsNumber]) -> None:
    now = timezone.now()
    for order, number in zip(orders, numbers, strict=False):
        try:
            move(order.pk, State.PLACED, expected=[State.SENDING], action="number rented",
                 note=number.phone, upstream_id=number.order_id, phone=number.phone[:40],
                 upstream_status=number.status[:50], placed_at=now, next_check_at=now)
        except DatabaseError as exc:
            # Rented upstream, but not storable here: review with the money held.
            to_review(order.pk, reason=f"number {number!r} could not be stored: "
                      f"{type(exc).__name__}: {exc}", expected=[State.SENDING])
    for order in orders[len(numbers):]:
        reject(order.pk, reason="The upstream had no more numbers.", expected=[State.SENDING])
