"""What staff may do to an order by hand; every action is an event with who and when."""

from django.db import transaction
from django.utils import timezone

from orders.forwarding import reject
from orders.models import Kind, Order
from orders.states import State
from orders.tracking import merge_accounts, settle
from orders.transitions import move
from panel.models import User


class StaffActionError(Exception):
    pass


def resend(order_id: int, *, actor: User, confirmed: bool) -> bool:
    """Queue an order in review again. The upstream may already have it: the caller must
    confirm that a duplicate is acceptable (or checked that there is none)."""
    if not confirmed:
        raise StaffActionError("Resending may place the order twice upstream: confirm first.")
    return move(order_id, State.QUEUED, expected=[State.REVIEW], action="staff resend",
                actor=actor, note="resent by staff after review", next_attempt_at=None,
                claimed_at=None)


def attach_upstream_id(order_id: int, upstream_id: int, *, actor: User) -> bool:
    """The upstream has the order after all: record its id and track it."""
    if upstream_id <= 0:
        raise StaffActionError("The upstream order id must be a positive number.")
    now = timezone.now()
    return move(order_id, State.PLACED, expected=[State.REVIEW], action="staff placed",
                actor=actor, note=f"upstream order {upstream_id}", upstream_id=upstream_id,
                placed_at=now, next_check_at=now, error="")


def fail_and_refund(order_id: int, *, reason: str, actor: User) -> bool:
    if not reason.strip():
        raise StaffActionError("Say why the order failed; the customer sees it.")
    return reject(order_id, reason=reason.strip(), actor=actor,
                  expected=[State.REVIEW, State.PROVIDER_FUNDS])


@transaction.atomic
def deliver_manually(order_id: int, accounts: list[str], *, actor: User) -> str:
    """Complete a placed product order with accounts pasted by staff. Fewer accounts than
    ordered end the order Partial, with the rest refunded."""
    order = Order.objects.select_for_update().get(pk=order_id)
    accounts = [line.strip() for line in accounts if line.strip()]
    if order.kind != Kind.PRODUCT or order.state != State.PLACED:
        raise StaffActionError("Only a placed product order can be delivered by hand.")
    merged = merge_accounts(order.accounts, accounts)
    delivered = len(merged.splitlines()) if merged else 0
    if delivered == 0:
        raise StaffActionError("Paste at least one account, one per line.")
    remains = max(order.quantity - delivered, 0)
    Order.objects.filter(pk=order_id).update(accounts=merged, remains=remains)
    order.accounts, order.remains = merged, remains
    target = State.COMPLETED if remains == 0 else State.PARTIAL
    settle(order, target, note=f"{delivered} accounts delivered by staff", actor=actor)
    return target
