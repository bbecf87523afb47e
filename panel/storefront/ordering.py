"""A new order: pick a service, the form adapts to its type, the total follows the
quantity (priced on the server by `orders.placing.quote`), and `place_order` charges it.

The page and the quote refuse exactly what placing would refuse, with its messages: both
call the same function.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from orders.completion import completion_time
from orders.numbers import normalize
from orders.placing import NotEnoughFunds, PlacementError, on_sale_service, place_order, quote
from panel.models import User
from panel.storefront import once, picker
from panel.storefront.context import balance_of
from panel.storefront.rendering import customer_required, go_to_order, page
from panel.storefront.verification import require_verified
from provider.models import Service
from provider.service_types import EXTRA_FIELDS, service_type


@dataclass(frozen=True)
class Preview:
    """What the order would cost, or why it would be refused."""

    amount: Decimal | None = None
    error: str = ""
    field: str = ""
    balance: Decimal = Decimal(0)

    @property
    def short_of_funds(self) -> bool:
        return self.field == "funds"

    @property
    def balance_after(self) -> Decimal | None:
        return None if self.amount is None else self.balance - self.amount


FIELD_LABELS = {
    "comments": _("Comments (one per line)"), "usernames": _("Usernames (one per line)"),
    "hashtags": _("Hashtags (one per line)"), "groups": _("Groups (one per line)"),
    "hashtag": _("Hashtag"), "username": _("Username"), "media": _("Media URL"),
    "answer_number": _("Answer number"),
}


def extras(params: Mapping[str, object]) -> dict[str, object]:
    """The drip-feed and service-type fields of a form, by name, for `quote`/`place_order`."""
    given = {name: params.get(name) or "" for name in EXTRA_FIELDS if params.get(name)}
    if "answer_number" in given:
        given["answer_number"] = normalize(given["answer_number"])
    return {"runs": normalize(params.get("runs") or ""),
            "interval": normalize(params.get("interval") or ""), "fields": given}


def form_of(service: Service, params: Mapping[str, object]) -> dict[str, object]:
    """What the order form asks for this service's type: the quantity or not, the type's own
    fields (a text area for lists), and drip-feed where the service takes it."""
    kind = service_type(service.type)
    if kind is None:
        return {"supported": False, "quantity": False, "fields": [], "dripfeed": False}
    fields = [{"name": name, "label": FIELD_LABELS.get(name, name), "list": name in kind.lists,
               "value": params.get(name) or ""} for name in kind.fields]
    takes_quantity = kind.quantity and not kind.counted and not kind.per_order
    return {"supported": True, "quantity": takes_quantity, "fields": fields,
            "dripfeed": service.dripfeed and takes_quantity and not kind.fields,
            "package": kind.per_order}


def preview(*, user: User, service_id: object, quantity: object, link: object,
            runs: object = "", interval: object = "",
            fields: Mapping[str, object] | None = None) -> Preview:
    balance = balance_of(user)
    try:
        q = quote(service_id=service_id, quantity=quantity, link=link, runs=runs,
                  interval=interval, fields=fields)
    except PlacementError as exc:
        return Preview(error=exc.message, field=exc.field, balance=balance)
    if q.amount > balance:
        # What place_order would refuse, said before the customer presses the button; the
        # template words it with the shop's symbol (amount and balance).
        return Preview(q.amount, str(_("Insufficient balance.")), "funds", balance)
    return Preview(q.amount, balance=balance)


def _selected(raw: str | None) -> Service | None:
    if not raw:
        return None
    try:
        return on_sale_service(raw)
    except PlacementError:
        return None


def _context(request: HttpRequest, params: dict) -> dict:
    choice = picker.choose(params, _selected(params.get("service")))
    service = choice.service
    quantity = normalize(params.get("quantity")) or (service.min_quantity if service else "")
    link = params.get("link", "")
    context = {
        "service": service, "category": choice.category, "choice": choice,
        "quantity": quantity, "link": link,
        "form": form_of(service, params) if service else None,
        "runs": params.get("runs", ""), "interval": params.get("interval", ""),
        "categories": choice.categories,
        "completion": completion_time(service.pk) if service else None,
        "verified": request.user.email_verified,
    }
    if service:
        context["preview"] = preview(user=request.user, service_id=service.pk,
                                     quantity=quantity, link=link, **extras(params))
    return context


@customer_required
def new_order(request: HttpRequest) -> HttpResponse:
    """GET: find a service (search, category, subcategory), see its form; POST: place the
    order. htmx asks for the part it swaps: the choice, the list, or the details."""
    if request.method == "POST":
        return _place(request)
    target = request.htmx.target if request.htmx else ""
    partial = {"order-choice": "choice", "order-list": "list"}.get(target or "", "details")
    return page(request, "storefront/order_new.html", _context(request, request.GET.dict()),
                partial=partial)


def _place(request: HttpRequest) -> HttpResponse:
    data = request.POST
    token = once.token_of(data)
    try:
        # The token is consumed with the order, in one transaction: both or neither.
        with transaction.atomic():
            if token:
                once.consume(request.user, token)
            require_verified(request.user)
            order = place_order(user=request.user, service_id=data.get("service"),
                                quantity=normalize(data.get("quantity")),
                                link=data.get("link", ""),
                                **extras(data))
            if token:
                once.record(token, order.pk)
    except once.AlreadySubmitted as exc:
        return once.already_placed(request, exc.order_id)
    except PlacementError as exc:
        context = _context(request, data.dict())
        shown = context.get("preview")
        if not (isinstance(exc, NotEnoughFunds) and shown and shown.short_of_funds):
            context["refusal"] = exc.message  # once: the total already says what funds lack
        context["refusal_field"] = exc.field
        return page(request, "storefront/order_new.html", context, partial="details")
    return go_to_order(request, order.pk)


@customer_required
def order_quote(request: HttpRequest) -> HttpResponse:
    """The live total for the form's service, quantity and link (an htmx fragment)."""
    params = request.GET
    context = {"preview": preview(user=request.user, service_id=params.get("service"),
                                  quantity=normalize(params.get("quantity")),
                                  link=params.get("link", ""),
                                  **extras(params)),
               "link": params.get("link", ""), "verified": request.user.email_verified}
    return page(request, "storefront/order_new.html#quote", context)
