# ruff: noqa: RUF001 - Arabic digits are what these tests type
"""Numbers typed with Arabic-Indic or Eastern Arabic-Indic digits and the Arabic separators
are read as the same numbers, in every form where a person types one."""

from decimal import Decimal as D

import pytest
from django.test import Client

from orders.models import LedgerEntry, Order
from orders.numbers import LocalizedDecimalField, LocalizedIntegerField, normalize
from panel.storefront.ordering import extras

FOLLOWERS = 1
LINK = "https://instagram.com/alice"


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("١٢٣٤٥٦٧٨٩٠", "1234567890"),  # Arabic-Indic
        ("۱۲۳۴۵۶۷۸۹۰", "1234567890"),  # Eastern Arabic-Indic (Persian, Urdu)
        ("٢٥٫٥٠", "25.50"),  # Arabic decimal separator
        ("١٬٠٠٠", "1000"),  # Arabic thousands separator
        ("12٫5", "12.5"),
        ("abc", "abc"),
        ("1,5", "1,5"),
        ("", ""),
    ],
)
def test_normalize(typed, read):
    assert normalize(typed) == read


def test_normalize_leaves_what_is_not_a_string():
    assert normalize(None) is None and normalize(5) == 5


def test_the_fields_read_arabic_digits_and_still_refuse_words():
    assert LocalizedIntegerField().clean("٤٢") == 42
    assert LocalizedDecimalField(decimal_places=2).clean("١٢٫٥٠") == D("12.50")
    with pytest.raises(Exception, match="whole number"):
        LocalizedIntegerField().clean("٤x")


def test_the_order_form_reads_arabic_digits_for_quantity(alice, service):
    client = Client()
    client.force_login(alice)
    followers = service(FOLLOWERS)
    response = client.post(
        "/order/new/", {"service": followers.pk, "quantity": "٢٠٠٠", "link": LINK}
    )
    assert response.status_code == 302
    order = Order.objects.get(user=alice)
    assert order.quantity == 2000


def test_the_live_quote_reads_eastern_arabic_digits(alice, service):
    client = Client()
    client.force_login(alice)
    html = client.get(
        "/order/quote/", {"service": service(FOLLOWERS).pk, "quantity": "۲۰۰۰", "link": LINK}
    ).content.decode()
    assert "$1.00" in html  # 2,000 followers at the sandbox's sell price
    assert "whole number" not in html


def test_drip_feed_runs_interval_and_answer_number_are_normalised():
    fields = extras({"runs": "٥", "interval": "۱۵", "answer_number": "٣", "comments": "٣ x"})
    assert fields["runs"] == "5" and fields["interval"] == "15"
    assert fields["fields"] == {"answer_number": "3", "comments": "٣ x"}  # text kept


@pytest.fixture
def testpay(db):
    from payments.deposits import offered_methods

    return next(m for m in offered_methods() if m.kind == "testpay")


def test_add_funds_reads_an_arabic_amount(alice, testpay):
    client = Client()
    client.force_login(alice)
    response = client.post("/wallet/add-funds/", {"method": testpay.pk, "amount": "١٢٫٥٠"})
    assert response.status_code == 302
    assert alice.deposits.get().amount == D("12.50")


def test_staff_adjust_a_balance_in_arabic_digits(alice, admin_client):
    response = admin_client.post(
        f"/admin/panel/user/{alice.pk}/adjust-balance/",
        {"direction": "credit", "amount": "٧٫٥", "reason": "gift"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    entry = LedgerEntry.objects.get(wallet__user=alice, kind="adjustment")
    assert entry.amount == D("7.5")


def test_admin_forms_with_numbers_use_the_localized_fields():
    from orders.admin import UpstreamIdForm
    from panel.admin import AdjustBalanceForm
    from provider.admin import SetMarkupForm

    assert UpstreamIdForm({"upstream_id": "٩٨٧"}).is_valid()
    assert AdjustBalanceForm({"direction": "debit", "amount": "١", "reason": "x"}).is_valid()
    markup = SetMarkupForm({"percent": "١٢٫٥"})
    assert markup.is_valid() and markup.cleaned_data["percent"] == D("12.5")
