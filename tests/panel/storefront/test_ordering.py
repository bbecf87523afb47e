"""A new order: the form adapts to the service, the quote is the server's (orders.placing),
and placing refuses what placing refuses, with its words."""

from decimal import Decimal as D

import pytest

from orders.models import Order
from orders.placing import PlacementError, quote
from provider.models import Category
from tests.panel.storefront.conftest import htmx

FOLLOWERS, GMAIL, TWITTER = 1, 4, 9
LINK = "https://instagram.com/alice"


def test_an_smm_service_asks_for_a_link(as_alice, service):
    page = as_alice.get(f"/order/new/?service={service(FOLLOWERS).pk}").content.decode()
    assert 'name="link" type="url" inputmode="url" required' in page
    assert 'min="100" max="10000"' in page and 'value="100"' in page
    assert "Min 100 · Max 10,000" in page


def test_a_product_asks_for_an_optional_delivery_email(as_alice, service):
    page = as_alice.get(f"/order/new/?service={service(GMAIL).pk}").content.decode()
    assert "Delivery e-mail" in page and "(optional)" in page
    assert 'name="link" type="email" autocomplete="email"' in page
    # no maxlength: a browser would cut a long value silently; the server refuses it aloud
    assert "maxlength" not in page
    assert "50 in stock" in page


def test_a_category_brings_its_services(as_alice, provider):
    email = Category.objects.get(name="Accounts-Email", parent=None)
    response = as_alice.get(f"/order/new/?category={email.pk}", headers=htmx("order-choice"))
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="order-choice">')
    assert "Gmail Account - USA" in html and "Instagram Followers" not in html
    assert '<optgroup label="Gmail">' in html


def test_a_service_brings_its_form(as_alice, service):
    response = as_alice.get(f"/order/new/?service={service(GMAIL).pk}",
                            headers=htmx("order-details"))
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="order-details">')
    assert "Delivery e-mail" in html


def _quote(client, service_id, quantity, link=""):
    response = client.get("/order/quote/", {"service": service_id, "quantity": quantity,
                                            "link": link}, headers=htmx("quote"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_total_is_the_servers_quote(as_alice, service):
    followers = service(FOLLOWERS).pk
    html = _quote(as_alice, followers, 2000, LINK)
    expected = quote(service_id=followers, quantity=2000, link=LINK).amount
    assert expected == D("1.00")
    assert 'data-testid="total">$1.00</strong>' in html
    assert "Balance after this order: $99.00" in html
    assert "<html" not in html


@pytest.mark.parametrize(("upstream_id", "quantity", "link"), [
    (FOLLOWERS, 50, LINK), (FOLLOWERS, 20000, LINK), (FOLLOWERS, "1.5", LINK),
    (FOLLOWERS, 100, ""), (FOLLOWERS, 100, "javascript:alert(1)"), (TWITTER, 4, ""),
])
def test_the_quote_refuses_with_the_placing_message(as_alice, service, upstream_id,
                                                    quantity, link):
    service_id = service(upstream_id).pk
    with pytest.raises(PlacementError) as refused:
        quote(service_id=service_id, quantity=quantity, link=link)
    html = _quote(as_alice, service_id, quantity, link)
    assert f'data-testid="quote-error">{refused.value.message}' in html


def test_the_quote_warns_of_a_short_balance_with_a_way_to_add_funds(as_alice, service):
    html = _quote(as_alice, service(GMAIL).pk, 5)
    assert "Insufficient balance: this order costs $125.00." in html
    assert "You have $100.00." in html and 'href="/wallet/add-funds/"' in html


def test_placing_charges_and_opens_the_order(as_alice, alice, service):
    response = as_alice.post("/order/new/", {"service": service(FOLLOWERS).pk,
                                             "quantity": "1000", "link": LINK})
    order = Order.objects.get(user=alice)
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.pk}/"
    assert order.charge == D("0.50") and order.link == LINK
    alice.wallet.refresh_from_db()
    assert alice.wallet.balance == D("99.50")


def test_placing_from_htmx_redirects_the_browser(as_alice, alice, service):
    response = as_alice.post("/order/new/", {"service": service(GMAIL).pk, "quantity": "1"},
                             headers=htmx("order-details"))
    order = Order.objects.get(user=alice)
    assert response["HX-Redirect"] == f"/orders/{order.pk}/"


@pytest.mark.parametrize(("data", "message"), [
    ({"quantity": "5"}, "Quantity must be between 100 and 10000."),
    ({"link": "ftp://example.com"}, "The link must be an http:// or https:// URL."),
    ({"service": "999999"}, "Service not found."),
])
def test_placing_refuses_with_the_reason_and_charges_nothing(as_alice, alice, service, data,
                                                             message):
    form = {"service": service(FOLLOWERS).pk, "quantity": "1000", "link": LINK, **data}
    response = as_alice.post("/order/new/", form, headers=htmx("order-details"))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Order.objects.exists()
    alice.wallet.refresh_from_db()
    assert alice.wallet.balance == D("100.00")


def test_not_enough_funds_links_to_adding_funds(as_alice, service):
    response = as_alice.post("/order/new/", {"service": service(GMAIL).pk, "quantity": "5"})
    html = response.content.decode()
    # said once, as money in the shop's currency, with the balance and a way to add funds
    assert html.count("Insufficient balance") == 1
    assert "Insufficient balance: this order costs $125.00. You have $100.00." in html
    assert 'href="/wallet/add-funds/">Add funds</a>' in html
    assert not Order.objects.exists()


def test_an_unverified_customer_can_look_but_not_order(as_carol, carol, service):
    from orders.ledger import top_up

    top_up(carol, D("10"))
    page = as_carol.get(f"/order/new/?service={service(FOLLOWERS).pk}").content.decode()
    assert "Confirm your e-mail before your first order." in page
    response = as_carol.post("/order/new/", {"service": service(FOLLOWERS).pk,
                                             "quantity": "100", "link": LINK})
    assert "Confirm your e-mail address before your first order" in response.content.decode()
    assert not Order.objects.exists()


def test_a_visitor_is_sent_to_sign_in(client, service):
    pk = service(FOLLOWERS).pk
    assert client.get(f"/order/new/?service={pk}")["Location"] == (
        f"/login/?next=/order/new/%3Fservice%3D{pk}")
    assert client.post("/order/new/", {}).status_code == 302
    assert not Order.objects.exists()


# --- the standard's service types and drip-feed --------------------------------------------


@pytest.fixture
def standard(sandbox):
    from tests.panel.api.helpers import synced

    return synced(sandbox, name="standard", standard=True)


def standard_service(provider, upstream_id):
    from provider.models import Service

    return Service.objects.get(provider=provider, upstream_id=upstream_id)


def test_the_form_shows_the_fields_of_the_services_type(as_alice, standard):
    from tests.panel.api.test_service_types import CUSTOM_COMMENTS, PACKAGE, POLL

    page = as_alice.get(
        f"/order/new/?service={standard_service(standard, CUSTOM_COMMENTS).pk}").content.decode()
    assert '<textarea id="order-comments" name="comments"' in page
    assert 'name="quantity"' not in page  # the lines are the quantity
    page = as_alice.get(
        f"/order/new/?service={standard_service(standard, POLL).pk}").content.decode()
    assert 'name="answer_number" type="text" required' in page and 'name="quantity"' in page
    page = as_alice.get(
        f"/order/new/?service={standard_service(standard, PACKAGE).pk}").content.decode()
    assert 'name="quantity"' not in page and 'data-testid="package"' in page
    page = as_alice.get(
        f"/order/new/?service={standard_service(standard, FOLLOWERS).pk}").content.decode()
    assert 'name="runs"' in page and 'name="interval"' in page  # it takes drip-feed
    page = as_alice.get(
        f"/order/new/?service={standard_service(standard, 2).pk}").content.decode()
    assert 'name="runs"' not in page


def test_custom_comments_from_the_form_to_the_order(as_alice, alice, standard):
    from tests.panel.api.test_service_types import CUSTOM_COMMENTS

    svc = standard_service(standard, CUSTOM_COMMENTS)
    comments = "\n".join(f"Lovely {n}" for n in range(10))
    quote_page = as_alice.get("/order/quote/", {"service": svc.pk, "link": LINK,
                                                "comments": comments}).content.decode()
    response = as_alice.post("/order/new/", {"service": svc.pk, "link": LINK,
                                             "comments": comments})
    order = Order.objects.get(user=alice)
    assert response.status_code == 302
    assert (order.quantity, order.fields) == (10, {"comments": comments})
    assert str(order.charge.normalize()) in quote_page or f"{order.charge:.2f}" in quote_page


def test_drip_feed_from_the_form(as_alice, alice, standard):
    svc = standard_service(standard, FOLLOWERS)
    as_alice.post("/order/new/", {"service": svc.pk, "link": LINK, "quantity": "100",
                                  "runs": "4", "interval": "30"})
    order = Order.objects.get(user=alice)
    assert (order.quantity, order.runs, order.interval) == (400, 4, 30)


def test_a_link_longer_than_the_limit_is_refused_aloud(as_alice, service):
    long_link = "https://instagram.com/" + "a" * 2000
    response = as_alice.post("/order/new/", {"service": service(FOLLOWERS).pk,
                                             "quantity": "100", "link": long_link},
                             headers=htmx("order-details"))
    assert "The link is longer than 2000 characters." in response.content.decode()
    assert not Order.objects.exists()


def test_a_negative_quantity_says_so(as_alice, service):
    html = _quote(as_alice, service(FOLLOWERS).pk, "-5", LINK)
    assert 'data-testid="quote-error">Quantity cannot be negative.' in html


def test_a_products_delivery_email_is_checked_in_the_form(as_alice, service):
    html = _quote(as_alice, service(GMAIL).pk, 1, "bob@")
    assert "The delivery e-mail is not a valid address" in html
