"""A module-level WSGI `application` for running the sandbox under gunicorn.

    SANDBOX_SERVICES=20000 SANDBOX_SPEED=10 gunicorn provider.sandbox.wsgi -w 1 --threads 16

The state lives in the worker's memory, so run exactly one worker (`-w 1`), with threads for
concurrency. Knobs come from SANDBOX_SERVICES, SANDBOX_LATENCY_MS, SANDBOX_SPEED and
SANDBOX_KEY. Under gunicorn a `reset` fault closes the connection without a TCP reset.
"""

import os
from collections.abc import Mapping

from provider.sandbox.app import SandboxApp
from provider.sandbox.knobs import Knobs
from provider.sandbox.state import SandboxState

ENVIRONMENT_KNOBS = {
    "SANDBOX_SERVICES": "services",
    "SANDBOX_LATENCY_MS": "latency_ms",
    "SANDBOX_SPEED": "speed",
    "SANDBOX_KEY": "key",
}


def knobs_from_env(environ: Mapping[str, str]) -> Knobs:
    """Default knobs, changed by whichever SANDBOX_* variables are set and not empty."""
    changes = {knob: environ[variable] for variable, knob in ENVIRONMENT_KNOBS.items()
               if environ.get(variable, "").strip()}
    return Knobs().with_changes(**changes)


application = SandboxApp(SandboxState(knobs_from_env(os.environ)))
