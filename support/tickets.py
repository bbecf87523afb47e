"""Support tickets, the rules: who may open, answer and close one, and what each does to its
state. A customer's message leaves the ticket open (staff owe an answer, counted from the
first unanswered message); a staff answer makes it answered; a closed ticket takes no more
messages. Views call these; they never change a ticket themselves."""

from functools import partial

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.models import Order
from panel import notifications
from panel.models import NoticeKind, User
from support.models import Ticket, TicketMessage, TicketState

MAX_SUBJECT = 200
MAX_BODY = 5000


class TicketError(Exception):
    """Refused; nothing changed. `message` is for the person who wrote."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _clean_body(body: object) -> str:
    text = str(body or "").strip()
    if not text:
        raise TicketError(_("Write a message."), field="body")
    if len(text) > MAX_BODY:
        raise TicketError(_("A message of at most %(max)d characters, please.") % {"max": MAX_BODY},
                          field="body")
    return text


def _own_order(user: User, order_id: object) -> Order | None:
    text = str(order_id or "").strip().removeprefix("#")
    if not text:
        return None
    order = (Order.objects.filter(pk=int(text), user=user).first()
             if text.isascii() and text.isdigit() and len(text) < 18 else None)
    if order is None:
        raise TicketError(_("That order is not one of yours."), field="order")
    return order


@transaction.atomic
def open_ticket(user: User, *, subject: object, body: object,
                order_id: object = None) -> Ticket:
    title = str(subject or "").strip()
    if not title:
        raise TicketError(_("Give the ticket a subject."), field="subject")
    if len(title) > MAX_SUBJECT:
        raise TicketError(_("A subject of at most %(max)d characters, please.")
                          % {"max": MAX_SUBJECT},
                          field="subject")
    text, order = _clean_body(body), _own_order(user, order_id)
    ticket = Ticket.objects.create(user=user, subject=title, order=order,
                                   waiting_since=timezone.now())
    TicketMessage.objects.create(ticket=ticket, author=user, body=text)
    return ticket


@transaction.atomic
def reply(ticket_id: int, *, author: User, body: object, from_staff: bool) -> TicketMessage:
    """Add a message; the ticket's state follows who wrote it. A staff answer is told to
    the customer once it commits (`panel.notifications`)."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket_id)
    if ticket.state == TicketState.CLOSED:
        raise TicketError(_("This ticket is closed; open a new one."), field="body")
    message = TicketMessage.objects.create(ticket=ticket, author=author, body=_clean_body(body),
                                           from_staff=from_staff)
    if from_staff:
        ticket.state, ticket.waiting_since = TicketState.ANSWERED, None
        notifications.after_commit(partial(answered_event, ticket, message))
    else:
        ticket.state = TicketState.OPEN
        ticket.waiting_since = ticket.waiting_since or message.created_at
    ticket.save(update_fields=["state", "waiting_since", "updated_at"])
    return message


def answered_event(ticket: Ticket, message: TicketMessage) -> notifications.Event:
    """The notice of a staff answer: one per message, so each answer is told."""
    return notifications.Event(
        user_id=ticket.user_id, kind=NoticeKind.TICKET, object_id=message.pk,
        link=reverse("ticket", args=[ticket.pk]),
        params={"ticket": ticket.pk, "subject": ticket.subject})


def close(ticket_id: int) -> bool:
    """Close the ticket (the customer or staff); False if it already was."""
    return bool(Ticket.objects.filter(pk=ticket_id).exclude(state=TicketState.CLOSED)
                .update(state=TicketState.CLOSED, waiting_since=None,
                        updated_at=timezone.now()))


def of_customer(user: User) -> QuerySet[Ticket]:
    return Ticket.objects.filter(user=user).select_related("order")


def unanswered() -> list[Ticket]:
    """Open tickets, the longest waiting first: the staff queue's rows."""
    return list(Ticket.objects.filter(state=TicketState.OPEN)
                .select_related("user", "order").order_by("waiting_since", "pk"))


def count_unanswered() -> int:
    return Ticket.objects.filter(state=TicketState.OPEN).count()
