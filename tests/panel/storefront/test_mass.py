"""The mass order page: preview every line, confirm once, the good lines placed."""

import re
from decimal import Decimal as D

import pytest

from orders.models import Order
from panel.models import SubmittedForm
from tests.panel.storefront.conftest import htmx
from tests.panel.storefront.helpers import assert_csp_clean

FOLLOWERS, GMAIL = 1, 4
LINK = "https://instagram.com/nova"
TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def _lines(service, *rows: tuple[int, str, int]) -> str:
    return "\n".join(f"{service(s).pk}|{link}|{qty}" for s, link, qty in rows)


def test_the_page_explains_the_format_and_is_in_the_menu(as_alice):
    response = as_alice.get("/orders/mass/")
    html = response.content.decode()
    assert "service_id|link|quantity" in html and 'name="lines"' in html
    assert 'href="/orders/mass/" aria-current="page">Mass order</a>' in html
    assert_csp_clean(response)


def test_the_preview_prices_and_marks_lines_and_places_nothing(as_alice, service):
    text = _lines(service, (FOLLOWERS, LINK, 2000), (FOLLOWERS, "nope", 100), (GMAIL, "", 5))
    response = as_alice.post("/orders/mass/", {"step": "preview", "lines": text},
                             headers=htmx("mass"))
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="mass"')
    assert "1 of 3 lines can be placed" in html
    assert "<strong>$1.00</strong>" in html
    assert "The link must be an http:// or https:// URL." in html
    assert "Insufficient balance: this line costs $125.00" in html
    assert "Place 1 order · $1.00" in html and TOKEN.search(html)
    assert not Order.objects.exists()


def test_the_preview_costs_the_same_queries_for_more_lines(as_alice, service,
                                                           django_assert_max_num_queries):
    few = _lines(service, *[(FOLLOWERS, LINK, 100)] * 2, (GMAIL, "", 1))
    many = _lines(service, *[(FOLLOWERS, LINK, 100)] * 40, *[(GMAIL, "", 1)] * 3)
    with django_assert_max_num_queries(10) as counted:
        as_alice.post("/orders/mass/", {"step": "preview", "lines": few}, headers=htmx("mass"))
    with django_assert_max_num_queries(len(counted.captured_queries)):
        as_alice.post("/orders/mass/", {"step": "preview", "lines": many}, headers=htmx("mass"))


def _preview_token(client, text: str) -> str:
    html = client.post("/orders/mass/", {"step": "preview", "lines": text}).content.decode()
    return TOKEN.search(html).group(1)


def test_confirming_places_the_good_lines_and_gives_back_the_refused(as_alice, alice,
                                                                     service):
    text = _lines(service, (GMAIL, "bob@example.com", 3), (GMAIL, "", 2), (FOLLOWERS, LINK, 1000))
    token = _preview_token(as_alice, text)
    response = as_alice.post("/orders/mass/", {"step": "place", "lines": text,
                                               "form_token": token}, headers=htmx("mass"))
    html = response.content.decode()
    orders = list(Order.objects.order_by("pk"))
    assert [o.charge for o in orders] == [D("75.00"), D("0.50")]
    assert "2 orders placed · $75.50" in html
    assert f'href="/orders/{orders[0].pk}/">Order #{orders[0].pk}</a>' in html
    assert "Insufficient balance: this line costs $50.00." in html
    # the refused line, back in the form to correct
    assert f">{service(GMAIL).pk}||2</textarea>" in html
    alice.wallet.refresh_from_db()
    assert alice.wallet.balance == D("24.50")


def test_the_same_confirmation_twice_places_once(as_alice, alice, service):
    text = _lines(service, (FOLLOWERS, LINK, 1000), (FOLLOWERS, LINK, 2000))
    form = {"step": "place", "lines": text, "form_token": _preview_token(as_alice, text)}
    as_alice.post("/orders/mass/", form)
    again = as_alice.post("/orders/mass/", form)
    assert again.status_code == 302 and again["Location"] == "/orders/"
    assert Order.objects.count() == 2
    alice.wallet.refresh_from_db()
    assert alice.wallet.balance == D("98.50")


def test_a_list_that_placed_nothing_can_be_sent_again_corrected(as_alice, service):
    bad = _lines(service, (FOLLOWERS, "nope", 1000))
    token = _preview_token(as_alice, _lines(service, (FOLLOWERS, LINK, 1000)))
    as_alice.post("/orders/mass/", {"step": "place", "lines": bad, "form_token": token})
    assert not Order.objects.exists() and not SubmittedForm.objects.exists()


def test_an_unverified_customer_places_nothing(as_carol, carol, service):
    from orders.ledger import top_up

    top_up(carol, D("10"))
    text = _lines(service, (FOLLOWERS, LINK, 1000))
    response = as_carol.post("/orders/mass/", {"step": "place", "lines": text})
    assert "Confirm your e-mail address" in response.content.decode()
    assert not Order.objects.exists()


@pytest.mark.parametrize("step", ["preview", "place"])
def test_too_many_lines_are_refused(as_alice, service, step):
    text = "\n".join([f"{service(FOLLOWERS).pk}|{LINK}|100"] * 101)
    html = as_alice.post("/orders/mass/", {"step": step, "lines": text}).content.decode()
    assert "At most 100 lines at once; this list has 101." in html
    assert not Order.objects.exists()


def test_a_visitor_is_sent_to_sign_in(client):
    assert client.get("/orders/mass/")["Location"] == "/login/?next=/orders/mass/"
