"""The SMS actions: the upstream's shapes with the panel's project ids and prices, renting
through `orders.sms.rent_numbers`, and each number's code and status."""

from decimal import Decimal as D

import pytest

from orders.models import Order
from orders.sms_tracking import poll_numbers
from orders.states import State
from provider.models import SmsPrice, SmsProject

pytestmark = pytest.mark.django_db

OPENAI, TELEGRAM, WHATSAPP, DISCORD = (
    "OpenAI / ChatGPT", "Telegram", "WhatsApp", "Discord")


def project(name: str) -> SmsProject:
    return SmsProject.objects.get(name=name)


def rent(api, key, name, country="us", **params):
    status, answer = api(key, "add_sms", project_id=project(name).pk, country=country,
                         **params)
    assert status == 200
    return answer


def test_countries(api, alice_key, provider):
    status, answer = api(alice_key, "sms_countries")
    assert status == 200 and isinstance(answer, list)
    assert {"country_code": "us", "country_name": "United States"} in answer
    assert {row["country_code"] for row in answer} == {"us", "gb", "de", "in", "br"}
    SmsPrice.objects.filter(country__code="br").update(available=False)
    codes = {row["country_code"] for row in api(alice_key, "sms_countries")[1]}
    assert "br" not in codes


def test_projects_with_our_ids_and_prices(api, alice_key, provider):
    status, rows = api(alice_key, "sms_projects")
    assert status == 200 and isinstance(rows, list)
    assert len(rows) == SmsPrice.objects.count()
    openai = project(OPENAI)
    us = SmsPrice.objects.get(project=openai, country__code="us")
    assert {"project_id": str(openai.pk), "name": OPENAI, "price": f"{us.sell_price:.4f}",
            "country_id": "us", "country_title": "United States"} in rows
    assert openai.project_id not in str(rows)  # never the upstream's id


def test_projects_of_one_country_on_sale(api, alice_key, provider):
    rows = api(alice_key, "sms_projects", country="GB")[1]
    assert {row["country_id"] for row in rows} == {"gb"}
    assert {row["name"] for row in rows} == {OPENAI, TELEGRAM, WHATSAPP}
    SmsProject.objects.filter(name=WHATSAPP).update(enabled=False)
    assert {row["name"] for row in api(alice_key, "sms_projects", country="gb")[1]} == {
        OPENAI, TELEGRAM}
    assert api(alice_key, "sms_projects", country="zz") == (200, [])


def test_rent_a_number_and_wait_for_the_code(api, alice, alice_key, provider, sandbox):
    answer = rent(api, alice_key, OPENAI)
    order = Order.objects.get()
    assert answer == {"orders": [{"order": order.pk, "phone": order.phone, "country": "us",
                                  "status": "active"}]}
    assert order.phone.startswith("+") and order.upstream_id != order.pk
    assert api(alice_key, "sms_code", order=order.pk) == (
        200, {"status": "waiting", "message": "Waiting for code"})
    price = SmsPrice.objects.get(project__name=OPENAI, country__code="us").sell_price
    status = api(alice_key, "sms_status", order=order.pk)[1]
    assert (status["status"], status["phone"], status["code"], status["charge"],
            status["currency"]) == ("active", order.phone, None, f"{price:.4f}", "USD")
    sandbox.advance(9)
    poll_numbers(everything=True)
    code = api(alice_key, "sms_code", order=order.pk)[1]
    assert code["status"] == "completed" and code["code"]
    assert code["code"] in code["sms_content"]
    status = api(alice_key, "sms_status", order=order.pk)[1]
    assert (status["status"], status["code"]) == ("code_received", code["code"])
    assert status["expires_at"].endswith("Z") and len(status["expires_at"]) == 24
    alice.wallet.refresh_from_db()
    assert alice.wallet.balance == D("100.00") - price


def test_numbers_not_obtained_are_not_listed(api, alice_key, provider):
    answer = rent(api, alice_key, TELEGRAM, country="gb", quantity=3)
    assert len(answer["orders"]) == 2
    assert Order.objects.filter(state=State.REJECTED).count() == 1
    assert rent(api, alice_key, TELEGRAM, country="gb") == {"error": "No numbers available"}


def test_an_expired_number(api, alice_key, provider, sandbox):
    order_id = rent(api, alice_key, WHATSAPP)["orders"][0]["order"]
    sandbox.advance(61)
    poll_numbers(everything=True)
    assert api(alice_key, "sms_code", order=order_id)[1] == {
        "status": "expired", "message": "Number expired"}
    status = api(alice_key, "sms_status", order=order_id)[1]
    assert (status["status"], status["charge"], status["code"]) == ("expired", "0.0000", None)


def test_a_number_canceled_upstream(api, alice_key, provider, sandbox):
    order_id = rent(api, alice_key, DISCORD)["orders"][0]["order"]
    sandbox.advance(16)
    poll_numbers(everything=True)
    assert api(alice_key, "sms_code", order=order_id)[1] == {
        "status": "canceled", "message": "Number canceled"}
    assert api(alice_key, "sms_status", order=order_id)[1]["status"] == "canceled"


@pytest.mark.parametrize(("params", "message"), [
    ({}, "Project ID is required"),
    ({"project_id": "abc"}, "Project not found."),
    ({"project_id": "999999"}, "not available in that country"),
    ({"project_id": "OPENAI", "country": "zz"}, "not available in that country"),
    ({"project_id": "OPENAI", "quantity": "11"}, "between 1 and 10"),
    ({"project_id": "OPENAI", "quantity": "x"}, "whole number"),
    ({"project_id": "OPENAI", "phone": "not a phone"}, "phone number"),
])
def test_renting_refusals(api, alice_key, provider, params, message):
    params = {k: project(OPENAI).pk if v == "OPENAI" else v for k, v in params.items()}
    status, answer = api(alice_key, "add_sms", **params)
    assert status == 200 and message in answer["error"]
    assert not Order.objects.exists()


def test_renting_without_the_money(api, make_customer, provider):
    from panel.apikeys import regenerate_api_key

    key = regenerate_api_key(make_customer("poor@example.com", balance="0.01"))
    answer = api(key, "add_sms", project_id=project(OPENAI).pk)[1]
    assert answer["error"].startswith("Insufficient balance")


def test_numbers_are_the_customers_own(api, alice_key, bob_key, provider):
    order_id = rent(api, alice_key, OPENAI)["orders"][0]["order"]
    for action in ("sms_code", "sms_status"):
        assert api(bob_key, action, order=order_id) == (200, {"error": "Order not found"})
        assert api(alice_key, action, order=999999) == (200, {"error": "Order not found"})
        assert api(alice_key, action) == (200, {"error": "Order ID is required"})
    # A number is not an order, and an order not a number.
    assert api(alice_key, "status", order=order_id) == (200, {"error": "Incorrect order ID"})
