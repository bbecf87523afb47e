"""The processors' callback endpoint, and the staff's page of manual deposits.

Callbacks are answered 200 whenever retrying would not help (done, a duplicate, an unknown
deposit), 400 for a signature that does not verify, 503 when the processor's API could not
be asked (so it retries later); never a 500 whatever the body.
"""

import logging

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from payments.deposits import CallbackOutcome, handle_callback
from payments.manual import (
    DepositDecided,
    approve_deposit,
    pending_manual_deposits,
    reject_deposit,
)
from payments.models import Deposit

log = logging.getLogger(__name__)

STATUS = {CallbackOutcome.APPLIED: 200, CallbackOutcome.UNKNOWN_DEPOSIT: 200,
          CallbackOutcome.FORGED: 400, CallbackOutcome.UNKNOWN_GATEWAY: 404,
          CallbackOutcome.UNAVAILABLE: 503}


@csrf_exempt  # processors cannot send our CSRF token; the signature authenticates them
@require_POST
def callback(request: HttpRequest, kind: str) -> HttpResponse:
    try:
        outcome = handle_callback(kind, request.body, request.headers)
    except Exception:  # a processor retries a 5xx forever; log it and let it retry later
        log.exception("%s callback failed", kind[:40])
        return HttpResponse("try again later", status=503, content_type="text/plain")
    return HttpResponse(outcome.value, status=STATUS[outcome], content_type="text/plain")


@staff_member_required
@require_http_methods(["GET", "POST"])
def staff_deposits(request: HttpRequest) -> HttpResponse:
    """Manual deposits waiting for a decision; approve or reject each."""
    if request.method == "POST":
        deposit_id, action = request.POST.get("deposit", ""), request.POST.get("action", "")
        if deposit_id.isdigit() and action in ("approve", "reject"):
            decide = approve_deposit if action == "approve" else reject_deposit
            try:
                decide(int(deposit_id), actor=request.user,
                       note=request.POST.get("note", "")[:500])
                messages.success(request, _("Deposit approved.") if action == "approve"
                                 else _("Deposit rejected."))
            except (DepositDecided, Deposit.DoesNotExist):
                messages.info(request, _("That deposit was already decided."))
        back = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
            return redirect(back)
        return redirect("staff_deposits")
    pending = pending_manual_deposits()
    flagged = (Deposit.objects.filter(needs_staff=True)
               .select_related("user", "method").order_by("-updated_at")[:50])
    return render(request, "payments/staff_deposits.html",
                  {"pending": pending, "flagged": flagged})
