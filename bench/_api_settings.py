"""Settings for the API benchmark's processes only: the panel's, with the cache's keys under
a prefix of the run's own, so that a Redis shared with others never mixes their keys with the
bench's. Production never loads this module (nor ships `bench/`)."""

import os

from panel.settings import *  # noqa: F403

CACHES["default"]["KEY_PREFIX"] = os.environ.get("BENCH_CACHE_PREFIX", "")  # noqa: F405
