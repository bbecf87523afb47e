"""A bench-only upstream shaped like a real HstockPlus catalog, unlike the sandbox's own:
20,000 services in 40 categories of 7 subcategories each, drawn from 13 subcategory names
shared between categories (a real catalog repeats "Followers", "Likes"... per platform).

It answers `categories`, `services` (with the `category` and `subcategory` filters) and
`balance`; with `--orders N`, `status` too, by `order` or `orders=1,2,...` (multi-status),
for orders 1..N, all "In progress", after `--latency-ms`; anything else gets "Invalid
action", as a standard panel would, so a sync leaves the SMS catalog out. Every answer (each
order's status entry) is built once, up front, and sent as bytes, so the upstream costs the
figures as little as possible: an upstream that runs elsewhere costs the panel's machine
nothing. Counts calls by action at GET /calls, forgets them at DELETE /calls.

    python -m bench.upstream --port 9100 [--services 20000] [--orders 10000 --latency-ms 50]
"""

import argparse
import json
import socket
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

CATEGORIES = 40
SUBCATEGORIES_EACH = 7
SUBCATEGORY_NAMES = ["Followers", "Likes", "Views", "Comments", "Shares", "Saves",
                     "Subscribers", "Members", "Reactions", "Plays", "Reposts", "Votes",
                     "Story Views"]


def shaped_catalog(services: int) -> tuple[list[dict], list[dict], dict[str, str]]:
    """(categories, service rows, subcategory name by service id as str)."""
    categories = []
    for n in range(CATEGORIES):
        subs = [SUBCATEGORY_NAMES[(n + k) % len(SUBCATEGORY_NAMES)]
                for k in range(SUBCATEGORIES_EACH)]
        categories.append({"category": f"Platform {n:02d}", "subcategories": subs})
    pairs = [(c["category"], sub) for c in categories for sub in c["subcategories"]]
    rows, sub_of = [], {}
    for service_id in range(1, services + 1):
        category, sub = pairs[service_id % len(pairs)]
        rows.append({
            "service": service_id, "name": f"{category} {sub} - Premium #{service_id}",
            "type": "Default", "category": category,
            "rate": f"{(service_id % 997) / 100 + 0.05:.2f}", "min": 10, "max": 100000,
            "refill": service_id % 3 == 0, "cancel": service_id % 5 == 0,
            "stock": 10000, "entityType": "smm", "autoDelivery": True,
            "desc": f"{sub} for {category}. Starts within minutes, steady speed.",
        })
        sub_of[str(service_id)] = sub
    return categories, rows, sub_of


class Upstream:
    def __init__(self, services: int, orders: int = 0, latency_ms: int = 0) -> None:
        self.categories, self.rows, self.sub_of = shaped_catalog(services)
        self.calls: Counter[str] = Counter()
        self.latency = latency_ms / 1000
        # Each order's status entry, as the sandbox writes one for an order in progress.
        self.status_entries = {
            str(n): self._dump({"charge": "0.05", "start_count": "0", "status": "In progress",
                                "remains": "100", "currency": "USD"})
            for n in range(1, orders + 1)}
        self.bodies = {
            ("categories", "", ""): self._dump({"categories": self.categories}),
            ("services", "", ""): self._dump({"services": self.rows}),
            ("balance", "", ""): self._dump({"balance": "1000.00", "currency": "USD"}),
        }
        by_key: dict[tuple[str, str], list[dict]] = {}
        for row in self.rows:  # every filter an upstream is asked, answered in advance
            sub = self.sub_of[str(row["service"])]
            for key in (("", sub), (row["category"], ""), (row["category"], sub)):
                by_key.setdefault(key, []).append(row)
        for (category, sub), rows in by_key.items():
            self.bodies[("services", category, sub)] = self._dump({"services": rows})

    @staticmethod
    def _dump(data: object) -> bytes:
        return json.dumps(data, separators=(",", ":")).encode()

    def answer(self, form: dict[str, str]) -> bytes:
        action = form.get("action", "")
        if action == "status" and self.status_entries:
            return self.status(form)
        key = (action, form.get("category", ""), form.get("subcategory", ""))
        self.calls[action if not any(key[1:]) else f"{action} filtered"] += 1
        if key in self.bodies:
            return self.bodies[key]
        if action == "services":
            return self._dump({"services": []})  # a name it does not list
        return self._dump({"error": "Invalid action"})


    def status(self, form: dict[str, str]) -> bytes:
        self.calls["status"] += 1
        time.sleep(self.latency)  # the round trip to an upstream elsewhere; no CPU spent
        missing = b'{"error":"Incorrect order ID"}'
        if "orders" in form:
            ids = [token for token in form["orders"].split(",") if token]
            return b"{" + b",".join(b'"%s":%s' % (token.encode(),
                                                  self.status_entries.get(token, missing))
                                    for token in ids) + b"}"
        return self.status_entries.get(form.get("order", ""), missing)


def serve(port: int, services: int, orders: int = 0, latency_ms: int = 0) -> None:
    upstream = Upstream(services, orders, latency_ms)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real upstream's front end

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in two writes: without this, Nagle's algorithm and the
            # client's delayed ACK add about 40 ms to every answer.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_POST(self) -> None:  # the name http.server calls
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[-1] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            self._send(upstream.answer(form))

        def do_GET(self) -> None:
            self._send(json.dumps(upstream.calls).encode())

        def do_DELETE(self) -> None:
            upstream.calls.clear()
            self._send(b"{}")

        def _send(self, body: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--services", type=int, default=20_000)
    parser.add_argument("--orders", type=int, default=0)
    parser.add_argument("--latency-ms", type=int, default=0)
    args = parser.parse_args()
    serve(args.port, args.services, args.orders, args.latency_ms)
