"""One `sync_catalog` in a process of its own, timed from inside once Django is set up:
the sync's own work, start-up excluded exactly rather than subtracted. Prints the seconds
and how many statements wrote to the services table.

    python -m bench._sync_driver   (with the panel's environment of the round)
"""

import time

import django

if __name__ == "__main__":
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Recording costs a few list appends: a sync makes tens of statements, not thousands.
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        call_command("sync_catalog", verbosity=0)
        elapsed = time.perf_counter() - start
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "COPY"))
        and "provider_service" in q["sql"]
    ]
    print(f"{elapsed:.6f} {len(writes)}")
