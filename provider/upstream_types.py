"""What the upstream answers, as frozen dataclasses, and the parsers that build them.

Parsing happens here, at the edge, so the rest of the panel never sees raw JSON or a string of
money. The parsers read both dialects (HstockPlus and the standard SMM panel API v2, see
`hstockplus-api.md`): numbers may arrive as strings, booleans as `1`/`"0"`, fields the panel does
not know are ignored. Money is always `Decimal`; the client decodes JSON with
`parse_float=Decimal`, so a float never appears. A payload that lacks what the panel needs raises
`MalformedAnswer`, which the client turns into `OutcomeUnknown`.

Plain Python: no Django, no HTTP.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

__all__ = [
    "Balance",
    "Inventory",
    "MalformedAnswer",
    "OrderStatus",
    "ServicesPage",
    "SmsCode",
    "SmsCountry",
    "SmsNumber",
    "SmsProject",
    "SmsStatus",
    "UpstreamCategory",
    "UpstreamService",
]


class MalformedAnswer(ValueError):
    """The answer is JSON but not the shape the action promises."""


# --- the dataclasses --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UpstreamCategory:
    name: str
    subcategories: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UpstreamService:
    service_id: int
    name: str
    type: str
    category: str
    rate: Decimal
    min: int
    max: int
    refill: bool
    cancel: bool
    stock: int | None
    entity_type: str  # "smm" | "product"
    auto_delivery: bool
    description: str
    dripfeed: bool


@dataclass(frozen=True, slots=True)
class ServicesPage:
    services: tuple[UpstreamService, ...]
    total: int
    page: int
    limit: int
    total_pages: int


@dataclass(frozen=True, slots=True)
class Inventory:
    service_id: int
    stock: int
    available: bool
    entity_type: str
    auto_delivery: bool


@dataclass(frozen=True, slots=True)
class OrderStatus:
    status: str  # raw, as sent: "In progress", "Processing", "Cancelled", ...
    charge: Decimal | None
    start_count: int | None
    remains: int | None
    currency: str
    entity_type: str | None
    auto_delivery: bool | None
    accounts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Balance:
    amount: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class SmsCountry:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class SmsProject:
    project_id: str
    name: str
    price: Decimal
    country_id: str
    country_title: str


@dataclass(frozen=True, slots=True)
class SmsNumber:
    order_id: int
    phone: str
    country: str
    status: str


@dataclass(frozen=True, slots=True)
class SmsCode:
    status: str
    code: str | None
    text: str | None
    message: str | None


@dataclass(frozen=True, slots=True)
class SmsStatus:
    status: str
    phone: str | None
    code: str | None
    charge: Decimal | None
    currency: str | None
    expires_at: datetime | None  # aware, UTC


# --- field readers ----------------------------------------------------------------------------

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


def as_object(data: object, what: str = "the answer") -> Mapping[str, object]:
    """`data` as a JSON object, or MalformedAnswer."""
    if not isinstance(data, Mapping):
        raise MalformedAnswer(f"{what} is not a JSON object")
    return data


def as_list(data: object, key: str) -> Sequence[object]:
    """A list answered bare (`[...]`) or wrapped (`{key: [...]}`): both dialects occur."""
    if isinstance(data, Mapping):
        data = data.get(key)
    if not isinstance(data, list):
        raise MalformedAnswer(f"expected a list of {key}")
    return data


def _required(obj: Mapping[str, object], name: str) -> object:
    value = obj.get(name)
    if value is None:
        raise MalformedAnswer(f"`{name}` is missing")
    return value


def _to_int(value: object) -> int | None:
    """An integer from 42, "42", "42.0" or Decimal("42"); None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str | Decimal):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            return None
        if number.is_finite() and number == number.to_integral_value():
            return int(number)
    return None


def int_field(obj: Mapping[str, object], name: str) -> int:
    number = _to_int(_required(obj, name))
    if number is None:
        raise MalformedAnswer(f"`{name}` is not an integer: {obj.get(name)!r}")
    return number


def optional_int(obj: Mapping[str, object], name: str) -> int | None:
    # Standard panels send `"remains": ""` or leave it out; both mean "not known".
    return _to_int(obj.get(name))


def _to_money(value: object, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise MalformedAnswer(f"`{name}` is not an amount: {value!r}")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise MalformedAnswer(f"`{name}` is not an amount: {value!r}") from None
    if not amount.is_finite():
        raise MalformedAnswer(f"`{name}` is not an amount: {value!r}")
    return amount


def money_field(obj: Mapping[str, object], name: str) -> Decimal:
    return _to_money(_required(obj, name), name)


def optional_money(obj: Mapping[str, object], name: str) -> Decimal | None:
    # Missing means "not told"; present but unreadable is a broken answer, never a guess.
    value = obj.get(name)
    if value is None or value == "":
        return None
    return _to_money(value, name)


def _to_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | Decimal):
        return value != 0
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    return None


def bool_field(obj: Mapping[str, object], name: str, default: bool) -> bool:
    flag = _to_bool(obj.get(name))
    return default if flag is None else flag


def optional_bool(obj: Mapping[str, object], name: str) -> bool | None:
    return _to_bool(obj.get(name))


def _to_text(value: object) -> str:
    # Ids and codes sometimes come as numbers (`"code": 123456`); text is what the panel keeps.
    if isinstance(value, str):
        return value
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    raise MalformedAnswer(f"expected text, got {value!r}")


def str_field(obj: Mapping[str, object], name: str) -> str:
    return _to_text(_required(obj, name))


def optional_str(obj: Mapping[str, object], name: str) -> str | None:
    value = obj.get(name)
    return None if value is None else _to_text(value)


def text_field(obj: Mapping[str, object], name: str, default: str = "") -> str:
    return optional_str(obj, name) or default


def _account(value: object) -> str:
    # One credential string per account is the contract; anything else is kept whole as JSON
    # so staff can still hand it over, rather than the delivery failing to parse.
    if isinstance(value, str):
        return value
    return json.dumps(value, default=str, ensure_ascii=False)


def _timestamp(value: object, name: str) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise MalformedAnswer(f"`{name}` is not a date: {value!r}") from None
        # A time without a zone is read as UTC, the zone the page's example uses.
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    seconds = _to_int(value)
    if seconds is None:
        raise MalformedAnswer(f"`{name}` is not a date: {value!r}")
    return datetime.fromtimestamp(seconds, UTC)


# --- parsers, one per answer ------------------------------------------------------------------


def _subcategories(row: Mapping[str, object]) -> tuple[str, ...]:
    names = row.get("subcategories")
    if names is None:
        return ()
    if not isinstance(names, list):
        raise MalformedAnswer("`subcategories` is not a list")
    return tuple(_to_text(name) for name in names)


def parse_categories(data: object) -> list[UpstreamCategory]:
    rows = [as_object(row, "a category") for row in as_list(data, "categories")]
    return [UpstreamCategory(str_field(row, "category"), _subcategories(row)) for row in rows]


def parse_service(data: object) -> UpstreamService:
    row = as_object(data, "a service")
    try:
        return UpstreamService(
            service_id=int_field(row, "service"),
            name=str_field(row, "name"),
            type=text_field(row, "type", "Default"),
            category=text_field(row, "category"),
            rate=money_field(row, "rate"),
            min=int_field(row, "min"),
            max=int_field(row, "max"),
            refill=bool_field(row, "refill", False),
            cancel=bool_field(row, "cancel", False),
            stock=optional_int(row, "stock"),
            # Standard providers send none of the three HstockPlus fields: they sell smm
            # services, fulfilled automatically.
            entity_type=text_field(row, "entityType", "smm").strip().lower(),
            auto_delivery=bool_field(row, "autoDelivery", True),
            description=text_field(row, "desc") or text_field(row, "description"),
            dripfeed=bool_field(row, "dripfeed", False),
        )
    except MalformedAnswer as exc:
        raise MalformedAnswer(f"service {row.get('service')!r}: {exc}") from None


def parse_service_ids(data: object) -> tuple[int, ...]:
    """Only the ids of a `services` answer: cheap when the rest is already known."""
    return tuple(int_field(as_object(row, "a service"), "service")
                 for row in as_list(data, "services"))


def parse_services(data: object) -> ServicesPage:
    """The HstockPlus page object, or the standard dialect's bare list (one page of all)."""
    services = tuple(parse_service(row) for row in as_list(data, "services"))
    count = len(services)
    if not isinstance(data, Mapping):
        return ServicesPage(services, total=count, page=1, limit=count, total_pages=1)
    return ServicesPage(
        services,
        total=optional_int(data, "total") or count,
        page=optional_int(data, "page") or 1,
        limit=optional_int(data, "limit") or count,
        total_pages=optional_int(data, "total_pages") or 1,
    )


def parse_inventory(data: object, service_id: int) -> Inventory:
    row = as_object(data)
    stock = int_field(row, "stock")
    return Inventory(
        service_id=optional_int(row, "service") or service_id,
        stock=stock,
        available=bool_field(row, "available", stock > 0),
        entity_type=text_field(row, "entityType", "smm").strip().lower(),
        auto_delivery=bool_field(row, "autoDelivery", True),
    )


def parse_order_status(data: object) -> OrderStatus:
    row = as_object(data, "an order status")
    entity_type = optional_str(row, "entityType")
    accounts = row.get("accounts")
    return OrderStatus(
        status=str_field(row, "status"),
        charge=optional_money(row, "charge"),
        start_count=optional_int(row, "start_count"),
        remains=optional_int(row, "remains"),
        currency=text_field(row, "currency"),
        entity_type=entity_type.strip().lower() if entity_type else None,
        auto_delivery=optional_bool(row, "autoDelivery"),
        accounts=tuple(_account(a) for a in accounts) if isinstance(accounts, list) else (),
    )


def parse_order_id(data: object, field: str = "order") -> int:
    return int_field(as_object(data), field)


def parse_balance(data: object) -> Balance:
    row = as_object(data)
    return Balance(amount=money_field(row, "balance"), currency=text_field(row, "currency"))


def parse_sms_countries(data: object) -> list[SmsCountry]:
    rows = [as_object(row, "a country") for row in as_list(data, "countries")]
    return [
        SmsCountry(code=str_field(row, "country_code"), name=text_field(row, "country_name"))
        for row in rows
    ]


def parse_sms_projects(data: object) -> list[SmsProject]:
    rows = [as_object(row, "a project") for row in as_list(data, "projects")]
    return [
        SmsProject(
            project_id=str_field(row, "project_id"),
            name=text_field(row, "name"),
            price=money_field(row, "price"),
            country_id=text_field(row, "country_id"),
            country_title=text_field(row, "country_title"),
        )
        for row in rows
    ]


def parse_sms_numbers(data: object) -> list[SmsNumber]:
    rows = [as_object(row, "an SMS order") for row in as_list(data, "orders")]
    if not rows:
        # Asked for numbers, told of none: whether any were rented is not known.
        raise MalformedAnswer("`orders` is empty")
    return [
        SmsNumber(
            order_id=int_field(row, "order"),
            phone=text_field(row, "phone"),
            country=text_field(row, "country"),
            status=text_field(row, "status"),
        )
        for row in rows
    ]


def parse_sms_code(data: object) -> SmsCode:
    row = as_object(data)
    return SmsCode(
        status=str_field(row, "status"),
        code=optional_str(row, "code"),
        text=optional_str(row, "sms_content"),
        message=optional_str(row, "message"),
    )


def parse_sms_status(data: object) -> SmsStatus:
    row = as_object(data)
    return SmsStatus(
        status=str_field(row, "status"),
        phone=optional_str(row, "phone"),
        code=optional_str(row, "code"),
        charge=optional_money(row, "charge"),
        currency=optional_str(row, "currency"),
        expires_at=_timestamp(row.get("expires_at"), "expires_at"),
    )


def parse_refill_status(data: object) -> str:
    return str_field(as_object(data), "status")
