"""Every storefront page, for a signed-out visitor, a customer and another customer: who
may see what, the strict Content-Security-Policy, the shop's branding, and a number of
queries that does not grow with the data."""

from decimal import Decimal as D

import pytest
from django.test import Client

from orders.ledger import top_up
from provider.sync import sync_provider
from tests.panel.storefront.helpers import assert_csp_clean, order

FOLLOWERS, GMAIL = 1, 4

PUBLIC = ["/", "/catalog/", "/catalog/?kind=sms", "/catalog/?kind=product&stock=1",
          "/sms/", "/sms/?country=gb", "/password-reset/", "/password-reset/sent/",
          "/password-reset/done/"]
GUEST_ONLY = ["/login/", "/signup/"]
PRIVATE = ["/order/new/", "/order/new/?service={followers}", "/orders/",
           "/orders/?status=active&kind=smm&q=insta", "/wallet/", "/wallet/add-funds/",
           "/account/", "/account/password/", "/account/api-key/"]


@pytest.fixture
def urls(service):
    followers = service(FOLLOWERS).pk
    return lambda paths: [p.format(followers=followers) for p in paths]


def test_a_visitor_browses_and_is_asked_to_sign_in_for_the_rest(client, provider, urls):
    for url in PUBLIC + GUEST_ONLY:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_csp_clean(response)
    for url in urls(PRIVATE):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/?next="), url


def test_a_customer_sees_every_page(as_alice, provider, urls):
    for url in urls(PUBLIC + PRIVATE):
        response = as_alice.get(url)
        assert response.status_code == 200, url
        assert_csp_clean(response)
        assert b"Balance" in response.content, url
    for url in GUEST_ONLY:
        assert as_alice.get(url).status_code == 302, "signed in already"


def test_a_poll_after_the_session_ended_sends_the_browser_to_sign_in(client, db):
    response = client.get("/orders/", headers={
        "HX-Request": "true", "HX-Current-URL": "http://testserver/orders/?status=active"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/login/?next=%2Forders%2F%3Fstatus%3Dactive"
    assert not response.content


def test_an_order_is_its_owners_alone(alice, as_alice, as_bob, client, service):
    mine = order(alice, service, GMAIL, quantity=1)
    pages = [f"/orders/{mine.pk}/", f"/orders/{mine.pk}/accounts.txt"]
    assert as_alice.get(pages[0]).status_code == 200
    for url in pages:
        assert as_bob.get(url).status_code == 404, url
        assert client.get(url)["Location"].startswith("/login/"), url
    assert as_bob.get("/orders/999999/").status_code == 404
    listing = as_bob.get("/orders/").content.decode()
    assert f"#{mine.pk}" not in listing


def test_the_policy_is_strict_and_sent_with_every_page(client, db):
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy


def test_pages_carry_the_shops_branding(client, db):
    from panel.models import ShopSettings

    ShopSettings.objects.create(name="Nova Boost", footer_text="Since 2021",
                                support_email="help@nova.example", currency_symbol="€")
    html = client.get("/").content.decode()
    assert "Nova Boost" in html and "Since 2021" in html and "help@nova.example" in html
    assert '<link rel="stylesheet" href="/brand.css?v=' in html
    assert "<title>Nova Boost" in html


def test_not_found_is_a_branded_page(client, db):
    response = client.get("/nowhere/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


# --- Queries: the same bound at two data sizes ---------------------------------------------

def _pages_within(client, urls, limit, django_assert_max_num_queries):
    for url in urls:
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("size", [40, 400])
def test_catalog_queries_do_not_grow_with_the_catalog(size, as_alice, provider, sandbox,
                                                      django_assert_max_num_queries):
    if size != 40:
        sandbox.configure(services=size)
        sync_provider(provider)
    urls = ["/", "/catalog/", "/catalog/?page=2", "/catalog/?kind=product&delivery=manual",
            "/catalog/?kind=sms", "/order/new/?service=1", "/sms/"]
    _pages_within(as_alice, urls, 8, django_assert_max_num_queries)


@pytest.mark.parametrize("count", [2, 30])
def test_order_pages_queries_do_not_grow_with_the_orders(count, alice, as_alice, service,
                                                         django_assert_max_num_queries):
    top_up(alice, D("1000"))
    placed = [order(alice, service, FOLLOWERS if i % 2 else GMAIL, quantity=None)
              for i in range(count)]
    urls = ["/", "/orders/", "/orders/?status=active&q=insta", "/wallet/",
            f"/orders/{placed[-1].pk}/", "/sms/"]
    _pages_within(as_alice, urls, 6, django_assert_max_num_queries)


def test_a_visitor_costs_few_queries(client, provider, django_assert_max_num_queries):
    # the catalog's fourth: its page's completion times (orders.completion), then cached
    _pages_within(client, ["/", "/catalog/", "/sms/", "/login/"], 4,
                  django_assert_max_num_queries)
    _pages_within(client, ["/catalog/"], 3, django_assert_max_num_queries)


def test_client_fixture_is_not_signed_in(client: Client, db):
    assert b"Sign in" in client.get("/").content
