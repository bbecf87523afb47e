"""Refills and cancels: passed on to the order's provider, for the customer's own orders of
services that offer them. Standard SMM providers have these actions; HstockPlus answers
"Invalid action", which the customer hears as "not supported".

Only the panel's ids go out to the customer: a refill is recorded (`orders.Refill`) and known
by its own id, and an upstream id quoted in a provider's message is replaced by ours.
A cancel accepted upstream changes nothing here: the order's polling sees it end and settles
it (refunds included) as for any other final status.
"""

import re
from collections import defaultdict

from django.utils import timezone

from orders.models import Kind, Order, Refill
from orders.states import State
from panel.api.params import ApiError, as_id
from panel.models import User
from provider.client import ProviderError, ProviderRejected

NOT_NOW = "The provider did not answer; try again later"
REFILLABLE = (State.COMPLETED, State.PARTIAL)


def _unsupported(exc: ProviderRejected) -> bool:
    return "invalid action" in exc.message.lower()


def _ours(message: str, order: Order) -> str:
    """A provider's message with its order id replaced by the customer's."""
    if order.upstream_id is None:
        return message[:200]
    return re.sub(rf"\b{order.upstream_id}\b", str(order.pk), message)[:200]


def _customer_order(user: User, order_id: int) -> Order:
    order = (Order.objects.select_related("service", "provider")
             .filter(pk=order_id, user=user).exclude(kind=Kind.SMS).first())
    if order is None:
        raise ApiError("Incorrect order ID")
    return order


def request_refill(user: User, order_id: int) -> Refill:
    order = _customer_order(user, order_id)
    if order.service is None or not order.service.refill:
        raise ApiError("Refill is not available for this service")
    if order.provider.has_refill is False:
        raise ApiError("Refill is not supported for this service")
    if order.state not in REFILLABLE or order.upstream_id is None:
        raise ApiError("Refill is available once the order is completed")
    client = order.provider.client()
    try:
        upstream_id = client.refill(order.upstream_id)
    except ProviderRejected as exc:
        if _unsupported(exc):
            raise ApiError("Refill is not supported for this service") from None
        raise ApiError(f"Refill refused: {_ours(exc.message, order)}") from None
    except ProviderError:
        raise ApiError(NOT_NOW) from None
    finally:
        client.close()
    return Refill.objects.create(order=order, upstream_id=upstream_id, status="Pending")


def refill_status(user: User, refill_id: int) -> str:
    refill = (Refill.objects.select_related("order__provider")
              .filter(pk=refill_id, order__user=user).first())
    if refill is None:
        raise ApiError("Refill not found")
    client = refill.order.provider.client()
    try:
        status = client.refill_status(refill.upstream_id)[:50]
    except ProviderRejected as exc:
        raise ApiError(_ours(exc.message, refill.order)) from None
    except ProviderError:
        raise ApiError(NOT_NOW) from None
    finally:
        client.close()
    Refill.objects.filter(pk=refill.pk).update(status=status, checked_at=timezone.now())
    return status


def _cancelable(order: Order | None) -> str | None:
    """Why the order cannot be canceled, or None."""
    if order is None:
        return "Incorrect order ID"
    if order.service is None or not order.service.cancel:
        return "Cancel is not available for this service"
    if order.provider.has_cancel is False:
        return "Cancel is not supported for this service"
    if order.state != State.PLACED or order.upstream_id is None:
        return ("The order has ended" if order.state in (State.COMPLETED, State.PARTIAL,
                                                          State.CANCELED, State.REJECTED)
                else "The order is not with the provider yet; try again shortly")
    return None


def cancel_orders(user: User, tokens: list[str]) -> list[dict[str, object]]:
    """`[{"order": id, "cancel": 1 | {"error": ...}}, ...]`, in the order asked."""
    wanted = {token: as_id(token) for token in tokens}
    found = {order.pk: order for order in Order.objects.select_related("service", "provider")
             .filter(user=user, pk__in=[i for i in wanted.values() if i]).exclude(kind=Kind.SMS)}
    refusals: dict[str, str] = {}
    by_provider: dict[int, dict[int, Order]] = defaultdict(dict)
    for token, order_id in wanted.items():
        order = found.get(order_id) if order_id else None
        refusal = _cancelable(order)
        if refusal or order is None:
            refusals[token] = refusal or "Incorrect order ID"
        else:
            by_provider[order.provider_id][order.pk] = order
    sent: dict[int, object] = {}
    for orders in by_provider.values():
        sent |= _cancel_upstream(list(orders.values()))
    return [{"order": order_id or token,
             "cancel": {"error": refusals[token]} if token in refusals else sent[order_id]}
            for token, order_id in wanted.items()]


def _cancel_upstream(orders: list[Order]) -> dict[int, object]:
    """One call for one provider's orders: 1 or `{"error": ...}` per order id (ours)."""
    client = orders[0].provider.client()
    try:
        results = client.cancel([order.upstream_id for order in orders])
    except ProviderRejected as exc:
        message = ("Cancel is not supported for this service" if _unsupported(exc)
                   else f"Cancel refused: {exc.message}")
        return {order.pk: {"error": _ours(message, order)} for order in orders}
    except ProviderError:
        return {order.pk: {"error": NOT_NOW} for order in orders}
    finally:
        client.close()
    outcomes: dict[int, object] = {}
    for order in orders:
        if order.upstream_id not in results:
            outcomes[order.pk] = {"error": "Cancel refused"}
        elif (refusal := results[order.upstream_id]) is not None:
            outcomes[order.pk] = {"error": _ours(f"Cancel refused: {refusal.message}", order)}
        else:
            outcomes[order.pk] = 1
    return outcomes
