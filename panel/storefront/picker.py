"""The order form's service picker: category, then subcategory, then service, narrowed by the
same search as the catalog (`provider.search`).

It reads the picker's GET parameters (`q`, `category`, `subcategory`, `service`), which the
form sends with htmx as each control changes, or all at once with its "Show" button without
JavaScript. A category or subcategory other than the chosen service's is a new choice: the
service is dropped, and so is a subcategory of another category. Two queries at most (the
category tree, one page of services), whatever
the catalog's size; the list is cut at `LIMIT`, with a word saying so.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from panel.storefront import catalog as selectors
from provider import search
from provider.models import Service

LIMIT = 200  # services in the list; more are found by searching or a subcategory
ORDER = ("category__position", "category__name", "subcategory__name", "id")


@dataclass
class Group:
    label: str
    services: list[Service] = field(default_factory=list)


@dataclass
class Choice:
    service: Service | None
    category: int | None
    subcategory: int | None
    query: search.Query

    @cached_property
    def categories(self) -> list[selectors.CategoryChoice]:
        return selectors.categories()

    @cached_property
    def category_name(self) -> str:
        top = self._top
        return top.name if top else ""

    @property
    def _top(self) -> selectors.CategoryChoice | None:
        return next((c for c in self.categories if c.id == self.category), None)

    @cached_property
    def subcategories(self) -> list[selectors.CategoryChoice]:
        top = self._top
        return top.subcategories if top else []

    @cached_property
    def _listed(self) -> tuple[list[Service], bool]:
        if not (self.category or self.query.text):
            return [], False
        rows = selectors.on_sale().select_related("category", "subcategory").order_by(*ORDER)
        if self.category:
            rows = rows.filter(category_id=self.category)
        if self.subcategory and any(s.id == self.subcategory for s in self.subcategories):
            rows = rows.filter(subcategory_id=self.subcategory)
        found = list(search.matching(rows, self.query)[: LIMIT + 1])
        listed, cut = found[:LIMIT], len(found) > LIMIT
        if self.service and all(s.pk != self.service.pk for s in listed):
            listed.insert(0, self.service)  # the choice stays shown while the list narrows
        return listed, cut

    @property
    def asked(self) -> bool:
        """Whether a list was asked for (a category or a search)."""
        return bool(self.category or self.query.text)

    @property
    def services(self) -> list[Service]:
        return self._listed[0]

    @property
    def cut(self) -> bool:
        return self._listed[1]

    @property
    def groups(self) -> list[Group]:
        """The services in runs of one category and subcategory, as the list shows them."""
        groups: list[Group] = []
        for row in self.services:
            sub = row.subcategory.name if row.subcategory_id else ""
            if self.category:
                label = sub
            else:
                label = f"{row.category.name} \u203a {sub}" if sub else row.category.name
            if not groups or groups[-1].label != label:
                groups.append(Group(label))
            groups[-1].services.append(row)
        return groups


def choose(params: Mapping[str, object], service: Service | None) -> Choice:
    """What the picker shows for these parameters; `service` is the one asked for, if on
    sale."""
    category = selectors.parse_id(str(params.get("category") or ""))
    subcategory = selectors.parse_id(str(params.get("subcategory") or ""))
    if service and (
        (category and category != service.category_id)
        or (subcategory and subcategory != service.subcategory_id)
    ):
        service = None
    if service:
        category, subcategory = service.category_id, service.subcategory_id
    choice = Choice(service, category, subcategory, search.parse(str(params.get("q") or "")))
    if subcategory and not category:
        choice.subcategory = None
    return choice
