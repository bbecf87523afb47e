"""The referrer's commission on a referred customer's order: a `commission` ledger entry
once the order is final, on what the customer paid net of the order's refund.

When: `orders.tracking.settle` calls `credit_commission` in the transaction that makes the
order final (Completed, Partial, Canceled), under the order's row lock, exactly as it
refunds: a final order never exists without its commission, nothing depends on a broker,
and a rolled-back settle takes its commission with it. A Rejected order is refunded in full,
so it earns nothing and is not looked at.

Never on refunded money: the order's one refund (`orders.ledger.refund_order`) is made in
that same transaction, before the commission, and a final state has no way out
(`orders.states.TRANSITIONS`), so no ledger refund can follow the commission and nothing
ever needs taking back. The one refund that is not known then is a Partial without
`remains` (staff work it out by hand): that order earns no commission.

Exactly once: `settle` moves the order conditionally (a second settle does nothing), and
the database allows one commission entry per order (`ledger_one_commission_per_order`), so
even a direct second call, concurrent or not, credits nothing.
"""

from decimal import ROUND_FLOOR, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction

from affiliates.models import Referral
from orders.ledger import credit
from orders.models import EntryKind, Kind, LedgerEntry, Order
from orders.states import State
from panel.models import ShopSettings

EARNING = frozenset({State.COMPLETED, State.PARTIAL, State.CANCELED})
# ISO 4217 currencies without minor units; every other is counted in hundredths.
NO_MINOR_UNIT = frozenset({"JPY", "KRW", "VND", "CLP", "ISK", "UGX", "PYG", "XAF", "XOF"})


def rate() -> Decimal:
    """The commission in percent set by an admin; 0 (the default) means no program."""
    percent = ShopSettings.objects.filter(pk=1).values_list("commission_percent", flat=True).first()
    return percent or Decimal(0)


def currency_step() -> Decimal:
    return Decimal(1) if settings.PANEL_CURRENCY in NO_MINOR_UNIT else Decimal("0.01")


def commission_on(paid: Decimal, percent: Decimal) -> Decimal:
    """`percent` of `paid`, rounded down to the currency's smallest unit."""
    if paid <= 0 or percent <= 0:
        return Decimal(0)
    return (paid * percent / 100).quantize(currency_step(), rounding=ROUND_FLOOR)


def refund_unknown(order: Order) -> bool:
    """A Partial settled without `remains`: staff still owe a refund of unknown size."""
    return order.state == State.PARTIAL and order.kind != Kind.PRODUCT and order.remains is None


def credit_commission(order_id: int) -> LedgerEntry | None:
    """Credit the referrer of the order's customer their commission on it: the rate now
    times (charge - refunded). None, changing nothing, when the order is not final (or was
    rejected), has no referrer, the program is off, the amount rounds to zero, the refund is
    still unknown, or the commission was credited already."""
    order = (
        Order.objects.only("user_id", "state", "kind", "charge", "refunded", "remains")
        .filter(pk=order_id)
        .first()
    )
    if order is None or order.state not in EARNING or refund_unknown(order):
        return None
    referral = Referral.objects.select_related("referrer").filter(referred_id=order.user_id).first()
    if referral is None:
        return None
    percent = rate()
    amount = commission_on(order.charge - order.refunded, percent)
    if amount <= 0:
        return None
    try:
        with transaction.atomic():
            return credit(
                referral.referrer,
                amount,
                kind=EntryKind.COMMISSION,
                reason=f"Commission: {percent.normalize():f}% of a referred customer's order",
                order=order,
            )
    except IntegrityError:
        return None  # credited already (the unique commission entry of this order)
