"""What the catalog shows: the services on sale, filtered, and the SMS offers.

Every function returns a bounded number of queries whatever the catalog's size (one for
the categories, one or two for a page of services or SMS offers).
"""

from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import Count, Min, Q, QuerySet
from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from provider import search
from provider.models import (
    Category,
    EntityType,
    Service,
    SmsPrice,
    service_on_sale,
    translated,
)

KINDS = {"smm": _("SMM"), "product": _("Products"), "sms": _("SMS numbers")}
DELIVERIES = {"auto": _("Instant (automatic)"), "manual": _("Manual")}
MAX_QUERY = search.MAX_QUERY


def parse_id(raw: str | None) -> int | None:
    text = (raw or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 18 else None


@dataclass(frozen=True)
class Filters:
    q: str = ""
    category: int | None = None  # a category or a subcategory
    kind: str = ""
    delivery: str = ""
    in_stock: bool = False

    @classmethod
    def from_query(cls, params: QueryDict) -> "Filters":
        kind = params.get("kind", "")
        delivery = params.get("delivery", "")
        q = search.clean(params.get("q", ""))
        if kind == "sms":  # numbers have no category, delivery or stock: those filters drop
            return cls(q=q, kind=kind)
        return cls(q=q,
                   category=parse_id(params.get("category")),
                   kind=kind if kind in KINDS else "",
                   delivery=delivery if delivery in DELIVERIES else "",
                   in_stock=params.get("stock") == "1")

    @property
    def active(self) -> bool:
        return self != replace(Filters(), q=self.q)


def on_sale() -> QuerySet[Service]:
    return Service.objects.on_sale()


def services(filters: Filters, query: search.Query | None = None) -> QuerySet[Service]:
    """The services the filters keep, the search's best first (`provider.search`)."""
    rows = on_sale().select_related("category", "subcategory", "provider")
    rows = search.matching(rows, query or search.parse(filters.q))
    if filters.category:
        rows = rows.filter(Q(category_id=filters.category) | Q(subcategory_id=filters.category))
    if filters.kind in (EntityType.SMM, EntityType.PRODUCT):
        rows = rows.filter(entity_type=filters.kind)
    if filters.delivery:
        rows = rows.filter(auto_delivery=filters.delivery == "auto")
    if filters.in_stock:
        rows = rows.filter(Q(stock__isnull=True) | Q(stock__gt=0))
    return rows


@dataclass(frozen=True)
class CategoryChoice:
    id: int
    name: str
    count: int
    subcategories: list["CategoryChoice"]


def categories() -> list[CategoryChoice]:
    """Categories with services on sale, each with its subcategories, in one query."""
    rows = (Category.objects
            .annotate(top=Count("services", distinct=True,
                                filter=service_on_sale("services__")),
                      sub=Count("sub_services", distinct=True,
                                filter=service_on_sale("sub_services__")))
            .filter(Q(top__gt=0) | Q(sub__gt=0))
            .values("id", "name", "name_ar", "parent_id", "top", "sub", "position")
            .order_by("position", "name"))
    language = get_language() or ""
    tops: dict[int, CategoryChoice] = {}
    subs: list[dict] = []
    for row in rows:
        # Shown in the reader's language; the id (never the name) is what filters take.
        row["name"] = translated(row, language) or row["name"]
        if row["parent_id"] is None:
            tops[row["id"]] = CategoryChoice(row["id"], row["name"], row["top"], [])
        else:
            subs.append(row)
    for row in subs:
        parent = tops.get(row["parent_id"])
        if parent is not None:
            parent.subcategories.append(CategoryChoice(row["id"], row["name"], row["sub"], []))
    return list(tops.values())


@dataclass(frozen=True)
class SmsOffer:
    project_id: int
    name: str
    lowest: Decimal
    countries: int


def sms_offers(q: str = "") -> list[SmsOffer]:
    """Each SMS project on sale, with its lowest price and how many countries have it."""
    rows = SmsPrice.objects.on_sale()
    if q:
        rows = rows.filter(project__name__icontains=q)
    grouped = (rows.values("project_id", "project__name")
               .annotate(lowest=Min("sell_price"), countries=Count("country", distinct=True))
               .order_by("project__name"))
    return [SmsOffer(r["project_id"], r["project__name"], r["lowest"], r["countries"])
            for r in grouped]
