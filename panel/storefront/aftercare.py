"""What an order's page offers: the Refill and Cancel buttons, and its refills' progress.

The rules are `orders.aftercare`'s (the API's too); here they are worded for the customer.
A button shows only when the panel can carry it out now; a refusal that depends on a date
(the refill window, one refill a day) is said, other ones simply hide the button. The
refills' status is stored by the beat (`orders.tasks.poll_refills`): the page reads the
database only, and asks again every 30 seconds while a refill is open.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from orders import aftercare
from orders.models import Kind, Order, Refill

SHOWN_REFILLS = 5


@dataclass(frozen=True)
class Care:
    can_refill: bool
    refill_until: datetime | None
    refill_note: str
    refills: list[Refill]
    refill_open: bool
    can_cancel: bool
    cancel_here: bool
    cancel_note: str


# The page's own formats (its order and refill times read "Dec 1, 17:54").
def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "M j, H:i")


def _day(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "M j, Y")


def refusal_words(refusal: aftercare.Refusal | None) -> str:
    """What the customer is told about a refusal; empty when the button simply hides."""
    if refusal is None:
        return ""
    code, when = refusal.code, refusal.when
    if code == "window" and when:
        return _("Refill window ended on %(date)s.") % {"date": _day(when)}
    if code == "recent" and when:
        return _(
            "A refill was requested less than 24 hours ago; the next one is possible "
            "after %(time)s."
        ) % {"time": _when(when)}
    if code == "requested":
        return _(
            "Cancel requested: once the provider confirms, the order stops and what "
            "was not delivered is refunded to your balance."
        )
    if code == "unavailable":
        return _("The provider did not answer; try again in a few minutes.")
    if code == "upstream":
        return _("The provider refused: %(reason)s") % {
            "reason": refusal.message.split(": ", 1)[-1]
        }
    if code == "moved":
        return _("The order was just sent to the provider; try again in a moment.")
    return ""


def care_for(order: Order) -> Care:
    """What the page offers for `order`: two queries at most (its latest refills)."""
    refills = list(order.refills.all()[:SHOWN_REFILLS]) if order.kind != Kind.SMS else []
    last = refills[0].created_at if refills else None
    refill_refusal = aftercare.refill_refusal(order, last=last)
    cancel_refusal = aftercare.cancel_refusal(order, here=True)
    can_refill = aftercare.offers_refill(order, refill_refusal)
    shown_refusal = (
        refill_refusal if refill_refusal and refill_refusal.code in ("window", "recent") else None
    )
    return Care(
        can_refill=can_refill,
        refill_until=aftercare.refill_window_end(order) if can_refill else None,
        refill_note=refusal_words(shown_refusal),
        refills=refills,
        refill_open=any(r.state in aftercare.REFILL_OPEN for r in refills),
        can_cancel=aftercare.offers_cancel(order, cancel_refusal),
        cancel_here=order.state in aftercare.CANCELED_HERE,
        cancel_note=refusal_words(
            cancel_refusal if cancel_refusal and cancel_refusal.code == "requested" else None
        ),
    )
