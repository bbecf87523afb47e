"""`make bench`: every benchmark in this folder, each printing its figures as ratios to a
floor measured in the same run. Exits non-zero if a goal was missed. `make bench BENCH=load`
runs one: api, load (the running stack on PostgreSQL and Redis), poll, sync."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SKIP = {"__init__.py", "run.py", "common.py", "poll_setup.py", "urls.py"}


def main() -> int:
    only = set(sys.argv[1:])
    failed = []
    for script in sorted(HERE.glob("*.py")):
        if script.name in SKIP or script.name.startswith("_"):
            continue
        if only and script.stem not in only:
            continue
        print(f"== bench/{script.name}", flush=True)
        result = subprocess.run(
            [sys.executable, "-m", f"bench.{script.stem}"], cwd=HERE.parent, check=False
        )
        if result.returncode:
            failed.append(script.stem)
    if failed:
        print(f"goals missed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
