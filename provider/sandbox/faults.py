"""Fault rules: how the sandbox misbehaves on purpose, so clients can be tested against it.

A rule names an action (and optionally a service) and a kind of failure; it applies to every
matching call, or to the next `times` of them. The first rule that matches wins. How each
kind is carried out on the wire lives in `app.py`; this module only decides which rule fires.
"""

from dataclasses import dataclass, replace
from enum import StrEnum

DEFAULT_DELAY = 3.0
DEFAULT_MESSAGE = "Insufficient balance"


class FaultKind(StrEnum):
    TIMEOUT = "timeout"  # sleep, then process and answer normally
    LOST = "lost"  # process, sleep, close the connection with no answer
    RESET = "reset"  # process, reset the connection at once with no answer
    HTTP500 = "http500"  # plain-text 500, not processed
    HTML = "html"  # HTML 502 page from a "proxy", not processed
    MALFORMED = "malformed"  # process, answer with truncated JSON
    ERROR = "error"  # `{"error": message}`, not processed


@dataclass(frozen=True, slots=True)
class FaultRule:
    action: str
    kind: FaultKind
    service: str | None = None
    times: int | None = None  # None: every matching call
    message: str = DEFAULT_MESSAGE
    delay: float = DEFAULT_DELAY

    def matches(self, action: str, service: str | None) -> bool:
        if self.action != action:
            return False
        return self.service is None or self.service == service

    def as_json(self) -> dict[str, object]:
        return {"action": self.action, "kind": str(self.kind), "service": self.service,
                "times": self.times, "message": self.message, "delay": self.delay}


def make_rule(
    action: str, kind: str, *, service: object = None, times: object = None,
    message: object = None, delay: object = None,
) -> FaultRule:
    """A validated rule from loose input (JSON or keyword arguments); ValueError if invalid."""
    if not action or not isinstance(action, str):
        raise ValueError("a fault needs an action")
    try:
        fault_kind = FaultKind(kind)
    except ValueError:
        known = ", ".join(kind.value for kind in FaultKind)
        raise ValueError(f"unknown fault kind {kind!r} (known: {known})") from None
    count = None if times is None else int(str(times))
    if count is not None and count < 1:
        raise ValueError("times must be at least 1")
    seconds = DEFAULT_DELAY if delay is None else float(str(delay))
    if seconds < 0:
        raise ValueError("delay must not be negative")
    return FaultRule(
        action=action, kind=fault_kind, service=None if service is None else str(service),
        times=count, message=DEFAULT_MESSAGE if message is None else str(message),
        delay=seconds)


class FaultBook:
    """The active rules, in the order they were added. Not locked: the state guards it."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []

    def add(self, rule: FaultRule) -> None:
        self._rules.append(rule)

    def clear(self) -> None:
        self._rules.clear()

    def rules(self) -> list[FaultRule]:
        """The rules as they stand; `times` shows how many uses each has left."""
        return list(self._rules)

    def take(self, action: str, service: str | None) -> FaultRule | None:
        """The rule that fires for this call, using up one of its `times`."""
        for index, rule in enumerate(self._rules):
            if rule.matches(action, service):
                self._use(index, rule)
                return rule
        return None

    def _use(self, index: int, rule: FaultRule) -> None:
        if rule.times is None:
            return
        if rule.times == 1:
            del self._rules[index]
        else:
            self._rules[index] = replace(rule, times=rule.times - 1)
