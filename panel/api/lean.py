"""The API's lean path: `/api/v2` served from the WSGI entry point, around the middleware
stack, for the requests that need nothing of it.

Of the stack, an API call needs none of the request side (sessions, CSRF: the API is
key-authenticated and `csrf_exempt`; users, messages, htmx, static files) and only the
headers of the response side (security headers, Content-Length, X-Frame-Options, CSP).
Those depend on settings only: they are learnt once, from a probe answer run through the same
middleware classes, and copied onto each answer. Anything out of the ordinary is left to the
whole stack, which answers it as before: another method, a query string (a key in the URL,
a NUL), a host not allowed, plain HTTP under SECURE_SSL_REDIRECT, refused user agents, or
a MIDDLEWARE setting with a class this module does not know (so a middleware added later is
never skipped unnoticed). The view itself is the one the stack calls, so the API answers
alike both ways (`tests/panel/api/test_lean.py` compares them). The hottest calls (one
order's `status`, the bare `services`) are answered before even that, without Django's
request objects, by `panel.api.direct`; whatever it declines goes to the view.

Whether a host is allowed and whether the call came over HTTPS depend only on a few
environ values and the settings: both are remembered per those values (a bounded table,
emptied when a setting changes), so a call builds no request object to learn them.
"""

import io
import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core import signals
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest, get_script_name
from django.core.signals import setting_changed
from django.http import HttpResponse
from django.urls import get_script_prefix, set_script_prefix
from django.utils.module_loading import import_string

from panel.api import direct, views

log = logging.getLogger(__name__)

PATHS = frozenset({"/api/v2", "/api/v2/"})
# Middleware that does nothing for an API call (csrf: the view is exempt).
INERT = frozenset(
    {
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "panel.middleware.RefuseNulBytes",  # path and query string: the query string is left out
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django_htmx.middleware.HtmxMiddleware",
        "panel.language.RememberLanguage",  # a signed-in person's language: no session here
        "panel.storefront.referral_visits.ReferralVisits",  # GET ?ref= only
    }
)
# Middleware whose response side an API answer goes through, as in the stack.
RESPONSE_SIDE = frozenset(
    {
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "django.middleware.csp.ContentSecurityPolicyMiddleware",
        # Content-Language: en, and the thread's language put back (the view answers in
        # English under translation.override).
        "panel.locale_middleware.PanelLocaleMiddleware",
    }
)

type StartResponse = Callable[[str, list[tuple[str, str]]], object]
type WsgiApp = Callable[[dict, StartResponse], Iterable[bytes]]


def _response_side(middleware: list[str]) -> list | None:
    """The instances whose `process_response` an API answer goes through, innermost first;
    None when MIDDLEWARE holds a class this module does not know."""
    if any(name not in INERT | RESPONSE_SIDE for name in middleware):
        return None
    return [
        import_string(name)(lambda request: None)
        for name in reversed(middleware)
        if name in RESPONSE_SIDE
    ]


def _probe(response_side: list, secure: bool) -> list[tuple[str, str]]:
    """The headers the response side adds to a JSON answer (each only where the answer has
    none of that name, as those middlewares do)."""
    request = WSGIRequest(
        {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/api/v2",
            "wsgi.input": io.BytesIO(),
            "SERVER_NAME": "probe",
            "SERVER_PORT": "443" if secure else "80",
            "wsgi.url_scheme": "https" if secure else "http",
        }
    )
    response = HttpResponse(b"{}", content_type="application/json")
    before = set(response.headers)
    for middleware in response_side:
        response = middleware.process_response(request, response)
    return [
        (name, value)
        for name, value in response.items()
        if name not in before and name != "Content-Length"
    ]


def _learn(response_side: list | None) -> dict[bool, list[tuple[str, str]]] | None:
    """Per `request.is_secure()`, the headers the response side adds, learnt once: they
    depend on settings only. None (run the middleware on every answer) when two probes
    differ, as with a CSP nonce."""
    if response_side is None:
        return None
    learnt = {}
    for secure in (False, True):
        first, second = _probe(response_side, secure), _probe(response_side, secure)
        if first != second:
            return None
        learnt[secure] = first
    return learnt


# The environ values `get_host()` and `is_secure()` read.
HOST_KEYS = (
    "HTTP_HOST",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "SERVER_NAME",
    "SERVER_PORT",
    "wsgi.url_scheme",
)
MAX_HOSTS = 256  # distinct (host, scheme) seen; more (forged Host headers) start it afresh
_hosts: dict[tuple, tuple[bool, bool]] = {}


def _forget_hosts(**kwargs: object) -> None:
    _hosts.clear()


setting_changed.connect(_forget_hosts)


def host_check(environ: dict) -> tuple[bool, bool]:
    """(the host is allowed, the call came over HTTPS), as a request would tell."""
    proxy = settings.SECURE_PROXY_SSL_HEADER
    key = (*(environ.get(name) for name in HOST_KEYS), environ.get(proxy[0]) if proxy else None)
    found = _hosts.get(key)
    if found is None:
        request = WSGIRequest({**environ, "wsgi.input": io.BytesIO()})
        try:
            request.get_host()
            allowed = True
        except DisallowedHost:
            allowed = False
        found = (allowed, request.is_secure())
        if len(_hosts) >= MAX_HOSTS:
            _hosts.clear()
        _hosts[key] = found
    return found


class LeanApi:
    """The WSGI application: the lean path for plain API calls, the whole stack else."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app
        self.response_side = _response_side(list(settings.MIDDLEWARE))
        self.headers = _learn(self.response_side)

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        if (
            environ.get("PATH_INFO") not in PATHS
            or self.response_side is None
            or environ.get("QUERY_STRING")
            or settings.DISALLOWED_USER_AGENTS
        ):
            return self.app(environ, start_response)
        method = environ.get("REQUEST_METHOD")
        if method != "POST" and not (method == "GET" and settings.API_ALLOW_GET):
            return self.app(environ, start_response)
        allowed, secure = host_check(environ)
        if not allowed or (settings.SECURE_SSL_REDIRECT and not secure):
            return self.app(environ, start_response)
        if self.headers is not None and method == "POST":
            try:
                found = direct.answer(environ, self.headers[secure])
            except Exception:  # it may have counted the call: answered, never retried
                log.exception("API call failed in the direct path")
                found = direct.internal_error(self.headers[secure])
            if found is not None:
                status, headers, body = found
                start_response(status, headers)
                return body
        request = WSGIRequest(environ)
        try:
            return self.serve(request, start_response)
        except Exception:  # the view catches its own; this is for what surrounds it
            log.exception("API call failed around the view")
            return _send(views._error("Internal error"), start_response)

    def serve(self, request: WSGIRequest, start_response: StartResponse) -> list[bytes]:
        prefix = get_script_name(request.environ)
        if get_script_prefix() != prefix.rstrip("/") + "/":  # rarely other than "/"
            set_script_prefix(prefix)
        signals.request_started.send(sender=self.__class__, environ=request.environ)
        response = views.endpoint(request)  # catches everything: never a 500
        if self.headers is None:
            for middleware in self.response_side:
                response = middleware.process_response(request, response)
        else:
            headers = response.headers
            for name, value in self.headers[request.is_secure()]:
                if name not in headers:
                    headers[name] = value
        return _send(response, start_response)


def _send(response: HttpResponse, start_response: StartResponse) -> list[bytes]:
    body = response.content
    if "Content-Length" not in response.headers:  # as CommonMiddleware
        response.headers["Content-Length"] = str(len(body))
    headers = [
        *response.items(),
        *(("Set-Cookie", cookie.output(header="")) for cookie in response.cookies.values()),
    ]
    start_response(f"{response.status_code} {response.reason_phrase}", headers)
    response.close()  # request_finished: connections kept or closed, as after any request
    return [body]
