"""Alerts to staff: one per incident, not one per poll; closed when the condition clears,
alerting again the next time; a webhook a real local HTTP server receives."""

import json
import threading
from datetime import timedelta
from decimal import Decimal as D
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.utils import timezone

from orders.alerts import check_incidents
from orders.models import Order, OrderEvent
from orders.states import State
from panel import alerts
from panel.models import Incident
from provider.models import Category, Provider, Service

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _alert_settings(settings):
    settings.STAFF_ALERT_EMAILS = ["ops@example.com"]
    settings.STAFF_ALERT_WEBHOOK_URL = ""


@pytest.fixture
def quiet_provider(db):
    return Provider.objects.create(name="quiet", api_url="http://127.0.0.1:9/api",
                                   balance=D("100"), balance_alert_below=D("50"))


@pytest.fixture
def hook():
    """A chat tool's incoming webhook: a real HTTP server on 127.0.0.1 keeping each body."""
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers["Content-Length"])
            received.append({"type": self.headers["Content-Type"],
                             "body": json.loads(self.rfile.read(length))})
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received
    server.shutdown()
    server.server_close()


def low(provider: Provider, balance: str) -> None:
    Provider.objects.filter(pk=provider.pk).update(balance=D(balance))


def test_a_low_balance_alerts_once_closes_when_topped_up_and_alerts_again(quiet_provider):
    low(quiet_provider, "10")
    check_incidents()
    check_incidents()
    assert len(mail.outbox) == 1, "two passes, one incident, one mail"
    assert "quiet balance is low" in mail.outbox[0].subject
    incident = Incident.objects.get()
    assert incident.closed_at is None

    low(quiet_provider, "80")
    check_incidents()
    incident.refresh_from_db()
    assert incident.closed_at is not None, "the condition cleared: the incident closed"
    assert len(mail.outbox) == 1

    low(quiet_provider, "5")
    check_incidents()
    assert len(mail.outbox) == 2, "the next drop is a new incident with its own mail"
    assert Incident.objects.filter(closed_at=None).count() == 1


def test_the_webhook_receives_each_incident_once_as_json(quiet_provider, hook, settings):
    url, received = hook
    settings.STAFF_ALERT_WEBHOOK_URL = url
    low(quiet_provider, "10")
    check_incidents()
    check_incidents()
    assert len(received) == 1
    assert received[0]["type"] == "application/json"
    assert "quiet balance is low" in received[0]["body"]["text"]
    assert received[0]["body"]["key"] == f"provider:{quiet_provider.pk}:low-balance"


def test_the_webhook_never_reaches_a_private_address_unless_allowed(quiet_provider, hook,
                                                                   settings):
    url, received = hook
    settings.STAFF_ALERT_WEBHOOK_URL = url
    settings.PROVIDER_ALLOW_PRIVATE_URLS = False
    low(quiet_provider, "10")
    check_incidents()
    assert received == [], "127.0.0.1 is refused like a provider URL would be"
    assert len(mail.outbox) == 1, "the e-mail still goes"


def test_a_webhook_that_hangs_is_given_up_after_the_timeout(settings):
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection, never answers
    settings.STAFF_ALERT_WEBHOOK_TIMEOUT = 0.3
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
        assert alerts.post_webhook(url, {"text": "x"}) is False
    finally:
        listener.close()


@pytest.fixture
def order_in_review(quiet_provider, alice):
    category = Category.objects.create(provider=quiet_provider, name="Instagram")
    service = Service.objects.create(provider=quiet_provider, upstream_id=1, category=category,
                                     name="Followers", rate=D("1"), sell_price=D("2"))
    order = Order.objects.create(user=alice, provider=quiet_provider, service=service,
                                 link="https://x.example/p", quantity=100, unit_price=D("2"),
                                 charge=D("0.2"), state=State.REVIEW)
    OrderEvent.objects.create(order=order, action="review", from_state=State.SENDING,
                              to_state=State.REVIEW)
    return order


def test_orders_in_review_too_long_alert_once_and_close_when_decided(order_in_review,
                                                                    settings):
    settings.ALERT_REVIEW_AFTER_MINUTES = 30
    check_incidents()
    assert mail.outbox == [], "just arrived in review: no alert yet"
    OrderEvent.objects.filter(order=order_in_review).update(
        created_at=timezone.now() - timedelta(minutes=31))
    check_incidents()
    check_incidents()
    assert len(mail.outbox) == 1 and "review" in mail.outbox[0].subject
    assert f"#{order_in_review.pk}" in mail.outbox[0].body

    Order.objects.filter(pk=order_in_review.pk).update(state=State.PLACED,
                                                       placed_at=timezone.now())
    check_incidents()
    assert Incident.objects.get(key="orders:review").closed_at is not None


def test_orders_waiting_for_funds_are_one_incident_with_the_forwarders_alert(
        order_in_review, quiet_provider):
    from orders.forwarding import _alert_provider_funds

    Order.objects.filter(pk=order_in_review.pk).update(state=State.PROVIDER_FUNDS)
    _alert_provider_funds(quiet_provider)
    _alert_provider_funds(quiet_provider)
    check_incidents()
    assert [m.subject for m in mail.outbox] == ["[Reseller Panel] quiet is out of funds: "
                                                "orders are waiting"]
    Order.objects.filter(pk=order_in_review.pk).update(state=State.QUEUED)
    check_incidents()
    assert not Incident.objects.filter(closed_at=None).exists()


def test_a_failed_sync_alerts_and_a_partial_one_does_not(quiet_provider):
    Provider.objects.filter(pk=quiet_provider.pk).update(
        last_sync_error="3 rows skipped, the rest applied:\n- row")
    check_incidents()
    assert mail.outbox == []
    Provider.objects.filter(pk=quiet_provider.pk).update(
        last_sync_error="fetch failed, nothing changed: timeout")
    check_incidents()
    check_incidents()
    assert len(mail.outbox) == 1 and "sync of quiet failed" in mail.outbox[0].subject


def test_a_failed_balance_check_alerts_once_and_closes_at_the_next_good_read(sandbox,
                                                                            settings):
    from provider.tasks import check_provider_balances

    provider = Provider.objects.create(name="p", api_url=sandbox.url, api_key="wrong-key",
                                       timeout=1.0)
    check_provider_balances()
    check_provider_balances()
    assert len(mail.outbox) == 1 and "balance check of p failed" in mail.outbox[0].subject
    Provider.objects.filter(pk=provider.pk).update(api_key=sandbox.key)
    check_provider_balances()
    assert Incident.objects.get().closed_at is not None
