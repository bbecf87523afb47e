"""Periodic provider work; each task calls one function."""

import logging

from celery import shared_task

from provider.client import ProviderError
from provider.models import Provider
from provider.providers import check_balance
from provider.sync import SyncFailed, sync_provider

log = logging.getLogger(__name__)


# A sync writes only differences in one transaction, so running it twice is harmless.
@shared_task(acks_late=True)
def sync_all_catalogs() -> None:
    for provider in Provider.objects.filter(enabled=True):
        try:
            sync_provider(provider, progress=log.info)
        except SyncFailed as exc:
            log.warning("%s", exc)


@shared_task(acks_late=True)
def check_provider_balances() -> None:
    for provider in Provider.objects.filter(enabled=True):
        try:
            check_balance(provider)
        except ProviderError as exc:
            log.warning("balance of %s unreadable: %s", provider.name, exc)
