"""The one place the panel speaks HTTP to an upstream provider.

`ProviderClient` talks to HstockPlus and to providers of the standard SMM panel API v2 (see
`hstockplus-api.md`): every call a form-encoded POST of `key`, `action` and parameters, every
answer parsed at once into the frozen dataclasses of `provider.upstream_types`.

Every failure is one of three `ProviderError`s, chosen by what the panel may do next:

- `ProviderRejected`: the upstream answered `{"error": ...}` (whatever the HTTP status). It
  understood and refused; trying again will not help (`permanent`).
- `ProviderUnavailable`: the connection was never made (refused, DNS, connect timeout, a
  certificate that does not verify), so nothing was sent; safe to try again later.
- `OutcomeUnknown`: anything after the request may have left (read timeout, reset, 5xx, HTML,
  malformed JSON, an answer without the expected field). A write may have taken effect. Its
  subclass `AnswerUnreadable` is an answer that arrived but holds what the panel cannot take
  (a value out of range, a NUL in a phone); it keeps the raw answer for staff.

Reads are retried with exponential backoff on the two non-permanent errors. Writes (`add`,
`add_sms`, `refill`, `cancel`) are sent exactly once: the protocol has no idempotency key, and a
write whose answer was lost must go to a person, not out again.

The API key is never logged and never appears in an exception message. No Django here.
"""

from __future__ import annotations

import json
import logging
import socket
import ssl
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import partial
from itertools import batched
from types import TracebackType
from typing import Self, TypeVar
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from provider import answers, listing_decoders
from provider.addresses import is_public_address
from provider.upstream_types import (
    Balance,
    Inventory,
    MalformedAnswer,
    OrderStatus,
    RowsRead,
    ServiceName,
    ServicesPage,
    Skipped,
    SmsCode,
    SmsCountry,
    SmsNumber,
    SmsProject,
    SmsStatus,
    UpstreamCategory,
    UpstreamService,
    as_object,
    parse_balance,
    parse_categories,
    parse_inventory,
    parse_order_id,
    parse_order_status,
    parse_refill_status,
    parse_service_ids,
    parse_service_names,
    parse_services,
    parse_sms_code,
    parse_sms_countries,
    parse_sms_numbers,
    parse_sms_projects,
    parse_sms_status,
    service_rows,
)

__all__ = [
    "AnswerUnreadable",
    "Balance",
    "Inventory",
    "OrderStatus",
    "OutcomeUnknown",
    "ProviderClient",
    "ProviderError",
    "ProviderRejected",
    "ProviderUnavailable",
    "RowsRead",
    "ServiceName",
    "ServicesPage",
    "Skipped",
    "SmsCode",
    "SmsCountry",
    "SmsNumber",
    "SmsProject",
    "SmsStatus",
    "UpstreamCategory",
    "UpstreamService",
    "is_insufficient_balance",
]

log = logging.getLogger(__name__)

T = TypeVar("T")

USER_AGENT = "reseller-panel/0.1 (+provider client)"
MAX_IDS_PER_CALL = 100  # the standard dialect's limit for `orders=` in `status` and `cancel`
POOL_SIZE = 16  # connections kept per upstream host: one per concurrent worker thread is plenty
MAX_CONNECT_TIMEOUT = 5.0
_HEADERS = {"User-Agent": USER_AGENT, "Accept": "application/json"}
# Any id will do: a multi-status upstream answers an object keyed by it, found or not. Not 0,
# which PHP panels read as "no orders given".
_PROBE_ORDER_ID = 1


# --- errors -----------------------------------------------------------------------------------


class ProviderError(Exception):
    """An upstream call failed. `permanent`: trying the same call again will not help.

    `message` is the detail, `action` the upstream action; `str()` gives "action: message".
    """

    permanent: bool = False

    def __init__(self, message: str, action: str = "") -> None:
        # Both in args, so a pickled or copied error (Celery results, logs) comes back whole.
        super().__init__(message, action)
        self.message = message
        self.action = action

    def __str__(self) -> str:
        return f"{self.action}: {self.message}" if self.action else self.message


class ProviderRejected(ProviderError):
    """The upstream answered `{"error": message}`; `message` is kept as sent."""

    permanent = True


class ProviderUnavailable(ProviderError):
    """Nothing was sent (connection refused, DNS failure, connect timeout): try again later."""


class OutcomeUnknown(ProviderError):
    """The request may have reached the upstream and taken effect; the answer is lost or useless."""


class AnswerUnreadable(OutcomeUnknown):
    """An answer arrived but the panel cannot take it (malformed, or a value its columns cannot
    hold). `raw` is the answer as received, cut to RAW_MAX characters, for staff to read."""

    def __init__(self, message: str, action: str = "", raw: str = "") -> None:
        super().__init__(message, action)
        self.args = (message, action, raw)
        self.raw = raw


RAW_MAX = 2000  # how much of an unreadable answer is kept for staff


def unknown_action(message: str) -> bool:
    """An upstream's refusal of the action itself ("Invalid action", "Incorrect action")."""
    words = message.lower()
    return "action" in words and any(w in words for w in ("invalid", "incorrect", "unknown"))


def raw_answer(data: object) -> str:
    """An answer as JSON text again, bounded: what staff read when the panel could not."""
    text = json.dumps(data, default=str, ensure_ascii=True)
    return text if len(text) <= RAW_MAX else f"{text[:RAW_MAX]}... ({len(text)} chars)"


_NO_FUNDS = ("insufficient balance", "insufficient funds", "not enough funds")


def is_insufficient_balance(exc: BaseException) -> bool:
    """Whether `exc` is the upstream saying our account there is short of money.

    HstockPlus says "Insufficient balance", standard panels "Not enough funds on balance".
    """
    if not isinstance(exc, ProviderRejected):
        return False
    text = exc.message.lower()
    return any(phrase in text for phrase in _NO_FUNDS)


# --- transport failures -----------------------------------------------------------------------

# urllib3 raises these only while opening the connection, before a byte of the request is
# written; NewConnectionError covers refused connections and DNS failures. A certificate that
# fails to verify also stops the handshake. Every other TLS error could in principle strike
# mid-exchange, so it stays OutcomeUnknown.
_BEFORE_SENDING = (NewConnectionError, ConnectTimeoutError, ssl.SSLCertVerificationError)


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """`exc` and what it wraps: requests and urllib3 nest errors in args, `reason`, `__cause__`.

    `__context__` is left out on purpose: an error merely handled nearby is not the cause.
    """
    pending, seen = [exc], set()
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        inner = (*current.args, getattr(current, "reason", None), current.__cause__)
        pending.extend(e for e in inner if isinstance(e, BaseException))


def _never_sent(exc: requests.RequestException) -> bool:
    if isinstance(exc, requests.ConnectTimeout):
        return True
    return any(isinstance(cause, _BEFORE_SENDING) for cause in _causes(exc))


def _describe(exc: BaseException) -> str:
    # The innermost OS error reads best ("[Errno 111] Connection refused"); the outer ones
    # carry pool reprs and URLs.
    os_errors = [
        cause for cause in _causes(exc)
        if isinstance(cause, OSError) and not isinstance(cause, requests.RequestException)
    ]
    return str(os_errors[-1]) if os_errors else f"{type(exc).__name__}: {exc}"


def _body_kind(body: bytes) -> str:
    start = body.lstrip()[:1]
    if not start:
        return "an empty body"
    return "malformed JSON" if start in (b"{", b"[") else "a non-JSON body"


def _error_text(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, default=str)


# --- the client -------------------------------------------------------------------------------


class ProviderClient:
    """A client for one upstream account, with its own pooled session: close it when done
    (or use it as a context manager)."""

    def __init__(
        self,
        url: str,
        key: str,
        *,
        timeout: float = 20.0,
        retries: int = 2,
        backoff: float = 0.5,
        session: requests.Session | None = None,
        allow_private: bool = False,
    ) -> None:
        """`allow_private`: connect to loopback and private addresses too (a local sandbox);
        otherwise every connection of the client's own session must reach a public address
        (see `provider.addresses`), whatever the host name resolves to at that moment."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("the provider URL must be an http:// or https:// URL with a host")
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        if retries < 0 or backoff < 0:
            raise ValueError("retries and backoff must not be negative")
        self._url = url
        self._host = parts.hostname
        self._key = key
        self._timeout = (min(MAX_CONNECT_TIMEOUT, timeout), timeout)
        self._retries = retries
        self._backoff = backoff
        self._owns_session = session is None
        self._session = session if session is not None else _pooled_session(allow_private)

    def __repr__(self) -> str:
        return f"<ProviderClient {self._host}>"  # never the key

    # --- catalog ---

    def categories(self) -> RowsRead[UpstreamCategory]:
        return self._read("categories", parse_categories)

    def services(
        self,
        *,
        page: int | None = None,
        limit: int | None = None,
        category: str | None = None,
        subcategory: str | None = None,
    ) -> ServicesPage:
        """One page of services, or all of them when `limit` is left out.

        Reads the HstockPlus page object and the standard dialect's bare list alike.
        """
        return self._read(
            "services", parse_services,
            page=page, limit=limit, category=category, subcategory=subcategory,
        )

    def categories_in(self, lang: str) -> RowsRead[UpstreamCategory]:
        """`categories` with the names in `lang` (HstockPlus's `lang`; English where the
        upstream has no translation). Display only: filters take the canonical names."""
        return self._read("categories", parse_categories, lang=lang)

    def services_in(self, lang: str) -> RowsRead[UpstreamService]:
        """Every service with its name in `lang`, in one call (see `categories_in`)."""
        page = self._read("services", parse_services, lang=lang)
        return RowsRead(page.services, page.skipped)

    def service_names_in(self, lang: str) -> RowsRead[ServiceName]:
        """Every service's id, name and category name in `lang`, in one call: the rest of each
        row is not read (see `categories_in`)."""
        return self._read_plain("services", listing_decoders.service_names,
                                parse_service_names, lang=lang)

    def service_ids(self, *, category: str | None = None,
                    subcategory: str | None = None) -> list[int]:
        """The ids of the services in a category or subcategory."""
        return list(self._read_plain("services", listing_decoders.service_ids, parse_service_ids,
                                     category=category, subcategory=subcategory))

    def all_services(self) -> RowsRead[UpstreamService]:
        """Every service, in one call; the rows the panel cannot take are in `skipped`.

        `products=1` asks a reseller panel like this one for its products too (its plain
        bare list leaves them out for standard clients); other upstreams ignore it."""
        page = self._read("services", parse_services, products=1)
        return RowsRead(page.services, page.skipped)

    def service_rows(self) -> list[object]:
        """Every service row as sent (as `all_services` asks for them), none read yet: a sync
        reads only those that changed (`provider.sync_rows`)."""
        return self._read("services", service_rows, products=1)

    def service_rows_body(self) -> bytes:
        """The answer `service_rows` reads, as sent, undecoded: a sync first compares it with
        the last one (`provider.catalog_digest`). A redirect or an HTTP error raises as
        `service_rows` would; retried like any read."""
        return self._call("services", {"products": 1}, lambda body: body,
                          attempts=self._retries + 1, send=self._post_body)

    def service_rows_from(self, body: bytes) -> list[object]:
        """`service_rows` of an answer fetched by `service_rows_body`, with every check of
        `service_rows` (an `error` field, a body that is not JSON, the shape)."""
        return self._parse("services", service_rows, self._decode_body("services", 200, body))

    def inventory(self, service_id: int) -> Inventory:
        return self._read(
            "inventory", lambda data: parse_inventory(data, service_id), service=service_id
        )

    # --- orders ---

    def add(self, *, service_id: int, quantity: int | None, link: str = "",
            runs: int | None = None, interval: int | None = None,
            fields: Mapping[str, str] | None = None) -> int:
        """Place an order; the upstream order id. Sent once, never retried. With `runs` and
        `interval` (minutes), a drip-feed: `quantity` is per run. `fields`: those of the
        service's type (`comments`, `usernames`, `answer_number`...); `quantity` None for
        types that take none.

        OutcomeUnknown means an order may exist upstream: never send it again blindly.
        """
        return self._write(
            "add", parse_order_id, **dict(fields or {}), service=service_id, quantity=quantity,
            link=link or None, runs=runs, interval=interval,
        )

    def status(self, order_id: int) -> OrderStatus:
        return self._read("status", parse_order_status, order=order_id)

    def statuses(self, order_ids: Sequence[int]) -> dict[int, OrderStatus | ProviderError]:
        """Statuses of many orders through the standard `orders=1,2,...`, 100 ids a call.

        An id the upstream refused maps to its ProviderRejected ("Incorrect order ID"), an id
        whose entry the panel cannot take to an AnswerUnreadable (one bad entry spoils only its
        order); an id it left out of the answer is left out of the result, to be asked again.
        """
        result: dict[int, OrderStatus | ProviderError] = {}
        for chunk in batched(dict.fromkeys(order_ids), MAX_IDS_PER_CALL):
            result |= self._read(
                "status",
                partial(self._multi_status, ids=chunk),
                orders=",".join(map(str, chunk)),
            )
        return result

    def supports_multi_status(self) -> bool:
        """Whether `status` takes `orders=` and answers an object keyed by order id.

        A refusal means no; a transport failure is raised, as no answer decides nothing.
        """
        probe = str(_PROBE_ORDER_ID)
        try:
            answer = self._read("status", lambda data: data, orders=probe)
        except ProviderRejected:
            return False
        return isinstance(answer, Mapping) and isinstance(answer.get(probe), Mapping)

    def has_action(self, action: str) -> bool:
        """Whether the upstream knows `action` at all (HstockPlus has no `refill` or `cancel`).

        Asked with no parameters, so nothing can be refilled or canceled by the probe: a
        provider that has the action refuses the call for its missing id; one that has not
        says the action is invalid. A transport failure is raised: no answer decides nothing.
        """
        try:
            self._call(action, {}, lambda data: data, attempts=1)
        except ProviderRejected as exc:
            return not unknown_action(exc.message)
        except AnswerUnreadable:
            return False
        return True

    def refill(self, order_id: int) -> int:
        """Ask for a refill; the refill id. Sent once, never retried."""
        return self._write("refill", lambda data: parse_order_id(data, "refill"), order=order_id)

    def refill_status(self, refill_id: int) -> str:
        return self._read("refill_status", parse_refill_status, refill=refill_id)

    def cancel(self, order_ids: Sequence[int]) -> dict[int, ProviderRejected | None]:
        """Ask to cancel up to 100 orders at once. Sent once, never retried.

        None for each order the upstream accepted to cancel, ProviderRejected for each it
        refused; an order it did not mention is left out.
        """
        ids = tuple(dict.fromkeys(order_ids))
        if len(ids) > MAX_IDS_PER_CALL:
            # One call, so that a failure can never leave some chunks sent and others not.
            raise ValueError(f"cancel takes at most {MAX_IDS_PER_CALL} orders at once")
        if not ids:
            return {}
        return self._write(
            "cancel", partial(self._cancel_outcomes, ids=ids), orders=",".join(map(str, ids))
        )

    def balance(self) -> Balance:
        return self._read("balance", parse_balance)

    # --- SMS numbers ---

    def sms_countries(self) -> RowsRead[SmsCountry]:
        return self._read("sms_countries", parse_sms_countries)

    def sms_projects(self, country: str | None = None) -> RowsRead[SmsProject]:
        return self._read("sms_projects", parse_sms_projects, country=country)

    def add_sms(
        self,
        *,
        project_id: str,
        quantity: int = 1,
        country: str | None = None,
        phone: str | None = None,
    ) -> list[SmsNumber]:
        """Rent numbers. Sent once, never retried; OutcomeUnknown means numbers may be rented."""
        return self._write(
            "add_sms", parse_sms_numbers,
            project_id=project_id, quantity=quantity, country=country, phone=phone,
        )

    def sms_code(self, order_id: int) -> SmsCode:
        return self._read("sms_code", parse_sms_code, order=order_id)

    def sms_status(self, order_id: int) -> SmsStatus:
        return self._read("sms_status", parse_sms_status, order=order_id)

    # --- lifetime ---

    def close(self) -> None:
        """Release pooled connections (only those of a session this client made)."""
        if self._owns_session:
            self._session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- answers keyed by order id ---

    def _multi_status(
        self, data: object, ids: Sequence[int]
    ) -> dict[int, OrderStatus | ProviderError]:
        answer = as_object(data)
        if not any(str(order_id) in answer for order_id in ids):
            # Likely an upstream that ignores `orders=`: an empty result would hide that.
            raise MalformedAnswer("not an object keyed by order id")
        result: dict[int, OrderStatus | ProviderError] = {}
        for order_id in ids:
            entry = answer.get(str(order_id))
            if entry is None:
                continue
            if isinstance(entry, Mapping) and "error" in entry:
                result[order_id] = self._rejected("status", entry["error"])
                continue
            try:
                result[order_id] = parse_order_status(entry)
            except MalformedAnswer as exc:
                result[order_id] = self._unreadable("status", f"order {order_id}: {exc}", entry)
        return result

    def _cancel_outcomes(
        self, data: object, ids: Sequence[int]
    ) -> dict[int, ProviderRejected | None]:
        # The standard answer: [{"order": 9, "cancel": {"error": "..."}}, {"order": 2, "cancel": 1}]
        if not isinstance(data, list):
            raise MalformedAnswer("expected a list of cancel results")
        outcomes: dict[int, ProviderRejected | None] = {}
        for entry in data:
            row = as_object(entry, "a cancel result")
            order_id = parse_order_id(row)
            if order_id not in ids:
                continue
            outcome = row.get("cancel")
            if isinstance(outcome, Mapping) and "error" in outcome:
                outcomes[order_id] = self._rejected("cancel", outcome["error"])
            elif outcome in (None, False, 0, "0", ""):
                outcomes[order_id] = self._rejected("cancel", "not canceled")
            else:
                outcomes[order_id] = None
        return outcomes

    # --- transport ---

    def _read(self, action: str, parse: Callable[[object], T], **params: object) -> T:
        """A call that changes nothing upstream, so it may be retried."""
        return self._call(action, params, parse, attempts=self._retries + 1)

    def _read_plain(self, action: str, plain: Callable[[bytes], T | None],
                    parse: Callable[[object], T], **params: object) -> T:
        """`_read(action, parse)` for an answer read for a few fields: first by `plain`
        straight from its bytes (`provider.listing_decoders`); whatever `plain` declines
        (None: an `error` field, a shape or value it does not take) is read as `_read` reads
        it, from the same bytes."""

        def read(body: bytes) -> T:
            result = plain(body)
            if result is not None:
                return result
            return self._parse(action, parse, self._decode_body(action, 200, body))

        return self._call(action, params, read, attempts=self._retries + 1,
                          send=self._post_body)

    def _write(self, action: str, parse: Callable[[object], T], **params: object) -> T:
        """A call that changes something upstream: sent once, whatever happens."""
        return self._call(action, params, parse, attempts=1)

    def _call(
        self, action: str, params: Mapping[str, object], parse: Callable[[object], T], *,
        attempts: int, send: Callable[[str, Mapping[str, object]], object] | None = None,
    ) -> T:
        send = send or self._post
        for attempt in range(1, attempts + 1):
            try:
                return self._parse(action, parse, send(action, params))
            except ProviderError as exc:
                if exc.permanent or attempt == attempts:
                    raise
                delay = self._backoff * 2 ** (attempt - 1)
                log.info("%s; retry %d of %d in %.2f s", exc, attempt, attempts - 1, delay)
                time.sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _parse(self, action: str, parse: Callable[[object], T], data: object) -> T:
        try:
            return parse(data)
        except MalformedAnswer as exc:
            # A 200 without the field we need: the call may still have done its work.
            raise self._unreadable(action, str(exc), data) from None
        except (ValueError, TypeError, ArithmeticError) as exc:
            # A shape no parser foresaw is still an answer the panel cannot take, never a
            # crash of the caller's loop.
            raise self._unreadable(action, f"{type(exc).__name__}: {exc}", data) from None

    def _unreadable(self, action: str, detail: str, data: object) -> AnswerUnreadable:
        return AnswerUnreadable(self._redact(f"unexpected answer: {detail}"), action,
                                self._redact(raw_answer(data)))

    def _post(self, action: str, params: Mapping[str, object]) -> object:
        return self._decode(action, self._send(action, params))

    def _post_body(self, action: str, params: Mapping[str, object]) -> bytes:
        """The body of a 2xx answer, undecoded; any other answer raises as `_post` would."""
        response = self._send(action, params)
        if not 200 <= response.status_code < 300:
            self._decode(action, response)  # raises: a redirect, an error, a bare HTTP error
            raise OutcomeUnknown(f"HTTP {response.status_code}", action)
        return response.content

    def _send(self, action: str, params: Mapping[str, object]) -> requests.Response:
        form = {"key": self._key, "action": action}
        form |= {name: str(value) for name, value in params.items() if value is not None}
        try:
            response = self._session.post(
                self._url, data=form, headers=_HEADERS, timeout=self._timeout,
                # requests would turn a redirected POST into a GET; an upstream that redirects
                # is misconfigured, and the answer says so.
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            # `from None`: the wrapped requests error holds the request, and with it the key.
            raise self._transport_error(action, exc) from None
        return response

    def _transport_error(self, action: str, exc: requests.RequestException) -> ProviderError:
        detail = self._redact(_describe(exc))
        if _never_sent(exc):
            return ProviderUnavailable(f"could not connect: {detail}", action)
        if isinstance(exc, requests.ReadTimeout):
            return OutcomeUnknown(f"no answer within {self._timeout[1]:g} s", action)
        return OutcomeUnknown(f"connection failed after sending: {detail}", action)

    def _decode(self, action: str, response: requests.Response) -> object:
        return self._decode_body(action, response.status_code, response.content)

    def _decode_body(self, action: str, status: int, body: bytes) -> object:
        if 300 <= status < 400:
            raise OutcomeUnknown(f"HTTP {status} redirect, not followed: check the URL", action)
        try:
            # Never a float; integers beyond 64 bits as Decimal (json's int() refuses more than
            # 4300 digits, which would cost a whole catalog for one row); the parsers
            # range-check every number.
            data: object = answers.loads(body)
        except (ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
            raise OutcomeUnknown(f"HTTP {status} with {_body_kind(body)}", action) from None
        # The page names no status code for errors, so an `error` field decides, whatever it is.
        if isinstance(data, dict) and "error" in data:
            raise self._rejected(action, data["error"])
        if not 200 <= status < 300:
            raise OutcomeUnknown(f"HTTP {status} without an error message", action)
        return data

    def _rejected(self, action: str, error: object) -> ProviderRejected:
        return ProviderRejected(self._redact(_error_text(error)), action)

    def _redact(self, text: str) -> str:
        # An upstream may echo what it was sent ("Invalid API key: ..."); the key stays out.
        return text.replace(self._key, "[key]") if self._key else text


class _PublicOnly:
    """Mixed into urllib3's connections: once the socket is connected (and before a byte is
    sent), refuse a peer that is not a public address. Checking the address reached, not the
    name, leaves no gap between a check and the connection for DNS to change in."""

    host: str

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()  # type: ignore[misc]
        peer = sock.getpeername()[0]
        if not is_public_address(peer):
            sock.close()
            refused = OSError(f"{self.host} is {peer}, a loopback, private or reserved address "
                              "(PROVIDER_ALLOW_PRIVATE_URLS is off)")
            raise NewConnectionError(self, str(refused)) from refused
        return sock


class _PublicHTTPConnection(_PublicOnly, HTTPConnection):
    pass


class _PublicHTTPSConnection(_PublicOnly, HTTPSConnection):
    pass


class _PublicHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PublicHTTPConnection


class _PublicHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PublicHTTPSConnection


class _PublicOnlyAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: object, **kwargs: object) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _PublicHTTPPool,
                                                   "https": _PublicHTTPSPool}


def _pooled_session(allow_private: bool = False) -> requests.Session:
    session = requests.Session()
    # No retries inside urllib3: which calls may be repeated is decided above, per action.
    adapter_class = HTTPAdapter if allow_private else _PublicOnlyAdapter
    adapter = adapter_class(pool_connections=4, pool_maxsize=POOL_SIZE, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
