"""Catalog sync of 20,000 services from the sandbox, as a whole `sync_catalog` process,
against the floor of one fetch of the catalog plus JSON parsing, in the same run.
Goal: within 8x of the floor, and under 300 MB of memory."""

import os
import subprocess
import tempfile
import time

from bench.common import (
    KEY,
    PYTHON,
    ROOT,
    fetch_catalog,
    manage,
    panel_env,
    report,
    sandbox_process,
    timed,
)

SERVICES = 20_000


def run_sync(env: dict[str, str]) -> tuple[float, float]:
    """Wall time in seconds and peak memory in MB of one `sync_catalog` process."""
    start = time.perf_counter()
    proc = subprocess.Popen([PYTHON, "manage.py", "sync_catalog"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, _, rusage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if proc.stderr and (err := proc.stderr.read()):
        print(err.decode()[-2000:])
    return elapsed, rusage.ru_maxrss / 1024


FLOOR_SCRIPT = """
import json, sys
from decimal import Decimal
import requests
r = requests.post(sys.argv[1], data={"key": sys.argv[2], "action": "services"}, timeout=60)
json.loads(r.content, parse_float=Decimal)
"""


def floor_process(base: str) -> float:
    """The same fetch and parse, as a process of its own (interpreter start included),
    since the figure measured is a whole `sync_catalog` process."""
    return timed(lambda: subprocess.run([PYTHON, "-c", FLOOR_SCRIPT, f"{base}/api/v2", KEY],
                                        check=True))


def main() -> bool:
    with sandbox_process(services=SERVICES) as base, tempfile.TemporaryDirectory() as var:
        env = panel_env(var)
        manage(env, "migrate", "--noinput")
        manage(env, "add_provider", "bench", "--url", f"{base}/api/v2", "--key", KEY)
        assert fetch_catalog(base) == SERVICES
        in_process = timed(lambda: fetch_catalog(base))
        floor = floor_process(base)
        first, first_mb = run_sync(env)
        again, again_mb = run_sync(env)
        print(f"floor: fetch + parse of {SERVICES} services {floor:.3f} s as a process "
              f"({in_process:.3f} s inside a warm process)")
        ok = report(f"sync_catalog, {SERVICES} services, first sync", first, floor, goal=8)
        ok &= report(f"sync_catalog, {SERVICES} services, unchanged re-sync", again, floor,
                     goal=8)
        print(f"  against the warm in-process floor: first {first / in_process:.1f}x, "
              f"re-sync {again / in_process:.1f}x")
        peak = max(first_mb, again_mb)
        print(f"sync_catalog peak memory: {peak:.0f} MB (goal < 300 MB) "
              f"{'OK' if peak < 300 else 'MISSED'}")
        return ok and peak < 300


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
