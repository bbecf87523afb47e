"""The order's states and the moves between them (../shared/DESIGN.md)."""

from django.db import models


class State(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    PLACED = "placed", "Placed"
    PROVIDER_FUNDS = "provider_funds", "Waiting for provider funds"
    REVIEW = "review", "In review"
    COMPLETED = "completed", "Completed"
    PARTIAL = "partial", "Partial"
    CANCELED = "canceled", "Canceled"
    REJECTED = "rejected", "Rejected"


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
