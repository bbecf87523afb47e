"""The test gateway's payment page: what a customer would see at a processor."""

import json
from decimal import Decimal

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from payments.deposits import handle_callback
from payments.testgateway.gateway import SIGNATURE_HEADER, load, sign, store

# What each button does to the payment: its new status and how much of the amount arrives.
OUTCOMES = {"pay": ("finished", Decimal(1)), "pay_less": ("partially_paid", Decimal("0.5")),
            "fail": ("failed", Decimal(0)), "expire": ("expired", Decimal(0))}


@require_http_methods(["GET", "POST"])
def invoice(request: HttpRequest, payment_id: str) -> HttpResponse:
    if not settings.TEST_GATEWAY_ENABLED:
        raise Http404("the test gateway is off")
    state = load(payment_id)
    if state is None:
        raise Http404("no such payment")
    if request.method == "POST" and state["status"] == "waiting":
        outcome = OUTCOMES.get(request.POST.get("action", ""))
        if outcome is None:
            return HttpResponse("unknown action", status=400)
        status, share = outcome
        state |= {"status": status, "paid": str((Decimal(state["amount"]) * share)
                                                 .quantize(Decimal("0.01")))}
        store(payment_id, state)
        notify(payment_id, state["reference"])
        return redirect(state["return_url"])
    return render(request, "testgateway/invoice.html",
                  {"payment_id": payment_id, "payment": state})


def notify(payment_id: str, reference: str) -> None:
    """The signed callback, through the same handler the panel's callback URL uses."""
    body = json.dumps({"payment_id": payment_id, "reference": reference}).encode()
    handle_callback("testpay", body, {SIGNATURE_HEADER: sign(body)})
