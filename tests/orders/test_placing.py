"""Placing an order: every refusal is a clear message and charges nothing."""

from decimal import Decimal as D

import pytest

from orders.models import LedgerEntry, Order
from orders.placing import NotEnoughFunds, PlacementError, place_order, quote
from orders.states import State

FOLLOWERS, LIKES, GMAIL, TWITTER = 1, 2, 4, 9


def test_order_is_priced_on_the_server_and_charged_once(alice, service):
    followers = service(FOLLOWERS)
    order = place_order(user=alice, service_id=followers.pk, quantity="1000",
                        link="https://instagram.com/p/abc")
    expected = followers.sell_price  # per 1,000
    assert order.charge == expected
    assert order.unit_price == followers.sell_price and order.price_unit == 1000
    assert order.state == State.QUEUED
    alice.wallet.refresh_from_db()
    assert alice.wallet.balance == D("100.00") - expected
    entry = LedgerEntry.objects.get(order=order)
    assert entry.amount == -expected


@pytest.mark.parametrize(("quantity", "message"), [
    ("abc", "whole number"), ("1.5", "whole number"), ("-5", "cannot be negative"),
    ("", "whole number"), ("99", "between 100 and 10000"), ("10001", "between 100 and 10000"),
    ("\uff11\uff12\uff13", "whole number"),  # full-width digits
])
def test_quantity_must_be_whole_and_within_bounds(alice, service, quantity, message):
    with pytest.raises(PlacementError, match=message):
        place_order(user=alice, service_id=service(FOLLOWERS).pk, quantity=quantity,
                    link="https://instagram.com/p/abc")
    assert not Order.objects.exists()


@pytest.mark.parametrize("link", ["", "instagram.com/p/abc", "javascript:alert(1)",
                                  "ftp://example.com/x", "https://" + "a" * 2001])
def test_smm_needs_an_http_link(alice, service, link):
    with pytest.raises(PlacementError) as err:
        place_order(user=alice, service_id=service(FOLLOWERS).pk, quantity=100, link=link)
    assert err.value.field == "link"
    assert not Order.objects.exists()


def test_product_link_is_optional(alice, service):
    order = place_order(user=alice, service_id=service(GMAIL).pk, quantity=2, link="")
    assert order.charge == service(GMAIL).sell_price * 2
    assert order.kind == "product"


def test_product_stock_must_suffice(alice, service):
    with pytest.raises(PlacementError, match="Only 3 left"):
        place_order(user=alice, service_id=service(TWITTER).pk, quantity=4)


@pytest.mark.parametrize("service_id", ["999999", "abc", None, "-1", "1e3"])
def test_unknown_service(alice, service_id, provider):
    with pytest.raises(PlacementError, match="Service not found"):
        place_order(user=alice, service_id=service_id, quantity=100, link="https://x.example")


def test_disabled_or_unavailable_service_is_not_sold(alice, service):
    followers = service(FOLLOWERS)
    followers.enabled = False
    followers.save()
    with pytest.raises(PlacementError, match="Service not found"):
        place_order(user=alice, service_id=followers.pk, quantity=100, link="https://x.example")


def test_insufficient_balance_charges_nothing(make_customer, service):
    poor = make_customer("poor@example.com", balance="0.10")
    with pytest.raises(NotEnoughFunds, match="Insufficient balance"):
        place_order(user=poor, service_id=service(GMAIL).pk, quantity=1)
    poor.wallet.refresh_from_db()
    assert poor.wallet.balance == D("0.10")
    assert not Order.objects.exists()


def test_quote_matches_the_charge(alice, service):
    q = quote(service_id=service(LIKES).pk, quantity=150, link="https://x.example/p")
    order = place_order(user=alice, service_id=service(LIKES).pk, quantity=150,
                        link="https://x.example/p")
    assert q.amount == order.charge


def test_forwarding_is_queued_only_after_commit(alice, service, django_capture_on_commit_callbacks,
                                                monkeypatch):
    sent = []
    monkeypatch.setattr("orders.placing.enqueue_forwarding", sent.append)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order = place_order(user=alice, service_id=service(FOLLOWERS).pk, quantity=100,
                            link="https://x.example/p")
    assert sent == []
    for callback in callbacks:
        callback()
    assert sent == [order.pk]


@pytest.mark.parametrize("address", ["bob@", "@example.com", "bob example.com", "bob@@x.io"])
def test_a_products_delivery_email_must_be_an_address(alice, service, address):
    with pytest.raises(PlacementError, match="not a valid address") as err:
        place_order(user=alice, service_id=service(GMAIL).pk, quantity=1, link=address)
    assert err.value.field == "link"
    assert not Order.objects.exists()


def test_a_products_delivery_email_is_kept(alice, service):
    order = place_order(user=alice, service_id=service(GMAIL).pk, quantity=1,
                        link=" bob@example.com ")
    assert order.link == "bob@example.com"


def test_not_enough_funds_names_the_amount_as_money(make_customer, service):
    poor = make_customer("poor2@example.com", balance="0.10")
    with pytest.raises(NotEnoughFunds) as err:
        place_order(user=poor, service_id=service(GMAIL).pk, quantity=1)
    assert err.value.amount == D("25")
    assert err.value.message == "Insufficient balance: this order costs 25.00 USD."
