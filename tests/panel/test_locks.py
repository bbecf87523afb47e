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
