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
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="tickets")
    subject = models.CharField(max_length=200)
    order = models.ForeignKey("orders.Order", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="tickets")
    state = models.CharField(max_length=10, choices=TicketState, default=TicketState.OPEN,
                             db_index=True)
    # Since when the customer waits for an answer (their first unanswered message); None
    # while answered or closed. The staff queue shows its age.
    waiting_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"


class TicketMessage(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    from_staff = models.BooleanField(default=False)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"ticket #{self.ticket_id} message {self.pk}"
