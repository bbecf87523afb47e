"""Creating and updating providers, and reading their balance."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from panel import alerts
from provider.addresses import UnsafeUrl, check_provider_url
from provider.client import Balance
from provider.models import PricingRule, Provider
from provider.repricing import reprice


def validate_provider_url(url: str) -> None:
    """A ValidationError unless the panel may send a key to `url`: http(s), and a public
    address unless `PROVIDER_ALLOW_PRIVATE_URLS` (see `provider.addresses`)."""
    try:
        check_provider_url(url, allow_private=settings.PROVIDER_ALLOW_PRIVATE_URLS)
    except UnsafeUrl as exc:
        raise ValidationError(str(exc), code="unsafe_url") from None


def validate_key_for_url(provider: Provider, *, url: str, key: str) -> None:
    """A key goes only to the address it was entered for: a saved provider whose URL
    changes needs its key entered again (`key` empty means "keep the saved one")."""
    if provider.pk is not None and url != provider.api_url and not key:
        raise ValidationError("The URL changed: enter the API key again. The saved key is "
                              "only ever sent to the URL it was entered for.",
                              code="key_required")


@transaction.atomic
def save_provider(*, name: str, url: str, key: str, markup: Decimal | None = None,
                  timeout: float | None = None,
                  allow_below_cost: bool = False) -> tuple[Provider, bool]:
    """Create the provider NAME, or update its URL, key, timeout and markup. An empty `key`
    keeps the saved one, which only an unchanged URL may do."""
    validate_provider_url(url)
    provider = Provider.objects.select_for_update().filter(name=name).first()
    created = provider is None
    provider = provider or Provider(name=name)
    validate_key_for_url(provider, url=url, key=key)
    provider.api_url = url
    provider.api_key = key or provider.api_key
    if timeout is not None:
        provider.timeout = timeout
    elif created:
        provider.timeout = settings.PROVIDER_DEFAULT_TIMEOUT
    provider.full_clean()
    provider.save()
    if markup is not None:
        set_provider_markup(provider, markup, allow_below_cost=allow_below_cost)
    return provider, created


def set_provider_markup(provider: Provider, percent: Decimal, *,
                        allow_below_cost: bool = False) -> None:
    """The provider's rule takes `percent` (its other terms kept); ValidationError when that
    would sell below cost without `allow_below_cost`."""
    rule = (PricingRule.objects.filter(provider=provider, category=None, service=None).first()
            or PricingRule(provider=provider))
    rule.percent, rule.allow_below_cost = percent, allow_below_cost
    rule.full_clean()
    rule.save()
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
    return alerts.staff_emails()


def low_balance_key(provider: Provider) -> str:
    return f"provider:{provider.pk}:low-balance"


def check_balance(provider: Provider) -> bool:
    """Read the balance; alert staff once per drop under the threshold (an incident, closed
    when the balance is back). Returns whether an alert was sent."""
    balance = read_balance(provider)
    threshold = provider.balance_alert_below
    if threshold is None or balance.amount >= threshold:
        alerts.close_incident(low_balance_key(provider))
        Provider.objects.filter(pk=provider.pk).update(balance_alerted_at=None)
        return False
    opened = alerts.open_incident(
        low_balance_key(provider),
        f"{provider.name} balance is low: {balance.amount} {balance.currency}",
        (f"The balance of provider {provider.name} is {balance.amount} "
         f"{balance.currency}, below the alert threshold of {threshold}.\n"
         "Orders will wait for provider funds once it runs out: top it up."))
    if opened:
        Provider.objects.filter(pk=provider.pk).update(balance_alerted_at=timezone.now())
    return opened is not None
