"""The sandbox upstream: an in-memory HstockPlus (and standard SMM API v2) over real HTTP.

The real upstream cannot be reached from build and test machines, so every test and demo of
the panel talks to this instead. It depends on the standard library only and imports nothing
from the Django project, so it runs anywhere: in a test's thread (`SandboxServer(...).start()`),
from `manage.py run_sandbox`, or under gunicorn (`provider.sandbox.wsgi`).
See docs/sandbox.md for the catalog, the knobs, the faults and the control endpoints.
"""

from provider.sandbox.app import SandboxApp
from provider.sandbox.faults import FaultKind, FaultRule, make_rule
from provider.sandbox.knobs import KnobError, Knobs
from provider.sandbox.server import SandboxServer
from provider.sandbox.state import Rejected, SandboxState

__all__ = [
    "FaultKind",
    "FaultRule",
    "KnobError",
    "Knobs",
    "Rejected",
    "SandboxApp",
    "SandboxServer",
    "SandboxState",
    "make_rule",
]
