"""The panel's own settings, with the test run's environment defaults.

Only environment defaults differ (plain HTTP for the test client, the broker and SQLite
kept apart from a developer's `var/`); every behaviour comes from `panel.settings`.
"""

import os
import tempfile

os.environ.setdefault("SECURE_SSL_REDIRECT", "False")
# The sandbox and the tests' small servers listen on 127.0.0.1.
os.environ.setdefault("PROVIDER_ALLOW_PRIVATE_URLS", "True")
# With DEBUG off (as in production) the panel refuses to start without a key of its own.
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-never-used-in-production")
os.environ.setdefault("FIELD_ENCRYPTION_KEY", "dGVzdHMtb25seS1maWVsZC1lbmNyeXB0aW9uLWtleSE=")
# One folder per test run (inherited by the run's subprocesses through the environment), so
# that runs side by side never share a database file or a broker folder.
os.environ.setdefault("PANEL_VAR_DIR", tempfile.mkdtemp(prefix="panel-tests-"))
os.environ.setdefault("STATIC_ROOT", os.path.join(os.environ["PANEL_VAR_DIR"], "static"))

from panel.settings import *  # noqa: F403

# The built-in test gateway (fake money) is how the tests pay, as in `make run`. Set here, not
# in the environment, so that the production-like processes the tests start never inherit it.
TEST_GATEWAY_ENABLED = True

# A file, not memory, so that subprocesses (a Celery worker, a second `manage.py`) and
# threads with their own connections see the same test database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405
