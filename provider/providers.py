"""Creating and updating providers, and reading their balance."""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from panel import mail
from provider.client import Balance
from provider.models import PricingRule, Provider
from provider.repricing import reprice


@transaction.atomic
def save_provider(*, name: str, url: str, key: str, markup: Decimal | None = None,
                  timeout: float | None = None) -> tuple[Provider, bool]:
    """Create the provider NAME, or update its URL, key, timeout and markup."""
    provider = Provider.objects.select_for_update().filter(name=name).first()
    created = provider is None
    provider = provider or Provider(name=name)
    provider.api_url = url
    provider.api_key = key
    if timeout is not None:
        provider.timeout = timeout
    elif created:
        provider.timeout = settings.PROVIDER_DEFAULT_TIMEOUT
    provider.full_clean()
    provider.save()
    if markup is not None:
        set_provider_markup(provider, markup)
    return provider, created


def set_provider_markup(provider: Provider, percent: Decimal) -> None:
    PricingRule.objects.update_or_create(
        provider=provider, category=None, service=None, defaults={"percent": percent})
    reprice(provider.id)


def read_balance(provider: Provider) -> Balance:
    """Ask the upstream for the balance and remember it."""
    client = provider.client()
    try:
        balance = client.balance()
    finally:
        client.close()
    Provider.objects.filter(pk=provider.pk).update(
        balance=balance.amount, balance_checked_at=timezone.now())
    provider.balance = balance.amount
    return balance


def staff_emails() -> list[str]:
    configured = list(settings.STAFF_ALERT_EMAILS)
    return configured or list(get_user_model().objects.filter(
        is_staff=True, is_active=True).exclude(email="").values_list("email", flat=True))


def check_balance(provider: Provider) -> bool:
    """Read the balance; alert staff (once per drop) when it is under the threshold.
    Returns whether an alert was sent."""
    balance = read_balance(provider)
    threshold = provider.balance_alert_below
    if threshold is None or balance.amount >= threshold:
        Provider.objects.filter(pk=provider.pk).update(balance_alerted_at=None)
        return False
    if provider.balance_alerted_at is not None:
        return False
    mail.send(
        f"[panel] {provider.name} balance is low: {balance.amount} {balance.currency}",
        (f"The balance of provider {provider.name} is {balance.amount} "
         f"{balance.currency}, below the alert threshold of {threshold}.\n"
         "Orders will wait for provider funds once it runs out: top it up."),
        staff_emails() or ["root@localhost"])
    Provider.objects.filter(pk=provider.pk).update(balance_alerted_at=timezone.now())
    return True
