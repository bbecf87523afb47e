"""Pricing rules are pure Decimal functions: every level, rounding and the cost floor."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from provider.pricing import (
    NO_MARKUP,
    Rule,
    RuleBook,
    order_amount,
    round_up_to_ending,
    round_up_to_step,
    sell_price,
    service_sell_price,
    sms_sell_price,
)


def test_no_markup_sells_at_cost():
    assert sell_price(D("0.50"), NO_MARKUP) == D("0.50")


def test_percentage_and_fixed_amount():
    rule = Rule(percent=D(20), fixed=D("0.10"), step=D("0.01"))
    assert sell_price(D("0.50"), rule) == D("0.70")


def test_minimum_price_lifts_cheap_services():
    rule = Rule(percent=D(10), min_price=D("1.00"), step=D("0.01"))
    assert sell_price(D("0.20"), rule) == D("1.00")
    assert sell_price(D("2.00"), rule) == D("2.20")


@pytest.mark.parametrize(("amount", "step", "expected"), [
    (D("1.001"), D("0.01"), D("1.01")),
    (D("1.00"), D("0.01"), D("1.00")),
    (D("1.2"), D("0.25"), D("1.25")),
    (D("0.00001"), D("0.0001"), D("0.0001")),
])
def test_round_up_to_step(amount, step, expected):
    assert round_up_to_step(amount, step) == expected


@pytest.mark.parametrize(("amount", "expected"), [
    (D("1.20"), D("1.99")), (D("1.99"), D("1.99")), (D("2.00"), D("2.99")),
    (D("0.10"), D("0.99")),
])
def test_round_up_to_ending(amount, expected):
    assert round_up_to_ending(amount, D("0.99")) == expected


def test_ending_rounding_in_a_rule():
    assert sell_price(D("4.10"), Rule(percent=D(10), rounding="ending")) == D("4.99")


def test_never_below_cost_unless_allowed():
    discount = Rule(percent=D(-50), step=D("0.01"))
    assert sell_price(D("2.00"), discount) == D("2.00")
    allowed = Rule(percent=D(-50), step=D("0.01"), allow_below_cost=True)
    assert sell_price(D("2.00"), allowed) == D("1.00")


def test_prices_are_decimal_never_float():
    price = sell_price(D("0.0150"), Rule(percent=D("33.333")))
    assert isinstance(price, D)


def book() -> RuleBook:
    return RuleBook(
        global_rule=Rule(percent=D(10)),
        by_provider={1: Rule(percent=D(20))},
        by_category={10: Rule(percent=D(30)), 11: Rule(percent=D(40))},
        by_service={100: Rule(percent=D(50))},
    )


def test_most_specific_rule_wins():
    b = book()
    cost = D("1.00")
    assert service_sell_price(b, cost=cost, provider_id=2, category_id=None) == D("1.10")
    assert service_sell_price(b, cost=cost, provider_id=1, category_id=None) == D("1.20")
    assert service_sell_price(b, cost=cost, provider_id=1, category_id=10) == D("1.30")
    assert service_sell_price(b, cost=cost, provider_id=1, category_id=10,
                              subcategory_id=11) == D("1.40")
    assert service_sell_price(b, cost=cost, provider_id=1, category_id=10, subcategory_id=11,
                              service_id=100) == D("1.50")
    assert service_sell_price(b, cost=cost, provider_id=1, category_id=10, service_id=100,
                              override=D("9.99")) == D("9.99")


def test_sms_prices_keep_four_decimals():
    b = RuleBook(global_rule=Rule(percent=D("12.345"), step=D("0.000001")))
    price = sms_sell_price(b, cost=D("0.5000"), provider_id=1)
    assert price == D("0.5618")


@pytest.mark.parametrize(("unit", "qty", "unit_size", "expected"), [
    (D("0.50"), 1000, 1000, D("0.50")),
    (D("0.50"), 150, 1000, D("0.075")),
    (D("0.0150"), 100, 1000, D("0.0015")),
    (D("0.0150"), 101, 1000, D("0.0016")),  # rounded up, never undercharged
    (D("25.00"), 3, 1, D("75.00")),
])
def test_order_amount(unit, qty, unit_size, expected):
    assert order_amount(unit, qty, unit_size) == expected


@given(cost=st.decimals(min_value=D("0.0001"), max_value=D(100000), places=4),
       percent=st.decimals(min_value=D(-99), max_value=D(500), places=2),
       step=st.sampled_from([D("0.0001"), D("0.01"), D("0.05"), D(1)]))
def test_sell_price_is_never_below_cost_and_is_on_the_step(cost, percent, step):
    price = sell_price(cost, Rule(percent=percent, step=step))
    assert price >= cost
    assert price % step == 0
