"""Rendering a page or, for htmx, one of its partials; and who may see it."""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect


def wants_partial(request: HttpRequest) -> bool:
    """An htmx request that swaps part of the page (a history restore needs the page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def page(request: HttpRequest, template: str, context: dict, *, partial: str = "",
         status: int = 200) -> HttpResponse:
    """`template`, or only `template#partial` when htmx asks for part of the page."""
    name = f"{template}#{partial}" if partial and wants_partial(request) else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def customer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """`login_required`, except that an htmx request (a poll whose session ended, say) gets
    the whole browser sent to sign in, never the sign-in page swapped into a fragment."""
    guarded = login_required(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if wants_partial(request) and not request.user.is_authenticated:
            back = request.htmx.current_url_abs_path or request.get_full_path()
            return HttpResponseClientRedirect(
                f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': back})}")
        return guarded(request, *args, **kwargs)

    return wrapper


def go_to_order(request: HttpRequest, order_id: int | None) -> HttpResponse:
    """The order's page (the orders list without one), the whole page even from htmx."""
    url = reverse("order", args=[order_id]) if order_id else reverse("orders")
    return HttpResponseClientRedirect(url) if wants_partial(request) else redirect(url)
