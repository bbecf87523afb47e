"""Support tickets for customers (`support.tickets`): their list with a form to open one, and
one ticket's conversation, which polls itself while the ticket is open, so staff answers
appear without a reload. A customer only ever sees their own tickets: anyone else's is a 404.

Staff answer from the staff workspace (`panel.staff.views.ticket_page`), on the same
conversation partial."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.cache import never_cache
from django_htmx.http import HttpResponseClientRedirect

from panel.storefront.rendering import customer_required, page, wants_partial
from support import tickets
from support.models import Ticket, TicketState

POLL_SECONDS = 5


def conversation(ticket: Ticket, *, as_staff: bool, url: str, **extra: object) -> dict:
    """The context of the conversation partial, for either side: `url` polls (GET) and
    takes the replies (POST)."""
    return {"ticket": ticket, "thread": list(ticket.messages.all()), "url": url,
            "as_staff": as_staff, "poll": POLL_SECONDS,
            "is_closed": ticket.state == TicketState.CLOSED, **extra}


@never_cache
@customer_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    form = {"subject": "", "body": "", "order": request.GET.get("order", "")}
    error = None
    if request.method == "POST":
        form = {key: request.POST.get(key, "") for key in form}
        try:
            ticket = tickets.open_ticket(request.user, subject=form["subject"],
                                         body=form["body"], order_id=form["order"])
        except tickets.TicketError as exc:
            error = exc
        else:
            return redirect("ticket", ticket_id=ticket.pk)
    return page(request, "storefront/tickets.html", {
        "tickets": tickets.of_customer(request.user)[:50], "form": form, "error": error,
        "orders": request.user.orders.order_by("-pk").values_list("pk", flat=True)[:20]})


@never_cache
@customer_required
def ticket_page(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """GET: the conversation (htmx: only its live part); POST: reply, or close."""
    ticket = get_object_or_404(Ticket.objects.select_related("order"), pk=ticket_id,
                               user=request.user)
    error = None
    if request.method == "POST":
        if request.POST.get("action") == "close":
            tickets.close(ticket.pk)
            return _back(request, ticket.pk)
        try:
            tickets.reply(ticket.pk, author=request.user, body=request.POST.get("body"),
                          from_staff=False)
        except tickets.TicketError as exc:
            error = exc
        if error is None and not wants_partial(request):
            return _back(request, ticket.pk)  # a plain form: reloading must not send again
        ticket.refresh_from_db()
        context = conversation(ticket, as_staff=False, url=request.path, error=error)
        return page(request, "storefront/ticket.html", context, partial="thread")
    context = conversation(ticket, as_staff=False, url=request.path)
    return page(request, "storefront/ticket.html", context, partial="live")


def _back(request: HttpRequest, ticket_id: int) -> HttpResponse:
    url = f"/support/{ticket_id}/"
    return HttpResponseClientRedirect(url) if wants_partial(request) else redirect(url)
