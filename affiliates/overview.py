"""What a referrer sees of their program: their code, visits, sign-ups and earnings, with
the latest commissions. Referred customers appear only with a masked e-mail."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Sum

from affiliates.models import Referral
from affiliates.referrals import code_for
from orders.models import EntryKind, LedgerEntry
from panel.models import User

LATEST = 20


@dataclass(frozen=True)
class Earning:
    amount: Decimal
    created_at: datetime
    order_charge: Decimal
    customer: str  # masked


@dataclass(frozen=True)
class Overview:
    code: str
    visits: int
    signups: int
    earned: Decimal
    latest: list[Earning]


def mask_email(email: str) -> str:
    """`alice@example.com` -> `a•••@e•••.com`: enough to tell customers apart, not to
    write to them."""
    local, _, domain = email.partition("@")
    name, dot, tld = domain.rpartition(".")
    masked_domain = f"{name[:1]}•••{dot}{tld}" if name else f"{domain[:1]}•••"
    return f"{local[:1]}•••@{masked_domain}"


def overview(user: User) -> Overview:
    """The referrer's figures, in a fixed number of queries whatever their history."""
    code = code_for(user)
    entries = LedgerEntry.objects.filter(wallet__user=user, kind=EntryKind.COMMISSION)
    earned = entries.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    latest = entries.select_related("order__user").only(
        "amount", "created_at", "order__charge", "order__user__email"
    )[:LATEST]
    return Overview(
        code=code.code,
        visits=code.visits,
        signups=Referral.objects.filter(referrer=user).count(),
        # SQLite sums decimals as floats: back to the ledger's four places.
        earned=Decimal(earned).quantize(Decimal("0.0001")),
        latest=[
            Earning(
                amount=e.amount,
                created_at=e.created_at,
                order_charge=e.order.charge if e.order else Decimal(0),
                customer=mask_email(e.order.user.email) if e.order else "",
            )
            for e in latest
        ],
    )
