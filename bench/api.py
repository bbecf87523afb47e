"""The customers' API under concurrent load: requests per second of `services` (the full
list of a 20,000-service catalog) and of `add`, each as a ratio to a bare Django view in the
same run and the same server: one serving the same bytes from memory, one doing one INSERT.

Gunicorn on 127.0.0.1 with 2 workers (gthread), a throwaway SQLite database, the sandbox as
the upstream; the load is Python threads, each with a keep-alive `requests.Session`, bounded
in time and in count. Goals: `services` >= 0.5x its baseline, `add` >= 0.3x.

    python -m bench.api        # BENCH_API_SECONDS, BENCH_API_SERVICES, BENCH_API_THREADS
"""

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import requests

from bench.common import KEY, PYTHON, ROOT, free_port, manage, panel_env, sandbox_process

SERVICES = int(os.environ.get("BENCH_API_SERVICES", "20000"))
SECONDS = float(os.environ.get("BENCH_API_SECONDS", "5"))
THREADS = int(os.environ.get("BENCH_API_THREADS", "4"))
MAX_REQUESTS = int(os.environ.get("BENCH_API_MAX_REQUESTS", "50000"))
WORKERS = 2
# One thread per worker: with SQLite, more only add lock waits (SQLite's busy handler sleeps
# in steps of milliseconds), and an `add` is a write transaction of several statements.
WORKER_THREADS = int(os.environ.get("BENCH_API_WORKER_THREADS", "1"))
GOALS = {"services": 0.5, "add": 0.3}
LINK = "https://instagram.com/p/bench"


@dataclass(frozen=True)
class Run:
    ok: int
    failed: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def __add__(self, other: "Run") -> "Run":
        return Run(self.ok + other.ok, self.failed + other.failed,
                   self.seconds + other.seconds)


@dataclass(frozen=True)
class Target:
    url: str
    form: dict[str, str]
    check: Callable[[bytes], bool]


def load(target: Target, seconds: float, threads: int = THREADS) -> Run:
    """POST the target's form from `threads` keep-alive sessions for `seconds` (or until
    MAX_REQUESTS); counts the answers that pass its check."""
    deadline = time.monotonic() + seconds
    budget = iter(range(MAX_REQUESTS))
    lock = threading.Lock()
    ok, failed = [0] * threads, [0] * threads

    def worker(index: int) -> None:
        with requests.Session() as session:
            while time.monotonic() < deadline:
                with lock:
                    if next(budget, None) is None:
                        return
                try:
                    response = session.post(target.url, data=target.form, timeout=60,
                                            stream=True)
                    body = b"".join(response.iter_content(1 << 20))
                    good = response.status_code == 200 and target.check(body)
                except requests.RequestException:
                    good = False
                ok[index] += good
                failed[index] += not good

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    start = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return Run(sum(ok), sum(failed), time.perf_counter() - start)


def measure(api: Target, baseline: Target) -> tuple[Run, Run]:
    """Both, in alternating slices of one second, so that a change in the machine's load
    during the run weighs on both alike."""
    load(api, 1)  # warm-up: every worker builds what it caches
    load(baseline, 1)
    slices = max(1, round(SECONDS))
    api_run, base_run = Run(0, 0, 0.0), Run(0, 0, 0.0)
    for _ in range(slices):
        api_run += load(api, SECONDS / slices)
        base_run += load(baseline, SECONDS / slices)
    return api_run, base_run


def prepare(env: dict[str, str], sandbox: str) -> tuple[str, int]:
    """Migrate, add and sync the sandbox, make a rich customer; their key and the id (ours)
    of Instagram Followers."""
    manage(env, "migrate", "--noinput")
    manage(env, "add_provider", "sandbox", "--url", f"{sandbox}/api/v2", "--key", KEY)
    manage(env, "sync_catalog")
    key = manage(env, "create_customer", "bench@example.com", "--balance",
                 "1000000000").stdout.strip().splitlines()[-1]
    service = manage(env, "shell", "-c", (
        "from django.db import connection; from provider.models import Service\n"
        "with connection.cursor() as c:\n"
        "    c.execute('CREATE TABLE bench_baseline_insert "
        "(created_at DOUBLE PRECISION NOT NULL, link VARCHAR(200) NOT NULL)')\n"
        "print(Service.objects.get(upstream_id=1).pk)")).stdout.strip().splitlines()[-1]
    return key, int(service)


def serve(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "panel.wsgi:application", "-b", f"127.0.0.1:{port}",
         "-w", str(WORKERS), "-k", "gthread", "--threads", str(WORKER_THREADS),
         "--keep-alive", "30", "--log-level", "warning"],
        cwd=ROOT, env=env | {"DJANGO_SETTINGS_MODULE": "bench._api_settings"})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(f"{base}/healthz", timeout=1)
            return proc, base
        except requests.ConnectionError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.terminate()
                raise
            time.sleep(0.2)


def compare(name: str, api: Run, baseline: Run) -> bool:
    ratio = api.rate / baseline.rate if baseline.rate else 0.0
    goal = GOALS[name]
    met = ratio >= goal and not api.failed
    print(f"api {name}: {api.rate:.0f} req/s vs baseline {baseline.rate:.0f} req/s -> "
          f"{ratio:.2f}x (goal >= {goal}x) {'OK' if met else 'MISSED'}"
          f"{f' ({api.failed} failed calls)' if api.failed else ''}", flush=True)
    return met


def main() -> bool:
    with sandbox_process(services=SERVICES) as sandbox, tempfile.TemporaryDirectory() as var:
        os.makedirs(f"{var}/static")
        env = panel_env(var, API_RATE_LIMIT="100000000/s", DEBUG="False",
                        ALLOWED_HOSTS="127.0.0.1", LOG_LEVEL="WARNING",
                        STATIC_ROOT=f"{var}/static",
                        # The default broker, with the host kombu would otherwise warn about.
                        CELERY_BROKER_URL="filesystem://localhost/")
        key, service = prepare(env, sandbox)
        proc, base = serve(env)
        try:
            listing = {"key": key, "action": "services"}
            expected = requests.post(f"{base}/bench/services", timeout=60).content
            same = requests.post(f"{base}/api/v2", data=listing, timeout=60).content
            if same != expected:
                raise SystemExit("the API and its baseline must serve the same bytes")
            print(f"(catalog {SERVICES} services, {len(expected) / 1e6:.1f} MB; gunicorn "
                  f"{WORKERS} workers x {WORKER_THREADS} threads; {THREADS} client threads; "
                  f"{SECONDS:g} s per figure, in slices alternating with its baseline)",
                  flush=True)
            order = {"key": key, "action": "add", "service": str(service),
                     "quantity": "100", "link": LINK}
            placed = lambda body: body.startswith(b'{"order":')  # noqa: E731
            results = [
                compare("services", *measure(
                    Target(f"{base}/api/v2", listing, expected.__eq__),
                    Target(f"{base}/bench/services", {}, expected.__eq__))),
                compare("add", *measure(
                    Target(f"{base}/api/v2", order, placed),
                    Target(f"{base}/bench/insert", {"link": LINK}, placed))),
            ]
            return all(results)
        finally:
            proc.terminate()
            proc.wait(timeout=20)


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
