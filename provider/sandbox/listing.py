"""The catalog as the `services` and `categories` actions show it, serialized once.

A catalog can hold 20,000 services and `services` must still answer at once, so each
service's JSON is built the first time it is asked for and kept. The HstockPlus shape shows
live stock, so its cached text is rebuilt only for the services whose stock has changed;
the standard shape has no stock, so its whole list is cached.
"""

import json
from collections.abc import Callable, Mapping, Sequence

from provider.sandbox.catalog import Entity, Service
from provider.sandbox.money import five_places


def hstockplus_service(service: Service, stock: int) -> dict[str, object]:
    """A service exactly as the HstockPlus `services` action lists it."""
    return {
        "service": service.id, "name": service.name, "type": "Default",
        "category": service.category, "rate": str(service.rate),
        "min": service.min_quantity, "max": service.max_quantity,
        "refill": service.refill, "cancel": service.cancel, "stock": stock,
        "entityType": str(service.entity), "autoDelivery": service.auto_delivery,
    }


# Filler services the standard dialect sells as other types of the standard, so orders of
# each type can run end to end (the HstockPlus dialect lists them all as `Default`).
STANDARD_TYPES: dict[int, str] = {
    16: "Custom Comments", 22: "Poll", 24: "Comment Likes", 28: "Package",
    34: "Mentions User Followers", 40: "Mentions Custom List",
}
# What `add` takes for each type besides `link` (and `quantity` unless counted or a package).
TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "Default": (), "Package": (), "Custom Comments": ("comments",), "Poll": ("answer_number",),
    "Comment Likes": ("username",), "Mentions User Followers": ("username",),
    "Mentions Custom List": ("usernames",),
}
COUNTED = {"Custom Comments": "comments", "Mentions Custom List": "usernames"}


def standard_type(service: Service) -> str:
    return STANDARD_TYPES.get(service.id, "Default")


def drips(service: Service) -> bool:
    """Whether the standard dialect takes `runs` and `interval` for this service."""
    return service.id % 4 == 1 and standard_type(service) == "Default"


def standard_service(service: Service) -> dict[str, object]:
    """A service as a standard SMM panel lists it: numbers as strings, some extras.

    Every third service prints its rate with five places and every odd one carries
    `dripfeed` and `desc`, so clients meet both shapes that real providers send.
    """
    rate = five_places(service.rate) if service.id % 3 == 0 else str(service.rate)
    item: dict[str, object] = {
        "service": service.id, "name": service.name, "type": standard_type(service),
        "category": service.category, "rate": rate,
        "min": str(service.min_quantity), "max": str(service.max_quantity),
        "refill": service.refill, "cancel": service.cancel,
    }
    if service.id % 2 == 1:
        item["dripfeed"] = drips(service)
        item["desc"] = f"{service.subcategory} for {service.category}. Starts within minutes."
    return item


class Listing:
    """One catalog's services, indexed for the filters and with their JSON kept."""

    def __init__(self, services: Sequence[Service], *, pristine: bool = True) -> None:
        self.services: tuple[Service, ...] = tuple(services)
        self.pristine = pristine  # exactly what build_services made, nothing changed since
        self.by_id: dict[int, Service] = {service.id: service for service in self.services}
        self._by_category = _group(self.services, lambda service: service.category)
        self._by_subcategory = _group(self.services, lambda service: service.subcategory)
        self._categories = _categories(self.services)
        self._fragments: dict[int, tuple[int, str]] = {}
        self._standard: str | None = None

    def replaced(self, changed: Service) -> "Listing":
        """A copy with one service changed; the others keep their cached JSON."""
        copy = Listing([changed if service.id == changed.id else service
                        for service in self.services], pristine=False)
        copy._fragments = {service_id: cached for service_id, cached in self._fragments.items()
                           if service_id != changed.id}
        return copy

    def categories(self) -> list[dict[str, object]]:
        return self._categories

    def select(self, category: str = "", subcategory: str = "") -> Sequence[Service]:
        """The services in a category and/or subcategory (canonical English names)."""
        if category:
            chosen = self._by_category.get(category, [])
            if subcategory:
                return [service for service in chosen if service.subcategory == subcategory]
            return chosen
        if subcategory:
            return self._by_subcategory.get(subcategory, [])
        return self.services

    def hstockplus_json(self, services: Sequence[Service], stock: Mapping[int, int]) -> str:
        """A JSON array of `services` in the HstockPlus shape, with live stock."""
        return "[" + ", ".join(self._fragment(service, stock) for service in services) + "]"

    def standard_json(self) -> str:
        """The standard dialect's bare list (smm services only)."""
        if self._standard is None:
            items = [standard_service(service) for service in self.services
                     if service.entity is Entity.SMM]
            self._standard = json.dumps(items)
        return self._standard

    def _fragment(self, service: Service, stock: Mapping[int, int]) -> str:
        current = stock.get(service.id, service.stock)
        cached = self._fragments.get(service.id)
        if cached is not None and cached[0] == current:
            return cached[1]
        text = json.dumps(hstockplus_service(service, current))
        self._fragments[service.id] = (current, text)
        return text


def _group(services: Sequence[Service], key: Callable[[Service], str]) -> dict[str, list[Service]]:
    groups: dict[str, list[Service]] = {}
    for service in services:
        groups.setdefault(key(service), []).append(service)
    return groups


def _categories(services: Sequence[Service]) -> list[dict[str, object]]:
    """`categories` in catalog order, each with its subcategories in order of appearance."""
    tree: dict[str, dict[str, None]] = {}
    for service in services:
        tree.setdefault(service.category, {})[service.subcategory] = None
    return [{"category": name, "subcategories": list(subs)} for name, subs in tree.items()]

