"""What the upstream answers, as frozen dataclasses, and the parsers that build them.

Parsing happens here, at the edge, so the rest of the panel never sees raw JSON or a string of
money. The parsers read both dialects (HstockPlus and the standard SMM panel API v2, see
`hstockplus-api.md`): numbers may arrive as strings, booleans as `1`/`"0"`, fields the panel does
not know are ignored. Money is always `Decimal`; the client decodes JSON with
`parse_float=Decimal`, so a float never appears. A payload that lacks what the panel needs raises
`MalformedAnswer`, which the client turns into `OutcomeUnknown`.

The upstream is untrusted input. A value the panel's columns cannot hold (an id beyond a
BigIntegerField, a `max` beyond 2^31-1, a rate of 1e12, a negative price or stock) is refused
here with a message naming the field and the value, never discovered by the database. Text is
cleaned of control and direction-changing characters (NUL included); names are cut to their
column, keys (ids, codes, phones, category names) are refused instead, since a cut key names
something else. Catalog answers are read row by row: a row the panel cannot take is skipped and
reported (`RowsRead.skipped`, `ServicesPage.skipped`), the rest kept.

Plain Python: no Django, no HTTP.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from typing import NamedTuple

__all__ = [
    "Balance",
    "Inventory",
    "MalformedAnswer",
    "OrderStatus",
    "RowsRead",
    "ServicesPage",
    "Skipped",
    "SmsCode",
    "SmsCountry",
    "SmsNumber",
    "SmsProject",
    "SmsStatus",
    "UpstreamCategory",
    "UpstreamService",
]


class MalformedAnswer(ValueError):
    """The answer is JSON but not the shape the action promises, or it holds a value the
    panel cannot store (the message names the field and quotes the value)."""


@dataclass(frozen=True, slots=True)
class Skipped:
    """A catalog row left out: which one (`row`, e.g. "service 12") and why."""

    row: str
    reason: str

    def __str__(self) -> str:
        return self.reason if self.reason.startswith(self.row) else f"{self.row}: {self.reason}"


class RowsRead[R](list[R]):
    """The rows of a catalog answer the panel could take, in order, and in `skipped` those it
    could not: one bad row costs that row, never the whole catalog."""

    def __init__(self, rows: Iterable[R] = (), skipped: Iterable[Skipped] = ()) -> None:
        super().__init__(rows)
        self.skipped = tuple(skipped)


# --- the dataclasses --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UpstreamCategory:
    name: str
    subcategories: tuple[str, ...]


class UpstreamService(NamedTuple):
    """One service row as read. A named tuple, immutable like the other answers' types, but
    built several times faster than a frozen dataclass (a first sync builds tens of
    thousands)."""

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
    skipped: tuple[Skipped, ...] = ()


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


# --- what the panel can store ---------------------------------------------------------------
# The columns that keep what an upstream says (provider/models.py, orders/models.py). A value
# outside them is refused here, by name, rather than discovered by the database halfway through
# a sync or a polling pass. tests/provider/test_upstream_types_hostile.py checks these against
# the models, so a column and its limit cannot drift apart.

BIGINT_MAX = 2**63 - 1  # BigIntegerField: upstream ids, remains, start_count
POSITIVE_INT_MAX = 2**31 - 1  # PositiveIntegerField (PostgreSQL `integer`): min, max, stock
MONEY_DIGITS, MONEY_PLACES = 18, 6  # the DecimalFields of costs, charges and balances
MONEY_LIMIT = Decimal(10) ** (MONEY_DIGITS - MONEY_PLACES)  # every amount is below this
SERVICE_NAME_MAX = 300  # Service.name
SERVICE_TYPE_MAX = 50  # Service.type
CATEGORY_NAME_MAX = 200  # Category.name
DESCRIPTION_MAX = 20_000  # Service.upstream_description is a TextField: a sane bound
SMS_COUNTRY_CODE_MAX = 10  # SmsCountry.code
SMS_COUNTRY_NAME_MAX = 100  # SmsCountry.name
SMS_PROJECT_ID_MAX = 100  # SmsProject.project_id
SMS_PROJECT_NAME_MAX = 200  # SmsProject.name
STATUS_MAX = 50  # Order.upstream_status
CURRENCY_MAX = 3  # Order.upstream_currency, Provider.currency
PHONE_MAX = 40  # Order.phone
SMS_CODE_MAX = 40  # Order.sms_code
SMS_TEXT_MAX = 5_000  # Order.sms_text is a TextField: an SMS is far shorter
SHOWN_MAX = 80  # how much of a refused value an error message quotes

# C0 and C1 controls (tab and newline are handled apart), DEL, and the invisible marks that
# change the direction of text: LRM/RLM, ALM, the embeddings and overrides U+202A-202E, the
# isolates U+2066-2069. Removed from every text, so that a name cannot read backwards or hide
# a part of itself, and a NUL never reaches the database. So are lone surrogates (JSON allows
# "\ud800"), which no UTF-8 database column can take.
_HIDDEN = ("\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
           "\ud800-\udfff")
_HIDDEN_RE = re.compile(f"[{_HIDDEN}]")
_LINE_BREAKS_RE = re.compile(r"[\t\n\r]+")


def clean_text(text: str, *, multiline: bool = False) -> str:
    """`text` with control and direction-changing characters removed. One-line text (a name)
    gets a space for each run of tabs and line breaks; multi-line text keeps tabs and `\\n`."""
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    else:
        text = _LINE_BREAKS_RE.sub(" ", text)
    return _HIDDEN_RE.sub("", text)


def _shown(value: object) -> str:
    """A refused value, quoted for a message: its repr (which escapes NUL and controls), cut."""
    text = str(value) if isinstance(value, Decimal | int) else repr(value)
    return text if len(text) <= SHOWN_MAX else f"{text[:SHOWN_MAX]}... ({len(text)} chars)"


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


def _integral(value: object) -> Decimal | None:
    """42, "42", "42.0", 1E+20 as a whole Decimal; None when it is not a whole number.

    A Decimal, not an int: `int()` of an upstream's "1e999999999" would build a billion
    digits before any range check could refuse it.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str | Decimal):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            return None
        if number.is_finite() and number == number.to_integral_value():
            return number
    return None


def _in_range(number: Decimal, name: str, low: int, high: int) -> int:
    if not low <= number <= high:
        raise MalformedAnswer(f"`{name}` is out of range ({low}..{high}): {_shown(number)}")
    return int(number)


def int_field(obj: Mapping[str, object], name: str, *, low: int = -BIGINT_MAX - 1,
              high: int = BIGINT_MAX) -> int:
    """A whole number within [low, high] (by default what a BigIntegerField holds)."""
    value = _required(obj, name)
    number = _integral(value)
    if number is None:
        raise MalformedAnswer(f"`{name}` is not an integer: {_shown(value)}")
    return _in_range(number, name, low, high)


def optional_int(obj: Mapping[str, object], name: str, *, low: int = -BIGINT_MAX - 1,
                 high: int = BIGINT_MAX) -> int | None:
    # Standard panels send `"remains": ""` or leave it out; both mean "not known". A number
    # that is there but out of range is a broken answer, never a guess.
    number = _integral(obj.get(name))
    return None if number is None else _in_range(number, name, low, high)


def _to_money(value: object, name: str, *, signed: bool = False) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise MalformedAnswer(f"`{name}` is not an amount: {_shown(value)}")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise MalformedAnswer(f"`{name}` is not an amount: {_shown(value)}") from None
    if not amount.is_finite():
        raise MalformedAnswer(f"`{name}` is not an amount: {_shown(value)}")
    if amount < 0 and not signed:
        raise MalformedAnswer(f"`{name}` is negative: {_shown(value)}")
    if -MONEY_LIMIT < amount < MONEY_LIMIT and amount.as_tuple().exponent < -MONEY_PLACES:
        # Rounded up to what the column keeps: a cost is never understated, and the next sync
        # compares equal to what was stored (no endless "price changes" of the seventh place).
        amount = amount.quantize(Decimal(1).scaleb(-MONEY_PLACES), rounding=ROUND_CEILING)
    if not -MONEY_LIMIT < amount < MONEY_LIMIT:  # after rounding: .9999999 may carry over
        raise MalformedAnswer(f"`{name}` is out of range (below {MONEY_LIMIT}): "
                              f"{_shown(value)}")
    return amount  # as sent otherwise ("0.50000" stays five places)


def money_field(obj: Mapping[str, object], name: str, *, signed: bool = False) -> Decimal:
    """An amount the money columns hold; negative only when `signed` (a balance)."""
    return _to_money(_required(obj, name), name, signed=signed)


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


def _to_text(value: object, name: str = "a text") -> str:
    # Ids and codes sometimes come as numbers (`"code": 123456`); text is what the panel keeps.
    if isinstance(value, str):
        return value
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    raise MalformedAnswer(f"`{name}` is not text: {_shown(value)}")


def _fits(text: str, name: str, limit: int) -> str:
    if len(text) > limit:
        raise MalformedAnswer(f"`{name}` is longer than {limit} characters: {_shown(text)}")
    return text


def str_field(obj: Mapping[str, object], name: str) -> str:
    return _to_text(_required(obj, name), name)


def optional_str(obj: Mapping[str, object], name: str) -> str | None:
    value = obj.get(name)
    return None if value is None else _to_text(value, name)


def text_field(obj: Mapping[str, object], name: str, default: str = "") -> str:
    return optional_str(obj, name) or default


def name_field(obj: Mapping[str, object], name: str, limit: int, default: str = "") -> str:
    """Text for people to read (a name, a title): cleaned, and cut to its column. A long name
    is still a usable offer, so it is kept, shortened, rather than the row lost."""
    return clean_text(text_field(obj, name, default)).strip()[:limit]


def key_field(obj: Mapping[str, object], name: str, limit: int, *,
              required: bool = True) -> str:
    """Text the panel matches or sends back (an id, a code, a phone, a category name): refused
    when it holds a hidden character or is longer than its column, because a cleaned or cut
    key would name something else."""
    text = str_field(obj, name) if required else text_field(obj, name)
    if _HIDDEN_RE.search(text) or _LINE_BREAKS_RE.search(text):
        raise MalformedAnswer(f"`{name}` holds control characters: {_shown(text)}")
    return _fits(text, name, limit)


def _account(value: object) -> str:
    # One credential string per account is the contract; anything else is kept whole as JSON
    # so staff can still hand it over, rather than the delivery failing to parse. Accounts are
    # stored one per line, so a line break inside one would split it in two.
    text = value if isinstance(value, str) else json.dumps(value, default=str,
                                                           ensure_ascii=False)
    return clean_text(text).strip()


def _timestamp(value: object, name: str) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        if isinstance(value, str):
            moment = datetime.fromisoformat(value.strip())
            # A time without a zone is read as UTC, the zone the page's example uses.
            return (moment.replace(tzinfo=UTC) if moment.tzinfo is None
                    else moment.astimezone(UTC))
        seconds = _integral(value)
        if seconds is None:
            raise ValueError(name)
        return datetime.fromtimestamp(_in_range(seconds, name, 0, 253402300799), UTC)
    except (ValueError, OverflowError, OSError):
        raise MalformedAnswer(f"`{name}` is not a date: {_shown(value)}") from None


# --- parsers, one per answer ------------------------------------------------------------------


def _read_rows[R](rows: Sequence[object], parse: Callable[[object], R],
                  label: Callable[[object], str]) -> RowsRead[R]:
    """Each row on its own: one the panel cannot take is skipped and named, the rest kept."""
    read: list[R] = []
    skipped: list[Skipped] = []
    for row in rows:
        try:
            read.append(parse(row))
        except MalformedAnswer as exc:
            skipped.append(Skipped(label(row), str(exc)))
    return RowsRead(read, skipped)


def _labelled(key: str, what: str) -> Callable[[object], str]:
    def label(row: object) -> str:
        value = row.get(key) if isinstance(row, Mapping) else None
        return f"{what} {_shown(value)}" if value is not None else f"a {what} without `{key}`"
    return label


def _category_name(value: object, name: str) -> str:
    # A category name is a key (the `category=` filter sends it back): refused, not cut.
    return key_field({name: value}, name, CATEGORY_NAME_MAX)


def _subcategories(row: Mapping[str, object]) -> tuple[str, ...]:
    names = row.get("subcategories")
    if names is None:
        return ()
    if not isinstance(names, list):
        raise MalformedAnswer("`subcategories` is not a list")
    return tuple(_category_name(name, "subcategories") for name in names)


def _category(data: object) -> UpstreamCategory:
    row = as_object(data, "a category")
    return UpstreamCategory(_category_name(_required(row, "category"), "category"),
                            _subcategories(row))


def parse_categories(data: object) -> RowsRead[UpstreamCategory]:
    return _read_rows(as_list(data, "categories"), _category, _labelled("category", "category"))


def parse_service(data: object) -> UpstreamService:
    """One service row, every field checked (a first sync reads tens of thousands: the
    common plain row takes `_plain_service`, which gives the same result or declines)."""
    if type(data) is dict and (service := _plain_service(data)) is not None:
        return service
    return _read_service(data)


# Characters that make a text need cleaning (`clean_text`) or refuse it as a key.
_NOT_PLAIN_RE = re.compile(f"[{_HIDDEN}\t\n\r]")


_NOT_PLAIN_LINES_RE = re.compile(f"[{_HIDDEN}\r]")  # a multi-line text keeps tabs and `\n`


def has_text_to_clean(text: str) -> bool:
    """Whether `clean_text` would change `text` as a one-line text (or a key would refuse it)."""
    return _NOT_PLAIN_RE.search(text) is not None


def _plain_text(value: object) -> bool:
    return type(value) is str and not _NOT_PLAIN_RE.search(value)


# `rate` texts already read by `_plain_service`, and their amounts: a catalog repeats a few
# hundred prices over tens of thousands of rows. Decimals are immutable, so sharing is safe;
# bounded, and only texts `_to_money` took are kept.
_PLAIN_RATES: dict[str, Decimal] = {}
_PLAIN_RATES_MAX = 4096
_not_plain = _NOT_PLAIN_RE.search
_not_plain_lines = _NOT_PLAIN_LINES_RE.search


def _plain_service(row: dict) -> UpstreamService | None:
    """`_read_service(row)` for a row whose every field has the plain shape (ints as JSON
    integers in range, flags as JSON booleans, texts with nothing to clean, the rate as
    `_to_money` reads it); None for any other row, which `_read_service` then reads. The
    two must agree: tests/provider/test_plain_service.py generates rows to check it.

    Written out check by check (no generator): a first sync reads tens of thousands of
    rows. The types and ranges here, the values in `plain_service_of`."""
    get = row.get
    service_id, low, high, stock = get("service"), get("min"), get("max"), get("stock")
    name, kind, category = get("name"), get("type"), get("category")
    entity, desc, description = get("entityType"), get("desc"), get("description")
    refill, cancel = get("refill"), get("cancel")
    auto_delivery, dripfeed = get("autoDelivery"), get("dripfeed")
    rate = get("rate")
    if not (type(service_id) is int and 1 <= service_id <= BIGINT_MAX
            and type(low) is int and type(high) is int and 0 <= low <= POSITIVE_INT_MAX
            and 0 <= high <= POSITIVE_INT_MAX
            and (stock is None or (type(stock) is int and 0 <= stock <= POSITIVE_INT_MAX))
            and type(name) is str
            and (kind is None or type(kind) is str)
            and (category is None or type(category) is str)
            and (entity is None or type(entity) is str)
            and (desc is None or type(desc) is str)
            and (description is None or type(description) is str)
            and (refill is None or type(refill) is bool)
            and (cancel is None or type(cancel) is bool)
            and (auto_delivery is None or type(auto_delivery) is bool)
            and (dripfeed is None or type(dripfeed) is bool)
            and type(rate) is str):
        return None
    return plain_service_of(service_id, name, kind, category, rate, low, high, refill, cancel,
                            stock, entity, auto_delivery, desc, description, dripfeed)


def plain_service_of(service_id: int, name: str, kind: str | None, category: str | None,
                     rate: str, low: int, high: int, refill: bool | None, cancel: bool | None,
                     stock: int | None, entity: str | None, auto_delivery: bool | None,
                     desc: str | None, description: str | None,
                     dripfeed: bool | None) -> UpstreamService | None:
    """The rest of `_plain_service`, for a row's fields already of the plain types and
    ranges (ints in their columns' ranges, flags as booleans or None, texts as str or None,
    the rate as text): the checks of their values, then the service; None when a value is
    not plain (a text to clean, `min` above `max`, an empty name, a rate `_to_money`
    refuses). Shared with `provider.catalog_rows`, whose decoder checks the types."""
    if (low > high or _not_plain(name)
            or (kind is not None and _not_plain(kind))
            or (category is not None
                and (_not_plain(category) or len(category) > CATEGORY_NAME_MAX))
            or (desc is not None and _not_plain_lines(desc))
            or (description is not None and _not_plain_lines(description))):
        return None
    name = name.strip()[:SERVICE_NAME_MAX]
    if not name:
        return None
    amount = _PLAIN_RATES.get(rate)
    if amount is None:
        try:
            amount = _to_money(rate, "rate")
        except MalformedAnswer:
            return None
        if len(_PLAIN_RATES) >= _PLAIN_RATES_MAX:
            _PLAIN_RATES.clear()
        _PLAIN_RATES[rate] = amount
    return UpstreamService(  # by position, in the order of its fields: cheaper by name
        service_id,
        name,
        (kind.strip()[:SERVICE_TYPE_MAX] or "Default") if kind else "Default",  # type
        category or "",
        amount,  # rate
        low,  # min
        high,  # max
        refill is True,
        cancel is True,
        stock,
        entity.strip().lower() if entity else "smm",  # entity_type
        auto_delivery is not False,
        (desc or description or "")[:DESCRIPTION_MAX],  # description
        dripfeed is True,
    )


def _read_service(data: object) -> UpstreamService:
    row = as_object(data, "a service")
    try:
        low = int_field(row, "min", low=0, high=POSITIVE_INT_MAX)
        high = int_field(row, "max", low=0, high=POSITIVE_INT_MAX)
        if low > high:
            raise MalformedAnswer(f"`min` {low} is above `max` {high}")
        return UpstreamService(
            service_id=int_field(row, "service", low=1),
            name=_named(name_field(row, "name", SERVICE_NAME_MAX), "name"),
            type=name_field(row, "type", SERVICE_TYPE_MAX) or "Default",
            category=_category_name(text_field(row, "category"), "category"),
            rate=money_field(row, "rate"),
            min=low,
            max=high,
            refill=bool_field(row, "refill", False),
            cancel=bool_field(row, "cancel", False),
            stock=optional_int(row, "stock", low=0, high=POSITIVE_INT_MAX),
            # Standard providers send none of the three HstockPlus fields: they sell smm
            # services, fulfilled automatically.
            entity_type=text_field(row, "entityType", "smm").strip().lower(),
            auto_delivery=bool_field(row, "autoDelivery", True),
            description=clean_text(text_field(row, "desc") or text_field(row, "description"),
                                   multiline=True)[:DESCRIPTION_MAX],
            dripfeed=bool_field(row, "dripfeed", False),
        )
    except MalformedAnswer as exc:
        raise MalformedAnswer(f"service {_shown(row.get('service'))}: {exc}") from None


def _named(text: str, name: str) -> str:
    if not text:
        raise MalformedAnswer(f"`{name}` is missing or empty")
    return text


def parse_service_ids(data: object) -> tuple[int, ...]:
    """Only the ids of a `services` answer: cheap when the rest is already known. An id the
    panel cannot hold is left out (its row is refused by the full answer anyway)."""
    rows = as_list(data, "services")
    # The common answer, every id a plain JSON integer in range, read without building a
    # Decimal per row; anything else goes through `int_field` below.
    if (ids := plain_service_ids(data)) is not None:
        return ids
    ids = _read_rows(rows,
                     lambda row: int_field(as_object(row, "a service"), "service", low=1),
                     _labelled("service", "service"))
    return tuple(ids)


def plain_service_ids(data: object) -> tuple[int, ...] | None:
    """`parse_service_ids(data)` when every row is an object whose id is a JSON integer in
    range (then only integers are read: no float elsewhere in the answer changes them); None
    otherwise."""
    rows = data.get("services") if type(data) is dict else data
    if type(rows) is not list:
        return None
    ids = [row.get("service") if type(row) is dict else None for row in rows]
    if all(type(value) is int and 0 < value <= BIGINT_MAX for value in ids):
        return tuple(ids)
    return None


service_label = _labelled("service", "service")


class ServiceName(NamedTuple):
    """A service's name and category name in another language (display only)."""

    service_id: int
    name: str
    category: str


def parse_service_names(data: object) -> RowsRead[ServiceName]:
    """Only the id, name and category of each row of a `services` answer, each read as
    `parse_service` reads it (the name cleaned and cut, the category refused when it is not a
    key): the names in another language need nothing else. A row without them is skipped."""
    return _read_rows(as_list(data, "services"), _service_name, service_label)


def _plain_service_name(data: object) -> ServiceName | None:
    if type(data) is not dict:
        return None
    service_id, name, category = data.get("service"), data.get("name"), data.get("category")
    if (type(service_id) is int and 1 <= service_id <= BIGINT_MAX
            and type(name) is str and not _not_plain(name)
            and (category is None or (type(category) is str and not _not_plain(category)
                                      and len(category) <= CATEGORY_NAME_MAX))):
        name = name.strip()[:SERVICE_NAME_MAX]
        if name:
            return ServiceName(service_id, name, category or "")
    return None


def _service_name(data: object) -> ServiceName:
    if (plain := _plain_service_name(data)) is not None:  # in one step, as `_plain_service`
        return plain
    row = as_object(data, "a service")
    try:
        return ServiceName(
            int_field(row, "service", low=1),
            _named(name_field(row, "name", SERVICE_NAME_MAX), "name"),
            _category_name(text_field(row, "category"), "category"),
        )
    except MalformedAnswer as exc:
        raise MalformedAnswer(f"service {_shown(row.get('service'))}: {exc}") from None


def service_rows(data: object) -> list[object]:
    """The rows of a `services` answer, each as sent: for a sync that reads only the rows it
    writes (`provider.sync_rows`), each by `parse_service`."""
    return list(as_list(data, "services"))


def parse_services(data: object) -> ServicesPage:
    """The HstockPlus page object, or the standard dialect's bare list (one page of all).
    A service row the panel cannot take is skipped and listed in `skipped`."""
    services = _read_rows(as_list(data, "services"), parse_service, service_label)
    count = len(services) + len(services.skipped)
    page = (
        ServicesPage(tuple(services), total=count, page=1, limit=count, total_pages=1)
        if not isinstance(data, Mapping) else
        ServicesPage(
            tuple(services),
            total=_page_number(data, "total") or count,
            page=_page_number(data, "page") or 1,
            limit=_page_number(data, "limit") or count,
            total_pages=_page_number(data, "total_pages") or 1,
        )
    )
    return replace(page, skipped=services.skipped)


def _page_number(data: Mapping[str, object], name: str) -> int | None:
    # Paging is advice, never stored: a number out of range means "not told".
    try:
        return optional_int(data, name, low=0, high=POSITIVE_INT_MAX)
    except MalformedAnswer:
        return None


def parse_inventory(data: object, service_id: int) -> Inventory:
    row = as_object(data)
    stock = int_field(row, "stock", low=0, high=POSITIVE_INT_MAX)
    return Inventory(
        service_id=optional_int(row, "service", low=1) or service_id,
        stock=stock,
        available=bool_field(row, "available", stock > 0),
        entity_type=text_field(row, "entityType", "smm").strip().lower(),
        auto_delivery=bool_field(row, "autoDelivery", True),
    )


def _currency(row: Mapping[str, object]) -> str:
    # Only kept for information: a currency the column cannot hold is "not told" rather than
    # a reason to refuse the whole answer (and flag every order of the provider).
    text = clean_text(text_field(row, "currency")).strip()
    return text if len(text) <= CURRENCY_MAX else ""


def parse_order_status(data: object) -> OrderStatus:
    """One order's status, every field checked (a polling pass reads thousands: the common
    plain entry takes `_plain_status`, which gives the same result or declines)."""
    if type(data) is dict and (status := _plain_status(data)) is not None:
        return status
    return _read_order_status(data)


_NOT_PLAIN = object()


def _plain_whole(value: object) -> object:
    """What `optional_int` reads from a plain JSON integer or string of ASCII digits (None
    when absent or empty); `_NOT_PLAIN` for anything else."""
    if value is None or value == "":
        return None
    if type(value) is int:
        return value if -BIGINT_MAX - 1 <= value <= BIGINT_MAX else _NOT_PLAIN
    if type(value) is str and len(value) <= 18 and value.isascii() and value.isdigit():
        return int(value)
    return _NOT_PLAIN


def _plain_status(row: dict) -> OrderStatus | None:
    """`_read_order_status(row)` for an entry whose every field has the plain shape (no
    accounts, texts with nothing to clean, counts as JSON integers or digit strings, the
    charge as `_to_money` reads it); None for any other entry, which `_read_order_status`
    then reads. tests/provider/test_plain_service.py generates entries to check they agree."""
    get = row.get
    status, charge, currency = get("status"), get("charge"), get("currency")
    entity, auto_delivery = get("entityType"), get("autoDelivery")
    if not (_plain_text(status) and (currency is None or _plain_text(currency))
            and (entity is None or type(entity) is str)
            and (auto_delivery is None or type(auto_delivery) is bool)
            and get("accounts") is None):
        return None
    status = status.strip()[:STATUS_MAX]
    start_count, remains = _plain_whole(get("start_count")), _plain_whole(get("remains"))
    if not status or start_count is _NOT_PLAIN or remains is _NOT_PLAIN:
        return None
    if charge is not None and charge != "":
        if type(charge) is not str:
            return None
        try:
            charge = _to_money(charge, "charge")
        except MalformedAnswer:
            return None
    else:
        charge = None
    currency = (currency or "").strip()
    return OrderStatus(
        status=status, charge=charge, start_count=start_count, remains=remains,
        currency=currency if len(currency) <= CURRENCY_MAX else "",
        entity_type=entity.strip().lower() if entity else None,
        auto_delivery=auto_delivery, accounts=())


def _read_order_status(data: object) -> OrderStatus:
    row = as_object(data, "an order status")
    entity_type = optional_str(row, "entityType")
    accounts = row.get("accounts")
    return OrderStatus(
        # Cut, not refused: a status word the panel does not know is kept for staff anyway.
        status=_named(name_field(row, "status", STATUS_MAX), "status"),
        charge=optional_money(row, "charge"),
        start_count=optional_int(row, "start_count"),
        remains=optional_int(row, "remains"),
        currency=_currency(row),
        entity_type=entity_type.strip().lower() if entity_type else None,
        auto_delivery=optional_bool(row, "autoDelivery"),
        accounts=(tuple(a for a in map(_account, accounts) if a)
                  if isinstance(accounts, list) else ()),
    )


def parse_order_id(data: object, field: str = "order") -> int:
    """An upstream order (or refill) id, which the panel keeps in a BigIntegerField."""
    return int_field(as_object(data), field, low=1)


def parse_balance(data: object) -> Balance:
    row = as_object(data)
    # Signed: an account on credit may well be below zero.
    return Balance(amount=money_field(row, "balance", signed=True), currency=_currency(row))


def _sms_country(data: object) -> SmsCountry:
    row = as_object(data, "a country")
    return SmsCountry(code=key_field(row, "country_code", SMS_COUNTRY_CODE_MAX),
                      name=name_field(row, "country_name", SMS_COUNTRY_NAME_MAX))


def parse_sms_countries(data: object) -> RowsRead[SmsCountry]:
    return _read_rows(as_list(data, "countries"), _sms_country,
                      _labelled("country_code", "country"))


def _sms_project(data: object) -> SmsProject:
    row = as_object(data, "a project")
    project_id = key_field(row, "project_id", SMS_PROJECT_ID_MAX)
    try:
        return SmsProject(
            project_id=project_id,
            name=name_field(row, "name", SMS_PROJECT_NAME_MAX) or project_id,
            price=money_field(row, "price"),
            country_id=key_field(row, "country_id", SMS_COUNTRY_CODE_MAX, required=False),
            country_title=name_field(row, "country_title", SMS_COUNTRY_NAME_MAX),
        )
    except MalformedAnswer as exc:
        raise MalformedAnswer(f"project {_shown(project_id)}: {exc}") from None


def parse_sms_projects(data: object) -> RowsRead[SmsProject]:
    return _read_rows(as_list(data, "projects"), _sms_project,
                      _labelled("project_id", "project"))


def parse_sms_numbers(data: object) -> list[SmsNumber]:
    """The numbers just rented. All or nothing: a number the panel cannot store makes the
    whole answer unknown, so the rental goes to review with the money held."""
    rows = [as_object(row, "an SMS order") for row in as_list(data, "orders")]
    if not rows:
        # Asked for numbers, told of none: whether any were rented is not known.
        raise MalformedAnswer("`orders` is empty")
    return [
        SmsNumber(
            order_id=int_field(row, "order", low=1),
            phone=key_field(row, "phone", PHONE_MAX, required=False),
            country=name_field(row, "country", SMS_COUNTRY_CODE_MAX),
            status=name_field(row, "status", STATUS_MAX),
        )
        for row in rows
    ]


def parse_sms_code(data: object) -> SmsCode:
    row = as_object(data)
    code = optional_str(row, "code")
    text = optional_str(row, "sms_content")
    message = optional_str(row, "message")
    return SmsCode(
        status=_named(name_field(row, "status", STATUS_MAX), "status"),
        code=key_field(row, "code", SMS_CODE_MAX) if code is not None else None,
        text=clean_text(text, multiline=True)[:SMS_TEXT_MAX] if text is not None else None,
        message=clean_text(message)[:SMS_TEXT_MAX] if message is not None else None,
    )


def parse_sms_status(data: object) -> SmsStatus:
    row = as_object(data)
    phone = optional_str(row, "phone")
    code = optional_str(row, "code")
    return SmsStatus(
        status=_named(name_field(row, "status", STATUS_MAX), "status"),
        phone=key_field(row, "phone", PHONE_MAX) if phone is not None else None,
        code=key_field(row, "code", SMS_CODE_MAX) if code is not None else None,
        charge=optional_money(row, "charge"),
        currency=_currency(row) or None,
        expires_at=_timestamp(row.get("expires_at"), "expires_at"),
    )


def parse_refill_status(data: object) -> str:
    return _named(name_field(as_object(data), "status", STATUS_MAX), "status")
