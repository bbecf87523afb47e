"""The same order form sent twice places one order: a one-time token per rendered form,
consumed with the order (`panel.storefront.once`). The second submission is shown the
order the first one placed, never an error page."""

import re
import threading
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test import Client

from orders.ledger import top_up
from orders.models import Kind, Order
from panel.models import SubmittedForm
from panel.storefront.context import balance_of

pytestmark = pytest.mark.usefixtures("quick_passwords")
TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def _token(html: str) -> str:
    return TOKEN.search(html).group(1)


def _order_form(client: Client, service_id: int) -> dict[str, str]:
    html = client.get(f"/order/new/?service={service_id}").content.decode()
    return {"form_token": _token(html), "service": str(service_id), "quantity": "1",
            "link": "https://instagram.com/p/abc"}


@pytest.fixture
def smm(upstream):
    _, services, _, _ = upstream
    return services["smm"]


def test_every_rendered_form_has_its_own_token(as_alice, smm):
    first, second = (_order_form(as_alice, smm.pk)["form_token"] for _ in range(2))
    assert first != second


def test_the_same_form_sent_twice_places_one_order(as_alice, alice, smm):
    form = _order_form(as_alice, smm.pk)
    first = as_alice.post("/order/new/", form)
    order = Order.objects.get(user=alice)
    assert first.status_code == 302 and first["Location"] == f"/orders/{order.pk}/"

    again = as_alice.post("/order/new/", form, headers={"HX-Request": "true"})
    assert again.status_code == 200 and again["HX-Redirect"] == f"/orders/{order.pk}/"
    assert Order.objects.filter(user=alice).count() == 1
    page = as_alice.get(again["HX-Redirect"]).content.decode()
    assert "This form was already sent" in page
    assert balance_of(alice) == D("100.00") - order.charge


def test_a_refused_form_can_be_corrected_and_sent_again(as_alice, alice, smm):
    form = _order_form(as_alice, smm.pk)
    refused = as_alice.post("/order/new/", {**form, "link": "not a link"})
    assert refused.status_code == 200 and "must be an http" in refused.content.decode()
    assert not SubmittedForm.objects.exists(), "the token went back with the refusal"
    placed = as_alice.post("/order/new/", form)
    assert placed["Location"] == f"/orders/{Order.objects.get(user=alice).pk}/"


def test_a_form_without_a_token_still_places(as_alice, alice, smm):
    form = _order_form(as_alice, smm.pk)
    del form["form_token"]
    as_alice.post("/order/new/", form)
    as_alice.post("/order/new/", form)
    assert Order.objects.filter(user=alice).count() == 2


def test_another_customers_token_places_nothing_and_shows_nothing(as_alice, as_bob, bob, smm):
    form = _order_form(as_alice, smm.pk)
    as_alice.post("/order/new/", form)
    response = as_bob.post("/order/new/", form)
    assert response["Location"] == "/orders/"
    assert not Order.objects.filter(user=bob).exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submissions_place_once(alice, smm):
    """Two tabs post one form at the same moment, each on its own database connection."""
    clients = [Client() for _ in range(2)]
    for client in clients:
        client.force_login(alice)
    form = _order_form(clients[0], smm.pk)
    start = threading.Barrier(2)
    answers: list[object] = []

    def submit(client: Client) -> None:
        try:
            start.wait()
            answers.append(client.post("/order/new/", form))
        except Exception as exc:  # a 500 re-raised by the test client
            answers.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    order = Order.objects.get(user=alice)
    assert [getattr(a, "status_code", a) for a in answers] == [302, 302]
    assert {a["Location"] for a in answers} == {f"/orders/{order.pk}/"}


# --- the SMS rent form -------------------------------------------------------------------


def _rent_form(client: Client) -> dict[str, str]:
    html = client.get("/sms/?country=us").content.decode()
    return {"form_token": _token(html), "project": re.search(
        r'name="project" value="(\d+)"', html).group(1), "country": "us"}


@pytest.fixture
def telegram(upstream):
    from provider.models import SmsPrice

    _, _, project, country = upstream
    return SmsPrice.objects.create(project=project, country=country, cost=D("0.10"),
                                   sell_price=D("0.20"))


def test_the_same_rent_form_sent_twice_rents_one_number(as_alice, alice, telegram):
    form = _rent_form(as_alice)
    first = as_alice.post("/sms/rent/", form)
    number = Order.objects.get(user=alice, kind=Kind.SMS)  # refused upstream: no provider
    assert first["Location"] == f"/orders/{number.pk}/"
    again = as_alice.post("/sms/rent/", form)
    assert again["Location"] == f"/orders/{number.pk}/"
    assert Order.objects.filter(user=alice).count() == 1


def test_a_refused_rent_form_can_be_sent_again(make_customer, telegram):
    poor = make_customer("poor@example.com", balance="0")
    client = Client()
    client.force_login(poor)
    form = _rent_form(client)
    refused = client.post("/sms/rent/", form)
    assert "Insufficient balance" in refused.content.decode()
    top_up(poor, D("1.00"), reason="test")
    rented = client.post("/sms/rent/", form)
    assert rented["Location"] == f"/orders/{Order.objects.get(user=poor).pk}/"
