"""The running stack under load: many concurrent API clients placing orders and checking
them, for a fixed time, against gunicorn on PostgreSQL, while a Celery worker (fed by beat)
forwards and polls them through Redis to the sandbox upstream.

Reports orders per second, p50 and p99 latency of `add` and of `status`, errors (must be 0),
and a ledger check once the worker has sent everything: every wallet the sum of its
entries, every order charged once and sent upstream once. The floor is a bare view doing one
INSERT under the same gunicorn, in alternating slices of the same run; the ratio is
reported, not a goal (an order is two API calls, each with a key lookup and a rate limit
counted in Redis, and an `add` is a transaction of several statements plus a publish). The
goals are the ones the issue sets: no errors, and the ledger adds up.

Needs PostgreSQL (DATABASE_URL's server, else postgres@127.0.0.1:5432) and `redis-server`.

    python -m bench.load      # BENCH_LOAD_SECONDS, BENCH_LOAD_CLIENTS
"""

import os
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from tests.fixtures.stack import (
    Api,
    RedisServer,
    Stack,
    StackError,
    fresh_database,
    postgres_reachable,
    postgres_server_url,
    production_env,
)

SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "12"))
CLIENTS = int(os.environ.get("BENCH_LOAD_CLIENTS", "8"))
SLICES = 4  # alternating with the baseline, so the machine's load weighs on both alike
CREDIT = "1000000"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


@dataclass
class Tally:
    ok: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=dict)

    def time(self, what: str, seconds: float) -> None:
        self.latencies.setdefault(what, []).append(seconds)

    def quantiles(self, what: str) -> str:
        values = sorted(self.latencies.get(what, []))
        if len(values) < 2:
            return f"{what}: too few calls"
        cuts = statistics.quantiles(values, n=100)
        return f"{what} p50 {cuts[49] * 1000:.0f} ms, p99 {cuts[98] * 1000:.0f} ms"


def run_clients(seconds: float, one_call, tally: Tally) -> None:
    """CLIENTS threads, each with its own keep-alive session, calling until time is up."""
    deadline = time.monotonic() + seconds
    lock = threading.Lock()

    def client(index: int) -> None:
        session = requests.Session()
        n = 0
        while time.monotonic() < deadline:
            n += 1
            try:
                good, timings = one_call(session, f"{index}-{n}")
            except requests.RequestException:
                good, timings = False, []
            with lock:
                tally.ok += good
                tally.errors += not good
                for what, elapsed in timings:
                    tally.time(what, elapsed)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    tally.seconds += time.perf_counter() - start


def order_and_check(apis: list[Api], service: int):
    """Each client is its own reseller, with its own key and wallet."""
    def call(session: requests.Session, tag: str) -> tuple[bool, list[tuple[str, float]]]:
        api = apis[int(tag.split("-")[0])]
        start = time.perf_counter()
        placed = session.post(api.url, data={"key": api.key, "action": "add",
                                             "service": service, "quantity": 100,
                                             "link": f"https://instagram.com/p/{tag}"},
                              timeout=60)
        added = time.perf_counter()
        order = placed.json().get("order") if placed.status_code == 200 else None
        if order is None:
            return False, [("add", added - start)]
        status = session.post(api.url, data={"key": api.key, "action": "status",
                                             "order": order}, timeout=60)
        done = time.perf_counter()
        good = status.status_code == 200 and "status" in status.json()
        return good, [("add", added - start), ("status", done - added)]
    return call


def insert_baseline(base: str):
    def call(session: requests.Session, tag: str) -> tuple[bool, list[tuple[str, float]]]:
        start = time.perf_counter()
        answer = session.post(f"{base}/bench/insert", data={"link": tag}, timeout=60)
        return answer.status_code == 200, [("insert", time.perf_counter() - start)]
    return call


def ledger_check(stack: Stack, orders: int) -> bool:
    """Once the worker has sent every order: the money adds up and nothing went twice."""
    stack.wait(lambda: not stack.sql("SELECT 1 FROM orders_order WHERE state IN "
                                     "('queued', 'sending')"),
               within=300, what="the worker sending every order")
    wallets = stack.sql("SELECT w.balance, COALESCE(SUM(e.amount), 0) FROM orders_wallet w "
                        "LEFT JOIN orders_ledgerentry e ON e.wallet_id = w.id GROUP BY w.id")
    charges = stack.sql("SELECT COUNT(*) FROM orders_order o WHERE (SELECT COUNT(*) FROM "
                        "orders_ledgerentry e WHERE e.order_id = o.id AND e.kind = 'charge')"
                        " <> 1")[0][0]
    states = dict(stack.sql("SELECT state, COUNT(*) FROM orders_order GROUP BY state"))
    upstream = len(stack.upstream_orders())
    balanced = all(balance == total for balance, total in wallets)
    ok = balanced and charges == 0 and upstream == orders == sum(states.values())
    print(f"ledger: {len(wallets)} wallets, each balance == its ledger sum: {balanced}; "
          f"{orders} orders each charged "
          f"once, {upstream} upstream orders for {orders} placed, states {states}: "
          f"{'OK' if ok else 'MISSED'}", flush=True)
    return ok


def measure(stack: Stack, apis: list[Api], service: int) -> bool:
    load, floor = Tally(), Tally()
    run_clients(1, insert_baseline(stack.base), Tally())  # warm-up: every worker connects
    for _ in range(SLICES):
        run_clients(SECONDS / SLICES, order_and_check(apis, service), load)
        run_clients(SECONDS / SLICES, insert_baseline(stack.base), floor)
    orders_per_s = load.ok / load.seconds
    floor_per_s = floor.ok / floor.seconds
    ratio = orders_per_s / floor_per_s if floor_per_s else 0.0
    placed = stack.sql("SELECT COUNT(*) FROM orders_order")[0][0]
    met = not load.errors and not floor.errors
    print(f"(gunicorn 2 workers x 4 threads on PostgreSQL; worker, beat, Redis, sandbox; "
          f"{CLIENTS} clients, {SECONDS:g} s in {SLICES} slices alternating with the "
          f"baseline)", flush=True)
    print(f"load: {orders_per_s:.1f} orders/s (add + status) vs bare insert "
          f"{floor_per_s:.1f}/s -> {ratio:.2f}x; {load.ok} orders, {load.errors} errors "
          f"(goal: 0) {'OK' if met else 'MISSED'}", flush=True)
    print(f"  {load.quantiles('add')}; {load.quantiles('status')}; "
          f"{floor.quantiles('insert')}", flush=True)
    return ledger_check(stack, placed) and met


def main() -> bool:
    server = postgres_server_url(DEFAULT_SERVER)
    if not postgres_reachable(server) or not RedisServer.available():
        print(f"load: SKIPPED (needs PostgreSQL at {server} and redis-server on PATH)")
        return True
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        redis = RedisServer(folder / "redis").start()
        try:
            with fresh_database(server, "load") as database:
                env = production_env(folder, database_url=database, redis=redis,
                                     API_RATE_LIMIT="100000000/s", LOG_LEVEL="WARNING")
                stack = Stack(folder, env, redis=redis)
                try:
                    stack.start_sandbox()
                    stack.prepare()
                    keys = stack.manage("shell", "-c", (
                        "from decimal import Decimal\n"
                        "from panel.accounts import create_customer\n"
                        f"for n in range({CLIENTS}):\n"
                        "    print(create_customer(email=f'load{n}@example.com', "
                        f"balance=Decimal('{CREDIT}'))[1])")).split()[-CLIENTS:]
                    stack.manage("shell", "-c", (
                        "from django.db import connection\n"
                        "with connection.cursor() as c:\n"
                        "    c.execute('CREATE TABLE bench_baseline_insert (created_at "
                        "DOUBLE PRECISION NOT NULL, link VARCHAR(200) NOT NULL)')"))
                    stack.start_web(workers=2, threads=4, settings="bench._api_settings")
                    stack.start_worker(concurrency=2)
                    stack.start_beat()
                    apis = [Api(stack.base, key) for key in keys]
                    return measure(stack, apis, apis[0].service_id("Instagram Followers"))
                except StackError as exc:
                    print(exc)
                    return False
                finally:
                    stack.stop_all()
        finally:
            redis.stop()


if __name__ == "__main__":
    start = time.perf_counter()
    result = main()
    print(f"load bench took {time.perf_counter() - start:.0f} s")
    sys.exit(0 if result else 1)
