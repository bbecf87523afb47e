"""Loading the pricing rules from the database and applying them to stored prices."""

from django.db import transaction

from panel.api.snapshot import catalog_changed
from provider.models import PricingRule, Service, SmsPrice
from provider.pricing import Rule, RuleBook, service_sell_price, sms_sell_price


def _rule(row: PricingRule) -> Rule:
    return Rule(percent=row.percent, fixed=row.fixed, min_price=row.min_price,
                rounding=row.rounding, step=row.step, ending=row.ending,
                allow_below_cost=row.allow_below_cost)


def load_rulebook() -> RuleBook:
    """Every rule in one query."""
    book = RuleBook()
    for row in PricingRule.objects.all():
        if row.service_id:
            book.by_service[row.service_id] = _rule(row)
        elif row.category_id:
            book.by_category[row.category_id] = _rule(row)
        elif row.provider_id:
            book.by_provider[row.provider_id] = _rule(row)
        else:
            book.global_rule = _rule(row)
    return book


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
