"""Settings for the benchmarks' processes only: the panel's, with the bench URLs that add the
baseline INSERT (`bench/load.py`), and the cache's keys under a prefix of the run's own
(`BENCH_CACHE_PREFIX`), so that a Redis shared with others never mixes their keys with the
bench's. Production never loads this module (nor ships `bench/`)."""

import os

from panel.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
CACHES["default"]["KEY_PREFIX"] = os.environ.get("BENCH_CACHE_PREFIX", "")  # noqa: F405
