"""Periodic provider work; each task calls one function."""

import logging

from celery import shared_task

from provider.models import Provider
from provider.providers import check_all_balances
from provider.sync import SyncFailed, record_sync_error, sync_provider

log = logging.getLogger(__name__)


# A sync writes only differences in one transaction, so running it twice is harmless.
# Whatever one provider raises, the others are still synced: one broken upstream must never
# keep another's price rise from being picked up.
@shared_task(acks_late=True)
def sync_all_catalogs() -> None:
    # A full sync also keeps the names in other languages (never a reason for it to fail); a
    # short-circuited one leaves them, like the subcategory listings, to the next full sync
    # (`provider.catalog_digest`).
    for provider in Provider.objects.filter(enabled=True):
        try:
            sync_provider(provider, progress=log.info)
        except SyncFailed as exc:
            log.warning("%s", exc)
        except Exception as exc:
            log.exception("sync of %s failed", provider.name)
            record_sync_error(provider, f"sync failed: {type(exc).__name__}: {exc}")


# Reading a balance changes nothing upstream: safe to run twice.
@shared_task(acks_late=True)
def check_provider_balances() -> None:
    log.info("balance checks: %s", check_all_balances())
