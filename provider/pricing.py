"""Markup pricing: from an upstream cost to the panel's sell price, in Decimal only.

Rules live at four levels and the most specific one wins: a service's own rule (or its
fixed price override), its subcategory's or category's rule, its provider's, the global
default. A rule adds a percentage and/or a fixed amount to the cost, lifts the result to a
minimum price, then rounds up (to a step such as 0.01, or to an ending such as .99). The
result is never below cost unless the rule explicitly allows it.

Selling below cost is refused where a rule or an override is entered (`markup_refusal`,
`override_refusal`) unless the admin ticks "allow below cost" for it; a price that falls under
cost later (the upstream raised its rate) is lifted to cost, never sold at a loss silently.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from functools import lru_cache

from django.utils.translation import gettext as _

HUNDRED = Decimal(100)
SMS_STEP = Decimal("0.0001")


@dataclass(frozen=True)
class Rule:
    percent: Decimal = Decimal(0)
    fixed: Decimal = Decimal(0)
    min_price: Decimal | None = None
    rounding: str = "step"  # "step" or "ending"
    step: Decimal = Decimal("0.0001")
    ending: Decimal = Decimal("0.99")
    allow_below_cost: bool = False


NO_MARKUP = Rule()


def round_up_to_step(amount: Decimal, step: Decimal) -> Decimal:
    """The smallest multiple of `step` that is >= `amount`."""
    if step <= 0:
        return amount
    return (amount / step).to_integral_value(rounding=ROUND_CEILING) * step


def round_up_to_ending(amount: Decimal, ending: Decimal) -> Decimal:
    """The smallest number with fractional part `ending` (e.g. 0.99) that is >= `amount`."""
    candidate = amount.to_integral_value(rounding=ROUND_FLOOR) + ending
    return candidate if candidate >= amount else candidate + 1


@lru_cache(maxsize=16_384)
def sell_price(cost: Decimal, rule: Rule) -> Decimal:
    """The sell price per price unit for an upstream `cost` under `rule`.

    Remembered: a catalog of tens of thousands of services has far fewer distinct (cost,
    rule) pairs, and Decimal arithmetic is most of what a first sync does per row. Equal
    costs written differently (1.0, 1.00) price alike: the result is rounded to the rule's
    step or ending either way."""
    price = cost * (1 + rule.percent / HUNDRED) + rule.fixed
    if rule.min_price is not None:
        price = max(price, rule.min_price)
    if rule.rounding == "ending":
        price = round_up_to_ending(price, rule.ending)
    else:
        price = round_up_to_step(price, rule.step)
    if price < cost and not rule.allow_below_cost:
        price = round_up_to_step(cost, rule.step)
    return max(price, Decimal(0))


def plain(amount: Decimal) -> str:
    """`amount` without trailing zeros or an exponent, for messages: -20, 0.5, 100."""
    return f"{amount.normalize():f}"


def markup_refusal(rule: Rule) -> str | None:
    """Why `rule` may not be saved, or None. A negative percentage sells large costs below
    cost and a negative fixed amount small ones (a minimum price cannot save every cost), so
    either needs the rule to allow selling below cost."""
    if rule.allow_below_cost or (rule.percent >= 0 and rule.fixed >= 0):
        return None
    terms = [f"{plain(rule.percent)}%" if rule.percent < 0 else "",
             _("%(amount)s per unit") % {"amount": plain(rule.fixed)} if rule.fixed < 0 else ""]
    return _('A markup of %(terms)s would sell below cost. Tick "allow below cost" to sell '
             "at a loss on purpose.") % {"terms": _(" and ").join(t for t in terms if t)}


def override_refusal(*, cost: Decimal, override: Decimal | None, allowed: bool) -> str | None:
    """Why a fixed sell price `override` may not be saved for a service costing `cost`, or
    None. Never zero or less (that sells for nothing); under cost only when `allowed`."""
    if override is None:
        return None
    if override <= 0:
        return _("A price override must be above zero.")
    if override < cost and not allowed:
        return _('A price of %(price)s would sell below the cost of %(cost)s. Tick "allow '
                 'override below cost" to sell at a loss on purpose.') % {
                     "price": plain(override), "cost": plain(cost)}
    return None


def order_amount(unit_price: Decimal, quantity: int, price_unit: int) -> Decimal:
    """What `quantity` costs at `unit_price` per `price_unit` items (1,000 for SMM rates),
    rounded up to the ledger's precision so the shop never undercharges."""
    return round_up_to_step(unit_price * quantity / price_unit, SMS_STEP)


@dataclass
class RuleBook:
    """Every rule, indexed for lookups during a sync of thousands of services."""

    global_rule: Rule = NO_MARKUP
    by_provider: dict[int, Rule] = field(default_factory=dict)
    by_category: dict[int, Rule] = field(default_factory=dict)
    by_service: dict[int, Rule] = field(default_factory=dict)
    # Services whose price override the admin allowed under cost.
    overrides_below_cost: set[int] = field(default_factory=set)

    def rule_for(
        self,
        *,
        provider_id: int,
        category_ids: Iterable[int | None] = (),
        service_id: int | None = None,
    ) -> Rule:
        """The most specific rule: service, then categories (most specific first), then
        provider, then global."""
        if service_id is not None and service_id in self.by_service:
            return self.by_service[service_id]
        for category_id in category_ids:
            if category_id is not None and category_id in self.by_category:
                return self.by_category[category_id]
        return self.by_provider.get(provider_id, self.global_rule)


def service_sell_price(
    book: RuleBook,
    *,
    cost: Decimal,
    provider_id: int,
    category_id: int | None,
    subcategory_id: int | None = None,
    service_id: int | None = None,
    override: Decimal | None = None,
) -> Decimal:
    if override is not None:
        if override < cost and service_id not in book.overrides_below_cost:
            return cost  # the upstream's rate rose past the override: never a silent loss
        return override
    rule = book.rule_for(provider_id=provider_id, category_ids=(subcategory_id, category_id),
                         service_id=service_id)
    return sell_price(cost, rule)


class SellPrices:
    """`service_sell_price` for the services of one sync. A service with no rule and no
    override of its own is priced by its categories' (or the provider's) rule: looked up once
    per (category, subcategory) instead of once per row, and each price remembered per (rule,
    cost) as `sell_price` remembers it, without hashing the rule again per row (equal costs
    written differently price alike there too)."""

    def __init__(self, book: RuleBook, provider_id: int) -> None:
        self._book, self._provider_id = book, provider_id
        self._by_place: dict[tuple[int, int | None], tuple[Rule, dict[Decimal, Decimal]]] = {}
        self._by_rule: dict[Rule, dict[Decimal, Decimal]] = {}

    def of(self, cost: Decimal, category_id: int, subcategory_id: int | None,
           service_id: int | None, override: Decimal | None) -> Decimal:
        if override is None and (service_id is None or service_id not in self._book.by_service):
            place = self._by_place.get((category_id, subcategory_id))
            if place is None:
                rule = self._book.rule_for(provider_id=self._provider_id,
                                           category_ids=(subcategory_id, category_id))
                place = self._by_place[(category_id, subcategory_id)] = (
                    rule, self._by_rule.setdefault(rule, {}))
            rule, prices = place
            price = prices.get(cost)
            if price is None:
                price = prices[cost] = sell_price(cost, rule)
            return price
        return service_sell_price(
            self._book, cost=cost, provider_id=self._provider_id, category_id=category_id,
            subcategory_id=subcategory_id, service_id=service_id, override=override)


def sms_sell_price(book: RuleBook, *, cost: Decimal, provider_id: int) -> Decimal:
    """SMS numbers are priced per number, kept to four decimal places."""
    price = sell_price(cost, book.rule_for(provider_id=provider_id))
    return round_up_to_step(price, SMS_STEP)
