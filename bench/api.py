"""The customers' API under concurrent load, against the floor of serving the same bytes.

Gunicorn on 127.0.0.1 (`-w 2 -k gthread --threads 4`, as the issue sets) serves the panel;
a second gunicorn, same flags, serves `bench/_bare_wsgi.py`, a bare WSGI app answering the
very bytes the panel answered (read back from it first). wrk, in its own process, loads each
with 8 keep-alive connections; floor and panel alternate in rounds, and the figure is the
median of the per-round ratios. Figures:

- `services`: the whole bare list (20,000 services, about 4 MB), no compression asked;
- `services gzip`: the same with `Accept-Encoding: gzip` (the floor serves the same gzip bytes);
- `status`: one order's status (key check, rate limit counted, one order read).

Beside each ratio: the CPU time (user and system, from /proc) the server's workers spent
per answered call, panel and floor, a steadier measure than req/s on a shared machine (how
gunicorn happens to split the 8 connections between its two workers moves req/s, not this).

Run on the embedded defaults (SQLite, no Redis: `CACHE_URL` unset), and on PostgreSQL +
Redis when `BENCH_POSTGRES` (postgres://postgres@127.0.0.1:5432) and `BENCH_REDIS`
(redis://127.0.0.1:6379/N, a database no one else uses: keys carry a per-run prefix) are set.

    python -m bench.api   # BENCH_API_SECONDS (per slice), BENCH_API_ROUNDS, BENCH_API_SERVICES

`BENCH_API_ONLY=sqlite` or `postgres` runs one configuration (both by default).
"""

import gzip
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import requests

from bench.common import KEY, PYTHON, ROOT, database_env, free_port, manage, median, sandbox_process

SERVICES = int(os.environ.get("BENCH_API_SERVICES", "20000"))
SECONDS = float(os.environ.get("BENCH_API_SECONDS", "3"))
ROUNDS = int(os.environ.get("BENCH_API_ROUNDS", "3"))
CONNECTIONS = 8
GUNICORN = [
    "-w",
    "2",
    "-k",
    "gthread",
    "--threads",
    "4",
    "--keep-alive",
    "30",
    "--log-level",
    "warning",
]
GOALS = {"services": 0.9, "services gzip": 0.9, "status": 0.35}
LINK = "https://instagram.com/p/bench"
WRK_SCRIPT = """wrk.method = "POST"
wrk.body = "{body}"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
{extra}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d\\n", summary.requests, summary.duration,
                         e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def configurations() -> list[tuple[str, str, str | None]]:
    """(label, database kind, CACHE_URL or None for the embedded default)."""
    configs = [("SQLite, no Redis", "sqlite", None)]
    if os.environ.get("BENCH_POSTGRES") and os.environ.get("BENCH_REDIS"):
        configs.append(("PostgreSQL + Redis", "postgresql", os.environ["BENCH_REDIS"]))
    only = {"sqlite": "sqlite", "postgres": "postgresql"}.get(os.environ.get("BENCH_API_ONLY", ""))
    return [config for config in configs if only in (None, config[1])]


def serve(app: str, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", app, "-b", f"127.0.0.1:{port}", *GUNICORN], cwd=ROOT, env=env
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(f"{base}/healthz", timeout=5)
            return proc, base
        except requests.RequestException:  # not listening yet, or slow on a loaded machine
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.terminate()
                raise
            time.sleep(0.2)


def prepare(env: dict[str, str], sandbox: str) -> str:
    """Migrate, add and sync the sandbox, make a rich customer; their key."""
    manage(env, "migrate", "--noinput")
    manage(env, "add_provider", "sandbox", "--url", f"{sandbox}/api/v2", "--key", KEY)
    manage(env, "sync_catalog")
    return (
        manage(env, "create_customer", "bench@example.com", "--balance", "1000000000")
        .stdout.strip()
        .splitlines()[-1]
    )


def workers_cpu(master: int) -> float:
    """CPU seconds (user and system) used so far by the workers of the gunicorn `master`."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    total = 0
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def wrk(url: str, form: dict[str, str], headers: dict[str, str], master: int,
        script_dir: str) -> tuple[float, float]:
    """(requests per second over SECONDS with CONNECTIONS connections, the server's worker
    CPU per request in µs); any failed or non-2xx answer fails the bench (a 429 would
    measure the limiter's refusals, not the API)."""
    cpu_before = workers_cpu(master)
    extra = "\n".join(f'wrk.headers["{name}"] = "{value}"' for name, value in headers.items())
    script = Path(script_dir) / f"{uuid.uuid4().hex}.lua"
    script.write_text(WRK_SCRIPT.format(body=urlencode(form), extra=extra))
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{SECONDS:g}s", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    )
    match = re.search(r"^RESULT (\d+) (\d+) (\d+)$", out.stdout, re.M)
    if match is None:
        raise SystemExit(f"wrk said: {out.stdout}{out.stderr}")
    done, micros, errors = map(int, match.groups())
    if errors:
        raise SystemExit(f"{errors} failed or non-2xx answers from {url}")
    return done / (micros / 1e6), (workers_cpu(master) - cpu_before) / done * 1e6


def figure(name: str, api: tuple, floor: tuple, script_dir: str) -> bool:
    """Interleaved rounds of floor and panel; prints the median ratio against its goal."""
    wrk(*api, script_dir), wrk(*floor, script_dir)  # warm-up: every thread builds its caches
    ratios, rates, floors = [], [], []
    for _ in range(ROUNDS):
        floors.append(wrk(*floor, script_dir))
        rates.append(wrk(*api, script_dir))
        ratios.append(rates[-1][0] / floors[-1][0])
    ratio, goal = median(ratios), GOALS[name]
    cpu, floor_cpu = median([r[1] for r in rates]), median([f[1] for f in floors])
    print(
        f"  api {name}: {median([r[0] for r in rates]):.0f} req/s vs floor "
        f"{median([f[0] for f in floors]):.0f} req/s -> {ratio:.2f}x (goal >= {goal}x) "
        f"{'OK' if ratio >= goal else 'MISSED'}; worker CPU a call {cpu:.0f} µs vs floor "
        f"{floor_cpu:.0f} µs (+{cpu - floor_cpu:.0f})",
        flush=True,
    )
    return ratio >= goal


def bodies(base: str, key: str, order: int) -> dict[str, tuple[dict, dict, bytes]]:
    """Each figure's form, headers and the bytes the panel answers (checked stable)."""
    forms = {
        "services": ({"key": key, "action": "services"}, {}),
        "services gzip": ({"key": key, "action": "services"}, {"Accept-Encoding": "gzip"}),
        "status": ({"key": key, "action": "status", "order": str(order)}, {}),
    }
    found = {}
    for name, (form, headers) in forms.items():
        # Raw bytes as sent: requests would otherwise decompress the gzip answer.
        answers = [
            requests.post(
                f"{base}/api/v2",
                data=form,
                timeout=60,
                headers=headers | {"Accept-Encoding": headers.get("Accept-Encoding", "identity")},
                stream=True,
            )
            for _ in range(2)
        ]
        raw = [answer.raw.read() for answer in answers]
        if raw[0] != raw[1] or answers[0].status_code != 200:
            raise SystemExit(f"{name}: the panel's answer is not stable")
        if name == "services gzip" and answers[0].headers.get("Content-Encoding") == "gzip":
            gzip.decompress(raw[0])  # a real gzip body
        found[name] = (form, headers, raw[0])
    return found


def run(label: str, kind: str, cache_url: str | None, sandbox: str) -> bool:
    with tempfile.TemporaryDirectory() as var, database_env(kind, var) as env:
        os.makedirs(f"{var}/static")
        os.makedirs(f"{var}/bare")
        env = env | {
            "API_RATE_LIMIT": "100000000/s",
            "DEBUG": "False",
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
            "STATIC_ROOT": f"{var}/static",
            "CELERY_BROKER_URL": "filesystem://localhost/",
            "DJANGO_SETTINGS_MODULE": "bench._api_settings",
            "BENCH_CACHE_PREFIX": f"bench{uuid.uuid4().hex[:8]}",
        }
        if cache_url:
            env["CACHE_URL"] = cache_url
        key = prepare(env, sandbox)
        proc, base = serve("panel.wsgi:application", env)
        bare = None
        try:
            service = (
                manage(
                    env,
                    "shell",
                    "-c",
                    (
                        "from provider.models import Service\n"
                        "print(Service.objects.get(upstream_id=1).pk)"
                    ),
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            placed = requests.post(
                f"{base}/api/v2",
                timeout=60,
                data={
                    "key": key,
                    "action": "add",
                    "service": service,
                    "quantity": "100",
                    "link": LINK,
                },
            ).json()
            found = bodies(base, key, placed["order"])
            for name, (_, _, body) in found.items():
                (Path(var) / "bare" / name.replace(" ", "-")).write_bytes(body)
            bare, floor_base = serve(
                "bench._bare_wsgi:application", env | {"BENCH_BARE_DIR": f"{var}/bare"}
            )
            sizes = ", ".join(
                f"{name} {len(body) / 1e3:,.0f} KB" for name, (_, _, body) in found.items()
            )
            print(
                f"{label}: catalog {SERVICES} services ({sizes}); gunicorn 2 workers x 4 "
                f"threads, wrk 8 connections, {ROUNDS} rounds of {SECONDS:g} s, median ratio",
                flush=True,
            )
            scripts = f"{var}/wrk"
            os.makedirs(scripts)
            results = [
                figure(
                    name,
                    (f"{base}/api/v2", form, headers, proc.pid),
                    (f"{floor_base}/{name.replace(' ', '-')}", form, headers, bare.pid),
                    scripts,
                )
                for name, (form, headers, _) in found.items()
            ]
            return all(results)
        finally:
            for server in (proc, bare):
                if server is not None:
                    server.terminate()
                    server.wait(timeout=20)


def main() -> bool:
    if shutil.which("wrk") is None:
        raise SystemExit("bench/api.py needs wrk (apt-get install wrk)")
    with sandbox_process(services=SERVICES) as sandbox:
        return all(
            [run(label, kind, cache_url, sandbox) for label, kind, cache_url in configurations()]
        )


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
