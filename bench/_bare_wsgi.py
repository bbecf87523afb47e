"""The floor of `bench/api.py`: a bare WSGI app that answers any request with bytes read
once from files, served by the same gunicorn as the panel. `BENCH_BARE_DIR` holds one file
per path (`/services` -> `services`), written by the bench from the panel's own answers, so
both serve the same bytes. No Django, no database: what serving those bytes costs at least."""

import os
from pathlib import Path

_BODIES = {
    f"/{path.name}": path.read_bytes() for path in Path(os.environ["BENCH_BARE_DIR"]).iterdir()
}


def application(environ: dict, start_response) -> list[bytes]:
    body = _BODIES.get(environ.get("PATH_INFO", ""))
    if body is None:
        start_response("404 Not Found", [("Content-Length", "0")])
        return [b""]
    environ["wsgi.input"].read()
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]
