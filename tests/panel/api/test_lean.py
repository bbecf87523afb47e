"""The API's lean WSGI path (`panel.api.lean`, and `panel.api.direct` for one order's
`status` and the bare `services`): the same answers as through the whole middleware stack,
headers included; anything unusual left to the stack; never a 500; a status call in one
query (the key joined to the order) whatever the number of orders."""

from urllib.parse import urlencode

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.cache import add_never_cache_headers

from orders.models import Order
from panel.api import direct, lean, views
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
        self.direct_calls = 0
        original = lean.LeanApi.serve
        answer = direct.answer

        def counted(handler, *args):
            self.lean_calls += 1
            return original(handler, *args)

        def counted_direct(*args):
            found = answer(*args)
            if found is not None:
                self.lean_calls += 1
                self.direct_calls += 1
            return found

        monkeypatch.setattr(lean.LeanApi, "serve", counted)
        monkeypatch.setattr(direct, "answer", counted_direct)

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


@pytest.fixture(autouse=True)
def still_clock(monkeypatch):
    """One moment for the whole test: a "try again in N s" compared across two calls must
    not straddle a second."""
    import time

    from panel import ratelimit

    moment = time.time()
    monkeypatch.setattr(ratelimit, "now", lambda: moment)


@pytest.fixture
def wsgi(monkeypatch):
    return Wsgi(monkeypatch)


def form(**fields: object) -> bytes:
    return urlencode({name: str(value) for name, value in fields.items()}).encode()


def same_as_the_stack(
    client, wsgi, body: bytes, direct: bool | None = None, **extra
) -> tuple[int, dict, bytes]:
    """The lean answer, asserted equal to the whole stack's (status, headers, bytes);
    `direct`: whether `panel.api.direct` must have answered it (True) or declined (False)."""
    calls, direct_calls = wsgi.lean_calls, wsgi.direct_calls
    status, headers, content = wsgi("POST", "/api/v2", body, **extra)
    assert wsgi.lean_calls == calls + 1, "the lean path answered"
    if direct is not None:
        assert wsgi.direct_calls == direct_calls + direct, "answered directly" if direct else ""
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


def test_a_status_call_is_one_query_however_many_orders(
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
    with django_assert_num_queries(1):  # the key joined to the order
        status, _, content = wsgi("POST", "/api/v2", body)
    assert status == 200 and b'"status":"Pending"' in content
    assert wsgi.direct_calls == 2


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


# --- the direct answers (`panel.api.direct`) ---------------------------------------------


def test_status_and_services_answered_directly_as_the_stack(client, wsgi, owned, alice, bob):
    from panel.apikeys import regenerate_api_key

    key = regenerate_api_key(alice)
    mine = [owned[name].pk for name in ("smm", "running", "product")]
    theirs = Order.objects.create(
        user=bob,
        provider=owned["smm"].provider,
        service=owned["smm"].service,
        link=LINK,
        quantity=5,
        unit_price=1,
        charge=1,
    )
    for order_id in mine:
        _, _, content = same_as_the_stack(
            client, wsgi, form(key=key, action="status", order=order_id), direct=True
        )
        assert b'"status"' in content and b"error" not in content
    for order_id in (owned["sms"].pk, theirs.pk, 99999):
        _, _, content = same_as_the_stack(
            client, wsgi, form(key=key, action="status", order=f" {order_id} "), direct=True
        )
        assert content == b'{"error":"Incorrect order ID"}'
    same_as_the_stack(client, wsgi, form(key=key, action="services"), direct=True)
    same_as_the_stack(
        client, wsgi, form(key=key, action="services", page="", limit=" "), direct=True
    )
    same_as_the_stack(
        client, wsgi, form(key=key, action="services"), direct=True, HTTP_ACCEPT_ENCODING="gzip"
    )


def test_error_answers_directly_as_the_stack(client, wsgi, owned, alice, settings):
    from panel.apikeys import regenerate_api_key

    key = regenerate_api_key(alice)
    status_call = form(key=key, action="status", order=owned["running"].pk)
    _, _, content = same_as_the_stack(
        client, wsgi, form(key="not-a-key", action="status", order=1), direct=True
    )
    assert content == b'{"error":"Invalid API key"}'
    alice.email_verified = False
    alice.save()
    _, _, content = same_as_the_stack(client, wsgi, status_call, direct=True)
    assert content == f'{{"error":"{views.NOT_VERIFIED}"}}'.encode()
    settings.API_RATE_LIMIT = "1/h"  # a window of its own: this call uses it up
    wsgi("POST", "/api/v2", status_call)
    status, _, content = same_as_the_stack(client, wsgi, status_call, direct=True)
    assert status == 429 and b"Rate limit exceeded (1 per hour)" in content
    settings.API_FAILED_KEY_LIMIT = "1/h"
    settings.API_RATE_LIMIT = "100/h"
    wsgi("POST", "/api/v2", form(key="wrong", action="services"))
    status, _, content = same_as_the_stack(client, wsgi, status_call, direct=True)
    assert status == 429 and b"Too many invalid API keys" in content
    status, _, content = same_as_the_stack(
        client, wsgi, form(key="wrong", action="services"), direct=True
    )
    assert status == 429 and b"Too many invalid API keys" in content


def test_the_rate_limit_counts_each_direct_call_once(wsgi, owned, alice, settings):
    from panel.apikeys import regenerate_api_key

    key = regenerate_api_key(alice)
    settings.API_RATE_LIMIT = "3/h"
    body = form(key=key, action="status", order=owned["running"].pk)
    answers = [wsgi("POST", "/api/v2", body)[0] for _ in range(4)]
    assert answers == [200, 200, 200, 429] and wsgi.direct_calls == 4


def test_a_revoked_key_stops_at_once(wsgi, owned, alice):
    from panel.apikeys import regenerate_api_key

    old = regenerate_api_key(alice)
    body = form(key=old, action="status", order=owned["running"].pk)
    assert b'"status"' in wsgi("POST", "/api/v2", body)[2]
    new = regenerate_api_key(alice)
    assert wsgi("POST", "/api/v2", body)[2] == b'{"error":"Invalid API key"}'
    body = form(key=new, action="services")
    assert wsgi("POST", "/api/v2", body)[2].startswith(b"[")
    alice.is_active = False
    alice.save()
    assert wsgi("POST", "/api/v2", body)[2] == b'{"error":"Invalid API key"}'
    assert wsgi.direct_calls == 4


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("action=status&orders=1,2", None),
        ("action=status&order=1,2", None),
        ("action=status&order=abc", None),
        ("action=status&order=", None),
        ("action=status&order=1%00", None),
        ("action=status&order=0", None),
        ("action=services&limit=5", None),
        ("action=services&page=%00", None),
        ("action=services&products=1", None),
        ("action=balance", None),
        ("action=status&order=1", "application/x-www-form-urlencoded; charset=latin-1"),
        ("action=status&order=1", "text/plain"),
    ],
)
def test_anything_else_is_left_to_the_view(
    client, wsgi, owned, alice, settings, body, content_type
):
    from panel.apikeys import regenerate_api_key

    key = regenerate_api_key(alice)
    data = f"key={key}&{body}".replace("order=1", f"order={owned['running'].pk}").encode()
    extra = {"CONTENT_TYPE": content_type} if content_type else {}
    same_as_the_stack(client, wsgi, data, direct=False, **extra)


def test_odd_bodies_are_left_to_the_view(client, wsgi, alice, settings):
    from panel.apikeys import regenerate_api_key

    key = regenerate_api_key(alice)
    for body in (
        b"key=&action=status&order=1",
        form(key="k" * 201, action="status", order=1),
        b"key=" + key.encode() + b"&action=status&order=1&x=\xff",  # not UTF-8
        b"",
    ):
        same_as_the_stack(client, wsgi, body, direct=False)
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 3
    same_as_the_stack(client, wsgi, form(key=key, action="services", a=1, b=2), direct=False)


def test_a_failing_read_is_retried_once_then_left_to_the_view(wsgi, owned, alice, monkeypatch):
    from django.db import OperationalError

    from panel.apikeys import regenerate_api_key

    key = regenerate_api_key(alice)
    body = form(key=key, action="status", order=owned["running"].pk)
    real, failures = direct.KEY_AND_ORDER.row, []

    def flaky(**values):
        if len(failures) < failing:
            failures.append(1)
            raise OperationalError("server closed the connection unexpectedly")
        return real(**values)

    monkeypatch.setattr(direct.KEY_AND_ORDER, "row", flaky)
    failing = 1
    status, _, content = wsgi("POST", "/api/v2", body)
    assert (status, wsgi.direct_calls, len(failures)) == (200, 1, 1) and b'"status"' in content
    failures.clear()
    failing = 2
    status, _, content = wsgi("POST", "/api/v2", body)
    assert (status, wsgi.direct_calls, len(failures)) == (200, 1, 2), "the view answered"
    assert b'"status"' in content


def test_the_health_check_runs_only_after_idleness_or_an_error(monkeypatch):
    from django.db import connection

    from panel import dbreads

    dbreads.read(lambda: connection.cursor().close())  # connected
    checks = []
    monkeypatch.setattr(
        connection, "close_if_unusable_or_obsolete", lambda: checks.append(1), raising=False
    )
    dbreads.read(lambda: None)
    assert checks == [] and connection.health_check_done
    setattr(connection, dbreads._USED_AT, 0.0)  # idle for long
    dbreads.read(lambda: None)
    assert checks == [1]
    connection.errors_occurred = True
    dbreads.read(lambda: None)
    assert checks == [1, 1]
    connection.errors_occurred = False
