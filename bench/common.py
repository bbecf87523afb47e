"""Shared pieces of the benchmarks: a sandbox upstream process, a throwaway panel
database, and figures reported as ratios to a floor measured in the same run."""

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
KEY = "sandbox-key"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def sandbox_process(*, services: int = 40, latency_ms: int = 0) -> Iterator[str]:
    """A sandbox on its own process; yields its base URL (http://127.0.0.1:PORT)."""
    port = free_port()
    proc = subprocess.Popen(
        [PYTHON, "manage.py", "run_sandbox", "--port", str(port), "--services", str(services),
         "--latency", str(latency_ms)], cwd=ROOT, env=panel_env(tempfile.mkdtemp()),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.post(f"{base}/api/v2", data={"key": KEY, "action": "balance"},
                              timeout=1)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@contextlib.contextmanager
def shaped_upstream_process(*, services: int = 20_000, orders: int = 0,
                            latency_ms: int = 0) -> Iterator[str]:
    """The realistic-shape upstream (bench/upstream.py) on its own process; yields its base
    URL. Its API answers at {base}/api/v2 like the sandbox's; with `orders`, it answers the
    status of orders 1..orders from prepared answers after `latency_ms`."""
    port = free_port()
    proc = subprocess.Popen([PYTHON, "-m", "bench.upstream", "--port", str(port),
                             "--services", str(services), "--orders", str(orders),
                             "--latency-ms", str(latency_ms)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _wait_for(base: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.post(f"{base}/api/v2", data={"key": KEY, "action": "balance"}, timeout=1)
            return
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def databases() -> list[str]:
    """The databases a bench runs on: SQLite, and PostgreSQL when BENCH_POSTGRES names a
    server (postgres://postgres@127.0.0.1:5432): each run gets a database of its own."""
    return ["sqlite", "postgresql"] if os.environ.get("BENCH_POSTGRES") else ["sqlite"]


@contextlib.contextmanager
def database_env(kind: str, var_dir: str) -> Iterator[dict[str, str]]:
    """A panel environment on a fresh, empty database of `kind` (dropped afterwards)."""
    if kind == "sqlite":
        yield panel_env(var_dir)
        return
    import psycopg

    server = os.environ["BENCH_POSTGRES"].rstrip("/")
    name = f"bench_{os.getpid()}_{int(time.time() * 1000) % 10**8}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield panel_env(var_dir, DATABASE_URL=f"{server}/{name}")
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def panel_env(var_dir: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"}}
    env.update({"PANEL_VAR_DIR": var_dir, "DJANGO_SETTINGS_MODULE": "panel.settings",
                "SECURE_SSL_REDIRECT": "False", "PYTHONPATH": str(ROOT),
                "PROVIDER_ALLOW_PRIVATE_URLS": "True"}, **extra)
    # DEBUG off (as in production) needs keys of its own; these are for the bench only.
    env.setdefault("SECRET_KEY", "bench-only-secret-key-never-used-in-production")
    env.setdefault("FIELD_ENCRYPTION_KEY", "YmVuY2gtb25seS1maWVsZC1lbmNyeXB0aW9uLWtleSE=")
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True)


def timed(fn, repeat: int = 3) -> float:
    """The best of `repeat` wall times, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def fetch_catalog(base: str) -> int:
    """The floor of a sync: one fetch of the whole catalog and its parsing."""
    response = requests.post(f"{base}/api/v2", data={"key": KEY, "action": "services"},
                             timeout=60)
    return len(json.loads(response.content, parse_float=Decimal)["services"])


def report(name: str, value: float, floor: float, *, goal: float, unit: str = "s",
           lower_is_better: bool = True) -> bool:
    ratio = value / floor if floor else float("inf")
    ok = ratio <= goal if lower_is_better else ratio >= goal
    sign = "<=" if lower_is_better else ">="
    print(f"{name}: {value:.3f} {unit} vs floor {floor:.3f} {unit} -> {ratio:.2f}x "
          f"(goal {sign} {goal}x) {'OK' if ok else 'MISSED'}", flush=True)
    return ok
