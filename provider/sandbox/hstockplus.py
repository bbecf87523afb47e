"""The HstockPlus dialect, as `hstockplus-api.md` describes it, at `/api/v2`."""

import json
from collections.abc import Mapping, Sequence
from math import ceil

from provider.sandbox import arabic
from provider.sandbox.catalog import COUNTRIES_BY_CODE, SMS_COUNTRIES, SMS_PROJECTS, Service
from provider.sandbox.lifecycle import NumberStatus, credentials
from provider.sandbox.listing import hstockplus_service
from provider.sandbox.money import four_places, two_places
from provider.sandbox.protocol import (
    Dialect,
    JsonObject,
    Params,
    RawJson,
    each_id,
    id_list,
    iso_time,
    place_order,
    required_id,
    whole_number,
)
from provider.sandbox.state import NumberView, OrderView, Rejected, SandboxState

NAME = "hstockplus"


def categories(state: SandboxState, params: Params) -> JsonObject:
    """`lang=ar` answers the Arabic names it has (English otherwise), in the same order."""
    listed = state.listing.categories()
    if arabic.wants_arabic(params.get("lang", "")):
        listed = [{"category": arabic.name(str(row["category"])),
                   "subcategories": [arabic.name(sub) for sub in row["subcategories"]]}
                  for row in listed]
    return {"categories": listed}


def services(state: SandboxState, params: Params) -> RawJson:
    """Paged when `limit` > 0; otherwise everything, with `page` and `limit` equal to total."""
    page = whole_number(params, "page", 1)
    limit = whole_number(params, "limit", 0)
    if page is None or page < 1:
        raise Rejected("Invalid page")
    if limit is None or limit < 0:
        raise Rejected("Invalid limit")
    chosen = state.listing.select(params.get("category", "").strip(),
                                  params.get("subcategory", "").strip())
    total = len(chosen)
    if limit:
        shown = chosen[(page - 1) * limit:page * limit]
        pages = ceil(total / limit)
    else:
        shown, page, limit, pages = chosen, total, total, 1 if total else 0
    if arabic.wants_arabic(params.get("lang", "")):
        items = _in_arabic(shown, state.stock_levels())
    else:
        items = state.listing.hstockplus_json(shown, state.stock_levels())
    return RawJson(f'{{"services": {items}, "total": {total}, "page": {page}, '
                   f'"limit": {limit}, "total_pages": {pages}}}')


def _in_arabic(services: Sequence[Service], stock: Mapping[int, int]) -> str:
    """Not cached like the English list: asked for once per sync, not per client call."""
    rows = []
    for service in services:
        row = hstockplus_service(service, stock.get(service.id, service.stock))
        row["name"] = arabic.SERVICES.get(service.id, service.name)
        row["category"] = arabic.name(service.category)
        rows.append(row)
    return json.dumps(rows, ensure_ascii=False)


def inventory(state: SandboxState, params: Params) -> JsonObject:
    service = state.service(required_id(
        params, "service", missing="Service ID is required", unknown="Service not found"))
    stock = state.stock(service.id)
    return {"service": service.id, "stock": stock, "available": stock > 0,
            "entityType": str(service.entity), "autoDelivery": service.auto_delivery}


def add(state: SandboxState, params: Params) -> JsonObject:
    return {"order": place_order(state, params, dialect=NAME)}


def order_status(view: OrderView, currency: str) -> JsonObject:
    """One order's `status` reply; products list the accounts delivered so far."""
    progress, service = view.progress, view.order.service
    reply: JsonObject = {
        "status": str(progress.status), "charge": two_places(view.charge),
        "start_count": progress.start_count, "remains": progress.remains, "currency": currency,
    }
    delivered_product = service.is_product and progress.delivered > 0
    if delivered_product:
        reply["entityType"] = str(service.entity)
    reply["autoDelivery"] = service.auto_delivery
    if delivered_product:
        reply["accounts"] = credentials(view.order.id, service, progress.delivered)
    return reply


def status(state: SandboxState, params: Params) -> JsonObject:
    """`order`; with the `multi_status` knob also `orders=1,2,...` (an object keyed by id)."""
    currency = state.knobs.currency
    if state.knobs.multi_status and not params.get("order") and params.get("orders"):
        return each_id(id_list(params["orders"]),
                       lambda order_id: order_status(state.order_view(order_id), currency),
                       {"error": "Order not found"})
    order_id = required_id(params, "order", missing="Order ID is required",
                           unknown="Order not found")
    return order_status(state.order_view(order_id), currency)


def balance(state: SandboxState, params: Params) -> JsonObject:
    return {"balance": two_places(state.balance), "currency": state.knobs.currency}


def sms_projects(state: SandboxState, params: Params) -> list[JsonObject]:
    """One row per project and country, optionally for one `country`."""
    wanted = params.get("country", "").strip().lower()
    return [
        {"project_id": project.id, "name": project.name, "price": four_places(price),
         "country_id": code, "country_title": COUNTRIES_BY_CODE[code].name}
        for project in SMS_PROJECTS for code, price in project.prices.items()
        if not wanted or code == wanted
    ]


def sms_countries(state: SandboxState, params: Params) -> list[JsonObject]:
    return [{"country_code": country.code, "country_name": country.name}
            for country in SMS_COUNTRIES]


def add_sms(state: SandboxState, params: Params) -> JsonObject:
    project_id = params.get("project_id", "").strip()
    if not project_id:
        raise Rejected("Project ID is required")
    numbers = state.rent_numbers(
        project_id=project_id, quantity=whole_number(params, "quantity", 1) or 0,
        country=params.get("country", "").strip().lower(), phone=params.get("phone", "").strip())
    return {"orders": [{"order": number.id, "phone": number.phone,
                        "country": number.country.code, "status": "active"}
                       for number in numbers]}


def _number(state: SandboxState, params: Params) -> NumberView:
    return state.number_view(required_id(
        params, "order", missing="Order ID is required", unknown="Order not found"))


_CODE_REPLIES: dict[NumberStatus, JsonObject] = {
    NumberStatus.ACTIVE: {"status": "waiting", "message": "Waiting for code"},
    NumberStatus.EXPIRED: {"status": "expired", "message": "Number expired"},
    NumberStatus.CANCELED: {"status": "canceled", "message": "Number canceled"},
}


def sms_code(state: SandboxState, params: Params) -> JsonObject:
    view = _number(state, params)
    if view.code is None:
        return dict(_CODE_REPLIES[view.status])
    return {"status": "completed", "code": view.code,
            "sms_content": f"Your verification code is {view.code}"}


def sms_status(state: SandboxState, params: Params) -> JsonObject:
    view = _number(state, params)
    return {"status": str(view.status), "phone": view.number.phone, "code": view.code,
            "charge": four_places(view.charge), "currency": state.knobs.currency,
            "expires_at": iso_time(view.number.expires_at)}


DIALECT = Dialect(NAME, {
    "categories": categories, "services": services, "inventory": inventory, "add": add,
    "status": status, "balance": balance, "sms_projects": sms_projects,
    "sms_countries": sms_countries, "add_sms": add_sms, "sms_code": sms_code,
    "sms_status": sms_status,
})
