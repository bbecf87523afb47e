import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from panel.locks import acquire, held, release

pytestmark = pytest.mark.django_db


def test_a_lock_has_one_holder_at_a_time():
    token = acquire("poll", ttl=60)
    assert token
    assert acquire("poll", ttl=60) is None
    release("poll", token)
    assert acquire("poll", ttl=60)


def test_an_expired_lock_can_be_taken_over():
    assert acquire("poll", ttl=60)
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert acquire("poll", ttl=60)


def test_held_context_manager_releases():
    with held("sync", ttl=60) as first:
        assert first
        with held("sync", ttl=60) as second:
            assert not second
    with held("sync", ttl=60) as again:
        assert again


def test_beat_passes_never_overlap(monkeypatch):
    from orders import tasks

    calls = []
    monkeypatch.setattr(tasks.tracking, "poll", lambda: calls.append("poll"))
    monkeypatch.setattr(tasks.sms_tracking, "poll_numbers", lambda: calls.append("sms"))
    with held("poll-orders", ttl=60), held("poll-sms", ttl=60):
        tasks.poll_orders()
        tasks.poll_sms_numbers()
    assert calls == [], "a pass already running keeps the lock"
    tasks.poll_orders()
    tasks.poll_sms_numbers()
    assert calls == ["poll", "sms"]


HOLD_AND_HANG = """
import time
from panel.locks import held
with held("poll-orders", ttl=600) as got:
    print(got, flush=True)
    time.sleep(120)
"""


@pytest.mark.django_db(transaction=True)
def test_a_pass_lock_dies_with_its_holder():
    """A worker killed mid-pass must not stall the next pass for the lock's whole ttl: on
    PostgreSQL the server frees the lock with the dead process's connection."""
    from django.conf import settings
    from django.db import connection

    from tests.fixtures.processes import subprocess_env

    if connection.vendor != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's; SQLite keeps the expiring row")
    holder = subprocess.Popen([sys.executable, "manage.py", "shell", "-v", "0", "-c",
                               HOLD_AND_HANG], cwd=settings.BASE_DIR, env=subprocess_env(),
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "True"
    finally:
        holder.kill()  # SIGKILL: no `finally` of its own runs
        holder.wait(timeout=10)
    with held("poll-orders", ttl=600) as got:
        assert got, "the next pass runs at once"
