"""A worker lost while its request is at the upstream (DESIGN.md, "The crash window").

`manage.py forward_orders` runs as a real process against the test database. The sandbox
takes the order, then holds the answer back; the process is SIGKILLed while it waits. The
order must stay `sending`, never be sent again, and go to review (never back to the queue)
once the send timeout has passed, with the customer's money still held. And a worker that
was only slow, whose answer comes after that sweep, must not lose the upstream's order id.
"""

import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from orders.forwarding import forward_one, sweep_stale_sending
from orders.models import EntryKind, LedgerEntry, Order, OrderEvent
from orders.states import State
from provider.models import Provider
from tests.fixtures.processes import subprocess_env
from tests.orders.helpers import FOLLOWERS, order_for

pytestmark = pytest.mark.django_db(transaction=True)

ANSWER_HELD_BACK = 30.0  # seconds the sandbox sits on the answer: far longer than the test


def forward_orders_process(log: Path) -> subprocess.Popen:
    env = subprocess_env()
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, "manage.py", "forward_orders"],
                                cwd=settings.BASE_DIR, env=env, stdout=out,
                                stderr=subprocess.STDOUT)


def wait_for_upstream_order(sandbox, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 20
    while not sandbox.orders():
        if process.poll() is not None:
            pytest.fail(f"forward_orders exited ({process.returncode}) before sending:\n"
                        f"{log.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"the order never reached the sandbox:\n{log.read_text()}")
        time.sleep(0.05)


def wait_for_state(order: Order, state: str) -> None:
    deadline = time.monotonic() + 10
    while Order.objects.get(pk=order.pk).state != state:
        assert time.monotonic() < deadline, f"order #{order.pk} never became {state}"
        time.sleep(0.01)


@pytest.fixture
def no_broker(monkeypatch) -> None:
    """Orders placed here are forwarded by the test, not through Celery."""
    monkeypatch.setattr("orders.placing.enqueue_forwarding", lambda order_id: None)


@pytest.fixture
def slow_provider(provider) -> Provider:
    """The provider, with a timeout longer than the answer is held back."""
    Provider.objects.filter(pk=provider.pk).update(timeout=ANSWER_HELD_BACK * 2)
    return provider


def test_a_worker_killed_mid_send_leaves_the_order_for_review(alice, service, sandbox,
                                                              slow_provider, no_broker,
                                                              tmp_path):
    order = order_for(alice, service, FOLLOWERS)
    sandbox.fault("add", "lost", delay=ANSWER_HELD_BACK, times=1)

    log = tmp_path / "forward_orders.log"
    worker = forward_orders_process(log)
    try:
        wait_for_upstream_order(sandbox, worker, log)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    [upstream] = sandbox.orders()
    order.refresh_from_db()
    assert order.state == State.SENDING
    assert order.upstream_id is None, "the answer never came"

    call_command("forward_orders", verbosity=0)
    order.refresh_from_db()
    assert order.state == State.SENDING, "still within the send timeout"
    assert len(sandbox.orders()) == 1, "a claimed order is never sent again"

    later = timezone.now() + timedelta(seconds=settings.ORDER_SEND_TIMEOUT + 1)
    with time_machine.travel(later):
        call_command("forward_orders", verbosity=0)
        call_command("forward_orders", verbosity=0)
    order.refresh_from_db()
    assert order.state == State.REVIEW
    assert "worker lost" in order.error
    moves = list(OrderEvent.objects.filter(order=order).values_list("from_state", "to_state"))
    assert moves == [(State.QUEUED, State.SENDING), (State.SENDING, State.REVIEW)], \
        "never back to the queue"
    assert [o.order.id for o in sandbox.orders()] == [upstream.order.id]
    assert order.refunded == 0
    assert not LedgerEntry.objects.filter(order=order, kind=EntryKind.REFUND).exists()
    alice.wallet.refresh_from_db()
    assert alice.wallet.balance == D("100.00") - order.charge, "the money is still held"


def test_a_late_answer_after_the_sweep_keeps_the_upstream_id(alice, service, sandbox,
                                                             slow_provider, no_broker):
    """A worker presumed dead was only slow: the sweep moved its order to review, then the
    upstream's answer came. The id it carries must not be thrown away: without it staff
    cannot attach the order, and resending it places a second one upstream."""
    order = order_for(alice, service, FOLLOWERS)
    sandbox.fault("add", "timeout", delay=3, times=1)  # processed and answered, late
    returned: list[str | None] = []

    def slow_worker() -> None:
        try:
            returned.append(forward_one(order.pk))
        finally:
            connection.close()

    worker = threading.Thread(target=slow_worker)
    worker.start()
    try:
        wait_for_state(order, State.SENDING)
        later = timezone.now() + timedelta(seconds=settings.ORDER_SEND_TIMEOUT + 1)
        with time_machine.travel(later):
            assert sweep_stale_sending() == 1
    finally:
        worker.join(timeout=30)
    assert not worker.is_alive()

    [upstream] = sandbox.orders()
    order.refresh_from_db()
    assert order.upstream_id == upstream.order.id, "the upstream's answer was dropped"
    assert order.state in (State.REVIEW, State.PLACED)
    assert returned == [order.state], "forward_one reports the state the order is in"
    assert order.refunded == 0
