"""The order's states and the moves between them (../shared/DESIGN.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    PLACED = "placed", _("Placed")
    PROVIDER_FUNDS = "provider_funds", _("Waiting for provider funds")
    REVIEW = "review", _("In review")
    COMPLETED = "completed", _("Completed")
    PARTIAL = "partial", _("Partial")
    CANCELED = "canceled", _("Canceled")
    REJECTED = "rejected", _("Rejected")


TRANSITIONS: dict[str, frozenset[str]] = {
    # queued -> rejected only for what was never sent (an SMS rental whose request died);
    # queued / provider_funds -> canceled: the customer canceled what the upstream never got.
    State.QUEUED: frozenset({State.SENDING, State.REJECTED, State.CANCELED}),
    State.SENDING: frozenset({State.PLACED, State.REJECTED, State.QUEUED, State.REVIEW,
                              State.PROVIDER_FUNDS}),
    State.PLACED: frozenset({State.COMPLETED, State.PARTIAL, State.CANCELED}),
    State.PROVIDER_FUNDS: frozenset({State.QUEUED, State.REJECTED, State.CANCELED}),
    # review -> completed / partial: staff delivered a product by hand (orders.staff).
    State.REVIEW: frozenset({State.PLACED, State.QUEUED, State.REJECTED, State.COMPLETED,
                             State.PARTIAL}),
    State.COMPLETED: frozenset(),
    State.PARTIAL: frozenset(),
    State.CANCELED: frozenset(),
    State.REJECTED: frozenset(),
}

FINAL = frozenset({State.COMPLETED, State.PARTIAL, State.CANCELED, State.REJECTED})
HELD = frozenset({State.QUEUED, State.SENDING, State.PROVIDER_FUNDS, State.REVIEW})


def sources_of(target: str) -> frozenset[str]:
    """Every state from which `target` may be reached."""
    return frozenset(s for s, targets in TRANSITIONS.items() if target in targets)


class IllegalTransition(Exception):
    pass
