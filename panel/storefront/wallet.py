"""The wallet: the balance, every ledger entry with its reason, the customer's deposits, and
adding funds (a processor's page, or a manual method's instructions and reference)."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from orders.models import LedgerEntry
from orders.numbers import normalize
from panel.storefront.rendering import customer_required, page
from payments.deposits import (
    AmountError,
    TooManyDeposits,
    offered_methods,
    parse_amount,
    start_deposit,
)
from payments.gateways import GatewayError
from payments.manual import submit_deposit
from payments.models import BonusTier, Deposit

PER_PAGE = 30
RECENT_DEPOSITS = 10


@customer_required
def wallet(request: HttpRequest) -> HttpResponse:
    entries = (LedgerEntry.objects.filter(wallet__user=request.user)
               .select_related("order").defer("order__accounts"))
    deposits = (Deposit.objects.filter(user=request.user).select_related("method")
                [:RECENT_DEPOSITS])
    return page(request, "storefront/wallet.html",
                {"entries": Paginator(entries, PER_PAGE).get_page(request.GET.get("page")),
                 "deposits": deposits}, partial="ledger")


def allow_processor_pages(response: HttpResponse) -> HttpResponse:
    """This page's form is answered by a redirect to the processor's page (another origin);
    browsers hold form submissions and their redirects to `form-action`, so this page's
    policy lets it go to any HTTPS address (every other page keeps 'self')."""
    response._csp_config = {**settings.SECURE_CSP,  # type: ignore[attr-defined]
                            "form-action": ["'self'", "https:"]}
    return response


@customer_required
@require_http_methods(["GET", "POST"])
def add_funds(request: HttpRequest) -> HttpResponse:
    return allow_processor_pages(_add_funds(request))


def _add_funds(request: HttpRequest) -> HttpResponse:
    methods = offered_methods()
    context: dict[str, object] = {"methods": methods, "chosen": "", "amount": "",
                                  "bonus_tiers": list(BonusTier.objects.all())}
    if request.method == "POST":
        chosen = request.POST.get("method", "")
        raw = request.POST.get("amount", "")[:30]
        context |= {"chosen": chosen, "amount": raw}
        method = next((m for m in methods if str(m.pk) == chosen), None)
        if method is None:
            context["error"] = _("Choose a payment method.")
            return page(request, "storefront/add_funds.html", context, status=400)
        try:
            deposit = start_deposit(user=request.user, method=method,
                                    amount=parse_amount(method, normalize(raw)),
                                    absolute=request.build_absolute_uri)
        except AmountError as exc:
            context["error"] = str(exc)
            return page(request, "storefront/add_funds.html", context, status=400)
        except TooManyDeposits:
            context["error"] = _("You started many payments in the last hour. Finish one of "
                                 "them from your wallet, or try again later.")
            return page(request, "storefront/add_funds.html", context, status=429)
        except GatewayError:
            context["error"] = _("%(method)s could not be reached just now. Try again in a "
                                 "minute, or choose another method.") % {
                                     "method": method.display_name}
            return page(request, "storefront/add_funds.html", context, status=502)
        return redirect(deposit.checkout_url or deposit_url(deposit))
    return page(request, "storefront/add_funds.html", context)


def deposit_url(deposit: Deposit) -> str:
    return reverse("deposit", args=[deposit.pk])


@never_cache  # polled for its state: never answered from a cache
@customer_required
def deposit_detail(request: HttpRequest, deposit_id: int) -> HttpResponse:
    deposit = get_object_or_404(Deposit.objects.select_related("method"), pk=deposit_id,
                                user=request.user)
    return page(request, "storefront/deposit.html", {"deposit": deposit}, partial="live")


@customer_required
@require_POST
def deposit_submit(request: HttpRequest, deposit_id: int) -> HttpResponse:
    """A manual deposit: the customer says they paid; staff will check."""
    deposit = get_object_or_404(Deposit, pk=deposit_id, user=request.user)
    if submit_deposit(deposit.pk, user=request.user, note=request.POST.get("note", "")):
        messages.success(request, _("Thanks: we will check your payment and credit your wallet."))
    return redirect("deposit", deposit.pk)
