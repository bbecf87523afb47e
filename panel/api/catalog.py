"""What is on sale, as the API lists it: services, categories, inventory, the SMS catalog.

On sale is `provider.models.service_on_sale` (and `sms_price_on_sale`): enabled by the admin,
still listed by the upstream at the last sync, from an enabled provider, and priced above zero.
Rows come from `.values()` in one query, never model instances.
"""

from math import ceil

from django.db.models import QuerySet

from panel.api.params import ApiError
from panel.api.serialization import SERVICE_COLUMNS, money, service_row
from provider.models import EntityType, Service, SmsCountry, SmsPrice

ORDERING = ("category__position", "category__name", "id")
MAX_PAGE_SIZE = 1000


def on_sale_services() -> QuerySet[Service]:
    return Service.objects.on_sale()


def service_rows(services: QuerySet[Service], start: int = 0, stop: int | None = None, *,
                 standard: bool = False) -> list[dict[str, object]]:
    """Rows `start:stop` of `services` in catalog order, in one query (`standard`: as the
    bare list writes them)."""
    rows = services.order_by(*ORDERING).values(*SERVICE_COLUMNS)[start:stop]
    return [service_row(row, standard=standard) for row in rows]


def without_products(services: QuerySet[Service]) -> QuerySet[Service]:
    """What a client that speaks only the standard may see. It prices an order as
    `quantity * rate / 1000`, so a product (priced per item) listed to it would sell at a
    thousandth of its price: products are left out of the bare list unless asked for."""
    return services.exclude(entity_type=EntityType.PRODUCT)


def filtered(*, category: str = "", subcategory: str = "") -> QuerySet[Service]:
    """`category` and `subcategory` are the canonical names `categories` lists."""
    services = on_sale_services()
    if category:
        services = services.filter(category__name=category)
    if subcategory:
        services = services.filter(subcategory__name=subcategory)
    return services


def services_page(services: QuerySet[Service], *, page: int, limit: int) -> dict[str, object]:
    """The paginated envelope: `{services, total, page, limit, total_pages}`."""
    limit = min(limit, MAX_PAGE_SIZE)
    total = services.count()
    start = (page - 1) * limit
    rows = service_rows(services, start, start + limit) if start < total else []
    return {"services": rows, "total": total, "page": page, "limit": limit,
            "total_pages": ceil(total / limit)}


def categories() -> list[dict[str, object]]:
    """Each category with a service on sale, with its subcategories, in catalog order.
    Categories of the same name from two providers are one."""
    pairs = (on_sale_services()
             .order_by("category__position", "category__name", "subcategory__position",
                       "subcategory__name")
             .values_list("category__name", "subcategory__name").distinct())
    tree: dict[str, dict[str, None]] = {}
    for category, subcategory in pairs:
        subs = tree.setdefault(category, {})
        if subcategory:
            subs[subcategory] = None
    return [{"category": name, "subcategories": list(subs)} for name, subs in tree.items()]


def inventory(service_id: int) -> dict[str, object]:
    row = on_sale_services().filter(pk=service_id).values(
        "id", "stock", "max_quantity", "entity_type", "auto_delivery").first()
    if row is None:
        raise ApiError("Service not found")
    stock = row["stock"] if row["stock"] is not None else row["max_quantity"]
    return {"service": row["id"], "stock": stock, "available": stock > 0,
            "entityType": row["entity_type"], "autoDelivery": row["auto_delivery"]}


# --- SMS ---------------------------------------------------------------------------------


def on_sale_prices() -> QuerySet[SmsPrice]:
    return SmsPrice.objects.on_sale()


def sms_countries() -> list[dict[str, str]]:
    """Countries with a number on sale; one per code across providers."""
    rows = (SmsCountry.objects.filter(pk__in=on_sale_prices().values("country_id"))
            .order_by("name", "code").values_list("code", "name"))
    seen: dict[str, str] = {}
    for code, name in rows:
        seen.setdefault(code, name)
    return [{"country_code": code, "country_name": name} for code, name in seen.items()]


def sms_projects(country: str = "") -> list[dict[str, str]]:
    """One row per project and country on sale; `project_id` is the panel's own."""
    prices = on_sale_prices()
    if country:
        prices = prices.filter(country__code=country.lower())
    rows = prices.order_by("project__name", "project_id", "country__name").values_list(
        "project_id", "project__name", "sell_price", "country__code", "country__name")
    return [{"project_id": str(project_id), "name": name, "price": money(price),
             "country_id": code, "country_title": title}
            for project_id, name, price, code, title in rows]
