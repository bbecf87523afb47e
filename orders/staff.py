"""What staff may do to an order by hand; every action is an event with who and when, and
an audit entry (`panel.audit`) with the order's values before and after, written in the
transaction of the change: an entry exists exactly when the change does.

Each action is a conditional move: two staff acting on one order at once, one wins and the
other gets False (or, for a manual delivery, `StaffActionError`), with nothing changed."""

from collections.abc import Callable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from orders.forwarding import reject
from orders.models import Kind, Order, OrderEvent
from orders.placing import enqueue_forwarding
from orders.states import FINAL, State
from orders.tracking import merge_accounts, missing_accounts, next_check, settle, upstream_finished
from orders.transitions import move
from panel import audit
from panel.models import User
from provider.models import Provider

# What the audit log keeps of an order (never its credentials or codes).
AUDITED = ["state", "upstream_id", "refunded", "remains", "needs_staff", "status_unknown"]


class StaffActionError(Exception):
    pass


def _audited[T](order_id: int, action: str, actor: User, note: str,
             change: Callable[[], T]) -> T:
    """Run `change` under the order's row lock and, if it did something (a truthy result),
    record `action` in the audit log in the same transaction."""
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None:
            return change()
        before = audit.snapshot(order, AUDITED)
        result = change()
        if result:
            order.refresh_from_db(fields=AUDITED)
            audit.record(actor=actor, action=action, target=order, before=before,
                         after=audit.snapshot(order, AUDITED), note=note)
    return result


def resend(order_id: int, *, actor: User, confirmed: bool) -> bool:
    """Queue an order in review again. The upstream may already have it: the caller must
    confirm that a duplicate is acceptable (or checked that there is none)."""
    if not confirmed:
        raise StaffActionError(_("Resending may place the order twice upstream: confirm first."))
    return _audited(order_id, "order: resend", actor, "duplicate risk confirmed", lambda: move(
        order_id, State.QUEUED, expected=[State.REVIEW], action="staff resend", actor=actor,
        note="resent by staff after review", next_attempt_at=None, claimed_at=None))


def attach_upstream_id(order_id: int, upstream_id: int, *, actor: User) -> bool:
    """The upstream has the order after all: record its id and track it."""
    if upstream_id <= 0:
        raise StaffActionError(_("The upstream order id must be a positive number."))
    now = timezone.now()
    return _audited(order_id, "order: attach upstream id", actor, f"upstream order {upstream_id}",
                    lambda: move(order_id, State.PLACED, expected=[State.REVIEW],
                                 action="staff placed", actor=actor,
                                 note=f"upstream order {upstream_id}", upstream_id=upstream_id,
                                 placed_at=now, next_check_at=now, error=""))


def fail_and_refund(order_id: int, *, reason: str, actor: User) -> bool:
    if not reason.strip():
        raise StaffActionError(_("Say why the order failed; the customer sees it."))
    return _audited(order_id, "order: fail and refund", actor, reason.strip(),
                    lambda: reject(order_id, reason=reason.strip(), actor=actor,
                                   expected=[State.REVIEW, State.PROVIDER_FUNDS]))


def retry_provider_funds(provider_id: int, *, actor: User) -> list[int]:
    """Offer a provider's orders held for funds to the upstream again now (staff topped
    the account up). Returns the orders queued; none when another staff member (or the
    sweep) already did. A provider still short refuses again, creating nothing upstream,
    and the orders wait again."""
    with transaction.atomic():
        held = list(Order.objects.filter(provider_id=provider_id, state=State.PROVIDER_FUNDS)
                    .order_by("created_at", "pk").values_list("pk", flat=True))
        queued = [pk for pk in held if move(pk, State.QUEUED, expected=[State.PROVIDER_FUNDS],
                                            action="staff funds retry", actor=actor,
                                            next_attempt_at=None)]
        if queued:
            audit.record(actor=actor, action="provider: retry orders held for funds",
                         target=Provider.objects.get(pk=provider_id),
                         before={"state": State.PROVIDER_FUNDS},
                         after={"state": State.QUEUED, "orders": queued})
            transaction.on_commit(lambda: [enqueue_forwarding(pk) for pk in queued])
    return queued


NOT_DELIVERABLE = gettext_noop(
    "Only a product order in review, or one the upstream delivered short, can be completed by "
    "hand: the upstream is still working on this one.")


def can_deliver_manually(order: Order) -> bool:
    """Staff complete a product order by hand only when the upstream will no longer settle
    it through the API: in review (no upstream order being tracked), or placed but
    delivered short (the upstream's last word was final, with fewer accounts than paid
    for). Never while the upstream is still working on it: it would deliver and charge
    again, with nobody to give its accounts to."""
    if order.kind != Kind.PRODUCT:
        return False
    if order.state == State.REVIEW:
        return True
    return (order.state == State.PLACED and order.needs_staff and upstream_finished(order)
            and missing_accounts(order) > 0)


def deliver_manually(order_id: int, accounts: list[str], *, actor: User) -> str:
    """`_deliver_manually`, recorded in the audit log (the number of accounts, never them)."""
    count = sum(1 for line in accounts if line.strip())
    return _audited(order_id, "order: deliver by hand", actor, f"{count} accounts pasted",
                    lambda: _deliver_manually(order_id, accounts, actor=actor))


@transaction.atomic
def _deliver_manually(order_id: int, accounts: list[str], *, actor: User) -> str:
    """Complete, with accounts pasted by staff, a product order the upstream will no longer
    settle (`can_deliver_manually`). Fewer accounts than ordered end the order Partial, with
    the rest refunded. A tracked order is still asked about for a while afterwards: accounts
    the upstream sends late are recorded for staff (`orders.tracking.record_late_answer`)."""
    order = Order.objects.select_for_update().get(pk=order_id)
    accounts = [line.strip() for line in accounts if line.strip()]
    if not can_deliver_manually(order):
        raise StaffActionError(_(NOT_DELIVERABLE))
    merged = merge_accounts(order.accounts, accounts)
    delivered = len(merged.splitlines()) if merged else 0
    if delivered == 0 and order.state == State.REVIEW:
        raise StaffActionError(_("Paste at least one account, one per line (or mark the "
                                 "order failed and refund it)."))
    remains = max(order.quantity - delivered, 0)
    Order.objects.filter(pk=order_id).update(accounts=merged, remains=remains,
                                             needs_staff=False)
    order.accounts, order.remains = merged, remains
    if delivered == 0:  # delivered short with nothing at all, confirmed by staff
        target, note = State.CANCELED, "nothing delivered, confirmed by staff"
    else:
        target = State.COMPLETED if remains == 0 else State.PARTIAL
        note = f"{delivered} accounts delivered by staff"
    settle(order, target, note=note, actor=actor, expected=[order.state])
    if order.upstream_id:
        Order.objects.filter(pk=order_id).update(
            next_check_at=next_check(order, timezone.now()))
    return target


def mark_seen(order_id: int, *, actor: User) -> bool:
    """Staff looked at a settled, flagged order (short delivery, late answer, an upstream
    status the panel did not know): clear the flags and stop asking the upstream about it.
    A placed order held short is not cleared here: it ends by `deliver_manually` or by the
    upstream's accounts."""
    return _audited(order_id, "order: mark seen", actor, "flag cleared",
                    lambda: _mark_seen(order_id, actor=actor))


def _mark_seen(order_id: int, *, actor: User) -> bool:
    flagged = Q(needs_staff=True) | Q(status_unknown=True)
    updated = Order.objects.filter(flagged, pk=order_id, state__in=FINAL).update(
        needs_staff=False, status_unknown=False, next_check_at=None)
    if not updated:
        return False
    OrderEvent.objects.create(order_id=order_id, action="staff: seen", actor=actor,
                              note="flag cleared by staff")
    return True
