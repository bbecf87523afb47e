"""The customers' API endpoint and its documentation page.

The endpoint owns the transport: POST only, the key in the form body (never the URL; GET
with the key in the query string only when the owner sets `API_ALLOW_GET`), the
failed-key limit per client address, the per-key rate limit, then one action. Every answer
is JSON; refusals are `{"error": message}` with HTTP 200 as clients in this ecosystem read
the body, rate limits HTTP 429 with the same shape. Nothing a customer sends should reach
the catch-all, which logs and answers "Internal error" rather than a 500 page.
"""

import json
import logging
import re

from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import http_date
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from panel.api import docs as api_docs
from panel.api.actions import ACTIONS, Reply
from panel.api.params import ApiError, Params
from panel.api.serialization import currency
from panel.api.snapshot import Listing
from panel.apikeys import regenerate_api_key, user_for_key
from panel.ratelimit import (
    client_address,
    exhausted,
    failed_key_rate,
    hit,
    hit_unless_exhausted,
    per_key_rate,
)

log = logging.getLogger(__name__)

JSON = "application/json"
NOT_VERIFIED = "Confirm your e-mail address before using the API: use the link we sent you"
# As Django's GZipMiddleware reads Accept-Encoding.
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
UNREADABLE = (SuspiciousOperation, BadRequest, MultiPartParserError, UnreadablePostError)


def _json(reply: Reply, status: int = 200, request: HttpRequest | None = None) -> HttpResponse:
    if isinstance(reply, Listing):  # ready bytes, ready gzipped for a client that takes it
        gzipped = request is not None and ACCEPTS_GZIP.search(
            request.META.get("HTTP_ACCEPT_ENCODING", ""))
        response = HttpResponse(reply.gzipped if gzipped else reply.body, content_type=JSON)
        response["Vary"] = "Accept-Encoding"
        if gzipped:
            response["Content-Encoding"] = "gzip"
        return response
    body = reply if isinstance(reply, bytes) else json.dumps(
        reply, ensure_ascii=False, separators=(",", ":")).encode()
    return HttpResponse(body, content_type=JSON, status=status)


def _error(message: str, status: int = 200) -> HttpResponse:
    return _json({"error": message}, status)


def _too_many(message: str, wait: int) -> HttpResponse:
    response = _error(f"{message}; try again in {wait} s", 429)
    response["Retry-After"] = str(wait)
    return response


@csrf_exempt
def endpoint(request: HttpRequest) -> HttpResponse:
    """`POST /api/v2`: `key`, `action` and the action's parameters, form-encoded. Always in
    English, whatever the client's Accept-Language or language cookie: clients parse the
    messages, and the domain's messages (placing, refunds) are translatable."""
    try:
        with translation.override("en"):
            response = _call(request)
    except Exception:
        log.exception("API call failed")
        response = _error("Internal error")
    return never_stored(response)


NEVER_STORED = "max-age=0, no-cache, no-store, must-revalidate, private"


def never_stored(response: HttpResponse) -> HttpResponse:
    """What `never_cache` writes (tested alike), without parsing and rewriting the header on
    every call: answers carry balances and orders, no cache may keep them."""
    response.headers["Expires"] = http_date()
    response.headers["Cache-Control"] = NEVER_STORED
    return response


def _call(request: HttpRequest) -> HttpResponse:
    allow_get = settings.API_ALLOW_GET
    if request.method == "GET" and allow_get:
        form = request.GET  # the owner accepted keys in URLs (API_ALLOW_GET)
    elif request.method != "POST":
        response = _error("Invalid request method", 405)
        response["Allow"] = "GET, POST" if allow_get else "POST"
        return response
    elif "key" in request.GET:
        return _error("Send the API key in the POST body, never in the URL")
    else:
        request.upload_handlers = []  # file parts of a multipart body are read and dropped
        try:
            form = request.POST
        except UNREADABLE:
            return _error("Unreadable request: send a form-encoded POST")
    address = client_address(request)
    key = form.get("key", "")
    user = user_for_key(key)
    if user is None:
        if wait := exhausted("failed-key", address, failed_key_rate()):
            return _too_many("Too many invalid API keys from your address", wait)
        if key:
            hit("failed-key", address, failed_key_rate())
        return _error("Invalid API key")
    # A known key: the address's failed keys are read and the call counted in one round trip.
    rate = per_key_rate()
    refused = hit_unless_exhausted("key", str(user.pk), rate,
                                   unless=("failed-key", address, failed_key_rate()))
    if refused is not None:
        limit, wait = refused
        if limit == "failed-key":
            return _too_many("Too many invalid API keys from your address", wait)
        return _too_many(f"Rate limit exceeded ({rate})", wait)
    if not user.email_verified:  # as in the storefront: no use before the address is proven
        return _error(NOT_VERIFIED)
    action = ACTIONS.get(form.get("action", "").strip())
    if action is None:
        return _error("Invalid action")
    try:
        return _json(action(user, Params(form)), request=request)
    except ApiError as exc:
        return _error(exc.message)


# --- the documentation page -------------------------------------------------------------


def _endpoint_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("api_v2"))


def docs(request: HttpRequest) -> HttpResponse:
    """`/api`: the endpoint, the customer's key, every action, and a form to try one."""
    endpoint_url = _endpoint_url(request)
    money = currency()
    actions = [{"doc": doc, "curl": doc.curl(endpoint_url), "answer": doc.answer_json(money)}
               for doc in api_docs.ACTIONS]
    return render(request, "api/docs.html", {
        "endpoint": endpoint_url, "actions": actions, "fields": api_docs.try_fields(),
        "rate": per_key_rate(), "failed_rate": failed_key_rate(), "currency": money,
        "allow_get": settings.API_ALLOW_GET,
    })


@require_POST
@never_cache
def regenerate_key(request: HttpRequest) -> HttpResponse:
    """A new key for the signed-in customer, shown once; the old key stops working."""
    if not request.user.is_authenticated:
        return redirect("api")
    key = regenerate_api_key(request.user)
    return render(request, "api/key.html", {"key": key, "endpoint": _endpoint_url(request)})
