"""How an order's state reads to its customer.

Staff states (sending, review, waiting for provider funds) are internal: the customer sees
what they mean for them, in their words ("Being checked", "Delayed"), and a sentence saying
what happens next (`explanation`). Each label has a tone, which picks the badge's colour.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.models import Kind, Order
from orders.states import FINAL, State

GROUPS = {
    "active": (_("Active"), None),
    "completed": (_("Completed"), [State.COMPLETED]),
    "partial": (_("Partial"), [State.PARTIAL]),
    "canceled": (_("Canceled or refused"), [State.CANCELED, State.REJECTED]),
}


@dataclass(frozen=True)
class Badge:
    label: str
    tone: str  # wait | live | ok | warn | bad


def badge(order: Order) -> Badge:
    state, sms = order.state, order.kind == Kind.SMS
    if state in (State.QUEUED, State.SENDING):
        return Badge(_("Renting") if sms else _("Pending"), "wait")
    if state == State.REVIEW:
        return Badge(_("Being checked"), "wait")
    if state == State.PROVIDER_FUNDS:
        return Badge(_("Delayed"), "wait")
    if state == State.PLACED:
        if sms:
            return Badge(_("Waiting for SMS"), "live")
        if order.upstream_status.strip().lower() == "pending":
            return Badge(_("Pending"), "wait")
        return Badge(_("In progress"), "live")
    if state == State.COMPLETED:
        return Badge(_("Code received") if sms else _("Completed"), "ok")
    if state == State.PARTIAL:
        return Badge(_("Partial"), "warn")
    if state == State.CANCELED:
        return Badge(_("No code, refunded") if sms else _("Canceled"), "bad")
    return Badge(_("Refused"), "bad")


def explanation(order: Order) -> str:
    """What is happening to an order that waits for a person, or why it was refused: the
    reason staff (or the provider) gave, which the refund in the wallet also carries."""
    if order.state == State.REVIEW:
        return str(_("Our team is checking this order before it goes on; nothing is needed "
                     "from you. If it cannot go on, it is refunded in full."))
    if order.state == State.PROVIDER_FUNDS:
        return str(_("Our supplier cannot take it just yet; it starts on its own as soon as "
                     "they can. You can wait: nothing is needed from you."))
    if order.state == State.REJECTED:
        return order.error.strip()
    return ""


def is_final(order: Order) -> bool:
    return order.state in FINAL


def delivered(order: Order) -> int | None:
    """How much of an SMM order was delivered, once the upstream told us what remains."""
    if order.remains is None:
        return None
    return max(order.quantity - order.remains, 0)


def paid(order: Order) -> Decimal:
    """What the order cost the customer in the end: the charge less any refund."""
    return order.charge - order.refunded


def seconds_left(moment: datetime | None) -> int:
    if moment is None:
        return 0
    return max(int((moment - timezone.now()).total_seconds()), 0)
