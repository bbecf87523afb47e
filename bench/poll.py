"""Polling passes over 10,000 active orders with 50 ms upstream latency, against the floor of
the same run: upstream calls x latency / concurrency. With multi-status, 100 upstream calls
or fewer per 10,000 orders, within 1.5x of the floor; one status per call within 1.1x. On
SQLite, and on PostgreSQL when BENCH_POSTGRES is set.

Two upstreams: `prepared` (bench/upstream.py answering from prepared bytes, as an upstream
running elsewhere costs this machine nothing: the goals apply to it), and the `sandbox`, a
Django process on the same two cores, whose own work the figure then includes (printed for
reference, with the same calls made bare beside it)."""

import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import requests
import requests.adapters

from bench.common import (
    KEY,
    ROOT,
    database_env,
    databases,
    manage,
    median,
    report,
    sandbox_process,
    shaped_upstream_process,
)

ORDERS = int(os.environ.get("BENCH_POLL_ORDERS", "10000"))
LATENCY_MS = 50
MULTI_PASSES = 3  # the first writes progress for every order, the others find it unchanged


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


def bare_calls(base: str, upstream_ids: list[int], multi: bool, concurrency: int) -> float:
    """The same status calls, made bare (requests on a pool of the same size, nothing done
    with the answers): what the upstream itself costs, latency and its own work included."""
    session = requests.Session()
    session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=concurrency))
    if multi:
        forms = [{"orders": ",".join(map(str, upstream_ids[i:i + 100]))}
                 for i in range(0, len(upstream_ids), 100)]
    else:
        forms = [{"order": str(uid)} for uid in upstream_ids]
    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(lambda form: session.post(f"{base}/api/v2", data={
            "key": KEY, "action": "status", **form}, timeout=30).content, forms))
    return time.perf_counter() - start


def upstream_process(upstream: str):
    if upstream == "sandbox":
        return sandbox_process(services=40)
    return shaped_upstream_process(services=40, orders=ORDERS, latency_ms=LATENCY_MS)


def main(kind: str, upstream: str) -> bool:
    sandbox = upstream == "sandbox"
    with upstream_process(upstream) as base, tempfile.TemporaryDirectory() as var, \
            database_env(kind, var) as env:
        manage(env, "migrate", "--noinput")
        manage(env, "add_provider", "bench", "--url", f"{base}/api/v2", "--key", KEY)
        manage(env, "sync_catalog")
        if sandbox:
            upstream_ids = create_upstream_orders(base, ORDERS)
            # The orders stay in progress upstream (the sandbox's clock stopped): a pass
            # measures polling, not settling thousands of orders, which each move money.
            control(base, "config", {"speed": 0})
        else:  # orders 1..ORDERS, in progress, answered from prepared bytes
            upstream_ids = list(range(1, ORDERS + 1))
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from bench.poll_setup import make_placed_orders, run_pass

        make_placed_orders(upstream_ids)
        if sandbox:
            control(base, "config", {"latency_ms": LATENCY_MS})
        ok = True
        for multi, passes, goal in ((True, MULTI_PASSES, 1.5), (False, 1, 1.1)):
            if sandbox:
                control(base, "config", {"multi_status": multi})
            times, bare = [], []
            for _ in range(passes):  # interleaved: a pass, then the same calls made bare
                requests.delete(f"{base}/_sandbox/calls", timeout=10)
                elapsed, summary = run_pass(multi=multi)
                calls = upstream_calls(base)  # counted by the sandbox, not by the panel
                floor = calls * LATENCY_MS / 1000 / summary.concurrency
                times.append(elapsed)
                bare.append(bare_calls(base, upstream_ids, multi, summary.concurrency))
                print(f"  pass: {elapsed:.3f} s (bare calls {bare[-1]:.3f} s), {summary}",
                      flush=True)
            label = "multi-status" if multi else "one status per call"
            met = report(f"poll {ORDERS} orders, {kind}, {upstream} upstream, {label}, "
                         f"{calls} upstream calls (median of {passes}, load average "
                         f"{os.getloadavg()[0]:.1f})", median(times), floor, goal=goal)
            if not sandbox:
                ok &= met
            print(f"  against the same calls made bare ({median(bare):.3f} s, the upstream's "
                  f"own work included): {median(times) / median(bare):.2f}x"
                  + ("; the sandbox shares this machine's cores: for reference, the goal "
                     "applies to the prepared upstream" if sandbox else ""))
            if multi:
                ok &= calls <= ORDERS / 100
                print(f"  upstream calls per 10,000 orders: {calls * 10000 / ORDERS:.0f} "
                      f"(goal <= 100) {'OK' if calls <= ORDERS / 100 else 'MISSED'}")
        return ok


UPSTREAMS = ("prepared", "sandbox")

if __name__ == "__main__":
    if len(sys.argv) > 2:  # one database per process: Django is set up once
        start = time.perf_counter()
        result = main(sys.argv[1], sys.argv[2])
        print(f"poll bench on {sys.argv[1]}, {sys.argv[2]} upstream took "
              f"{time.perf_counter() - start:.0f} s")
        raise SystemExit(0 if result else 1)
    only = os.environ.get("BENCH_UPSTREAM")
    failed = [(kind, upstream) for kind in databases() for upstream in UPSTREAMS
              if (not only or only == upstream)
              and subprocess.run([sys.executable, "-m", "bench.poll", kind, upstream],
                                 check=False, cwd=ROOT).returncode]
    raise SystemExit(1 if failed else 0)
