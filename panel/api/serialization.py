"""The wire shapes of the customers' API: the upstream's (`hstockplus-api.md`), filled with
the panel's own ids, names, prices and currency. Money is always a decimal string."""

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from orders.models import Kind, Order
from orders.states import State

FOUR_PLACES = Decimal("0.0001")

# The `.values()` columns a service row is built from (one query, no model instances).
SERVICE_COLUMNS = ("id", "name", "custom_name", "type", "category__name", "sell_price",
                   "price_unit", "min_quantity", "max_quantity", "refill", "cancel", "stock",
                   "entity_type", "auto_delivery", "dripfeed", "provider__has_refill",
                   "provider__has_cancel")

ORDER_WORDS = {
    State.COMPLETED: "Completed",
    State.PARTIAL: "Partial",
    State.CANCELED: "Canceled",
    State.REJECTED: "Canceled",
}
IN_PROGRESS_WORDS = {"in progress", "processing", "inprogress", "in_progress"}
EXPIRED_WORDS = {"expired", "timeout"}
STILL_WAITING_WORDS = {"", "active", "waiting", "pending", "rented"}


def currency() -> str:
    return settings.PANEL_CURRENCY


def money(amount: Decimal) -> str:
    """Four places, as every balance and charge: `"12.3400"`."""
    return str(amount.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP))


def rate(amount: Decimal) -> str:
    """A price per unit as printed in catalogs: at least two places, no trailing zeros
    beyond them (`"0.50"`, `"0.0155"`, `"25.00"`)."""
    text = f"{amount.normalize():f}"
    whole, _, fraction = text.partition(".")
    return f"{whole}.{fraction.ljust(2, '0')}"


def iso_utc(moment: datetime | None) -> str | None:
    """`2023-01-01T12:00:00.000Z`, the form of `expires_at`."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def service_row(row: dict, *, standard: bool = False) -> dict[str, object]:
    """One service as `services` lists it, from a `.values(*SERVICE_COLUMNS)` row. `rate` is
    the sell price per the service's price unit; `stock` is the maximum when not tracked.
    `standard`: the bare list, where the standard writes `min` and `max` as strings.
    `refill` and `cancel` are true only when the panel can carry them out: the service offers
    them and its provider has the action."""
    low, high = row["min_quantity"], row["max_quantity"]
    return {
        "service": row["id"],
        "name": row["custom_name"] or row["name"],
        "type": row["type"],
        "category": row["category__name"],
        "rate": rate(row["sell_price"]),
        "min": str(low) if standard else low,
        "max": str(high) if standard else high,
        "refill": row["refill"] and row["provider__has_refill"] is True,
        "cancel": row["cancel"] and row["provider__has_cancel"] is True,
        "dripfeed": row["dripfeed"],
        "stock": row["stock"] if row["stock"] is not None else high,
        "entityType": row["entity_type"],
        "autoDelivery": row["auto_delivery"],
    }


# --- orders ------------------------------------------------------------------------------


def order_word(order: Order) -> str:
    """The panel's state in the standard words. A placed order mirrors the upstream while it
    is Pending or In progress; anything else it says reads as Pending until it is final."""
    if order.state == State.PLACED:
        word = order.upstream_status.strip().lower()
        return "In progress" if word in IN_PROGRESS_WORDS else "Pending"
    return ORDER_WORDS.get(order.state, "Pending")


def order_remains(order: Order) -> int:
    if order.state == State.REJECTED:
        return order.quantity
    if order.remains is not None:
        return order.remains
    return 0 if order.state == State.COMPLETED else order.quantity


# What `order_status` reads of an order (products read `accounts` too).
ORDER_STATUS_FIELDS = ("state", "upstream_status", "charge", "refunded", "start_count",
                       "remains", "quantity", "auto_delivery", "kind")


def order_status(order: Order) -> dict[str, object]:
    """`status` for one order: what the customer paid (minus refunds), never the upstream's
    cost; for products, the accounts delivered so far. `charge`, `start_count` and `remains`
    are strings, as in the standard's documentation."""
    reply: dict[str, object] = {
        "status": order_word(order),
        "charge": money(order.charge - order.refunded),
        # Strings, as the standard writes them: clients test `if remains:`, and "0" is true.
        "start_count": str(order.start_count if order.start_count is not None else 0),
        "remains": str(order_remains(order)),
        "currency": currency(),
        "autoDelivery": order.auto_delivery,
    }
    if order.kind == Kind.PRODUCT:
        reply["entityType"] = "product"
        reply["accounts"] = order.account_list
    return reply


# --- SMS numbers -------------------------------------------------------------------------


def sms_word(order: Order, now: datetime) -> str:
    """`active`, `code_received`, `expired` or `canceled`."""
    if order.sms_code or order.state == State.COMPLETED:
        return "code_received"
    if order.state == State.CANCELED:
        word = order.upstream_status.strip().lower()
        if word in EXPIRED_WORDS:
            return "expired"
        # Ended by the panel's own expiry sweep, the upstream still saying "active".
        ran_out = order.expires_at is not None and order.expires_at <= now
        return "expired" if word in STILL_WAITING_WORDS and ran_out else "canceled"
    if order.state == State.REJECTED:
        return "canceled"
    return "active"


SMS_CODE_REPLIES = {
    "active": {"status": "waiting", "message": "Waiting for code"},
    "expired": {"status": "expired", "message": "Number expired"},
    "canceled": {"status": "canceled", "message": "Number canceled"},
}


def sms_code(order: Order, now: datetime) -> dict[str, object]:
    word = sms_word(order, now)
    if word == "code_received":
        return {"status": "completed", "code": order.sms_code, "sms_content": order.sms_text}
    return dict(SMS_CODE_REPLIES[word])


def sms_status(order: Order, now: datetime) -> dict[str, object]:
    return {
        "status": sms_word(order, now),
        "phone": order.phone,
        "code": order.sms_code or None,
        "charge": money(order.charge - order.refunded),
        "currency": currency(),
        "expires_at": iso_utc(order.expires_at),
    }
