"""The affiliate page: the customer's own link and figures, masked referred customers,
hidden while the program is off, in queries that do not grow with the history; and the
admin's rate, 0 to 50 %."""

from decimal import Decimal as D

import pytest

from affiliates.commission import credit_commission
from affiliates.referrals import code_for, link_signup
from orders.models import EntryKind, LedgerEntry, Order
from orders.states import State
from panel.admin import ShopSettingsForm
from panel.models import ShopSettings
from tests.orders.helpers import FOLLOWERS
from tests.panel.storefront.helpers import assert_csp_clean, order


def set_rate(percent: str) -> None:
    row, _ = ShopSettings.objects.get_or_create(pk=1)
    row.commission_percent = D(percent)
    row.save()


def referred_customers_order(referrer, customer, service):
    """A finished order of `customer`, referred by `referrer`, with its commission."""
    link_signup(customer, code_for(referrer).code)
    placed = order(customer, service, FOLLOWERS, quantity=1000)
    Order.objects.filter(pk=placed.pk).update(state=State.COMPLETED)
    return credit_commission(placed.pk)


def test_the_page_is_hidden_while_the_program_is_off(as_alice, db):
    assert as_alice.get("/affiliates/").status_code == 404
    assert 'href="/affiliates/"' not in as_alice.get("/account/").content.decode()
    set_rate("10")
    assert 'href="/affiliates/"' in as_alice.get("/account/").content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    set_rate("10")
    response = client.get("/affiliates/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_page_shows_the_link_and_the_figures(as_alice, alice, bob, service, client):
    set_rate("7.5")
    code = code_for(alice).code
    client.get(f"/?ref={code}")
    entry = referred_customers_order(alice, bob, service)
    response = as_alice.get("/affiliates/")
    page = response.content.decode()
    assert (
        f'<code dir="ltr" data-testid="referral-link">http://testserver/?ref={code}</code>' in page
    )
    assert f'data-copy="http://testserver/?ref={code}"' in page
    assert 'data-testid="rate">7.5%<' in page
    assert 'data-testid="visits">1<' in page and 'data-testid="signups">1<' in page
    assert f'data-testid="earned">${entry.amount.normalize():f}' in page
    assert "b•••@e•••.com" in page and "bob@example.com" not in page
    assert 'aria-current="page">Affiliates<' in page
    assert_csp_clean(response)


def test_a_customer_sees_only_their_own_program(as_bob, alice, bob, make_customer, service):
    set_rate("10")
    referred_customers_order(alice, make_customer("dana@example.com"), service)
    page = as_bob.get("/affiliates/").content.decode()
    assert code_for(alice).code not in page and code_for(bob).code in page
    assert 'data-testid="signups">0<' in page and 'data-testid="earned">$0.00<' in page
    assert "d•••@" not in page


def test_the_wallet_shows_the_commission_without_the_other_customers_order(
    as_alice, alice, bob, service
):
    set_rate("10")
    entry = referred_customers_order(alice, bob, service)
    page = as_alice.get("/wallet/").content.decode()
    assert "Commission: 10% of a referred customer&#x27;s order" in page
    assert f'href="/orders/{entry.order_id}/"' not in page


def test_the_page_costs_the_same_queries_for_more_history(
    as_alice, alice, make_customer, service, django_assert_max_num_queries
):
    set_rate("10")
    referred_customers_order(alice, make_customer("c0@example.com"), service)
    with django_assert_max_num_queries(8) as few:
        assert as_alice.get("/affiliates/").status_code == 200
    for n in range(1, 6):
        referred_customers_order(alice, make_customer(f"c{n}@example.com"), service)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = as_alice.get("/affiliates/").content.decode()
    assert 'data-testid="signups">6<' in page
    assert LedgerEntry.objects.filter(kind=EntryKind.COMMISSION).count() == 6


@pytest.mark.parametrize(
    ("percent", "accepted"),
    [
        ("0", True),
        ("12.5", True),
        ("50", True),
        ("", True),
        ("50.01", False),
        ("-1", False),
        ("abc", False),
        ("1e3", False),
        ("NaN", False),
    ],
)
def test_the_admin_sets_a_rate_from_0_to_50(db, percent, accepted):
    form = ShopSettingsForm(
        {
            "name": "Nova",
            "primary_color": "#0f766e",
            "currency_symbol": "$",
            "commission_percent": percent,
        }
    )
    assert form.is_valid() is accepted, form.errors
    if accepted:
        assert form.save().commission_percent == D(percent or "0")


def test_a_settings_form_without_the_rate_leaves_it_as_it_is(db):
    set_rate("12.5")
    form = ShopSettingsForm(
        {"name": "Nova", "primary_color": "#0f766e", "currency_symbol": "$"},
        instance=ShopSettings.objects.get(),
    )
    assert form.is_valid(), form.errors
    assert "commission_percent" not in form.changed_data
    assert form.save().commission_percent == D("12.5")
