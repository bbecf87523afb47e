"""One order per form: each order form carries a one-time token, made when it renders.

Placing consumes the token by inserting it (`SubmittedForm`, the token is its primary key)
with the order, so the same form sent twice (two tabs, a double click, a resubmit after
Back) places once: the second insert fails on the key, waiting for the first transaction
if it is still open, and the second request is shown the order the first one placed.
A refused order (PlacementError) releases its token, so the corrected form can be sent.
A form without a token (a script, a page from before tokens) is placed as before.
"""

import re
import secrets

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from panel.models import SubmittedForm, User
from panel.storefront.rendering import go_to_order

FIELD = "form_token"
WELL_FORMED = re.compile(r"[A-Za-z0-9_-]{20,64}")


class AlreadySubmitted(Exception):
    """The form's token was consumed: `order_id` is what it placed (None while the first
    submission is still renting, or if it failed midway)."""

    def __init__(self, order_id: int | None) -> None:
        super().__init__(order_id)
        self.order_id = order_id


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_of(data: object) -> str | None:
    """The form's token from its POST data, or None without a well-formed one."""
    value = data.get(FIELD, "")  # type: ignore[attr-defined]
    return value if WELL_FORMED.fullmatch(value) else None


def consume(user: User, token: str) -> None:
    """Claim `token` for `user`, in the caller's transaction; AlreadySubmitted if it was."""
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction stays usable
            SubmittedForm.objects.create(token=token, user=user)
    except IntegrityError:
        # Another user's token (never handed to this one) reads as an order not found.
        placed = (SubmittedForm.objects.filter(token=token, user=user)
                  .values_list("order_id", flat=True).first())
        raise AlreadySubmitted(placed) from None


def record(token: str, order_id: int) -> None:
    SubmittedForm.objects.filter(token=token).update(order_id=order_id)


def release(token: str) -> None:
    """Free a token whose submission placed nothing, so the form can be sent again."""
    SubmittedForm.objects.filter(token=token, order__isnull=True).delete()


def already_placed(request: HttpRequest, order_id: int | None) -> HttpResponse:
    """The answer to a form sent again: what the first submission placed, never an error."""
    messages.info(request, _("This form was already sent: here is what it ordered. "
                             "Open the form again for another order."))
    return go_to_order(request, order_id)
