"""The customer's orders: the list (filters, search, live while orders are active), one
order's page (progress, money, delivered accounts, the SMS code) and its accounts as a
`.txt` download. A customer only ever sees their own orders: anyone else's is a 404."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from orders import aftercare
from orders.models import Kind, Order
from orders.states import FINAL, State
from panel.models import User
from panel.storefront import catalog
from panel.storefront.aftercare import care_for, refusal_words
from panel.storefront.rendering import customer_required, page, wants_partial
from panel.storefront.status import GROUPS

PER_PAGE = 25
# The catalog's kind filter, by the same keys (Kind's values).
KINDS = catalog.KINDS


@dataclass(frozen=True)
class OrderFilters:
    q: str = ""
    status: str = ""
    kind: str = ""

    @classmethod
    def from_query(cls, params: dict) -> "OrderFilters":
        status, kind = params.get("status", ""), params.get("kind", "")
        return cls(q=params.get("q", "").strip()[:100],
                   status=status if status in GROUPS else "",
                   kind=kind if kind in KINDS else "")


def customer_orders(user: User, filters: OrderFilters) -> QuerySet[Order]:
    rows = (Order.objects.filter(user=user).defer("accounts")
            .select_related("service", "sms_project", "sms_country"))
    if filters.status == "active":
        rows = rows.exclude(state__in=FINAL)
    elif filters.status:
        rows = rows.filter(state__in=GROUPS[filters.status][1])
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if q := filters.q:
        match = (Q(service__name__icontains=q) | Q(service__custom_name__icontains=q)
                 | Q(link__icontains=q) | Q(phone__icontains=q)
                 | Q(sms_project__name__icontains=q))
        number = q.removeprefix("#")
        if number.isascii() and number.isdigit() and len(number) < 18:
            match |= Q(pk=int(number))
        rows = rows.filter(match)
    return rows


def owned(user: User, order_id: int) -> Order:
    """The order if it is `user`'s; 404 otherwise, whether it exists or not."""
    return get_object_or_404(
        Order.objects.select_related("service", "provider", "sms_project", "sms_country"),
        pk=order_id, user=user)


@never_cache  # SMS numbers; kept by no cache or browser history
@customer_required
def order_list(request: HttpRequest) -> HttpResponse:
    filters = OrderFilters.from_query(request.GET)
    orders = Paginator(customer_orders(request.user, filters), PER_PAGE).get_page(
        request.GET.get("page"))
    live = any(order.state not in FINAL for order in orders)
    return page(request, "storefront/orders.html",
                {"orders": orders, "filters": filters, "groups": GROUPS, "kinds": KINDS,
                 "live": live}, partial="list")


@never_cache  # delivered accounts and SMS codes: stored by no cache
@customer_required
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    return render_live(request, owned(request.user, order_id))


def render_live(request: HttpRequest, order: Order, *, notice: str = "",
                failed: bool = False) -> HttpResponse:
    """The order's page (its live part, for htmx), with its buttons and `notice`."""
    return page(request, "storefront/order.html",
                {"order": order, "care": care_for(order), "notice": notice,
                 "notice_failed": failed}, partial="live")


def _answer(request: HttpRequest, order: Order, notice: str, failed: bool) -> HttpResponse:
    """htmx: the live part with the notice in it; a plain form post: back to the page."""
    if wants_partial(request):
        return render_live(request, order, notice=notice, failed=failed)
    (messages.error if failed else messages.success)(request, notice)
    return redirect("order", order.pk)


@never_cache
@require_POST
@customer_required
def order_refill(request: HttpRequest, order_id: int) -> HttpResponse:
    order = owned(request.user, order_id)
    try:
        aftercare.request_refill(order)
    except aftercare.Refused as exc:
        notice = refusal_words(exc.refusal) or _("A refill is not possible for this order.")
        return _answer(request, order, notice, failed=True)
    return _answer(request, order, _("Refill requested: the provider tops the order up "
                                     "again; its progress shows here."), failed=False)


@never_cache
@require_POST
@customer_required
def order_cancel(request: HttpRequest, order_id: int) -> HttpResponse:
    order = owned(request.user, order_id)
    refusal = aftercare.cancel_orders([order], here=True, actor=request.user)[order.pk]
    order = owned(request.user, order_id)  # its state and refund after the cancel
    if refusal is not None:
        notice = refusal_words(refusal) or _("This order can no longer be canceled.")
        return _answer(request, order, notice, failed=True)
    if order.state == State.CANCELED:
        notice = _("Order canceled: it was refunded in full to your balance.")
    else:
        notice = _("Cancel requested: once the provider confirms, the order stops and what "
                   "was not delivered is refunded to your balance.")
    return _answer(request, order, notice, failed=False)


@never_cache
@customer_required
def order_accounts(request: HttpRequest, order_id: int) -> HttpResponse:
    """The delivered accounts, one per line, as a download."""
    order = owned(request.user, order_id)
    if order.kind != Kind.PRODUCT or not order.account_list:
        raise Http404("no accounts")
    response = HttpResponse("\n".join(order.account_list) + "\n",
                            content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="order-{order.pk}-accounts.txt"'
    return response
