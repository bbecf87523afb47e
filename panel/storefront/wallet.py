"""The wallet: the balance, every ledger entry with its reason, and how to add funds
(a staff top-up until a payment gateway exists)."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse

from orders.models import LedgerEntry
from panel.storefront.rendering import customer_required, page

PER_PAGE = 30


@customer_required
def wallet(request: HttpRequest) -> HttpResponse:
    entries = (LedgerEntry.objects.filter(wallet__user=request.user)
               .select_related("order").defer("order__accounts"))
    return page(request, "storefront/wallet.html",
                {"entries": Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))},
                partial="ledger")


@customer_required
def add_funds(request: HttpRequest) -> HttpResponse:
    return page(request, "storefront/add_funds.html", {})
