"""The control endpoints under `/_sandbox/`: JSON in and out, no API key.

Tests running in another process and demos steer the sandbox with these: reset it, turn
knobs, add faults, move its clock, and read back every order and every call it received.
"""

from collections.abc import Callable, Mapping
from decimal import InvalidOperation
from typing import Any

from provider.sandbox.faults import make_rule
from provider.sandbox.listing import hstockplus_service
from provider.sandbox.money import four_places, two_places
from provider.sandbox.protocol import iso_time
from provider.sandbox.state import NumberView, OrderView, Rejected, SandboxState

type Body = dict[str, Any]
type Handler = Callable[[SandboxState, Body], object]

_RULE_FIELDS = frozenset({"action", "kind", "service", "times", "message", "delay"})


def order_record(view: OrderView) -> dict[str, object]:
    """An order as `GET /_sandbox/orders` lists it."""
    order, progress = view.order, view.progress
    return {
        "order": order.id, "service": order.service.id, "name": order.service.name,
        "quantity": order.quantity, "link": order.link, "dialect": order.dialect,
        "created_at": iso_time(order.created_at), "status": str(progress.status),
        "remains": progress.remains, "charge": two_places(view.charge),
        "runs": order.runs, "interval": order.interval,
        "fields": order.fields, "package": order.package,
    }


def number_record(view: NumberView) -> dict[str, object]:
    """A rented number as `GET /_sandbox/orders` lists it."""
    number = view.number
    return {
        "order": number.id, "project_id": number.project.id, "project": number.project.name,
        "country": number.country.code, "phone": number.phone, "quantity": 1,
        "created_at": iso_time(number.created_at), "status": str(view.status),
        "charge": four_places(view.charge),
    }


def _config(state: SandboxState, body: Body) -> dict[str, object]:
    return {"knobs": state.knobs.as_json(), "balance": two_places(state.balance),
            "now": iso_time(state.now())}


def _reset(state: SandboxState, body: Body) -> dict[str, object]:
    state.reset(**body)
    return _config(state, {})


def _configure(state: SandboxState, body: Body) -> dict[str, object]:
    state.configure(**body)
    return _config(state, {})


def _change_service(state: SandboxState, body: Body) -> dict[str, object]:
    """`{"service": 1, "rate": "0.55", "stock": 5}`: change a service's rate and/or stock."""
    unknown = set(body) - {"service", "rate", "stock"}
    if unknown:
        raise ValueError(f"unknown fields: {', '.join(sorted(unknown))}")
    try:
        service_id = int(body["service"])
        if "rate" in body:
            state.set_rate(service_id, str(body["rate"]))
        if "stock" in body:
            state.set_stock(service_id, int(body["stock"]))
        service = state.service(service_id)
    except (KeyError, InvalidOperation, Rejected) as exc:
        raise ValueError(f"a service id and a valid rate or stock are needed ({exc})") from None
    return hstockplus_service(service, state.stock(service_id))


def _faults(state: SandboxState, body: Body) -> dict[str, object]:
    return {"faults": [rule.as_json() for rule in state.faults()]}


def _add_fault(state: SandboxState, body: Body) -> dict[str, object]:
    unknown = set(body) - _RULE_FIELDS
    if unknown:
        raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
    state.add_fault(make_rule(body.pop("action", ""), body.pop("kind", ""), **body))
    return _faults(state, {})


def _clear_faults(state: SandboxState, body: Body) -> dict[str, object]:
    state.clear_faults()
    return _faults(state, {})


def _advance(state: SandboxState, body: Body) -> dict[str, object]:
    state.advance(float(body.get("seconds", 0)))
    return {"now": iso_time(state.now())}


def _orders(state: SandboxState, body: Body) -> dict[str, object]:
    return {"orders": [order_record(view) for view in state.orders()],
            "numbers": [number_record(view) for view in state.numbers()]}


def _calls(state: SandboxState, body: Body) -> dict[str, object]:
    calls = state.calls()
    return {"calls": calls, "total": sum(sum(by_action.values()) for by_action in calls.values())}


def _reset_calls(state: SandboxState, body: Body) -> dict[str, object]:
    state.reset_calls()
    return _calls(state, {})


ROUTES: Mapping[str, Mapping[str, Handler]] = {
    "reset": {"POST": _reset},
    "config": {"GET": _config, "POST": _configure},
    "faults": {"GET": _faults, "POST": _add_fault, "DELETE": _clear_faults},
    "advance": {"POST": _advance},
    "services": {"POST": _change_service},
    "orders": {"GET": _orders},
    "calls": {"GET": _calls, "DELETE": _reset_calls},
}


def control(state: SandboxState, method: str, name: str, body: Body) -> tuple[int, object]:
    """The HTTP status and JSON reply for `METHOD /_sandbox/<name>`."""
    routes = ROUTES.get(name)
    if routes is None:
        return 404, {"error": f"no control endpoint {name!r}", "endpoints": sorted(ROUTES)}
    handler = routes.get(method)
    if handler is None:
        return 405, {"error": f"{method} not allowed here", "allowed": sorted(routes)}
    try:
        return 200, handler(state, body)
    except (TypeError, ValueError) as exc:
        return 400, {"error": str(exc)}
