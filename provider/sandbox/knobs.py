"""The sandbox's settings ("knobs"), validated from keyword arguments, JSON or the environment."""

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from decimal import Decimal
from typing import Any

from provider.sandbox.catalog import DEFAULT_SERVICES, MAX_SERVICES, WELL_KNOWN_SERVICES
from provider.sandbox.money import parse_amount, two_places

DEFAULT_KEY = "sandbox-key"
DEFAULT_BALANCE = Decimal("1000.00")


class KnobError(ValueError):
    """A knob that does not exist or a value it cannot take."""


@dataclass(frozen=True, slots=True)
class Knobs:
    services: int = DEFAULT_SERVICES  # catalog size, well-known services included
    latency_ms: int = 0  # added to every API call
    speed: float = 1.0  # sandbox seconds per real second (0 stops the clock)
    balance: Decimal = DEFAULT_BALANCE  # the account's balance
    key: str = DEFAULT_KEY  # the API key both dialects accept
    multi_status: bool = False  # HstockPlus `status` also takes `orders=1,2,...`
    standard_multi_status: bool = True  # standard `status` takes `orders=1,2,...`
    currency: str = "USD"

    def with_changes(self, **changes: object) -> "Knobs":
        """These knobs with some changed; KnobError names the first bad one."""
        coerced: dict[str, Any] = {name: _coerce(name, value) for name, value in changes.items()}
        return replace(self, **coerced)

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        data["balance"] = two_places(self.balance)
        return data


def _services(raw: object) -> int:
    size = _whole(raw)
    if not len(WELL_KNOWN_SERVICES) <= size <= MAX_SERVICES:
        raise ValueError(f"must be between {len(WELL_KNOWN_SERVICES)} and {MAX_SERVICES}")
    return size


def _whole(raw: object) -> int:
    if isinstance(raw, bool):
        raise ValueError("must be a whole number")
    value = int(str(raw))
    if value < 0:
        raise ValueError("must not be negative")
    return value


def _rate(raw: object) -> float:
    value = float(str(raw))
    if not value >= 0:  # also refuses NaN
        raise ValueError("must not be negative")
    return value


def _flag(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("must be true or false")


def _text(raw: object) -> str:
    text = str(raw).strip()
    if not text:
        raise ValueError("must not be empty")
    return text


_COERCERS: Mapping[str, Callable[[object], object]] = {
    "services": _services, "latency_ms": _whole, "speed": _rate, "balance": parse_amount,
    "key": _text, "multi_status": _flag, "standard_multi_status": _flag, "currency": _text,
}
KNOB_NAMES: tuple[str, ...] = tuple(knob.name for knob in fields(Knobs))


def _coerce(name: str, raw: object) -> object:
    coercer = _COERCERS.get(name)
    if coercer is None:
        raise KnobError(f"unknown knob {name!r} (known: {', '.join(KNOB_NAMES)})")
    try:
        return coercer(raw)
    except ValueError as exc:
        raise KnobError(f"knob {name}={raw!r}: {exc}") from None
