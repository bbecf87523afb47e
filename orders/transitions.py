"""The one way an order changes state: a conditional update that also refuses any move
not in the table of `orders.states`, and leaves an event behind."""

from collections.abc import Iterable

from django.db import transaction

from orders.models import Order, OrderEvent
from orders.states import IllegalTransition, sources_of
from panel.models import User


def move(order_id: int, to: str, *, expected: Iterable[str] | None = None,
         action: str = "", note: str = "", actor: User | None = None, **fields: object) -> bool:
    """Move the order to `to` if it is in one of `expected` (default: every state allowed
    to reach `to`). Returns False, changing nothing, when the order was elsewhere (someone
    else moved it first)."""
    allowed = sources_of(to)
    if expected is not None:
        expected = frozenset(expected)
        illegal = expected - allowed
        if illegal:
            raise IllegalTransition(f"{', '.join(sorted(illegal))} -> {to}")
        allowed = expected
    with transaction.atomic():
        current = (Order.objects.select_for_update().filter(pk=order_id, state__in=allowed)
                   .values_list("state", flat=True).first())
        if current is None:
            return False
        Order.objects.filter(pk=order_id).update(state=to, **fields)
        OrderEvent.objects.create(order_id=order_id, action=action or to, from_state=current,
                                  to_state=to, note=note[:2000], actor=actor)
    return True
