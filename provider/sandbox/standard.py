"""The standard SMM panel API v2 dialect, at `/standard/api/v2`, over the same account.

It differs from HstockPlus the way real standard providers do: a bare `services` list of
smm services, numbers as strings, `Processing` and `Cancelled`, batch `status`, and the
`refill`, `refill_status` and `cancel` actions. Products and SMS do not exist here.
"""

from collections.abc import Callable

from provider.sandbox.catalog import Status
from provider.sandbox.hstockplus import balance
from provider.sandbox.money import five_places
from provider.sandbox.protocol import (
    Dialect,
    JsonObject,
    Params,
    RawJson,
    each_id,
    id_list,
    place_order,
    required_id,
)
from provider.sandbox.state import OrderView, Rejected, SandboxState

NAME = "standard"
WORDING = {
    "Insufficient balance": "Not enough funds on balance",
    "Order not found": "Incorrect order ID",
}
_WORDS = {Status.IN_PROGRESS: "Processing", Status.CANCELED: "Cancelled"}


def _error(refusal: Rejected) -> JsonObject:
    return {"error": WORDING.get(refusal.message, refusal.message)}


def services(state: SandboxState, params: Params) -> RawJson:
    return RawJson(state.listing.standard_json())


def add(state: SandboxState, params: Params) -> JsonObject:
    return {"order": place_order(state, params, dialect=NAME, products=False, drips=True)}


def order_status(view: OrderView, currency: str) -> JsonObject:
    progress = view.progress
    return {"charge": five_places(view.charge), "start_count": str(progress.start_count),
            "status": _WORDS.get(progress.status, str(progress.status)),
            "remains": str(progress.remains), "currency": currency}


def status(state: SandboxState, params: Params) -> JsonObject:
    """`order`, or `orders=1,2,3` (up to 100) answered as an object keyed by id."""
    currency = state.knobs.currency
    if state.knobs.standard_multi_status and not params.get("order") and params.get("orders"):
        return each_id(id_list(params["orders"]),
                       lambda order_id: order_status(state.order_view(order_id), currency),
                       {"error": WORDING["Order not found"]})
    order_id = required_id(params, "order", missing="Order ID is required",
                           unknown="Order not found")
    return order_status(state.order_view(order_id), currency)


def _per_item(
    ids: list[str], field: str, result: str, act: Callable[[int], object]
) -> list[JsonObject]:
    """`[{field: id, result: act(id) or {"error": ...}}, ...]`, one item per id."""
    items: list[JsonObject] = []
    for raw in ids:
        try:
            outcome: object = act(int(raw))
        except ValueError:
            outcome = {"error": WORDING["Order not found"]}
        except Rejected as refusal:
            outcome = _error(refusal)
        items.append({field: int(raw) if raw.isdigit() else raw, result: outcome})
    return items


def refill(state: SandboxState, params: Params) -> JsonObject | list[JsonObject]:
    if params.get("orders") and not params.get("order"):
        return _per_item(id_list(params["orders"]), "order", "refill",
                         lambda order_id: state.request_refill(order_id).id)
    order_id = required_id(params, "order", missing="Order ID is required",
                           unknown="Order not found")
    return {"refill": state.request_refill(order_id).id}


def refill_status(state: SandboxState, params: Params) -> JsonObject | list[JsonObject]:
    if params.get("refills") and not params.get("refill"):
        return _per_item(id_list(params["refills"]), "refill", "status", state.refill_status)
    refill_id = required_id(params, "refill", missing="Refill ID is required",
                            unknown="Refill not found")
    return {"status": state.refill_status(refill_id)}


def cancel(state: SandboxState, params: Params) -> list[JsonObject]:
    """`orders=1,2`: `[{"order": 1, "cancel": 1}, {"order": 2, "cancel": {"error": ...}}]`."""
    ids = id_list(params.get("orders") or params.get("order", ""))
    return _per_item(ids, "order", "cancel", lambda order_id: _cancel_one(state, order_id))


def _cancel_one(state: SandboxState, order_id: int) -> int:
    state.cancel_order(order_id)
    return 1


DIALECT = Dialect(NAME, {
    "services": services, "add": add, "status": status, "balance": balance, "refill": refill,
    "refill_status": refill_status, "cancel": cancel,
}, WORDING)
