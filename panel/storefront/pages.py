"""The home page and the catalog."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse

from orders.completion import completion_times
from orders.models import Order
from panel.storefront import catalog as selectors
from panel.storefront.rendering import page
from provider import search

PER_PAGE = 30


def home(request: HttpRequest) -> HttpResponse:
    recent = []
    if request.user.is_authenticated:
        recent = list(Order.objects.filter(user=request.user)
                      .select_related("service", "sms_project", "sms_country")[:5])
    return page(request, "storefront/home.html",
                {"categories": selectors.categories, "recent": recent})


def catalog(request: HttpRequest) -> HttpResponse:
    """Services on sale (or SMS offers), searched and filtered; htmx swaps the results."""
    filters = selectors.Filters.from_query(request.GET)
    context: dict[str, object] = {
        "filters": filters, "kinds": selectors.KINDS, "deliveries": selectors.DELIVERIES,
        "categories": selectors.categories,  # called only when the whole page renders
    }
    if filters.kind == "sms":
        context["offers"] = selectors.sms_offers(filters.q)
    else:
        query = search.parse(filters.q)
        context["query"] = query
        shown = Paginator(selectors.services(filters, query), PER_PAGE).get_page(
            request.GET.get("page"))
        shown.object_list = list(shown.object_list)
        times = completion_times(s.pk for s in shown.object_list)
        for row in shown.object_list:
            row.completion = times.get(row.pk)
        context["page"] = shown
    return page(request, "storefront/catalog.html", context, partial="results")
