"""Celery tasks for orders: each takes ids and calls one function."""

import logging

from celery import shared_task

from orders import aftercare, alerts, forwarding, sms_tracking, tracking
from panel.locks import held

log = logging.getLogger(__name__)


# Not acks_late: a redelivered copy would find the order already claimed and do nothing,
# but a send must never be repeated, so the broker gets no chance to try.
@shared_task
def forward_order(order_id: int) -> str | None:
    return forwarding.forward_one(order_id)


@shared_task
def forward_waiting_orders() -> None:
    with held("forward-waiting", ttl=600) as got:
        if got:
            log.info("forwarding pass: %s", forwarding.forward_waiting())


# Polling only reads upstream and applies idempotent updates: safe to run twice.
@shared_task(acks_late=True)
def poll_orders() -> None:
    with held("poll-orders", ttl=600) as got:
        if got:
            log.info("polling pass: %s", tracking.poll())


@shared_task(acks_late=True)
def poll_sms_numbers() -> None:
    with held("poll-sms", ttl=120) as got:
        if got:
            log.info("SMS polling pass: %s", sms_tracking.poll_numbers())


# Reads refill statuses and stores the last word: harmless twice.
@shared_task(acks_late=True)
def poll_refills() -> None:
    with held("poll-refills", ttl=600) as got:
        if got:
            log.info("refill polling pass: %s asked", aftercare.poll_refills())


# Reads orders and providers, opens and closes incidents (each alerting once): harmless twice.
@shared_task(acks_late=True)
def check_incidents() -> None:
    with held("check-incidents", ttl=300) as got:
        if got:
            alerts.check_incidents()
