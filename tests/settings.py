"""The panel's own settings, with the test run's environment defaults.

Only environment defaults differ (plain HTTP for the test client, the broker and SQLite
kept apart from a developer's `var/`); every behaviour comes from `panel.settings`.
"""

import os
import tempfile

os.environ.setdefault("SECURE_SSL_REDIRECT", "False")
os.environ.setdefault("PANEL_VAR_DIR", os.path.join(tempfile.gettempdir(), "panel-tests"))
os.environ.setdefault("STATIC_ROOT", os.path.join(os.environ["PANEL_VAR_DIR"], "static"))

from panel.settings import *  # noqa: F403
