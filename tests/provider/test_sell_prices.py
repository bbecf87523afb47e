"""`provider.pricing.SellPrices` (a sync's prices, rules looked up once per category pair and
prices remembered per rule and cost) gives exactly what `service_sell_price` gives, whatever
rule applies: the service's own, a subcategory's, a category's, the provider's, the global
one, or a price override (below cost allowed or not)."""

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from provider.pricing import Rule, RuleBook, SellPrices, service_sell_price

BOOK = RuleBook(
    global_rule=Rule(percent=D(10)),
    by_provider={1: Rule(percent=D(20), rounding="ending")},
    by_category={10: Rule(fixed=D("0.5")), 11: Rule(min_price=D(3), step=D("0.01"))},
    by_service={100: Rule(percent=D(-50)), 101: Rule(percent=D(5), allow_below_cost=True)},
    overrides_below_cost={102},
)

costs = st.sampled_from(
    [D("0"), D("0.05"), D("1.0"), D("1.00"), D("1.5"), D("2.999999"), D("10"), D("123.456")]
)
calls = st.tuples(
    costs,
    st.sampled_from([1, 2]),  # provider
    st.sampled_from([10, 11, 12]),  # category
    st.sampled_from([None, 10, 11, 13]),  # subcategory
    st.sampled_from([None, 100, 101, 102, 103]),  # service
    st.sampled_from([None, D("0.01"), D("2"), D("50")]),  # override
)


@settings(max_examples=300, deadline=None)
@given(st.lists(calls, max_size=30))
def test_sell_prices_agree_with_service_sell_price(sequence):
    prices = {provider: SellPrices(BOOK, provider) for provider in (1, 2)}
    for cost, provider, category, subcategory, service, override in sequence:
        assert prices[provider].of(cost, category, subcategory, service, override) == (
            service_sell_price(
                BOOK,
                cost=cost,
                provider_id=provider,
                category_id=category,
                subcategory_id=subcategory,
                service_id=service,
                override=override,
            )
        )
