"""What staff are alerted about, looked at on a schedule (`check_incidents`, beat):

- a provider's balance under its alert threshold (`provider:<id>:low-balance`),
- a provider out of funds: orders waiting for its funds (`provider:<id>:out-of-funds`),
- a provider whose last catalog sync failed (`provider:<id>:sync-failed`),
- orders in review longer than ALERT_REVIEW_AFTER_MINUTES (`orders:review`, one incident for
  all of them: an outage can send dozens to review, staff need one message),
- placed orders with no result for ALERT_STUCK_AFTER_MINUTES, or with a status the panel does
  not know (`orders:stuck`).

A failed balance check opens `provider:<id>:balance-check` where it happens
(`provider.tasks.check_provider_balances`) and closes at the next good read. Each incident
alerts once (`panel.alerts`) and closes when its condition clears.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, F, Max, Q
from django.utils import timezone

from orders.models import Order
from orders.states import State
from panel import alerts
from provider.models import Provider

SYNC_PARTIAL = "rows skipped, the rest applied"


def provider_key(provider_id: int, what: str) -> str:
    return f"provider:{provider_id}:{what}"


def out_of_funds(provider: Provider) -> None:
    """The provider answered "Insufficient balance": alert now (once while orders wait)."""
    alerts.open_incident(
        provider_key(provider.pk, "out-of-funds"),
        f"{provider.name} is out of funds: orders are waiting",
        f"{provider.name} answered 'Insufficient balance'. Orders wait in 'provider funds' "
        "and are sent again once the account is topped up.")


def _provider_conditions() -> dict[str, tuple[str, str]]:
    current: dict[str, tuple[str, str]] = {}
    waiting = dict(Order.objects.filter(state=State.PROVIDER_FUNDS).values_list("provider")
                   .annotate(n=Count("id")).values_list("provider", "n"))
    for p in Provider.objects.filter(enabled=True):
        if p.balance is not None and p.balance_alert_below is not None \
                and p.balance < p.balance_alert_below:
            current[provider_key(p.pk, "low-balance")] = (
                f"{p.name} balance is low: {p.balance} {p.currency}",
                f"The balance of provider {p.name} is {p.balance} {p.currency}, below the "
                f"alert threshold of {p.balance_alert_below}.\nOrders will wait for provider "
                "funds once it runs out: top it up.")
        if waiting.get(p.pk):
            current[provider_key(p.pk, "out-of-funds")] = (
                f"{p.name} is out of funds: orders are waiting",
                f"{waiting[p.pk]} order(s) wait for {p.name}'s funds.")
        first_line = p.last_sync_error.partition("\n")[0]
        if first_line and SYNC_PARTIAL not in first_line:
            current[provider_key(p.pk, "sync-failed")] = (
                f"The catalog sync of {p.name} failed", p.last_sync_error[:2000])
    return current


def _listing(orders: list[Order]) -> str:
    lines = [f"#{o.pk} {o.get_state_display()} since {o.since:%Y-%m-%d %H:%M} UTC"
             if o.since else f"#{o.pk} {o.get_state_display()}" for o in orders[:20]]
    return "\n".join(lines + (["and more"] if len(orders) > 20 else []))


def _order_conditions() -> dict[str, tuple[str, str]]:
    now = timezone.now()
    current: dict[str, tuple[str, str]] = {}
    # Since when: the event that moved it to review (state moves are updates, which leave
    # `updated_at` alone).
    review = list(Order.objects.filter(state=State.REVIEW).annotate(
        since=Max("events__created_at", filter=Q(events__to_state=State.REVIEW))).filter(
        since__lt=now - timedelta(minutes=settings.ALERT_REVIEW_AFTER_MINUTES))
        .order_by("since")[:21])
    if review:
        current["orders:review"] = (
            "Orders wait in review for a person",
            "The outcome of these orders is unknown; decide them in the delivery queue:\n"
            + _listing(review))
    stuck = list(Order.objects.filter(state=State.PLACED).filter(
        Q(placed_at__lt=now - timedelta(minutes=settings.ALERT_STUCK_AFTER_MINUTES))
        | Q(status_unknown=True)).annotate(since=F("placed_at")).order_by("placed_at")[:21])
    if stuck:
        current["orders:stuck"] = ("Orders are stuck upstream",
                                   "Placed long ago with no result, or with a status the "
                                   "panel does not know:\n" + _listing(stuck))
    return current


def check_incidents() -> None:
    """One look at providers and orders: open what holds, close what cleared."""
    providers = _provider_conditions()
    for what in ("low-balance", "out-of-funds", "sync-failed"):
        alerts.reconcile({k: v for k, v in providers.items() if k.endswith(f":{what}")},
                         startswith="provider:", endswith=f":{what}")
    orders = _order_conditions()
    for key in ("orders:review", "orders:stuck"):
        alerts.reconcile({k: v for k, v in orders.items() if k == key}, startswith=key)
