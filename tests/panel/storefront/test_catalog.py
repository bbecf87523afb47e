"""The catalog: categories and subcategories, search as you type, filters, SMS offers,
and what every service shows."""

import re

import pytest

from provider.models import Category, Provider, Service
from tests.panel.storefront.conftest import htmx

FOLLOWERS, GMAIL, NETFLIX, TWITTER = 1, 4, 6, 9


def _names(response) -> list[str]:
    return re.findall(r'<h2 class="card-title"><bdi>([^<]+)</bdi></h2>', response.content.decode())


def test_every_service_on_sale_with_price_unit_limits_stock_and_badges(client, service):
    page = client.get("/catalog/").content.decode()
    assert "40 services" in page
    followers = page[page.index(f'id="service-{service(FOLLOWERS).pk}"'):]
    followers = followers[:followers.index("</li>")]
    assert "Instagram Followers" in followers
    assert "<bdi>Instagram</bdi> \u203a <bdi>Followers</bdi>" in followers
    assert "$0.50</strong> <span>per 1,000" in followers
    assert "<dd>100</dd>" in followers and "<dd>10,000</dd>" in followers
    # The service offers refill, but HstockPlus has no `refill` action: no promise shown.
    assert "Refill" not in followers and "Instant" in followers
    gmail = page[page.index(f'id="service-{service(GMAIL).pk}"'):]
    assert "$25.00</strong> <span>per item" in gmail[:gmail.index("</li>")]
    netflix = page[page.index(f'id="service-{service(NETFLIX).pk}"'):]
    assert "Manual delivery" in netflix[:netflix.index("</li>")]


def test_the_refill_badge_only_where_the_provider_can_refill(client, service):
    followers = service(FOLLOWERS)
    Provider.objects.filter(pk=followers.provider_id).update(has_refill=True)
    page = client.get("/catalog/").content.decode()
    card = page[page.index(f'id="service-{followers.pk}"'):]
    assert "Refill" in card[:card.index("</li>")]


def test_search_as_you_type_swaps_only_the_results(client, provider):
    response = client.get("/catalog/?q=Gmail+Account+-+USA", headers=htmx("results"))
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="results"')
    assert "<html" not in html
    assert _names(response) == ["Gmail Account - USA"]
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_gets_the_whole_page(client, provider):
    response = client.get("/catalog/?q=gmail", headers={
        "HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in response.content.decode()


@pytest.mark.parametrize(("query", "expect"), [
    ("kind=product", lambda s: s.entity_type == "product"),
    ("kind=smm", lambda s: s.entity_type == "smm"),
    ("delivery=manual", lambda s: not s.auto_delivery),
    ("delivery=auto", lambda s: s.auto_delivery),
    ("stock=1", lambda s: s.stock is None or s.stock > 0),
])
def test_filters(client, provider, query, expect):
    shown = set(_names(client.get(f"/catalog/?{query}&page=1")))
    wanted = {s.display_name for s in Service.objects.all() if expect(s)}
    assert shown and shown <= wanted


def test_sold_out_products_cannot_be_ordered(client, provider):
    sold_out = Service.objects.filter(stock=0).first()
    page = client.get("/catalog/", {"q": sold_out.name}).content.decode()
    assert "Sold out" in page
    assert f"/order/new/?service={sold_out.pk}" not in page
    in_stock = client.get("/catalog/", {"q": sold_out.name, "stock": "1"})
    assert sold_out.display_name not in _names(in_stock)


def test_a_category_or_a_subcategory(client, provider):
    instagram = Category.objects.get(name="Instagram", parent=None)
    followers = Category.objects.get(name="Followers", parent=instagram)
    in_category = _names(client.get(f"/catalog/?category={instagram.pk}"))
    in_sub = _names(client.get(f"/catalog/?category={followers.pk}"))
    assert "Instagram Likes" in in_category and "Instagram Likes" not in in_sub
    assert "Instagram Followers" in in_sub
    page = client.get("/catalog/").content.decode()
    assert f'<option value="{followers.pk}"' in page and "Instagram / Followers" in page


def test_sms_offers(client, provider):
    page = client.get("/catalog/?kind=sms").content.decode()
    assert "OpenAI / ChatGPT" in page and "from <strong>$0.15</strong>" in page
    assert "Available in 4 countries" in page
    assert _names(client.get("/catalog/?kind=sms&q=tele")) == ["Telegram"]


def test_nonsense_parameters_are_ignored(client, provider):
    response = client.get("/catalog/?kind=evil&category=abc&delivery=x&page=999")
    assert response.status_code == 200


def test_pages(client, provider):
    first = client.get("/catalog/").content.decode()
    assert "Page 1 of 2" in first and 'href="?page=2"' in first
    assert len(_names(client.get("/catalog/?page=2"))) == 10


def test_names_and_descriptions_are_escaped_and_only_http_links_are_clickable(client, service):
    row = service(FOLLOWERS)
    row.custom_name = "<img src=x onerror=alert(1)>"
    row.description = ("See https://example.com/info. Not javascript:alert(1) "
                       "<b>bold</b>\nSecond line")
    row.save()
    html = client.get("/catalog/?q=Instagram").content.decode()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert ('<a href="https://example.com/info" rel="nofollow noopener noreferrer" '
            'target="_blank">https://example.com/info</a>.') in html
    assert 'href="javascript' not in html and "&lt;b&gt;bold&lt;/b&gt;<br>Second line" in html


def test_home_shows_categories_and_the_customers_latest_orders(as_alice, alice, service):
    from tests.panel.storefront.helpers import order

    placed = order(alice, service, FOLLOWERS)
    page = as_alice.get("/").content.decode()
    assert "Shop by category" in page and "Instagram" in page
    assert f'href="/orders/{placed.pk}/"' in page


def test_the_sms_filter_drops_filters_that_do_not_apply_to_numbers(client, provider):
    page = client.get("/catalog/?kind=sms&delivery=auto&stock=1&category=1").content.decode()
    assert "OpenAI / ChatGPT" in page
    assert 'value="auto" selected' not in page and 'name="stock" value="1" hx-get' in page
    assert 'name="stock" value="1" hx-get="/catalog/" checked' not in page
    assert '<div class="filter-row not-sms">' in page  # hidden by CSS while SMS is chosen
    services = client.get("/catalog/?kind=smm&delivery=auto").content.decode()
    assert 'value="auto" selected' in services
