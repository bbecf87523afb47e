"""A real Celery worker, in its own process, sends an order placed in this one.

Nothing is eager: `place_order` enqueues on commit through the configured broker (Redis in
CI, the filesystem broker under PANEL_VAR_DIR on a laptop), and the worker reads the test
database and calls the sandbox that runs in this process, at 127.0.0.1.
"""

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from orders.models import Order, OrderEvent
from orders.states import State
from panel.celery import app
from tests.fixtures.processes import subprocess_env
from tests.orders.helpers import FOLLOWERS, order_for

pytestmark = pytest.mark.django_db(transaction=True)

PLACED_WITHIN = 20.0  # seconds, worker start-up included


@pytest.fixture
def worker(transactional_db, tmp_path) -> Iterator[Path]:
    """A worker on the default queue, emptied first; yields its log. Stopped however the
    test ends."""
    app.control.purge()
    log = tmp_path / "worker.log"
    env = subprocess_env()
    command = [sys.executable, "-m", "celery", "-A", "panel", "worker", "--pool", "solo",
               "--concurrency", "1", "-Q", "celery", "--without-heartbeat",
               "--without-mingle", "--without-gossip", "--loglevel", "INFO"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
    try:
        yield log
    finally:
        process.kill()  # a warm shutdown takes seconds; nothing is in flight by now
        process.wait(timeout=10)


def wait_until_placed(order: Order, log: Path) -> Order:
    deadline = time.monotonic() + PLACED_WITHIN
    while time.monotonic() < deadline:
        order.refresh_from_db()
        if order.state not in (State.QUEUED, State.SENDING):
            return order
        time.sleep(0.1)
    pytest.fail(f"the worker did not send order #{order.pk} within {PLACED_WITHIN} s "
                f"(broker {settings.CELERY_BROKER_URL}):\n{log.read_text()}")


def test_worker_sends_an_order_placed_through_the_broker(worker, alice, service, sandbox):
    order = order_for(alice, service, FOLLOWERS)  # enqueued on commit

    order = wait_until_placed(order, worker)

    assert order.state == State.PLACED, worker.read_text()
    [upstream] = sandbox.orders()  # the worker called the sandbox of this process
    assert order.upstream_id == upstream.order.id
    assert upstream.order.quantity == order.quantity
    assert list(OrderEvent.objects.filter(order=order).values_list("action", flat=True)) == [
        "claimed", "placed"]
