"""Settings for the API benchmark's gunicorn only: the panel's, with the bench URLs that add
the baseline views. Production never loads this module (nor ships `bench/`)."""

from panel.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
