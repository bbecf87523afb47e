"""Support tickets: a customer's question (optionally about one of their orders) and the
conversation with staff that follows."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketState(models.TextChoices):
    OPEN = "open", _("Open")  # the customer wrote last: staff owe an answer
    ANSWERED = "answered", _("Answered")  # staff wrote last
    CLOSED = "closed", _("Closed")


class Ticket(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="tickets",
    )
    subject = models.CharField(_("subject"), max_length=200)
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=TicketState, default=TicketState.OPEN, db_index=True
    )
    # Since when the customer waits for an answer (their first unanswered message); None
    # while answered or closed. The staff queue shows its age.
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"


class TicketMessage(models.Model):
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_staff = models.BooleanField(_("from staff"), default=False)
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ticket message")
        verbose_name_plural = _("ticket messages")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"ticket #{self.ticket_id} message {self.pk}"
