"""What the two dialects share: the key check, action dispatch, parameters and error replies.

Each dialect module (`hstockplus.py`, `standard.py`) is a table of actions, functions from
the state and the request's form fields to a JSON-able reply. A refusal anywhere below is a
`Rejected` exception, answered here as `{"error": message}` in the dialect's own wording.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from provider.sandbox import listing
from provider.sandbox.state import Rejected, SandboxState

type Params = Mapping[str, str]
type JsonObject = dict[str, object]


@dataclass(frozen=True, slots=True)
class RawJson:
    """A reply that is already serialized (the big, cached `services` lists)."""

    text: str


type Reply = RawJson | JsonObject | list[JsonObject]
type Action = Callable[[SandboxState, Params], Reply]

MAX_IDS_PER_CALL = 100


@dataclass(frozen=True, slots=True)
class Dialect:
    name: str
    actions: Mapping[str, Action]
    wording: Mapping[str, str] = field(default_factory=dict)  # shared message -> this dialect's

    def answer(self, state: SandboxState, params: Params) -> Reply:
        """The reply to one API call; errors are replies too (HTTP 200)."""
        if params.get("key", "") != state.knobs.key:
            return self.error("Invalid API key")
        action = self.actions.get(params.get("action", ""))
        if action is None:
            return self.error("Invalid action")
        try:
            return action(state, params)
        except Rejected as refusal:
            return self.error(refusal.message)

    def error(self, message: str) -> JsonObject:
        return {"error": self.wording.get(message, message)}


def required_id(params: Params, name: str, *, missing: str, unknown: str) -> int:
    """A numeric id parameter: `missing` when absent, `unknown` when it is not a number."""
    raw = params.get(name, "").strip()
    if not raw:
        raise Rejected(missing)
    try:
        return int(raw)
    except ValueError:
        raise Rejected(unknown) from None


def whole_number(params: Params, name: str, default: int) -> int | None:
    """An integer parameter, `default` when absent, None when it is not an integer."""
    raw = params.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        return None


def id_list(raw: str) -> list[str]:
    """`"1, 2,3"` -> `["1", "2", "3"]`, at most MAX_IDS_PER_CALL of them."""
    ids = [part.strip() for part in raw.split(",") if part.strip()]
    if not ids:
        raise Rejected("Order ID is required")
    if len(ids) > MAX_IDS_PER_CALL:
        raise Rejected(f"Too many ids: at most {MAX_IDS_PER_CALL} per call")
    return ids


def each_id(
    ids: list[str], answer: Callable[[int], object], unknown: JsonObject
) -> dict[str, object]:
    """`{id: answer(id)}` for a batch call, `unknown` for ids that are not ours."""
    replies: dict[str, object] = {}
    for raw in ids:
        try:
            replies[raw] = answer(int(raw))
        except (ValueError, Rejected):
            replies[raw] = unknown
    return replies


def iso_time(epoch: float) -> str:
    """`2023-01-01T12:00:00.000Z`, the form of `expires_at`."""
    moment = datetime.fromtimestamp(epoch, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def place_order(
    state: SandboxState, params: Params, *, dialect: str, products: bool = True,
    drips: bool = False,
) -> int:
    """The `add` action's common core: validate, charge, create; returns the order id.

    `products=False` for a dialect that does not sell them: their ids are unknown there.
    """
    service_id = required_id(
        params, "service", missing="Service ID is required", unknown="Service not found")
    if state.service(service_id).is_product and not products:
        raise Rejected("Service not found")
    # A missing or non-numeric quantity is out of range like any other.
    quantity = whole_number(params, "quantity", 0) or 0
    runs, interval = drip_feed(state, params, service_id) if drips else (None, None)
    fields: dict[str, str] = {}
    kind = "Default"
    if drips:  # the standard dialect: its service types
        kind = listing.standard_type(state.service(service_id))
        quantity, fields = typed_order(kind, params, quantity)
    order = state.place_order(service_id=service_id, quantity=quantity,
                              link=params.get("link", "").strip(), dialect=dialect,
                              runs=runs, interval=interval, fields=fields,
                              package=kind == "Package")
    return order.id


def typed_order(kind: str, params: Params, quantity: int) -> tuple[int, dict[str, str]]:
    """The quantity and fields of a standard `add` by the service's type: a package has no
    quantity (one unit priced per order), comments and username lists count their lines."""
    fields = {name: params.get(name, "").strip() for name in listing.TYPE_FIELDS[kind]}
    for name, value in fields.items():
        if not value:
            raise Rejected(f"{name} is required for this service")
    if kind == "Package":
        return 1, fields
    if kind in listing.COUNTED:
        entries = [line for line in fields[listing.COUNTED[kind]].splitlines() if line.strip()]
        return len(entries), fields
    return quantity, fields


def drip_feed(state: SandboxState, params: Params,
              service_id: int) -> tuple[int | None, int | None]:
    """`runs` and `interval` of a standard `add`, refused where the service cannot drip-feed
    (as real providers refuse them: never silently one ordinary order)."""
    if not (params.get("runs") or params.get("interval")):
        return None, None
    if not listing.drips(state.service(service_id)):
        raise Rejected("Drip-feed is not available for this service")
    runs, interval = whole_number(params, "runs", 0), whole_number(params, "interval", 0)
    if runs is None or interval is None or runs < 1 or interval < 1:
        raise Rejected("Incorrect runs or interval")
    return runs, interval
