"""Loading the pricing rules from the database and applying them to stored prices."""

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from provider.catalog_version import catalog_changed
from provider.models import PricingRule, Service, SmsPrice
from provider.pricing import RuleBook, markup_refusal, service_sell_price, sms_sell_price


def load_rulebook() -> RuleBook:
    """Every rule in one query, and the services allowed an override under cost in another."""
    book = RuleBook()
    for row in PricingRule.objects.all():
        if row.service_id:
            book.by_service[row.service_id] = row.as_rule()
        elif row.category_id:
            book.by_category[row.category_id] = row.as_rule()
        elif row.provider_id:
            book.by_provider[row.provider_id] = row.as_rule()
        else:
            book.global_rule = row.as_rule()
    book.overrides_below_cost = set(
        Service.objects.filter(override_below_cost=True).values_list("id", flat=True))
    return book


@transaction.atomic
def set_services_markup(service_ids: Iterable[int], *, percent: Decimal,
                        allow_below_cost: bool = False) -> int:
    """Give each service its own rule of `percent` (the other terms of a rule it has are
    kept), then reprice; returns how many prices moved. A rule that would sell below cost
    without `allow_below_cost` raises ValidationError, and nothing is changed."""
    ids = list(service_ids)
    existing = {row.service_id: row for row in
                PricingRule.objects.select_for_update().filter(service_id__in=ids)}
    rows = []
    for service_id in ids:
        row = existing.get(service_id) or PricingRule(service_id=service_id)
        row.percent, row.allow_below_cost = percent, allow_below_cost
        if reason := markup_refusal(row.as_rule()):
            raise ValidationError(reason, code="below_cost")
        rows.append(row)
    PricingRule.objects.bulk_create([row for row in rows if row.pk is None])
    PricingRule.objects.bulk_update([row for row in rows if row.pk is not None],
                                    ["percent", "allow_below_cost"])
    return reprice()


@transaction.atomic
def reprice(provider_id: int | None = None) -> int:
    """Recompute sell prices after a rule changed; returns how many prices moved."""
    book = load_rulebook()
    services = Service.objects.only(
        "id", "provider_id", "category_id", "subcategory_id", "rate", "price_override",
        "sell_price")
    sms_prices = SmsPrice.objects.select_related("project").only(
        "id", "cost", "sell_price", "project__provider_id")
    if provider_id is not None:
        services = services.filter(provider_id=provider_id)
        sms_prices = sms_prices.filter(project__provider_id=provider_id)
    moved = []
    for service in services:
        price = service_sell_price(
            book, cost=service.rate, provider_id=service.provider_id,
            category_id=service.category_id, subcategory_id=service.subcategory_id,
            service_id=service.id, override=service.price_override)
        if price != service.sell_price:
            service.sell_price = price
            moved.append(service)
    Service.objects.bulk_update(moved, ["sell_price"], batch_size=2000)
    moved_sms = []
    for row in sms_prices:
        price = sms_sell_price(book, cost=row.cost, provider_id=row.project.provider_id)
        if price != row.sell_price:
            row.sell_price = price
            moved_sms.append(row)
    SmsPrice.objects.bulk_update(moved_sms, ["sell_price"], batch_size=2000)
    if moved:
        catalog_changed()
    return len(moved) + len(moved_sms)
