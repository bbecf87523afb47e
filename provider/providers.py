"""Creating and updating providers, and reading their balance."""

import logging
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from panel import alerts
from provider.addresses import UnsafeUrl, check_provider_url
from provider.client import Balance, ProviderError
from provider.models import PricingRule, Provider
from provider.repricing import reprice

log = logging.getLogger(__name__)


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
        raise ValidationError(_("The URL changed: enter the API key again. The saved key is "
                                "only ever sent to the URL it was entered for."),
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


def low_balance_key(provider: Provider) -> str:
    return f"provider:{provider.pk}:low-balance"


def check_balance(provider: Provider) -> bool:
    """Read the balance; alert staff once per drop under the threshold (an incident, closed
    when the balance is back). Returns whether an alert was sent."""
    balance = read_balance(provider)
    threshold = provider.balance_alert_below
    if threshold is None or balance.amount >= threshold:
        alerts.close_incident(low_balance_key(provider))
        return False
    opened = alerts.open_incident(
        low_balance_key(provider),
        f"{provider.name} balance is low: {balance.amount} {balance.currency}",
        (f"The balance of provider {provider.name} is {balance.amount} "
         f"{balance.currency}, below the alert threshold of {threshold}.\n"
         "Orders will wait for provider funds once it runs out: top it up."))
    return opened is not None


def check_all_balances() -> dict[str, int]:
    """Check every enabled provider's balance. Whatever one provider answers or raises, the
    others are still checked; a failure is kept on that provider (shown in admin) until a
    check succeeds."""
    counts = {"checked": 0, "failed": 0}
    for provider in Provider.objects.filter(enabled=True):
        try:
            check_balance(provider)
        except Exception as exc:
            counts["failed"] += 1
            log.warning("balance of %s unreadable: %s", provider.name, exc,
                        exc_info=not isinstance(exc, ProviderError))
            reason = f"{type(exc).__name__}: {exc}"
            Provider.objects.filter(pk=provider.pk).update(
                last_balance_error=f"{timezone.now():%Y-%m-%d %H:%M} {reason}"[:2000])
            _balance_check_failed(provider, reason)
        else:
            counts["checked"] += 1
            Provider.objects.filter(pk=provider.pk).exclude(last_balance_error="").update(
                last_balance_error="")
            alerts.close_incident(balance_check_key(provider))
    return counts


def balance_check_key(provider: Provider) -> str:
    return f"provider:{provider.pk}:balance-check"


def _balance_check_failed(provider: Provider, reason: str) -> None:
    # An alert that cannot be raised must not stop the other providers' checks.
    try:
        alerts.open_incident(balance_check_key(provider),
                             f"The balance check of {provider.name} failed", reason[:2000])
    except Exception:
        log.exception("could not open the balance-check incident of %s", provider.name)
