"""The customer's orders: the list (filters, search, live while orders are active), one
order's page (progress, money, delivered accounts, the SMS code) and its accounts as a
`.txt` download. A customer only ever sees their own orders: anyone else's is a 404."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache

from orders.models import Kind, Order
from orders.states import FINAL
from panel.models import User
from panel.storefront.rendering import customer_required, page
from panel.storefront.status import GROUPS

PER_PAGE = 25
KINDS = {Kind.SMM: "SMM", Kind.PRODUCT: "Products", Kind.SMS: "SMS numbers"}


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
        Order.objects.select_related("service", "sms_project", "sms_country"),
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
    order = owned(request.user, order_id)
    return page(request, "storefront/order.html", {"order": order}, partial="live")


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
