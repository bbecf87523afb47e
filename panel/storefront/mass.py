"""A mass order (`orders.mass`): the customer writes one order per line, previews every
line priced or refused with its reason, and confirms once; the good lines are placed one by
one through the same placing code as a single order.

The confirmation carries a one-time form token (`panel.storefront.once`), consumed in the
same transaction as the orders: the same confirmation sent twice places once.
"""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from orders import mass
from orders.placing import PlacementError
from panel.storefront import once
from panel.storefront.rendering import customer_required, page, wants_partial
from panel.storefront.verification import require_verified

TEMPLATE = "storefront/mass_order.html"


@customer_required
def mass_order(request: HttpRequest) -> HttpResponse:
    """GET: the empty form; POST step=preview: every line priced; POST step=place: placed."""
    if request.method == "POST" and request.POST.get("step") == "place":
        return _place(request)
    text = request.POST.get("lines", "") if request.method == "POST" else ""
    context = _context(request, text)
    if request.method == "POST":
        try:
            context["preview"] = mass.preview(request.user, text)
        except mass.TooManyLines as exc:
            context["refusal"] = exc.message
    return page(request, TEMPLATE, context, partial="mass")


def _context(request: HttpRequest, text: str) -> dict:
    return {"text": text, "max_lines": mass.MAX_LINES,
            "verified": request.user.email_verified}


def _place(request: HttpRequest) -> HttpResponse:
    text = request.POST.get("lines", "")
    token = once.token_of(request.POST)
    try:
        # The token is consumed with the orders, in one transaction; each line is its own
        # savepoint inside it (orders.mass.place_all), so a refused line rolls back alone.
        with transaction.atomic():
            if token:
                once.consume(request.user, token)
            require_verified(request.user)
            outcome = mass.place_all(request.user, text)
            if token and outcome.orders:
                once.record(token, outcome.orders[0].pk)
            elif token:
                once.release(token)  # nothing placed: the corrected list may be sent
    except once.AlreadySubmitted:
        return _already_placed(request)
    except PlacementError as exc:  # not verified, or too many lines
        context = _context(request, text)
        context["refusal"] = exc.message
        return page(request, TEMPLATE, context, partial="mass")
    refused = "\n".join(r.line.text for r in outcome.results if r.order is None)
    context = _context(request, refused)  # the refused lines, ready to correct
    context["outcome"] = outcome
    return page(request, TEMPLATE, context, partial="mass")


def _already_placed(request: HttpRequest) -> HttpResponse:
    messages.info(request, _("This list was already sent: its orders are below. "
                             "Open the mass order form again for another list."))
    url = reverse("orders")
    return HttpResponseClientRedirect(url) if wants_partial(request) else redirect(url)
