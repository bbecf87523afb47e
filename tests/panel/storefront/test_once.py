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
from panel.storefront import once
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


# --- tokens carry their time: old forms are sent again, old tokens are purged --------------


def _aged(token: str, seconds: float) -> str:
    """The same random part, made `seconds` ago."""
    made = int(token[:8], 16) - int(seconds)
    return f"{made:08x}{token[8:]}"


def test_a_form_older_than_its_limit_is_refused_and_offered_again(as_alice, alice, smm):
    form = _order_form(as_alice, smm.pk)
    form["form_token"] = _aged(form["form_token"], once.MAX_AGE.total_seconds() + 60)
    refused = as_alice.post("/order/new/", form)
    html = refused.content.decode()
    assert refused.status_code == 200 and "opened too long ago" in html
    assert not Order.objects.exists() and not SubmittedForm.objects.exists()
    fresh = _token(html)
    assert fresh != form["form_token"]
    placed = as_alice.post("/order/new/", {**form, "form_token": fresh})
    assert placed["Location"] == f"/orders/{Order.objects.get(user=alice).pk}/"


def test_a_form_within_its_limit_places(as_alice, alice, smm):
    form = _order_form(as_alice, smm.pk)
    form["form_token"] = _aged(form["form_token"], once.MAX_AGE.total_seconds() - 600)
    assert as_alice.post("/order/new/", form).status_code == 302
    assert Order.objects.filter(user=alice).count() == 1


def test_a_token_dated_in_the_future_is_refused(as_alice, smm):
    form = _order_form(as_alice, smm.pk)
    form["form_token"] = _aged(form["form_token"], -3600)
    assert "opened too long ago" in as_alice.post("/order/new/", form).content.decode()
    assert not Order.objects.exists()


def test_an_undated_token_from_before_still_places_once(as_alice, alice, smm):
    form = {**_order_form(as_alice, smm.pk), "form_token": "A" * 32}
    as_alice.post("/order/new/", form)
    as_alice.post("/order/new/", form)
    assert Order.objects.filter(user=alice).count() == 1


def test_purge_forgets_only_tokens_past_their_limit(alice):
    from datetime import timedelta

    from django.utils import timezone

    from panel.tasks import purge_form_tokens

    old, recent = once.new_token(), once.new_token()
    SubmittedForm.objects.create(token=old, user=alice)
    SubmittedForm.objects.create(token=recent, user=alice)
    SubmittedForm.objects.filter(token=old).update(
        created_at=timezone.now() - once.MAX_AGE - timedelta(days=1, minutes=1))
    SubmittedForm.objects.filter(token=recent).update(
        created_at=timezone.now() - once.MAX_AGE)
    assert purge_form_tokens() == 1
    assert list(SubmittedForm.objects.values_list("token", flat=True)) == [recent]
