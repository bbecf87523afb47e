"""Search in the catalog and in the order form's picker (provider.search), the picker's second
level (category, subcategory, service) with and without htmx, the average completion time
where it is known, and query counts that do not grow with the catalog."""

import re
from datetime import timedelta

import pytest

from orders import completion
from provider.models import Category, Service
from provider.sync import sync_provider
from tests.orders.test_completion import _orders
from tests.panel.storefront.conftest import htmx

FOLLOWERS, GMAIL = 1, 4
QUERY_BOUND = 9


def _names(response) -> list[str]:
    return re.findall(r'<h2 class="card-title"><bdi>([^<]+)</bdi></h2>',
                      response.content.decode())


def _options(html: str) -> list[str]:
    return re.findall(r'<option value="\d+"[^>]*>([^<·]+) ·', html)


# --- The catalog --------------------------------------------------------------------------

@pytest.mark.parametrize(("q", "first"), [
    ("folowers", "Instagram Followers"), ("IG followers", "Instagram Followers"),
    ("Instagram Followers", "Instagram Followers"), ("tt views", "TikTok Views"),
])
def test_the_catalog_finds_through_typos_and_short_names_exact_first(client, provider, q, first):
    names = _names(client.get("/catalog/", {"q": q}))
    assert names[0] == first, names


def test_the_catalog_says_how_it_read_the_query(client, provider):
    html = client.get("/catalog/", {"q": "ig folowers"}).content.decode()
    assert "Searched “<bdi>ig</bdi>” as <bdi>instagram</bdi>." in html
    assert "Searched “<bdi>folowers</bdi>” as <bdi>followers</bdi>." in html


def test_no_result_is_said_kindly(client, provider):
    html = client.get("/catalog/", {"q": "qqqzzz"}).content.decode()
    # the customer's words are isolated (<bdi>) in every language
    assert "0 services for “<bdi>qqqzzz</bdi>”" in html
    assert "No service matches “<bdi>qqqzzz</bdi>”" in html


@pytest.mark.parametrize("q", ["%", "_%_", ".*", "(?i)x", "a" * 5000, "\\",
                               "\u2019\u2018\u201c\u201d", "مرحبا بالعالم", "متابعين",
                               "\U0001f600" * 50])
def test_hostile_queries_answer_a_page(client, provider, q):
    response = client.get("/catalog/", {"q": q})
    assert response.status_code == 200
    assert client.get("/catalog/", {"q": q}, headers=htmx("results")).status_code == 200


def test_a_nul_is_refused_before_the_search(client, provider):
    assert client.get("/catalog/", {"q": "ig\x00"}).status_code == 400


def test_the_catalog_card_shows_the_average_time_when_known(client, alice, service):
    followers, likes = service(FOLLOWERS), service(2)
    _orders(alice, followers, completion.MIN_ORDERS, timedelta(hours=2, minutes=5))
    _orders(alice, likes, completion.MIN_ORDERS - 1, timedelta(hours=1))
    page = client.get("/catalog/", {"q": "instagram"}).content.decode()
    card = page[page.index(f'id="service-{followers.pk}"'):]
    assert "<dt>Average time</dt><dd>2 h 5 min</dd>" in card[:card.index("</li>")]
    card = page[page.index(f'id="service-{likes.pk}"'):]
    assert "Average time" not in card[:card.index("</li>")]


# --- The order form's picker --------------------------------------------------------------

def test_a_search_in_the_order_form_lists_what_the_catalog_finds(as_alice, provider):
    response = as_alice.get("/order/new/", {"q": "folowers"}, headers=htmx("order-list"))
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="order-list"')
    assert _options(html)[0] == "Instagram Followers"
    assert "Searched “<bdi>folowers</bdi>” as <bdi>followers</bdi>." in html
    assert '<optgroup label="Instagram \u203a Followers">' in html


def test_an_order_form_search_that_finds_nothing_says_so(as_alice, provider):
    html = as_alice.get("/order/new/", {"q": "qqqzzz"}).content.decode()
    assert "No service matches “qqqzzz”" in html and "No service found" in html
    instagram = Category.objects.get(name="Instagram", parent=None)
    html = as_alice.get("/order/new/", {"q": "gmail", "category": instagram.pk}).content.decode()
    assert "No service in Instagram matches “gmail”" in html
    assert 'href="/order/new/?q=gmail">Search all categories</a>' in html


def test_a_category_brings_its_subcategories_and_services(as_alice, provider):
    instagram = Category.objects.get(name="Instagram", parent=None)
    response = as_alice.get("/order/new/", {"category": instagram.pk},
                            headers=htmx("order-choice"))
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="order-choice">')
    assert 'name="subcategory"' in html and ">Followers (" in html
    names = _options(html)
    assert "Instagram Followers" in names and "Instagram Likes" in names
    assert all(s.category_id == instagram.pk for s in Service.objects.filter(
        name__in=names))


def test_a_subcategory_narrows_the_list(as_alice, provider):
    instagram = Category.objects.get(name="Instagram", parent=None)
    likes = Category.objects.get(name="Likes", parent=instagram)
    html = as_alice.get("/order/new/", {"category": instagram.pk, "subcategory": likes.pk},
                        headers=htmx("order-list")).content.decode()
    names = _options(html)
    assert "Instagram Likes" in names and "Instagram Followers" not in names
    assert set(Service.objects.filter(name__in=names).values_list("subcategory", flat=True)) \
        == {likes.pk}


def test_without_javascript_the_picker_is_a_get_form_in_two_steps(as_alice, service):
    """The picker's controls belong to a GET form (form="order-picker") with its own button;
    the order form posts only the chosen service, never the picker or a token in a URL."""
    page = as_alice.get("/order/new/").content.decode()
    assert '<form id="order-picker" method="get" action="/order/new/"' in page
    for control in ('id="order-q" form="order-picker"', 'id="order-category" form="order-picker"',
                    'id="order-service" form="order-picker"'):
        assert control in page
    assert '<button class="button small ghost" type="submit" form="order-picker">' in page
    # Step 1: a category and a subcategory (the button sends the picker's fields).
    instagram = Category.objects.get(name="Instagram", parent=None)
    likes = Category.objects.get(name="Likes", parent=instagram)
    page = as_alice.get("/order/new/", {"q": "", "category": instagram.pk,
                                        "subcategory": likes.pk, "service": ""}).content.decode()
    assert f'<option value="{likes.pk}" selected>' in page
    assert "Instagram Likes" in _options(page) and "Instagram Followers" not in _options(page)
    # Step 2: a service of that list: its form, with the service as a field of the order form.
    chosen = service(2)
    page = as_alice.get("/order/new/", {"q": "", "category": instagram.pk,
                                        "subcategory": likes.pk,
                                        "service": chosen.pk}).content.decode()
    assert f'<input type="hidden" name="service" value="{chosen.pk}">' in page
    assert 'name="link" type="url"' in page
    # Another category with the old service still chosen: the new category wins.
    email = Category.objects.get(name="Accounts-Email", parent=None)
    page = as_alice.get("/order/new/", {"category": email.pk, "subcategory": likes.pk,
                                        "service": chosen.pk}).content.decode()
    assert 'name="link" type="url"' not in page and "Gmail Account - USA" in _options(page)


def test_the_order_posts_with_the_chosen_service_alone(as_alice, alice, service):
    chosen = service(FOLLOWERS)
    response = as_alice.post("/order/new/", {"service": chosen.pk, "quantity": 100,
                                             "link": "https://instagram.com/alice"})
    assert response.status_code == 302
    assert alice.orders.get().service_id == chosen.pk


def test_a_chosen_service_comes_with_its_subcategory_description_and_average_time(
        as_alice, alice, service):
    followers = service(FOLLOWERS)
    followers.description = "Real-looking profiles, steady speed."
    followers.save()
    page = as_alice.get("/order/new/", {"service": followers.pk}).content.decode()
    assert f'<option value="{followers.subcategory_id}" selected>' in page
    assert "Real-looking profiles, steady speed." in page
    assert 'data-testid="completion"' not in page  # no completed orders yet
    _orders(alice, followers, completion.MIN_ORDERS, timedelta(minutes=40))
    from django.core.cache import cache

    cache.clear()
    page = as_alice.get("/order/new/", {"service": followers.pk}).content.decode()
    assert "Average completion time: 40 min" in page


def test_the_chosen_service_stays_listed_while_the_search_narrows(as_alice, service):
    chosen = service(GMAIL)  # the list is its subcategory's, narrowed by the search
    html = as_alice.get("/order/new/", {"q": "qqqzzz", "service": chosen.pk},
                        headers=htmx("order-list")).content.decode()
    assert _options(html) == ["Gmail Account - USA"]
    assert f'<option value="{chosen.pk}" selected>' in html


@pytest.mark.parametrize("params", [
    {"q": "%"}, {"q": "x" * 3000}, {"category": "abc", "subcategory": "-1"},
    {"subcategory": "999999"}, {"q": "متابعين", "category": "99999999999999999999"},
    {"service": "1e9", "q": "(("},
])
def test_nonsense_picker_parameters_answer_a_form(as_alice, provider, params):
    for target in ("", "order-choice", "order-list"):
        assert as_alice.get("/order/new/", params, headers=htmx(target) if target
                            else None).status_code == 200


# --- Queries: the same bound at two catalog sizes -----------------------------------------

@pytest.mark.parametrize("size", [40, 400])
def test_search_and_picker_queries_do_not_grow_with_the_catalog(
        size, as_alice, provider, sandbox, django_assert_max_num_queries):
    if size != 40:
        sandbox.configure(services=size)
        sync_provider(provider)
    instagram = Category.objects.get(name="Instagram", parent=None)
    followers = Service.objects.get(provider=provider, upstream_id=FOLLOWERS)
    urls = [("/catalog/?q=folowers", None), ("/catalog/?q=ig+likes&page=2", None),
            ("/catalog/?q=yt", htmx("results")),
            ("/order/new/?q=folowers", None),
            (f"/order/new/?category={instagram.pk}", htmx("order-choice")),
            (f"/order/new/?q=ig&category={instagram.pk}", htmx("order-list")),
            (f"/order/new/?service={followers.pk}&q=ig", None)]
    for url, headers in urls:
        # at most: the session and user, the balance, the category tree, a page of services
        # and its count, the completion times, the quote's service and the vocabulary (once
        # per catalog version)
        with django_assert_max_num_queries(QUERY_BOUND):
            assert as_alice.get(url, headers=headers).status_code == 200, url
