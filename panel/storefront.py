"""The customers' storefront pages."""

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from provider.models import Service


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "storefront/home.html")


def catalog(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    services = (Service.objects.filter(enabled=True, available=True, provider__enabled=True)
                .select_related("category", "subcategory"))
    if query:
        services = services.filter(Q(name__icontains=query) | Q(custom_name__icontains=query)
                                   | Q(category__name__icontains=query))
    page = Paginator(services, 50).get_page(request.GET.get("page"))
    template = "storefront/catalog.html"
    if request.htmx:
        template += "#results"
    return render(request, template, {"page": page, "query": query})
