"""The sandbox as a WSGI application: both API dialects, the control endpoints, the faults.

`POST /api/v2` speaks HstockPlus, `POST /standard/api/v2` the standard dialect (both also with
a trailing slash), `/_sandbox/...` is the control API. Faults are carried out here, because
they are about the wire: a `lost` or `reset` fault raises `ConnectionDropped`, which the
server (`server.py`) turns into a closed connection with no response bytes.
"""

import json
import socket
import struct
import time
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

from provider.sandbox import hstockplus, standard
from provider.sandbox.control import control
from provider.sandbox.faults import FaultKind, FaultRule
from provider.sandbox.protocol import Dialect, RawJson, Reply
from provider.sandbox.state import SandboxState

API_DIALECTS: dict[str, Dialect] = {
    "/api/v2": hstockplus.DIALECT,
    "/standard/api/v2": standard.DIALECT,
}
CONTROL_PREFIX = "/_sandbox/"
JSON = "application/json"
BAD_GATEWAY_PAGE = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)

type StartResponse = Callable[..., object]


class ConnectionDropped(Exception):
    """Answer nothing: close the connection (`reset`: with a TCP reset) without a response."""

    def __init__(self, *, reset: bool) -> None:
        super().__init__("reset" if reset else "lost")
        self.reset = reset


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: bytes
    content_type: str = JSON


def json_response(status: int, payload: object) -> Response:
    return Response(status, json.dumps(payload).encode())


def reply_response(reply: Reply) -> Response:
    text = reply.text if isinstance(reply, RawJson) else json.dumps(reply)
    return Response(200, text.encode())


class SandboxApp:
    """The WSGI callable; `sleep` is injectable so latency and delays can be observed."""

    def __init__(self, state: SandboxState, *, sleep: Callable[[float], None] = time.sleep):
        self.state = state
        self._sleep = sleep

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            response = self.respond(environ)
        except ConnectionDropped as drop:
            _drop_foreign_socket(environ, reset=drop.reset)
            raise
        phrase = HTTPStatus(response.status).phrase
        start_response(f"{response.status} {phrase}", [
            ("Content-Type", response.content_type),
            ("Content-Length", str(len(response.body))),
        ])
        return [response.body]

    def respond(self, environ: dict[str, Any]) -> Response:
        path = environ.get("PATH_INFO", "/").rstrip("/") or "/"
        method = environ.get("REQUEST_METHOD", "GET").upper()
        dialect = API_DIALECTS.get(path)
        if dialect is not None:
            return self._api(dialect, method, environ)
        if path.startswith(CONTROL_PREFIX):
            return self._control(method, path.removeprefix(CONTROL_PREFIX), environ)
        return json_response(404, {"error": "Not found"})

    def _api(self, dialect: Dialect, method: str, environ: dict[str, Any]) -> Response:
        if method != "POST":
            return json_response(405, {"error": "Invalid request method"})
        params = parse_form(read_body(environ))
        action = params.get("action", "")
        generation = self.state.generation
        self.state.record_call(dialect.name, action)
        latency_ms = self.state.knobs.latency_ms
        if latency_ms:
            self._sleep(latency_ms / 1000)
            if self.state.generation != generation:
                # Reset while this call slept (its test is over): it must not take a fault
                # armed by the next test, which would then see one fault fewer.
                raise ConnectionDropped(reset=False)
        rule = self.state.take_fault(action, params.get("service") or params.get("project_id"))

        def process() -> Response:
            if self.state.generation != generation:
                # The sandbox was reset while this call slept (a timeout fault outliving its
                # test): it must not leak an order into the fresh account.
                raise ConnectionDropped(reset=False)
            return reply_response(dialect.answer(self.state, params))

        return process() if rule is None else self._misbehave(rule, process)

    def _misbehave(self, rule: FaultRule, process: Callable[[], Response]) -> Response:
        """Carry out a fault; whether the call is processed depends on its kind."""
        match rule.kind:
            case FaultKind.HTTP500:
                return Response(500, b"Internal Server Error", "text/plain; charset=utf-8")
            case FaultKind.HTML:
                return Response(502, BAD_GATEWAY_PAGE, "text/html; charset=utf-8")
            case FaultKind.ERROR:
                return json_response(200, {"error": rule.message})
            case FaultKind.TIMEOUT:
                self._sleep(rule.delay)
                return process()
        response = process()
        if rule.kind is FaultKind.MALFORMED:
            return Response(200, response.body[:len(response.body) // 2])
        if rule.kind is FaultKind.LOST:
            self._sleep(rule.delay)
        raise ConnectionDropped(reset=rule.kind is FaultKind.RESET)

    def _control(self, method: str, name: str, environ: dict[str, Any]) -> Response:
        raw = read_body(environ)
        try:
            body = json.loads(raw) if raw.strip() else {}
        except ValueError:
            return json_response(400, {"error": "the body must be JSON"})
        if not isinstance(body, dict):
            return json_response(400, {"error": "the body must be a JSON object"})
        return json_response(*control(self.state, method, name, body))


def read_body(environ: dict[str, Any]) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return environ["wsgi.input"].read(length) if length > 0 else b""


def parse_form(body: bytes) -> dict[str, str]:
    """Form fields, the first value of each; undecodable bytes do not crash the call."""
    fields = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
    return {name: values[0] for name, values in fields.items()}


def _drop_foreign_socket(environ: dict[str, Any], *, reset: bool) -> None:
    """Under gunicorn, close its socket ourselves before it can send an error page.

    Our own server resets connections itself; gunicorn only lends its socket, so here a
    `reset` is as close as it gets: linger 0 and shut down both ways.
    """
    sock = environ.get("gunicorn.socket")
    if not isinstance(sock, socket.socket):
        return
    if reset:
        with suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
