"""One formatter for money (orders.money), in the active language: Latin digits everywhere;
"$25.00" in English, "25.00 $" (symbol after, led by a right-to-left mark) in Arabic, with
"." and "," as Gulf shops write them; the API's `in_currency` stays English there."""

from decimal import Decimal as D

import pytest
from django.template import Context, Template
from django.utils import translation

from orders import money

RLM, NBSP, MINUS = "\u200f", "\u00a0", "\u2212"


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (D("25"), "25.00"),
        (D("0.015"), "0.015"),
        (D("1234.5"), "1,234.50"),
        (D("1234567.891"), "1,234,567.891"),
        (D("-3"), "3.00"),
    ],
)
def test_plain_in_english_and_arabic(amount, text):
    with translation.override("en"):
        assert money.plain(amount) == text
    with translation.override("ar"):
        assert money.plain(amount) == text  # Latin digits, "." decimal, "," thousands


def test_the_symbol_goes_before_in_english_and_after_in_arabic():
    with translation.override("en"):
        assert money.shown(D("1234.5"), "$") == "$1,234.50"
        assert money.shown(D("-2"), "$") == f"{MINUS}$2.00"
        assert money.shown(D("2"), "$", signed=True) == "+$2.00"
    with translation.override("ar"):
        assert money.shown(D("1234.5"), "$") == f"{RLM}1,234.50{NBSP}$"
        assert money.shown(D("-2"), "$") == f"{RLM}{MINUS}2.00{NBSP}$"
        assert money.shown(D("2"), "$", signed=True) == f"{RLM}+2.00{NBSP}$"


def test_the_template_tag_and_thousands_filter_follow_the_language():
    page = Template("{% load shop %}{% money amount %}|{{ n|thousands }}")
    context = {"amount": D("1500"), "n": 1234567}
    with translation.override("en"):
        assert page.render(Context(context)) == "$1,500.00|1,234,567"
    with translation.override("ar"):
        assert page.render(Context(context)) == f"{RLM}1,500.00{NBSP}$|1,234,567"


def test_djangos_arabic_number_format_is_replaced_and_dates_stay_arabic():
    from datetime import date

    from django.utils import formats

    with translation.override("ar"):
        assert formats.get_format("DECIMAL_SEPARATOR") == "."
        assert formats.get_format("THOUSAND_SEPARATOR") == ","
        assert formats.number_format(D("1234.5"), 2, force_grouping=True) == "1,234.50"
        assert formats.date_format(date(2026, 1, 5)) == "5 يناير، 2026"


def test_in_currency_for_the_api_is_english(settings):
    with translation.override("en"):
        assert money.in_currency(D("130")) == f"130.00 {settings.PANEL_CURRENCY}"
