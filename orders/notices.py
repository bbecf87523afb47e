"""What a customer is told when their order ends (`panel.notifications`): completed, partial
with what was not delivered and refunded, canceled or refused with its refund.

`order_ended` is called where an order reaches its final state together with its refund
(`tracking.settle`, `forwarding.reject`); the facts are read after that transaction commits,
so the refund told is the one the ledger holds. SMS numbers are not told: their code is read
on the page the customer is watching, and it never goes into an e-mail.
"""

from functools import partial

from django.urls import reverse

from orders.models import Kind, Order
from orders.states import FINAL, State
from panel import notifications
from panel.models import NoticeKind


def order_ended(order_id: int) -> None:
    """Tell the order's customer, once, after the current transaction commits."""
    notifications.after_commit(partial(event_for, order_id))


def event_for(order_id: int) -> notifications.Event | None:
    """The notice of a finished order; None for an order not final or an SMS number."""
    order = (
        Order.objects.select_related("service")
        .only(
            "id",
            "user_id",
            "kind",
            "state",
            "quantity",
            "remains",
            "charge",
            "refunded",
            "service__name",
        )
        .filter(pk=order_id)
        .first()
    )
    if order is None or order.state not in FINAL or order.kind == Kind.SMS:
        return None
    params: dict[str, object] = {
        "order": order.pk,
        "state": order.state,
        "quantity": order.quantity,
        "service": order.service.name if order.service else "",
        "charge": str(order.charge),
        "refunded": str(order.refunded),
    }
    if order.state == State.PARTIAL and order.remains is not None:
        params["not_delivered"] = order.remains
    return notifications.Event(
        user_id=order.user_id,
        kind=NoticeKind.ORDER,
        object_id=order.pk,
        link=reverse("order", args=[order.pk]),
        params=params,
    )
