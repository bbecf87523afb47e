import os

import pytest
from django.core.management import call_command

pytest_plugins = ["tests.fixtures.sandbox"]

# In CI (.ci/run) a test that needs PostgreSQL, Redis or Chromium fails instead of skipping.
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


@pytest.fixture(scope="session", autouse=True)
def _collected_static(django_db_blocker) -> None:
    """Pages render through the same manifest storage as production."""
    call_command("collectstatic", interactive=False, verbosity=0)
