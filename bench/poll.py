"""One polling pass over 10,000 active orders against the sandbox with 50 ms latency,
against the floor of the same run: upstream calls x latency / concurrency. With
multi-status, 100 upstream calls or fewer per 10,000 orders."""

import json
import os
import sys
import tempfile
import time

import requests

from bench.common import KEY, ROOT, manage, panel_env, report, sandbox_process

ORDERS = int(os.environ.get("BENCH_POLL_ORDERS", "10000"))
LATENCY_MS = 50


def create_upstream_orders(base: str, count: int) -> list[int]:
    session = requests.Session()
    ids = []
    for _ in range(count):
        answer = session.post(f"{base}/api/v2", data={
            "key": KEY, "action": "add", "service": 1, "quantity": 100,
            "link": "https://instagram.com/p/bench"}, timeout=10).json()
        ids.append(answer["order"])
    return ids


def control(base: str, path: str, body: dict | None = None) -> dict:
    if body is None:
        return requests.get(f"{base}/_sandbox/{path}", timeout=10).json()
    return requests.post(f"{base}/_sandbox/{path}", data=json.dumps(body), timeout=10,
                         headers={"Content-Type": "application/json"}).json()


def upstream_calls(base: str) -> int:
    calls = control(base, "calls")
    return sum(int(n) for key, n in _flatten(calls) if "status" in key)


def _flatten(data: object, prefix: str = "") -> list[tuple[str, object]]:
    if isinstance(data, dict):
        return [item for key, value in data.items()
                for item in _flatten(value, f"{prefix}{key}.")]
    if isinstance(data, list):
        return [item for value in data for item in _flatten(value, prefix)]
    return [(prefix, data)] if isinstance(data, int) else []


def main() -> bool:
    with sandbox_process(services=40) as base, tempfile.TemporaryDirectory() as var:
        env = panel_env(var)
        manage(env, "migrate", "--noinput")
        manage(env, "add_provider", "bench", "--url", f"{base}/api/v2", "--key", KEY)
        manage(env, "sync_catalog")
        upstream_ids = create_upstream_orders(base, ORDERS)
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from bench.poll_setup import make_placed_orders, run_pass

        make_placed_orders(upstream_ids)
        control(base, "config", {"latency_ms": LATENCY_MS})
        ok = True
        for multi in (True, False):
            control(base, "config", {"multi_status": multi})
            requests.delete(f"{base}/_sandbox/calls", timeout=10)
            elapsed, summary = run_pass(multi=multi)
            calls = upstream_calls(base)  # counted by the sandbox, not by the panel
            floor = calls * LATENCY_MS / 1000 / summary.concurrency
            label = "multi-status" if multi else "one status per call"
            ok &= report(f"poll {ORDERS} orders, {label}, {calls} upstream calls", elapsed,
                         floor, goal=3)
            if multi:
                ok &= calls <= ORDERS / 100
                print(f"  upstream calls per 10,000 orders: {calls * 10000 / ORDERS:.0f} "
                      f"(goal <= 100) {'OK' if calls <= ORDERS / 100 else 'MISSED'}")
            print(f"  {summary}")
        return ok


if __name__ == "__main__":
    start = time.perf_counter()
    result = main()
    print(f"poll bench took {time.perf_counter() - start:.0f} s")
    raise SystemExit(0 if result else 1)
