"""The API's two hottest calls answered straight from the WSGI environ: `status` of one order
and the bare `services` list, without Django's request and response objects, the request
signals or model instances.

A call is taken here only when it is plainly one of those (decided from the form alone,
before anything is read or counted): a POST of `application/x-www-form-urlencoded` UTF-8
within `DATA_UPLOAD_MAX_MEMORY_SIZE` and `DATA_UPLOAD_MAX_NUMBER_FIELDS`, parsed by the very
function Django's `QueryDict` uses; `action=status` with one order id in digits, or
`action=services` with none of its options; no NUL in the fields read; a key of 1 to 200
characters. Everything else returns None and goes to the view (`panel.api.views`), which
answers it as always (the body read is handed back to it).

Then, as the view does and in its order: the key (one query, joined for `status` to the
order, values only: `KEY_AND_ORDER`), the rate-limit round trip (`panel.ratelimit`), the
e-mail check, the answer. A `services` call with a key this process looked up lately
(`panel.api.knownkeys`) reads no database: its count comes first, and the keys' version
read in that same round trip says whether the key is still as it was (else it is looked up
again, and refused if revoked). The bytes and headers are the view's (`tests/panel/api/
test_lean.py` compares them, error answers included). Database reads go through
`panel.dbreads` (the thread's connection, health-checked only after idleness or an error,
retried once); a read that fails twice hands the call to the view, which has counted
nothing yet.
"""

import io
import json
import time
from collections.abc import Iterable
from types import SimpleNamespace
from urllib.parse import parse_qsl

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import Error
from django.db.models import FilteredRelation, Q
from django.utils.http import http_date

from orders.models import Kind, Order
from panel import dbreads
from panel.api import knownkeys, serialization, snapshot
from panel.api.actions import INCORRECT_ORDER, ONE_ORDER_STATUS
from panel.api.params import as_id
from panel.api.views import ACCEPTS_GZIP, JSON, NEVER_STORED, NOT_VERIFIED
from panel.apikeys import digest
from panel.prepared import Prepared
from panel.ratelimit import (
    Rate,
    client_address,
    exhausted,
    failed_key_rate,
    hit,
    hit_unless_exhausted,
    hit_unless_exhausted_reading,
    per_key_rate,
    send_hit_unless_exhausted,
)

FORM = "application/x-www-form-urlencoded"
SERVICES_OPTIONS = ("page", "limit", "category", "subcategory", "products")
MAX_KEY = 200  # as `user_for_key`

type Headers = list[tuple[str, str]]
type Answer = tuple[str, Headers, Iterable[bytes]]

KEY = Prepared(
    lambda p: (
        get_user_model()
        .objects.filter(api_key_hash=p.digest, is_active=True)
        .values_list("pk", "api_key_hash", "email_verified")
    )
)
# The key and the order in one round trip: the order's columns are None when it is not
# the key owner's (or is an SMS number, which `status` does not answer).
KEY_AND_ORDER = Prepared(
    lambda p: (
        get_user_model()
        .objects.filter(api_key_hash=p.digest, is_active=True)
        .annotate(
            asked=FilteredRelation(
                "orders", condition=Q(orders__pk=p.order) & ~Q(orders__kind=Kind.SMS)
            )
        )
        .values_list(
            "pk",
            "api_key_hash",
            "email_verified",
            "asked__id",
            *(f"asked__{name}" for name in serialization.ORDER_STATUS_FIELDS),
        )
    )
)


class Expires:
    """`http_date()` of the current second, formatted once per second."""

    def __init__(self) -> None:
        self._second, self._text = -1, ""

    def __call__(self) -> str:
        second = int(time.time())
        if second != self._second:
            self._text, self._second = http_date(second), second
        return self._text


expires = Expires()


def _form(environ: dict) -> dict[str, str] | None:
    """The form's fields (the last value of a repeated one, as `QueryDict.get`), or None
    when the body is not plainly a form. Reads the body; the caller hands it back."""
    if environ.get("REQUEST_METHOD") != "POST" or environ.get("CONTENT_TYPE") != FORM:
        return None
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if length <= 0 or (limit is not None and length > limit):
        return None
    body = environ["wsgi.input"].read(length)
    # The view reads it again if this module declines.
    environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(body), str(len(body))
    try:
        text = body.decode()
    except ValueError:  # not UTF-8: the view's answer
        return None
    most = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    if "%" not in text and "+" not in text:  # nothing escaped: split as parse_qsl splits
        if most is not None and text.count("&") + 1 > most:
            return None
        return {
            name: value
            for name, _, value in (part.partition("=") for part in text.split("&") if part)
        }
    try:
        pairs = parse_qsl(
            text,
            keep_blank_values=True,
            encoding="utf-8",
            max_num_fields=most,
        )
    except ValueError:  # too many fields: the view's answer
        return None
    return dict(pairs)


def _plain(form: dict[str, str], name: str) -> str | None:
    """A field as `Params.text` reads it, None when it has a NUL (the view refuses it)."""
    value = form.get(name, "")
    return None if "\x00" in value else value.strip()


def _order_asked(form: dict[str, str]) -> int | None:
    """The one order id a `status` call asks about, or None for anything else (a batch, a
    missing or malformed id: the view's to answer)."""
    order, orders = form.get("order", ""), form.get("orders", "")
    if "," in order or (orders.strip() and not order.strip()):
        return None
    text = _plain(form, "order")
    return as_id(text) if text else None


def answer(environ: dict, secure_headers: Headers) -> Answer | None:
    """The answer to a plain `status` or `services` call, or None: the view's to answer."""
    form = _form(environ)
    if form is None:
        return None
    action = form.get("action", "").strip()
    key = form.get("key", "")
    if not key or len(key) > MAX_KEY:
        return None
    wanted = digest(key)
    if action == "services":
        if any(_plain(form, name) != "" for name in SERVICES_OPTIONS):
            return None
        return _services_call(environ, secure_headers, wanted)
    if action != "status":
        return None
    order_id = _order_asked(form)
    if order_id is None:
        return None
    rate = per_key_rate()
    # The key's owner as last seen: its count is sent before the query and read after it
    # (on Redis: the two round trips overlap). The query's row still decides the answer.
    hint = knownkeys.owner(wanted)
    pending = None
    if hint is not None:
        pending = send_hit_unless_exhausted("key", str(hint), rate, unless=_unless(environ))
    try:
        row = dbreads.read(lambda: KEY_AND_ORDER.row(digest=wanted, order=order_id))
    except (Error, dbreads.InTransaction):
        if pending is not None:
            pending.take_back()
        return None  # nothing counted: the view answers (or says "Internal error")
    refused = pending.answer() if pending is not None else None
    if row is None or row[1] != wanted:
        return _invalid_key(environ, secure_headers)
    if pending is None or row[0] != hint:  # not counted yet for its owner
        refused = hit_unless_exhausted("key", str(row[0]), rate, unless=_unless(environ))
    if row[0] != hint:
        knownkeys.remember(wanted, row[0], row[2], None)
    if refused is not None:
        return _refused(refused, rate, secure_headers)
    if not row[2]:
        return _error(NOT_VERIFIED, secure_headers)
    return _status(row, secure_headers)


def _unless(environ: dict) -> tuple[str, str, Rate]:
    """The failed-key limit of the call's address, read in the key's counting."""
    return ("failed-key", client_address(SimpleNamespace(META=environ)), failed_key_rate())


def _refused(refused: tuple[str, int], rate: Rate, secure_headers: Headers) -> Answer:
    limit, wait = refused
    if limit == "failed-key":
        return _too_many("Too many invalid API keys from your address", wait, secure_headers)
    return _too_many(f"Rate limit exceeded ({rate})", wait, secure_headers)


def _key_row(wanted: str) -> list | None:
    """(user id, key digest, verified) of an active customer's key; raises as `dbreads`."""
    return dbreads.read(lambda: KEY.row(digest=wanted))


def _services_call(environ: dict, secure_headers: Headers, wanted: str) -> Answer | None:
    """A bare `services`: a key remembered by `knownkeys` is counted first and checked by
    the keys' version read in that same round trip (looked up again if it changed); a key
    not remembered is looked up first, as the view does."""
    rate = per_key_rate()
    watched = (*snapshot.WATCHED, knownkeys.VERSION)
    remembered = knownkeys.known(wanted)
    if remembered is not None:
        user_id, verified, tag = remembered
        refused, read = hit_unless_exhausted_reading(
            "key", str(user_id), rate, unless=_unless(environ), read=watched
        )
        if read is None or read.get(knownkeys.VERSION) != tag:
            # Changed since: the call was counted for the key's owner of then; look again.
            knownkeys.forget()
            version = read.get(knownkeys.VERSION) if read is not None else None
            try:
                row = _key_row(wanted)
            except (Error, dbreads.InTransaction):
                return internal_error(secure_headers)  # counted: answered, as the view would
            if row is None or row[1] != wanted:
                return _invalid_key(environ, secure_headers)
            if version is not None and row[0] == user_id:
                knownkeys.remember(wanted, row[0], row[2], version)
            verified = row[2]
    else:
        version = knownkeys.version()  # before the lookup: a change after it is seen
        try:
            row = _key_row(wanted)
        except (Error, dbreads.InTransaction):
            return None  # nothing counted yet: the view answers (or says "Internal error")
        if row is None or row[1] != wanted:
            return _invalid_key(environ, secure_headers)
        if version is not None:
            knownkeys.remember(wanted, row[0], row[2], version)
        verified = row[2]
        refused, read = hit_unless_exhausted_reading(
            "key", str(row[0]), rate, unless=_unless(environ), read=watched
        )
    if refused is not None:
        return _refused(refused, rate, secure_headers)
    if not verified:
        return _error(NOT_VERIFIED, secure_headers)
    return _services(environ, secure_headers, read)


def _status(row: list, secure_headers: Headers) -> Answer:
    if row[3] is None:
        return _error(INCORRECT_ORDER, secure_headers)
    order = SimpleNamespace(**dict(zip(serialization.ORDER_STATUS_FIELDS, row[4:], strict=True)))
    if order.kind == Kind.PRODUCT:  # its accounts are encrypted: read through the model
        order = _product(row[0], row[3])
        if order is None:  # deleted in between
            return _error(INCORRECT_ORDER, secure_headers)
    return _json(serialization.order_status(order), secure_headers)


def _product(user_id: int, order_id: int) -> Order | None:
    return ONE_ORDER_STATUS.first(user=user_id, order=order_id)


def _services(environ: dict, secure_headers: Headers, read: dict | None) -> Answer:
    listing = snapshot.services_body(read)
    gzipped = ACCEPTS_GZIP.search(environ.get("HTTP_ACCEPT_ENCODING", ""))
    body = listing.gzipped if gzipped else listing.body
    own = [("Content-Type", JSON), ("Vary", "Accept-Encoding")]
    if gzipped:
        own.append(("Content-Encoding", "gzip"))
    return _send("200 OK", own, body, secure_headers)


def _invalid_key(environ: dict, secure_headers: Headers) -> Answer:
    address = client_address(SimpleNamespace(META=environ))
    if wait := exhausted("failed-key", address, failed_key_rate()):
        return _too_many("Too many invalid API keys from your address", wait, secure_headers)
    hit("failed-key", address, failed_key_rate())
    return _error("Invalid API key", secure_headers)


def _json(
    reply: object, secure_headers: Headers, status: str = "200 OK", extra: Headers = ()
) -> Answer:
    body = json.dumps(reply, ensure_ascii=False, separators=(",", ":")).encode()
    return _send(status, [("Content-Type", JSON), *extra], body, secure_headers)


def _error(message: str, secure_headers: Headers) -> Answer:
    return _json({"error": message}, secure_headers)


def internal_error(secure_headers: Headers) -> Answer:
    """The view's answer to what it did not foresee."""
    return _error("Internal error", secure_headers)


def _too_many(message: str, wait: int, secure_headers: Headers) -> Answer:
    return _json(
        {"error": f"{message}; try again in {wait} s"},
        secure_headers,
        "429 Too Many Requests",
        [("Retry-After", str(wait))],
    )


def _send(status: str, own: Headers, body: bytes, secure_headers: Headers) -> Answer:
    """The view's headers in the view's order: its own, `never_stored`'s, the middlewares'
    (each only where the answer has none of that name), then Content-Length."""
    headers = [*own, ("Expires", expires()), ("Cache-Control", NEVER_STORED)]
    names = {name.lower() for name, _ in headers}
    headers.extend(item for item in secure_headers if item[0].lower() not in names)
    headers.append(("Content-Length", str(len(body))))
    return status, headers, (body,)
