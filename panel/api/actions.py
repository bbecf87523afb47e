"""The API's actions: each reads its parameters, calls the panel's own functions, and
returns a JSON-able reply (or ready JSON bytes). A refusal is an `ApiError`.

Every action answers only about the key owner's data, with the panel's ids and prices.
"""

from collections.abc import Callable

from django.utils import timezone

from orders.ledger import wallet_for
from orders.models import Kind, Order
from orders.placing import PlacementError, place_order
from orders.sms import rent_numbers
from orders.states import State
from panel.api import catalog, passthrough, serialization, snapshot
from panel.api.params import ApiError, Params, as_id
from panel.models import User
from panel.prepared import Prepared
from provider.service_types import EXTRA_FIELDS, MAX_FIELD

type Reply = dict[str, object] | list[object] | snapshot.Listing
type Action = Callable[[User, Params], Reply]

MAX_LINK = 2000
DEFAULT_SMS_COUNTRY = "us"
INCORRECT_ORDER = "Incorrect order ID"  # the standard's words, single and batch alike
REFILL_NOT_FOUND = "Refill not found"


# --- catalog ----------------------------------------------------------------------------


def services(user: User, params: Params) -> Reply:
    """The standard bare list, or with `limit` > 0 the HstockPlus page object.

    The plain bare list leaves products out unless `products=1` asks for them (a standard
    client would price them per 1,000); `category`/`subcategory` (HstockPlus parameters no
    standard client sends) and the page object, which carry `entityType`, have them all.
    """
    page = params.whole("page", default=1, invalid="Invalid page")
    limit = params.whole("limit", default=0, invalid="Invalid limit")
    if page < 1:
        raise ApiError("Invalid page")
    category, subcategory = params.text("category"), params.text("subcategory")
    products = params.text("products") in ("1", "true")
    if not (limit or category or subcategory or products):
        return snapshot.services_body()
    chosen = catalog.filtered(category=category, subcategory=subcategory)
    if not limit:
        return catalog.service_rows(chosen, standard=True)
    return catalog.services_page(chosen, page=page, limit=limit)


def categories(user: User, params: Params) -> Reply:
    return {"categories": catalog.categories()}


def inventory(user: User, params: Params) -> Reply:
    return catalog.inventory(params.id("service", missing="Service ID is required",
                                       unknown="Service not found"))


def balance(user: User, params: Params) -> Reply:
    return {"balance": serialization.money(wallet_for(user).balance),
            "currency": serialization.currency()}


# --- orders -----------------------------------------------------------------------------


def add(user: User, params: Params) -> Reply:
    """Through `place_order`, exactly as the storefront orders."""
    if not params.has("service"):
        raise ApiError("Service ID is required")
    try:
        order = place_order(user=user, service_id=params.text("service"),
                            quantity=params.text("quantity"),
                            link=params.text("link", max_length=MAX_LINK),
                            runs=params.text("runs"), interval=params.text("interval"),
                            fields={name: params.text(name, max_length=MAX_FIELD)
                                    for name in EXTRA_FIELDS if params.has(name)})
    except PlacementError as exc:  # NotEnoughFunds included: "Insufficient balance: ..."
        raise ApiError(exc.message) from None
    return {"order": order.pk}


def _orders(user: User, ids: list[int]) -> dict[int, Order]:
    found = Order.objects.filter(user=user, pk__in=ids).exclude(kind=Kind.SMS)
    return {order.pk: order for order in found}


def _listed(params: Params, single: str, batch: str) -> list[str] | None:
    """The ids of a batch call: `batch=1,2,3`, or `single=1,2` as some SDKs send it; None
    for a call about one id."""
    if params.has(batch) and not params.has(single):
        return params.ids(batch)
    if params.is_list(single):
        return params.ids(single)
    return None


def status(user: User, params: Params) -> Reply:
    """`order`, or `orders=1,2,...` (up to 100, also `order=1,2`) answered as an object keyed
    by id."""
    tokens = _listed(params, "order", "orders")
    if tokens is not None:
        found = _orders(user, [i for i in map(as_id, tokens) if i])
        incorrect = {"error": INCORRECT_ORDER}
        return {token: serialization.order_status(found[order_id])
                if (order_id := as_id(token)) in found else incorrect for token in tokens}
    order_id = params.id("order", missing="Order ID is required", unknown=INCORRECT_ORDER)
    order = ONE_ORDER_STATUS.first(user=user.pk, order=order_id)
    if order is None:
        raise ApiError(INCORRECT_ORDER)
    return serialization.order_status(order)


# The most frequent call of all, compiled once: the columns `order_status` reads (a
# product's encrypted accounts are read, deferred, only for a product).
ONE_ORDER_STATUS = Prepared(lambda p: Order.objects.filter(user_id=p.user, pk=p.order)
                            .exclude(kind=Kind.SMS).only(*serialization.ORDER_STATUS_FIELDS))


def _each(tokens: list[str], field: str, result: str,
          act: Callable[[int], object], unknown: str) -> list[dict[str, object]]:
    """`[{field: id, result: act(id) or {"error": ...}}, ...]` in the order asked: one
    refusal costs only its own item."""
    items: list[dict[str, object]] = []
    for token in tokens:
        number = as_id(token)
        try:
            if number is None:
                raise ApiError(unknown)
            outcome = act(number)
        except ApiError as exc:
            outcome = {"error": exc.message}
        items.append({field: number or token, result: outcome})
    return items


def refill(user: User, params: Params) -> Reply:
    """`order`, or `orders=1,2,...` answered as `[{"order", "refill"}, ...]`."""
    tokens = _listed(params, "order", "orders")
    if tokens is not None:
        return _each(tokens, "order", "refill",
                     lambda order_id: passthrough.request_refill(user, order_id).pk,
                     INCORRECT_ORDER)
    order_id = params.id("order", missing="Order ID is required", unknown=INCORRECT_ORDER)
    return {"refill": passthrough.request_refill(user, order_id).pk}


def refill_status(user: User, params: Params) -> Reply:
    """`refill`, or `refills=1,2,...` answered as `[{"refill", "status"}, ...]`."""
    tokens = _listed(params, "refill", "refills")
    if tokens is not None:
        return _each(tokens, "refill", "status",
                     lambda refill_id: passthrough.refill_status(user, refill_id),
                     REFILL_NOT_FOUND)
    refill_id = params.id("refill", missing="Refill ID is required", unknown=REFILL_NOT_FOUND)
    return {"status": passthrough.refill_status(user, refill_id)}


def cancel(user: User, params: Params) -> Reply:
    field = "orders" if params.has("orders") else "order"
    return passthrough.cancel_orders(user, params.ids(field))


# --- SMS numbers ------------------------------------------------------------------------


def sms_countries(user: User, params: Params) -> Reply:
    return catalog.sms_countries()


def sms_projects(user: User, params: Params) -> Reply:
    return catalog.sms_projects(params.text("country"))


def add_sms(user: User, params: Params) -> Reply:
    """Rent numbers; only the numbers obtained are listed."""
    if not params.has("project_id"):
        raise ApiError("Project ID is required")
    try:
        rented = rent_numbers(user=user, project_id=params.text("project_id"),
                              country=params.text("country") or DEFAULT_SMS_COUNTRY,
                              quantity=params.text("quantity") or 1,
                              phone=params.text("phone"))
    except PlacementError as exc:
        raise ApiError(exc.message) from None
    active = [order for order in rented if order.state == State.PLACED]
    if not active:
        raise ApiError(_no_number(rented))
    code = active[0].sms_country.code
    return {"orders": [{"order": order.pk, "phone": order.phone, "country": code,
                        "status": "active"} for order in active]}


def _no_number(rented: list[Order]) -> str:
    checking = [order.pk for order in rented if order.state == State.REVIEW]
    if checking:
        listed = ", ".join(f"#{pk}" for pk in checking)
        return f"No number yet: the request is being checked (order {listed})"
    return "No numbers available"


def _number(user: User, params: Params) -> Order:
    order_id = params.id("order", missing="Order ID is required", unknown="Order not found")
    order = Order.objects.filter(pk=order_id, user=user, kind=Kind.SMS).first()
    if order is None:
        raise ApiError("Order not found")
    return order


def sms_code(user: User, params: Params) -> Reply:
    return serialization.sms_code(_number(user, params), timezone.now())


def sms_status(user: User, params: Params) -> Reply:
    return serialization.sms_status(_number(user, params), timezone.now())


ACTIONS: dict[str, Action] = {
    "services": services, "categories": categories, "inventory": inventory,
    "balance": balance, "add": add, "status": status, "refill": refill,
    "refill_status": refill_status, "cancel": cancel, "sms_countries": sms_countries,
    "sms_projects": sms_projects, "add_sms": add_sms, "sms_code": sms_code,
    "sms_status": sms_status,
}
