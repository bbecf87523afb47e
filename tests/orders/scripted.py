"""A small upstream over real HTTP whose `status` answers the test writes: what the sandbox
never says on its own (a product Completed with fewer accounts than ordered, accounts that
arrive after the order was settled)."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest


class ScriptedUpstream:
    def __init__(self) -> None:
        self.statuses: dict[int, dict] = {}  # upstream order id -> the JSON `status` answers
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/v2"

    def answer(self, upstream_id: int, status: str, *, quantity: int, accounts=(),
               auto: bool = True, remains: int = 0) -> None:
        self.statuses[upstream_id] = {
            "status": status, "charge": "1.00", "start_count": quantity, "remains": remains,
            "currency": "USD", "entityType": "product", "autoDelivery": auto,
            **({"accounts": list(accounts)} if accounts else {})}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        script = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                answer: object = {"error": "Invalid action"}
                if form.get("action") == "status" and form.get("order", "").isdigit():
                    answer = script.statuses.get(int(form["order"]),
                                                 {"error": "Order not found"})
                body = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


@pytest.fixture
def scripted() -> Iterator[ScriptedUpstream]:
    upstream = ScriptedUpstream()
    thread = threading.Thread(target=upstream.server.serve_forever, daemon=True)
    thread.start()
    yield upstream
    upstream.server.shutdown()
    upstream.server.server_close()
