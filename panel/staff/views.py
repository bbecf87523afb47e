"""The delivery queue: the page, its self-refreshing partial, and the actions on its rows.

Every action answers with the queue as it now is (the resolved row gone) and a notice; an
action that lost a race (another staff member, or the panel, moved the order first) changes
nothing and says who did. Without htmx the action redirects back to the page."""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from orders import queue, staff
from orders.numbers import normalize
from orders.states import FINAL
from panel.staff.access import staff_required
from panel.staff.sections import filled
from panel.storefront.rendering import page, wants_partial
from panel.storefront.support import conversation
from provider.models import Provider
from support import tickets
from support.models import Ticket


@dataclass(frozen=True)
class Notice:
    text: str
    tone: str  # ok | warn | bad (the storefront's flash tones)


def _render(request: HttpRequest, notice: Notice | None = None) -> HttpResponse:
    sections = filled()
    counts = {f.section.key: f.count for f in sections}
    return page(request, "staff/queue.html", {
        "sections": sections, "notice": notice, "refresh": settings.STAFF_QUEUE_REFRESH,
        "typical_hours": settings.MANUAL_DELIVERY_TYPICAL_HOURS, "final_states": sorted(FINAL),
        "queue_counts": {"total": sum(counts.values()),
                         "sections": [(f.section.key, f.section.title, f.count)
                                      for f in sections]},
    }, partial="queue")


@never_cache
@staff_required
def queue_page(request: HttpRequest) -> HttpResponse:
    return _render(request)


def _lost(order_id: int) -> Notice:
    return Notice(_("Order #%(id)s was already resolved by %(who)s: nothing changed.")
                  % {"id": order_id, "who": queue.resolved_by(order_id)}, "warn")


def _outcome(done: bool, order_id: int, success: str) -> Notice:
    return Notice(success, "ok") if done else _lost(order_id)


def _attach(request: HttpRequest, order_id: int) -> Notice:
    raw = normalize(request.POST.get("upstream_id", "")).strip().removeprefix("#")
    if not (raw.isascii() and raw.isdigit() and len(raw) < 19):
        return Notice(_("Order #%(id)s: the provider's order id is a number.")
                      % {"id": order_id}, "bad")
    return _outcome(staff.attach_upstream_id(order_id, int(raw), actor=request.user),
                    order_id, _("Order #%(id)s placed: tracking the provider's order %(upstream)s.")
                    % {"id": order_id, "upstream": raw})


def _resend(request: HttpRequest, order_id: int) -> Notice:
    return _outcome(staff.resend(order_id, actor=request.user,
                                 confirmed=request.POST.get("confirmed") == "yes"),
                    order_id, _("Order #%(id)s queued to be sent again.") % {"id": order_id})


def _fail(request: HttpRequest, order_id: int) -> Notice:
    return _outcome(staff.fail_and_refund(order_id, reason=request.POST.get("note", ""),
                                          actor=request.user),
                    order_id, _("Order #%(id)s failed and refunded in full.") % {"id": order_id})


def _deliver(request: HttpRequest, order_id: int) -> Notice:
    accounts = request.POST.get("accounts", "").splitlines()
    try:
        state = staff.deliver_manually(order_id, accounts, actor=request.user)
    except staff.StaffActionError as exc:
        # The form says in which state the row was shown: if the order has moved since,
        # someone (or the provider's answer) settled it first.
        shown = request.POST.get("shown_state", "")
        if str(exc) == _(staff.NOT_DELIVERABLE) and shown and shown != queue.state_of(order_id):
            return _lost(order_id)
        raise
    return Notice(_("Order #%(id)s delivered by hand: now %(state)s.")
                  % {"id": order_id, "state": state}, "ok")


def _seen(request: HttpRequest, order_id: int) -> Notice:
    return _outcome(staff.mark_seen(order_id, actor=request.user), order_id,
                    _("Order #%(id)s: flag cleared.") % {"id": order_id})


ORDER_ACTIONS: dict[str, Callable[[HttpRequest, int], Notice]] = {
    "attach": _attach, "resend": _resend, "fail": _fail, "deliver": _deliver, "seen": _seen,
}


def _answer(request: HttpRequest, notice: Notice) -> HttpResponse:
    if wants_partial(request):
        return _render(request, notice)
    getattr(messages, {"ok": "success", "warn": "warning"}.get(notice.tone, "error"))(
        request, notice.text)
    return redirect("staff_queue")


@require_POST
@staff_required
def order_action(request: HttpRequest, order_id: int, action: str) -> HttpResponse:
    act = ORDER_ACTIONS.get(action)
    if act is None:
        return HttpResponse(status=404)
    try:
        notice = act(request, order_id)
    except staff.StaffActionError as exc:
        notice = Notice(_("Order #%(id)s: %(error)s") % {"id": order_id, "error": exc}, "bad")
    return _answer(request, notice)


@require_POST
@staff_required
def retry_funds(request: HttpRequest, provider_id: int) -> HttpResponse:
    provider = get_object_or_404(Provider, pk=provider_id)
    queued = staff.retry_provider_funds(provider.pk, actor=request.user)
    if queued:
        notice = Notice(ngettext("%(count)d order for %(provider)s queued to be sent again.",
                                 "%(count)d orders for %(provider)s queued to be sent again.",
                                 len(queued)) % {"count": len(queued), "provider": provider.name},
                        "ok")
    else:
        notice = Notice(_("No order waits for %(provider)s's funds any more: someone "
                          "retried them already.") % {"provider": provider.name}, "warn")
    return _answer(request, notice)


@never_cache
@staff_required
def ticket_page(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """A customer's ticket, answered by staff (the storefront's conversation, staff's side):
    GET shows it (htmx: only its live part, polled); POST answers or closes it."""
    ticket = get_object_or_404(Ticket.objects.select_related("order", "user"), pk=ticket_id)
    error = None
    if request.method == "POST":
        if request.POST.get("action") == "close":
            tickets.close(ticket.pk)
            return redirect("staff_ticket", ticket_id=ticket.pk)
        try:
            tickets.reply(ticket.pk, author=request.user, body=request.POST.get("body"),
                          from_staff=True)
        except tickets.TicketError as exc:
            error = exc
        if error is None and not wants_partial(request):
            return redirect("staff_ticket", ticket_id=ticket.pk)
        ticket.refresh_from_db()
        return page(request, "storefront/ticket.html",
                    conversation(ticket, as_staff=True, url=request.path, error=error),
                    partial="thread")
    return page(request, "storefront/ticket.html",
                conversation(ticket, as_staff=True, url=request.path), partial="live")
