"""Telling customers what happened to their orders, money and questions: a notice in the
shop's list (`/notices/`) and, unless they switched that kind off, an e-mail.

The domain says what happened (an `Event`: whose, what kind, about which object, the facts
the sentence needs) and calls `after_commit` inside the transaction that makes it true: the
notice is written once that transaction commits, so a settle that rolls back tells no one,
and a refund made in it is there to be told. At most one notice per (customer, kind,
object): the unique constraint turns a replayed callback or a second polling pass into
nothing, and only the call that wrote the notice queues its e-mail (`panel.mail`). No web
imports: the domain calls this, as it calls `panel.alerts`.

What each kind says lives in one template (`notices/_text.html`), shared by the list and the
e-mail, with money through the shop's one formatter (`{% money %}`, `orders.money`).
"""

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from panel import branding, mail
from panel.models import Notice, NoticeKind, User

log = logging.getLogger(__name__)

# Which switch on the customer's profile lets each kind be e-mailed.
EMAIL_SWITCH = {
    NoticeKind.ORDER: "email_orders",
    NoticeKind.DEPOSIT: "email_deposits",
    NoticeKind.TICKET: "email_tickets",
}


@dataclass(frozen=True)
class Event:
    """What happened, for whom: `object_id` is the order, deposit or staff message it is
    about (one notice per user, kind and object), `link` the path of its page."""

    user_id: int
    kind: str
    object_id: int
    link: str
    params: Mapping[str, object] = field(default_factory=dict)


def after_commit(build: Callable[[], Event | None]) -> None:
    """Tell the customer about `build()` once the current transaction commits (at once
    outside one). `build` may read what the transaction wrote, and return None for nothing
    to say. A failure is logged, never raised into the caller: its money already moved."""

    def run() -> None:
        event = build()
        if event is not None:
            tell(event)

    transaction.on_commit(run, robust=True)


def tell(event: Event) -> Notice | None:
    """Record the notice and queue its e-mail; None, sending nothing, when this event was
    told already."""
    try:
        with transaction.atomic():
            notice = Notice.objects.create(
                user_id=event.user_id,
                kind=event.kind,
                object_id=event.object_id,
                link=event.link[:200],
                params=dict(event.params),
            )
    except IntegrityError:
        return None
    user = User.objects.filter(pk=event.user_id).first()
    if user is not None and wants_email(user, event.kind):
        send_email(notice, user)
    return notice


def wants_email(user: User, kind: str) -> bool:
    """The customer's switch for `kind` is on, and the address is one they confirmed (a
    sign-up with someone else's address must not make the shop write to it)."""
    switch = EMAIL_SWITCH.get(kind)
    return bool(
        switch and getattr(user, switch) and user.is_active and user.email_verified and user.email
    )


def shop_url() -> str:
    """The shop's address for links in e-mails, which no request is at hand for: SHOP_URL,
    or the first host the panel answers for, over HTTPS when the site is HTTPS-only."""
    if settings.SHOP_URL:
        return settings.SHOP_URL.rstrip("/")
    host = next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if h.strip(".*")), "localhost")
    return f"{'https' if settings.HTTPS_ONLY else 'http'}://{host}"


def send_email(notice: Notice, user: User) -> None:
    shop = branding.current()
    context = {
        "shop": shop,
        "notice": notice,
        "params": notice.params,
        "url": shop_url() + reverse("notice", args=[notice.pk]),
        "account_url": shop_url() + reverse("account"),
    }
    title = render_to_string("notices/_text.html#title", context)
    subject = " ".join(f"[{shop.name}] {title}".split())
    mail.send(
        subject,
        render_to_string("notices/email.txt", context),
        [user.email],
        from_email=branding.sender(),
    )


def unread() -> QuerySet[Notice]:
    """Notices not read yet (the partial index `notice_user_unread` holds them)."""
    return Notice.objects.filter(read_at=None)


def unread_count(user: User) -> int:
    """The number on the bell: one query."""
    return unread().filter(user=user).count()


def newest(user: User, limit: int = 50) -> list[Notice]:
    return list(Notice.objects.filter(user=user)[:limit])


def mark_read(user: User, notice_ids: list[int] | None = None) -> int:
    """Mark the customer's unread notices read (only those of `notice_ids` when given);
    never anyone else's. The number marked."""
    unread_ones = unread().filter(user=user)
    if notice_ids is not None:
        unread_ones = unread_ones.filter(pk__in=notice_ids)
    return unread_ones.update(read_at=timezone.now())


def set_email_switches(user: User, on: set[str]) -> None:
    """Switch on the e-mails named in `on` (fields of `EMAIL_SWITCH`), every other off."""
    switches = list(EMAIL_SWITCH.values())
    for name in switches:
        setattr(user, name, name in on)
    User.objects.filter(pk=user.pk).update(**{name: name in on for name in switches})
