"""The API's lean WSGI path (`panel.api.lean`): the same answers as through the whole
middleware stack, headers included; anything unusual left to the stack; never a 500; a
status call in two queries (the key, the order) whatever the number of orders."""

from urllib.parse import urlencode

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.cache import add_never_cache_headers

from orders.models import Order
from panel.api import lean, views
from panel.wsgi import application
from tests.panel.api.helpers import FOLLOWERS, LINK

pytestmark = pytest.mark.django_db(transaction=True)
# Expires carries the second it was written: compared apart.
TIMED = {"Expires", "Date"}


class Wsgi:
    """Calls `panel.wsgi.application` as gunicorn does; records whether the lean path
    answered (or the whole stack)."""

    def __init__(self, monkeypatch) -> None:
        self.lean_calls = 0
        original = lean.LeanApi.serve

        def counted(handler, *args):
            self.lean_calls += 1
            return original(handler, *args)

        monkeypatch.setattr(lean.LeanApi, "serve", counted)

    def __call__(self, method: str, path: str, body: bytes = b"", **extra: str):
        environ = (
            RequestFactory()
            .generic(method, path, body, content_type="application/x-www-form-urlencoded", **extra)
            .environ
        )
        answer = {}

        def start_response(status, headers):
            answer["status"], answer["headers"] = status, headers

        body = b"".join(application(environ, start_response))
        return int(answer["status"].split()[0]), dict(answer["headers"]), body


@pytest.fixture
def wsgi(monkeypatch):
    return Wsgi(monkeypatch)


def form(**fields: object) -> bytes:
    return urlencode({name: str(value) for name, value in fields.items()}).encode()


def same_as_the_stack(client, wsgi, body: bytes, **extra) -> tuple[int, dict, bytes]:
    """The lean answer, asserted equal to the whole stack's (status, headers, bytes)."""
    calls = wsgi.lean_calls
    status, headers, content = wsgi("POST", "/api/v2", body, **extra)
    assert wsgi.lean_calls == calls + 1, "the lean path answered"
    stacked = client.generic(
        "POST", "/api/v2", body, content_type="application/x-www-form-urlencoded", **extra
    )
    assert (status, content) == (stacked.status_code, stacked.content)
    assert {k: v for k, v in headers.items() if k not in TIMED} == {
        k: v for k, v in stacked.items() if k not in TIMED
    }
    assert set(headers) & TIMED == set(stacked.headers) & TIMED
    return status, headers, content


def test_answers_as_the_stack_does(client, wsgi, alice_key, provider, service):
    followers = service(FOLLOWERS)
    placed = wsgi(
        "POST",
        "/api/v2",
        form(key=alice_key, action="add", service=followers.pk, quantity=100, link=LINK),
    )
    order = Order.objects.get()
    assert placed[:1] == (200,) and placed[2] == f'{{"order":{order.pk}}}'.encode()
    for fields in (
        {"action": "status", "order": order.pk},
        {"action": "balance"},
        {"action": "status", "orders": f"{order.pk},99999"},
        {"action": "status", "order": "99999"},
        {"action": "nope"},
        {"action": "services"},
        {"action": "categories"},
    ):
        status, headers, _ = same_as_the_stack(client, wsgi, form(key=alice_key, **fields))
        assert status == 200 and headers["Content-Type"] == "application/json"
        assert "no-store" in headers["Cache-Control"]
        assert headers["X-Frame-Options"] == "DENY"
        assert "Content-Security-Policy" in headers
    same_as_the_stack(client, wsgi, form(key="wrong", action="balance"))


def test_headers_over_https_as_the_stack(client, wsgi, alice_key, provider, settings):
    settings.SECURE_SSL_REDIRECT = True
    _, headers, _ = same_as_the_stack(
        client, wsgi, form(key=alice_key, action="balance"), HTTP_X_FORWARDED_PROTO="https"
    )
    assert "Strict-Transport-Security" in headers


def test_the_rate_limit_answers_as_the_stack(client, wsgi, alice_key, provider, settings):
    settings.API_RATE_LIMIT = "1/h"
    wsgi("POST", "/api/v2", form(key=alice_key, action="balance"))
    status, headers, _ = same_as_the_stack(client, wsgi, form(key=alice_key, action="balance"))
    assert status == 429 and "Retry-After" in headers


@pytest.mark.parametrize(
    ("method", "path", "body", "extra", "status"),
    [
        ("GET", "/api/v2", b"", {}, 405),
        ("PUT", "/api/v2", b"", {}, 405),
        ("POST", "/api/v2?key=x", b"", {}, 200),  # a key in the URL: refused by the view
        ("POST", "/api/v2?a=%00", b"", {}, 400),  # a NUL: refused by the middleware
        ("POST", "/api/v2", b"", {"HTTP_HOST": "evil.example"}, 400),
        ("POST", "/api/v2\x00", b"", {}, 400),
    ],
)
def test_the_unusual_is_left_to_the_stack(wsgi, method, path, body, extra, status):
    answer_status, _, _ = wsgi(method, path, body, **extra)
    assert answer_status == status
    assert wsgi.lean_calls == 0


def test_plain_http_under_ssl_redirect_is_left_to_the_stack(wsgi, settings):
    settings.SECURE_SSL_REDIRECT = True
    wsgi("POST", "/api/v2", form(key="x", action="balance"))
    assert wsgi.lean_calls == 0, "the stack's SecurityMiddleware redirects it"


def test_a_middleware_it_does_not_know_turns_it_off(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "some.new.Middleware"]
    assert lean.LeanApi(lambda environ, start: [b""]).response_side is None


def test_the_projects_own_middleware_keeps_it_on():
    """A middleware added to the project without a word here would turn the lean path off
    for every call, silently: every class in MIDDLEWARE must be one it knows."""
    assert lean.LeanApi(lambda environ, start: [b""]).response_side is not None


def test_never_a_500(wsgi, alice_key, provider, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    for body in (
        b"key=" + b"x" * 5000,
        b"\x00\xff" * 100,
        b"%" * 50,
        form(key=alice_key, action="status\x00", order="1"),
        form(key="\x00", action="balance"),
        b"--x\r\nbroken",
    ):
        status, headers, content = wsgi("POST", "/api/v2", body)
        assert status == 200 and headers["Content-Type"] == "application/json"
        assert b"error" in content
    assert wsgi.lean_calls == 6


def test_a_body_over_the_limit_is_refused(wsgi, alice_key, provider, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    _, _, content = wsgi("POST", "/api/v2", form(key=alice_key, action="balance", pad="x" * 200))
    assert b"Unreadable request" in content


def test_a_status_call_is_two_queries_however_many_orders(
    wsgi, alice, alice_key, provider, service, django_assert_num_queries
):
    followers = service(FOLLOWERS)
    fields = {
        "user": alice,
        "provider": provider,
        "service": followers,
        "link": LINK,
        "quantity": 100,
        "unit_price": 1,
        "charge": 1,
    }
    Order.objects.bulk_create([Order(**fields) for _ in range(50)])
    order = Order.objects.filter(user=alice).first()
    body = form(key=alice_key, action="status", order=order.pk)
    wsgi("POST", "/api/v2", body)
    with django_assert_num_queries(2):  # the key, the order
        status, _, content = wsgi("POST", "/api/v2", body)
    assert status == 200 and b'"status":"Pending"' in content


def test_never_stored_writes_what_never_cache_does():
    ours, django = views.never_stored(HttpResponse()), HttpResponse()
    add_never_cache_headers(django)
    assert ours["Cache-Control"] == django["Cache-Control"]
    assert set(ours.headers) == set(django.headers)


def test_services_gzipped_for_a_client_that_takes_it(wsgi, client, alice_key, provider):
    import gzip

    body = form(key=alice_key, action="services")
    _, plain_headers, plain = wsgi("POST", "/api/v2", body)
    assert "Content-Encoding" not in plain_headers
    assert plain_headers["Vary"] == "Accept-Encoding"
    _, headers, packed = same_as_the_stack(
        client, wsgi, body, HTTP_ACCEPT_ENCODING="br, gzip;q=0.8"
    )
    assert headers["Content-Encoding"] == "gzip" and headers["Vary"] == "Accept-Encoding"
    assert gzip.decompress(packed) == plain
    assert int(headers["Content-Length"]) == len(packed) < len(plain)
    _, headers, again = wsgi("POST", "/api/v2", body, HTTP_ACCEPT_ENCODING="gzip")
    assert again == packed, "made once, served again"
    _, headers, _ = wsgi("POST", "/api/v2", body, HTTP_ACCEPT_ENCODING="identity")
    assert "Content-Encoding" not in headers


def test_a_failure_around_the_view_is_answered_as_json(wsgi, monkeypatch, caplog):
    def broken(request):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "endpoint", broken)
    status, headers, content = wsgi("POST", "/api/v2", form(key="k", action="balance"))
    assert (status, content) == (200, b'{"error":"Internal error"}')
    assert headers["Content-Type"] == "application/json"
    assert "boom" in caplog.text
