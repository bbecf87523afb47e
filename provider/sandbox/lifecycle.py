"""Where an order or a rented number stands, computed from its age alone.

Nothing runs in the background: every answer derives the status from how many sandbox
seconds have passed since the order was placed, so advancing the clock moves every order
at once and tests never sleep. These functions are pure; the state applies the money.
"""

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from provider.sandbox.catalog import (
    NUMBER_TTL,
    Behaviour,
    Delivery,
    Service,
    SmsProject,
    Status,
)
from provider.sandbox.money import to_cents

SMM_START_COUNT = 1000  # what the counter showed when work started on an smm order
FINAL = frozenset({Status.COMPLETED, Status.PARTIAL, Status.CANCELED})


@dataclass(frozen=True, slots=True)
class Progress:
    status: Status
    start_count: int
    remains: int
    delivered: int

    @property
    def final(self) -> bool:
        return self.status in FINAL


def partial_remains(quantity: int) -> int:
    """What a Partial order leaves undelivered: half, and never nothing."""
    return max(1, quantity // 2)


def final_delivered(behaviour: Behaviour, quantity: int) -> int:
    if behaviour.outcome is Status.CANCELED:
        return 0
    if behaviour.outcome is Status.PARTIAL:
        return quantity - partial_remains(quantity)
    return quantity


def delivered_at(behaviour: Behaviour, quantity: int, age: float) -> int:
    """How much of the order has arrived `age` seconds after it was placed."""
    target = final_delivered(behaviour, quantity)
    if age >= behaviour.finish:
        return target
    if age < behaviour.start:
        return 0
    if behaviour.delivery is Delivery.AT_START:
        return target
    if behaviour.delivery is Delivery.AT_FINISH:
        return 0
    share = (age - behaviour.start) / (behaviour.finish - behaviour.start)
    return int(target * share)


def _start_count(service: Service, quantity: int, started: bool) -> int:
    if not started:
        return 0
    return quantity if service.is_product else SMM_START_COUNT


def order_progress(
    service: Service, quantity: int, age: float, canceled_age: float | None = None
) -> Progress:
    """The order's status `age` seconds after it was placed.

    `canceled_age` is when the client's cancel took effect, if it did: delivery stops there
    and the order ends Canceled, or Partial if something had already arrived.
    """
    behaviour = service.behaviour
    if canceled_age is not None and canceled_age < behaviour.finish and age >= canceled_age:
        delivered = delivered_at(behaviour, quantity, canceled_age)
        status = Status.PARTIAL if delivered else Status.CANCELED
        started = canceled_age >= behaviour.start
    else:
        delivered = delivered_at(behaviour, quantity, age)
        started = age >= behaviour.start
        if age >= behaviour.finish:
            status = behaviour.outcome
            started = started and status is not Status.CANCELED
        else:
            status = Status.IN_PROGRESS if started else Status.PENDING
    return Progress(status, _start_count(service, quantity, started), quantity - delivered,
                    delivered)


def charge_for(service: Service, quantity: int) -> Decimal:
    """What `quantity` units cost: smm rates are per 1,000, product rates per item."""
    units = Decimal(quantity) if service.is_product else Decimal(quantity) / 1000
    return to_cents(service.rate * units)


def settles_at(service: Service) -> float | None:
    """The age at which money goes back to the account, for services that end short."""
    if service.behaviour.outcome is Status.COMPLETED:
        return None
    return service.behaviour.finish


def credentials(order_id: int, service: Service, count: int) -> list[str]:
    """The `accounts` of a product order: the same order always gets the same strings."""
    return [_credential(order_id, service, index) for index in range(1, count + 1)]


def _credential(order_id: int, service: Service, index: int) -> str:
    secret = hashlib.sha256(f"{order_id}:{index}".encode()).hexdigest()[:10]
    return f"user{service.id}_{order_id}_{index}@{service.account_domain}:pass{secret}"


# --- SMS numbers --------------------------------------------------------------------------


class NumberStatus(StrEnum):
    """The words `sms_status` answers with."""

    ACTIVE = "active"
    CODE_RECEIVED = "code_received"
    EXPIRED = "expired"
    CANCELED = "canceled"


NUMBER_REFUNDED = frozenset({NumberStatus.EXPIRED, NumberStatus.CANCELED})


def number_status(project: SmsProject, age: float) -> NumberStatus:
    """Where a number rented `age` seconds ago stands."""
    if project.code_at is not None and project.code_at < NUMBER_TTL and age >= project.code_at:
        return NumberStatus.CODE_RECEIVED
    if project.cancel_at is not None and age >= project.cancel_at:
        return NumberStatus.CANCELED
    if age >= NUMBER_TTL:
        return NumberStatus.EXPIRED
    return NumberStatus.ACTIVE


def number_settles_at(project: SmsProject) -> float | None:
    """The age at which a number of this project is refunded, if it never gets a code."""
    if project.code_at is not None and project.code_at < NUMBER_TTL:
        return None
    if project.cancel_at is not None:
        return min(project.cancel_at, NUMBER_TTL)
    return NUMBER_TTL


def sms_code(order_id: int) -> str:
    """The six-digit code a number receives; fixed per number so tests can expect it."""
    return f"{(order_id * 7919 + 123456) % 1_000_000:06d}"
