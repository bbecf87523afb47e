"""One order per form: each order form carries a one-time token, made when it renders.

Placing consumes the token by inserting it (`SubmittedForm`, the token is its primary key)
with the order, so the same form sent twice (two tabs, a double click, a resubmit after
Back) places once: the second insert fails on the key, waiting for the first transaction
if it is still open, and the second request is shown the order the first one placed.
A refused order (PlacementError) releases its token, so the corrected form can be sent.
A form without a token (a script, a page from before tokens) is placed as before.

A token starts with the time it was made, so a form is held to once only for `MAX_AGE`:
an older one is refused (the customer sends the form again, with a new token), and the
rows of tokens older than that are purged (`purge`), which nothing can then collide with.
"""

import re
import secrets
import time
from datetime import timedelta

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.placing import PlacementError
from panel.models import SubmittedForm, User
from panel.storefront.rendering import go_to_order

FIELD = "form_token"
WELL_FORMED = re.compile(r"[A-Za-z0-9_-]{20,64}")
# A tab left open over a long weekend still places; a form older than this is sent again.
MAX_AGE = timedelta(days=4)
# Tokens made before tokens carried their time: 32 random characters, no time.
_DATED = re.compile(r"[0-9a-f]{8}[A-Za-z0-9_-]{32}")
_CLOCK_SKEW = 300


class FormExpired(PlacementError):
    """The form is older than `MAX_AGE` (or claims a time to come): nothing was placed."""

    def __init__(self) -> None:
        super().__init__(_("This form was opened too long ago. Check it and send it again."))


class AlreadySubmitted(Exception):
    """The form's token was consumed: `order_id` is what it placed (None while the first
    submission is still renting, or if it failed midway)."""

    def __init__(self, order_id: int | None) -> None:
        super().__init__(order_id)
        self.order_id = order_id


def new_token(now: float | None = None) -> str:
    """Eight hex digits of the time it was made, then 32 random characters."""
    made = int(time.time() if now is None else now)
    return f"{made:08x}{secrets.token_urlsafe(24)}"


def _made_at(token: str) -> int | None:
    return int(token[:8], 16) if _DATED.fullmatch(token) else None


def token_of(data: object) -> str | None:
    """The form's token from its POST data, or None without a well-formed one."""
    value = data.get(FIELD, "")  # type: ignore[attr-defined]
    return value if WELL_FORMED.fullmatch(value) else None


def consume(user: User, token: str) -> None:
    """Claim `token` for `user`, in the caller's transaction; AlreadySubmitted if it was,
    FormExpired if the form is older than MAX_AGE."""
    made = _made_at(token)
    if made is not None and not (time.time() - MAX_AGE.total_seconds()
                                 <= made <= time.time() + _CLOCK_SKEW):
        raise FormExpired
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


def purge() -> int:
    """Forget tokens older than MAX_AGE (a day more, for clocks): they are refused anyway."""
    horizon = timezone.now() - MAX_AGE - timedelta(days=1)
    deleted, _ = SubmittedForm.objects.filter(created_at__lt=horizon).delete()
    return deleted


def already_placed(request: HttpRequest, order_id: int | None) -> HttpResponse:
    """The answer to a form sent again: what the first submission placed, never an error."""
    messages.info(request, _("This form was already sent: here is what it ordered. "
                             "Open the form again for another order."))
    return go_to_order(request, order_id)
