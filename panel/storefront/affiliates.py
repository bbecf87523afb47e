"""The affiliate page: the customer's referral link and what it brought them."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import urlencode

from affiliates.overview import overview
from panel import branding
from panel.storefront.rendering import customer_required, page


@customer_required
def affiliate_page(request: HttpRequest) -> HttpResponse:
    percent = branding.current().commission_percent
    if not percent:
        raise Http404("no affiliate program")
    figures = overview(request.user)
    link = request.build_absolute_uri(f"{reverse('home')}?{urlencode({'ref': figures.code})}")
    return page(
        request,
        "storefront/affiliates.html",
        {"figures": figures, "link": link, "percent": f"{percent.normalize():f}"},
    )
