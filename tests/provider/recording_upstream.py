"""A tiny upstream on 127.0.0.1 that answers every call with a balance and records what it
was sent, to show where a provider's key did (or did not) go."""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


@dataclass
class RecordingUpstream:
    port: int
    received: list[dict[str, str]] = field(default_factory=list)

    def url(self, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}/api/v2"

    @property
    def keys(self) -> list[str]:
        return [form.get("key", "") for form in self.received]


@contextmanager
def recording_upstream() -> Iterator[RecordingUpstream]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            upstream.received.append({k: v[0] for k, v in parse_qs(body).items()})
            answer = json.dumps({"balance": "12.50", "currency": "USD"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    upstream = RecordingUpstream(port=server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield upstream
    finally:
        server.shutdown()
        server.server_close()
