"""Periodic provider work; each task calls one function."""

import logging

from celery import shared_task

from panel import alerts
from provider.client import ProviderError
from provider.models import Provider
from provider.providers import check_balance
from provider.sync import SyncFailed, record_sync_error, sync_provider

log = logging.getLogger(__name__)


# A sync writes only differences in one transaction, so running it twice is harmless.
# Whatever one provider raises, the others are still synced: one broken upstream must never
# keep another's price rise from being picked up.
@shared_task(acks_late=True)
def sync_all_catalogs() -> None:
    for provider in Provider.objects.filter(enabled=True):
        try:
            sync_provider(provider, progress=log.info)
        except SyncFailed as exc:
            log.warning("%s", exc)
        except Exception as exc:
            log.exception("sync of %s failed", provider.name)
            record_sync_error(provider, f"sync failed: {type(exc).__name__}: {exc}")


@shared_task(acks_late=True)
def check_provider_balances() -> None:
    for provider in Provider.objects.filter(enabled=True):
        key = f"provider:{provider.pk}:balance-check"
        try:
            check_balance(provider)
        except ProviderError as exc:
            log.warning("balance of %s unreadable: %s", provider.name, exc)
            _balance_check_failed(key, provider, str(exc))
        except Exception as exc:
            log.exception("balance check of %s failed", provider.name)
            _balance_check_failed(key, provider, f"{type(exc).__name__}: {exc}")
        else:
            alerts.close_incident(key)


def _balance_check_failed(key: str, provider: Provider, reason: str) -> None:
    try:
        alerts.open_incident(key, f"The balance check of {provider.name} failed", reason[:2000])
    except Exception:
        log.exception("could not open the incident %s", key)
