"""A threaded HTTP/1.1 server for the sandbox app, on the standard library alone.

`wsgiref`'s server speaks HTTP/1.0 and closes every connection, but the panel talks through
a pooled `requests.Session`, so this one keeps connections alive, one thread each. It also
does what WSGI cannot: when the app raises `ConnectionDropped` it closes the connection
without a byte of response, with a TCP reset for the `reset` fault.
"""

import io
import socket
import socketserver
import struct
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import unquote

from provider.sandbox.app import ConnectionDropped, SandboxApp
from provider.sandbox.state import SandboxState

IDLE_TIMEOUT = 300  # seconds a kept-alive connection may sit unused


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], app: SandboxApp, *, quiet: bool) -> None:
        self.app = app
        self.quiet = quiet
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind asks DNS for the host's full name, which can stall for
        # seconds on a machine without a resolver; the sandbox only needs its address.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], OSError):
            return  # a client that hung up (after a timeout fault, say) is not news
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; without TCP_NODELAY the second waits ~40 ms
    # for a delayed ACK on every keep-alive request.
    disable_nagle_algorithm = True
    timeout = IDLE_TIMEOUT
    server: _HTTPServer

    def do_POST(self) -> None:
        self._serve()

    do_GET = do_DELETE = do_PUT = do_PATCH = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)

    def _serve(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], *_: Any) -> None:
            started[:] = [status, headers]

        try:
            payload = b"".join(self.server.app(self._environ(body), start_response))
        except ConnectionDropped as drop:
            self._drop(reset=drop.reset)
            return
        self._send(started[0], started[1], payload)

    def _environ(self, body: bytes) -> dict[str, Any]:
        path, _, query = self.path.partition("?")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": self.command, "SCRIPT_NAME": "", "PATH_INFO": unquote(path),
            "QUERY_STRING": query, "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)), "SERVER_NAME": self.server.server_name,
            "SERVER_PORT": str(self.server.server_port), "SERVER_PROTOCOL": self.request_version,
            "REMOTE_ADDR": self.client_address[0], "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr,
            "wsgi.multithread": True, "wsgi.multiprocess": False, "wsgi.run_once": False,
        }
        for name, value in self.headers.items():
            key = "HTTP_" + name.upper().replace("-", "_")
            if key not in {"HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"}:
                environ[key] = value
        return environ

    def _send(self, status: str, headers: list[tuple[str, str]], payload: bytes) -> None:
        code, _, reason = status.partition(" ")
        try:
            self.send_response(int(code), reason)
            for name, value in headers:
                self.send_header(name, value)
            if self.close_connection:  # the client asked for it
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            self.close_connection = True  # the client stopped waiting (a timeout fault)

    def _drop(self, *, reset: bool) -> None:
        """End the connection with no response: FIN for `lost`, RST for `reset`."""
        self.close_connection = True
        if not reset:
            return  # the normal close after this request sends FIN
        try:
            self.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.rfile.close()  # it holds a reference that would postpone the close
            self.connection.close()  # linger 0: the kernel sends RST, not FIN
        except OSError:
            pass


class SandboxServer:
    """The sandbox on a host and port (0: any free port), in a thread or in the foreground."""

    def __init__(
        self, state: SandboxState | None = None, *, host: str = "127.0.0.1", port: int = 0,
        quiet: bool = True,
    ) -> None:
        self.state = state or SandboxState()
        self.app = SandboxApp(self.state)
        self._httpd = _HTTPServer((host, port), self.app, quiet=quiet)
        self._thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        return self._httpd.server_name

    @property
    def port(self) -> int:
        return self._httpd.server_port

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """The HstockPlus endpoint."""
        return f"{self.base_url}/api/v2"

    @property
    def standard_url(self) -> str:
        """The standard-dialect endpoint."""
        return f"{self.base_url}/standard/api/v2"

    @property
    def control_url(self) -> str:
        return f"{self.base_url}/_sandbox"

    def start(self) -> Self:
        """Serve in a daemon thread and return at once."""
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1},
            name=f"sandbox-{self.port}", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted (Ctrl-C raises KeyboardInterrupt here)."""
        self._httpd.serve_forever(poll_interval=0.25)

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
