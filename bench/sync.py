"""Catalog sync of 20,000 services, as a whole `sync_catalog` process, against the floor of
one fetch of the catalog plus JSON parsing inside a running process, in the same run.

Two upstreams: the sandbox (few categories), and a realistic shape (bench/upstream.py: 40
categories of 7 subcategories each). Django start-up is measured as the same command doing
nothing and subtracted. Each round gets a fresh database (SQLite, and PostgreSQL when
BENCH_POSTGRES is set); rounds interleave the floor with the measures and the figure is the
median of the per-round ratios. Goals: first sync within 8x of the floor, an unchanged
re-sync within 3x and writing nothing, under 300 MB of memory.

The sync's own work is timed inside its process once Django is set up (bench/_sync_driver.py);
the whole process's wall time minus the start-up of the same command doing nothing is printed
beside it, as a cross-check. A second floor is printed for the first sync: the database
alone storing the same rows again into a twin table with the same indexes and foreign keys
(bench/_db_floor.py), the share of the first sync that no work in Python can remove."""

import os
import subprocess
import tempfile
import time

from bench.common import (
    KEY,
    PYTHON,
    ROOT,
    database_env,
    databases,
    fetch_catalog,
    manage,
    median,
    sandbox_process,
    shaped_upstream_process,
    timed,
)

SERVICES = 20_000
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
FIRST_GOAL, AGAIN_GOAL, MEMORY_GOAL_MB = 8, 3, 300


def run_command(env: dict[str, str], *args: str) -> tuple[float, float, int]:
    """Wall time in seconds, peak memory in MB and exit status of one manage.py process."""
    start = time.perf_counter()
    proc = subprocess.Popen([PYTHON, "manage.py", *args], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, rusage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if status and args[-1] != "nobody" and proc.stderr and (err := proc.stderr.read()):
        print(err.decode()[-2000:])
    return elapsed, rusage.ru_maxrss / 1024, status


def driven_sync(env: dict[str, str]) -> tuple[float, float, float, int]:
    """One `sync_catalog` in a process of its own (bench/_sync_driver.py): (seconds timed
    inside it once Django is set up, the whole process's wall time, its peak memory in MB,
    statements that wrote to the services table)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([PYTHON, "-m", "bench._sync_driver"], cwd=ROOT, env=env,
                                stdout=out, stderr=err)
        _, status, rusage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        if status:
            raise RuntimeError(err.read().decode()[-2000:])
        inside, writes = out.read().decode().split()[-2:]
    return float(inside), wall, rusage.ru_maxrss / 1024, int(writes)


def one_round(base: str, kind: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as var, database_env(kind, var) as env:
        manage(env, "migrate", "--noinput")
        manage(env, "add_provider", "bench", "--url", f"{base}/api/v2", "--key", KEY)
        floor = timed(lambda: fetch_catalog(base))
        # The same command doing nothing: Django start-up, settings, one query.
        startup = min(run_command(env, "sync_catalog", "--provider", "nobody")[0]
                      for _ in range(2))
        first, first_wall, first_mb, _ = driven_sync(env)
        floor = min(floor, timed(lambda: fetch_catalog(base), repeat=1))
        again, again_wall, again_mb, again_writes = driven_sync(env)
        floor = min(floor, timed(lambda: fetch_catalog(base), repeat=1))
        return {"floor": floor, "startup": startup, "first": first, "again": again,
                "first_process": first_wall - startup, "again_process": again_wall - startup,
                "mb": max(first_mb, again_mb), "written": again_writes,
                "database": database_floor(env)}


def database_floor(env: dict[str, str]) -> float:
    """Seconds the database alone takes to store the synced rows again (bench/_db_floor.py):
    the part of a first sync no Python can take away, beside the fetch-and-parse floor."""
    out = subprocess.run([PYTHON, "-m", "bench._db_floor"], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True)
    return float(out.stdout.split()[-1])


def report_rounds(label: str, rounds: list[dict[str, float]]) -> bool:
    floor = median([r["floor"] for r in rounds])
    startup = median([r["startup"] for r in rounds])
    peak = max(r["mb"] for r in rounds)
    ok = peak < MEMORY_GOAL_MB
    print(f"{label}: floor (fetch + parse in a running process) {floor:.3f} s, "
          f"Django start-up {startup:.3f} s, {len(rounds)} rounds, load average "
          f"{os.getloadavg()[0]:.1f}")
    ratios = {}
    for key, name, goal in (("first", "first sync", FIRST_GOAL),
                            ("again", "unchanged re-sync", AGAIN_GOAL)):
        ratio = ratios[key] = median([r[key] / r["floor"] for r in rounds])
        seconds = median([r[key] for r in rounds])
        process = median([r[f"{key}_process"] / r["floor"] for r in rounds])
        ok &= ratio <= goal
        print(f"  {name}: {seconds:.3f} s (timed inside the process) -> {ratio:.2f}x floor "
              f"(goal <= {goal}x) {'OK' if ratio <= goal else 'MISSED'}; whole process "
              f"minus start-up: {process:.2f}x", flush=True)
    database = median([r["database"] for r in rounds])
    share = median([r["database"] / r["floor"] for r in rounds])
    print(f"  the database alone storing those rows (insert, indexes, foreign keys, commit): "
          f"{database:.3f} s = {share:.2f}x floor, of the first sync's {ratios['first']:.2f}x",
          flush=True)
    written = max(r["written"] for r in rounds)
    ok &= written == 0
    print(f"  statements the unchanged re-sync wrote to services: {written:.0f} (goal 0) "
          f"{'OK' if written == 0 else 'MISSED'}")
    print(f"  peak memory {peak:.0f} MB (goal < {MEMORY_GOAL_MB} MB) "
          f"{'OK' if peak < MEMORY_GOAL_MB else 'MISSED'}", flush=True)
    return ok


def main() -> bool:
    ok = True
    upstreams = {"sandbox": lambda: sandbox_process(services=SERVICES),
                 "40x7 shape": lambda: shaped_upstream_process(services=SERVICES)}
    only = os.environ.get("BENCH_UPSTREAM")
    for name, start in upstreams.items():
        if only and only not in name:
            continue
        with start() as base:
            assert fetch_catalog(base) == SERVICES
            for kind in databases():
                rounds = [one_round(base, kind) for _ in range(ROUNDS)]
                ok &= report_rounds(f"sync_catalog, {SERVICES} services, {name}, {kind}",
                                    rounds)
    return ok


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
