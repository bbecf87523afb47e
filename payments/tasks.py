"""Celery tasks for payments: each calls one function."""

import logging

from celery import shared_task

from panel.locks import held
from payments.deposits import refresh_open_deposits

log = logging.getLogger(__name__)


# Only reads the processors and applies statuses forward, crediting once: safe to run twice.
@shared_task(acks_late=True)
def refresh_deposits() -> None:
    with held("refresh-deposits", ttl=600) as got:
        if got:
            log.info("deposit refresh: %s", refresh_open_deposits())
