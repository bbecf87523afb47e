"""Refusing requests that carry a NUL character, at one edge, before any view.

No field of the panel can hold a NUL: PostgreSQL refuses it in text (psycopg raises before
the query is sent), so a NUL that reaches a query is a 500 there, while SQLite stores it
silently. No honest client sends one, so the request is answered 400 with a plain reason
wherever the NUL is: the path, the query string or a form field.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict

NUL = "\x00"
REFUSAL = "Bad request: the request contains a NUL character, which no field accepts.\n"


def _has_nul(fields: QueryDict) -> bool:
    return any(NUL in key or any(NUL in value for value in values)
               for key, values in fields.lists())


def _refuse() -> HttpResponse:
    return HttpResponseBadRequest(REFUSAL, content_type="text/plain; charset=utf-8")


class RefuseNulBytes:
    """The path and query string are checked for every request; the form body once the view
    is known, and only for views that read it through Django's CSRF check anyway (a
    `csrf_exempt` view, the API, reads and checks its own body: it chooses its upload
    handlers before the body is parsed)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path or _has_nul(request.GET):
            return _refuse()
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Callable, args: object,
                     kwargs: object) -> HttpResponse | None:
        if request.method != "POST" or getattr(view, "csrf_exempt", False):
            return None
        try:
            fields = request.POST
        except OSError:  # the client went away mid-body: left to the CSRF check, as before
            return None
        return _refuse() if _has_nul(fields) else None
