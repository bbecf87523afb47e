"""Refills and cancels from the API: the customer's own orders, the rules and the calls of
`orders.aftercare` (shared with the shop), its refusals as the API's errors.

Only the panel's ids go out to the customer: a refill is recorded (`orders.Refill`) and known
by its own id, and an upstream id quoted in a provider's message is replaced by ours.
A cancel accepted upstream changes nothing here: the order's polling sees it end and settles
it (refunds included) as for any other final status.
"""

from orders import aftercare
from orders.models import Kind, Order, Refill
from panel.api.params import ApiError, as_id
from panel.models import User


def _customer_order(user: User, order_id: int) -> Order:
    order = (Order.objects.select_related("service", "provider")
             .filter(pk=order_id, user=user).exclude(kind=Kind.SMS).first())
    if order is None:
        raise ApiError("Incorrect order ID")
    return order


def request_refill(user: User, order_id: int) -> Refill:
    order = _customer_order(user, order_id)
    try:
        return aftercare.request_refill(order)
    except aftercare.Refused as exc:
        raise ApiError(exc.refusal.message) from None


def refill_status(user: User, refill_id: int) -> str:
    refill = (Refill.objects.select_related("order__provider")
              .filter(pk=refill_id, order__user=user).first())
    if refill is None:
        raise ApiError("Refill not found")
    try:
        return aftercare.check_refill(refill)
    except aftercare.Refused as exc:
        raise ApiError(exc.refusal.message) from None


def cancel_orders(user: User, tokens: list[str]) -> list[dict[str, object]]:
    """`[{"order": id, "cancel": 1 | {"error": ...}}, ...]`, in the order asked."""
    wanted = {token: as_id(token) for token in tokens}
    found = {order.pk: order for order in Order.objects.select_related("service", "provider")
             .filter(user=user, pk__in=[i for i in wanted.values() if i]).exclude(kind=Kind.SMS)}
    outcomes = aftercare.cancel_orders(
        [found[i] for i in dict.fromkeys(wanted.values()) if i in found], actor=user)
    answer: list[dict[str, object]] = []
    for token, order_id in wanted.items():
        if order_id not in found:
            result: object = {"error": "Incorrect order ID"}
        else:
            refusal = outcomes[order_id]
            result = 1 if refusal is None else {"error": refusal.message}
        answer.append({"order": order_id or token, "cancel": result})
    return answer
