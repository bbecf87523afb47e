"""The SMS actions over HTTP: catalog, renting, codes, expiry, cancellation, refunds."""

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from provider.sandbox.catalog import (
    PROJECT_DISCORD,
    PROJECT_OPENAI,
    PROJECT_TELEGRAM,
    PROJECT_WHATSAPP,
)
from provider.sandbox.state import FIRST_ORDER_ID


@pytest.fixture(autouse=True)
def frozen_clock(sandbox):
    sandbox.reset(speed=0)


def rent(sandbox, project_id, **params):
    return sandbox.call("add_sms", project_id=project_id, **params).json()


def rented(sandbox, project_id, **params):
    reply = rent(sandbox, project_id, **params)
    assert "orders" in reply, reply
    return [item["order"] for item in reply["orders"]]


def balance(sandbox):
    return Decimal(sandbox.call("balance").json()["balance"])


def test_sms_countries_is_a_bare_list_with_its_own_field_names(sandbox):
    assert sandbox.call("sms_countries").json() == [
        {"country_code": "us", "country_name": "United States"},
        {"country_code": "gb", "country_name": "United Kingdom"},
        {"country_code": "de", "country_name": "Germany"},
        {"country_code": "in", "country_name": "India"},
        {"country_code": "br", "country_name": "Brazil"},
    ]


def test_sms_projects_lists_every_project_in_every_country_it_has(sandbox):
    rows = sandbox.call("sms_projects").json()
    assert isinstance(rows, list)
    assert rows[0] == {"project_id": PROJECT_OPENAI, "name": "OpenAI / ChatGPT",
                       "price": "0.5000", "country_id": "us", "country_title": "United States"}
    names = {row["name"] for row in rows}
    assert names == {"OpenAI / ChatGPT", "Telegram", "WhatsApp", "Discord"}
    for row in rows:
        assert set(row) == {"project_id", "name", "price", "country_id", "country_title"}
        assert re.fullmatch(r"[0-9a-f]{24}", row["project_id"])
        assert re.fullmatch(r"\d+\.\d{4}", row["price"])
    per_project = {name: {r["country_id"] for r in rows if r["name"] == name} for name in names}
    assert all(len(countries) >= 3 for countries in per_project.values())


def test_sms_projects_filters_by_country(sandbox):
    rows = sandbox.call("sms_projects", country="gb").json()
    assert {row["country_id"] for row in rows} == {"gb"}
    assert {row["name"] for row in rows} == {"OpenAI / ChatGPT", "Telegram", "WhatsApp"}
    assert sandbox.call("sms_projects", country="zz").json() == []


def test_add_sms_rents_one_us_number_by_default(sandbox):
    reply = rent(sandbox, PROJECT_OPENAI)
    [item] = reply["orders"]
    assert item == {"order": FIRST_ORDER_ID, "phone": item["phone"], "country": "us",
                    "status": "active"}
    assert re.fullmatch(r"\+1\d{10}", item["phone"])
    assert balance(sandbox) == Decimal("999.50")


def test_add_sms_rents_several_numbers_in_a_country(sandbox):
    reply = rent(sandbox, PROJECT_TELEGRAM, quantity=3, country="de")
    assert [item["country"] for item in reply["orders"]] == ["de"] * 3
    assert len({item["phone"] for item in reply["orders"]}) == 3
    assert all(item["phone"].startswith("+49") for item in reply["orders"])
    assert balance(sandbox) == Decimal("1000.00") - 3 * Decimal("0.28")


def test_numbers_and_orders_share_one_id_counter(sandbox):
    sms = rented(sandbox, PROJECT_OPENAI)
    smm = sandbox.call("add", service=1, quantity=100, link="https://x").json()["order"]
    assert smm == sms[0] + 1
    assert sandbox.call("sms_code", order=smm).json() == {"error": "Order not found"}
    assert sandbox.call("status", order=sms[0]).json() == {"error": "Order not found"}


def test_telegram_in_gb_has_only_two_numbers(sandbox):
    reply = rent(sandbox, PROJECT_TELEGRAM, quantity=5, country="gb")
    assert len(reply["orders"]) == 2
    assert balance(sandbox) == Decimal("999.50")
    assert rent(sandbox, PROJECT_TELEGRAM, country="gb") == {"error": "No numbers available"}
    assert len(rented(sandbox, PROJECT_TELEGRAM, quantity=5, country="us")) == 5


@pytest.mark.parametrize(("params", "message"), [
    ({"project_id": ""}, "Project ID is required"),
    ({"project_id": "ffffffffffffffffffffffff"}, "Project not found"),
    ({"project_id": PROJECT_OPENAI, "quantity": "0"}, "Quantity must be between 1 and 10"),
    ({"project_id": PROJECT_OPENAI, "quantity": "11"}, "Quantity must be between 1 and 10"),
    ({"project_id": PROJECT_OPENAI, "quantity": "two"}, "Quantity must be between 1 and 10"),
    ({"project_id": PROJECT_OPENAI, "country": "br"}, "Country not available for this project"),
    ({"project_id": PROJECT_OPENAI, "phone": "+19999999999"}, "Phone number not found"),
])
def test_add_sms_refusals(sandbox, params, message):
    assert sandbox.call("add_sms", **params).json() == {"error": message}
    assert sandbox.numbers() == []


def test_add_sms_refuses_when_the_balance_is_short(sandbox):
    sandbox.reset(speed=0, balance="0.90")
    assert rent(sandbox, PROJECT_OPENAI, quantity=2) == {"error": "Insufficient balance"}
    assert len(rented(sandbox, PROJECT_OPENAI)) == 1


def test_add_sms_reuses_a_phone(sandbox):
    [first] = rented(sandbox, PROJECT_OPENAI, country="gb")
    phone = sandbox.call("sms_status", order=first).json()["phone"]
    reply = rent(sandbox, PROJECT_OPENAI, phone=phone, quantity=3)
    assert [(item["phone"], item["country"]) for item in reply["orders"]] == [(phone, "gb")]


def test_openai_code_arrives_after_eight_seconds_and_is_kept(sandbox):
    [number] = rented(sandbox, PROJECT_OPENAI)
    waiting = {"status": "waiting", "message": "Waiting for code"}
    assert sandbox.call("sms_code", order=number).json() == waiting
    active = sandbox.call("sms_status", order=number).json()
    assert (active["status"], active["code"], active["charge"]) == ("active", None, "0.5000")
    sandbox.advance(7.9)
    assert sandbox.call("sms_code", order=number).json() == waiting
    sandbox.advance(0.1)
    code = sandbox.call("sms_code", order=number).json()
    assert code["status"] == "completed"
    assert re.fullmatch(r"\d{6}", code["code"])
    assert code["sms_content"] == f"Your verification code is {code['code']}"
    received = sandbox.call("sms_status", order=number).json()
    assert received == {"status": "code_received", "phone": active["phone"],
                        "code": code["code"], "charge": "0.5000", "currency": "USD",
                        "expires_at": active["expires_at"]}
    sandbox.advance(120)
    assert sandbox.call("sms_status", order=number).json()["status"] == "code_received"
    assert balance(sandbox) == Decimal("999.50")


def test_telegram_code_arrives_after_five_seconds(sandbox):
    [number] = rented(sandbox, PROJECT_TELEGRAM)
    sandbox.advance(4.9)
    assert sandbox.call("sms_code", order=number).json()["status"] == "waiting"
    sandbox.advance(0.1)
    assert sandbox.call("sms_code", order=number).json()["status"] == "completed"


def test_whatsapp_never_gets_a_code_and_expires_free_of_charge(sandbox):
    [number] = rented(sandbox, PROJECT_WHATSAPP)
    assert balance(sandbox) == Decimal("999.60")
    sandbox.advance(59.9)
    assert sandbox.call("sms_status", order=number).json()["status"] == "active"
    sandbox.advance(0.1)
    assert sandbox.call("sms_code", order=number).json() == {
        "status": "expired", "message": "Number expired"}
    expired = sandbox.call("sms_status", order=number).json()
    assert (expired["status"], expired["code"], expired["charge"]) == ("expired", None, "0.0000")
    assert balance(sandbox) == Decimal("1000.00")


def test_expiry_is_credited_even_if_nobody_asks(sandbox):
    rented(sandbox, PROJECT_WHATSAPP, quantity=2)
    sandbox.advance(61)
    assert balance(sandbox) == Decimal("1000.00")


def test_discord_numbers_are_canceled_by_the_upstream(sandbox):
    [number] = rented(sandbox, PROJECT_DISCORD, country="br")
    sandbox.advance(14.9)
    assert sandbox.call("sms_status", order=number).json()["status"] == "active"
    sandbox.advance(0.1)
    assert sandbox.call("sms_code", order=number).json() == {
        "status": "canceled", "message": "Number canceled"}
    canceled = sandbox.call("sms_status", order=number).json()
    assert (canceled["status"], canceled["charge"]) == ("canceled", "0.0000")
    assert balance(sandbox) == Decimal("1000.00")


def test_expires_at_is_rent_time_plus_sixty_seconds_in_utc_with_milliseconds(sandbox):
    [number] = rented(sandbox, PROJECT_OPENAI)
    expires_at = sandbox.call("sms_status", order=number).json()["expires_at"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", expires_at)
    moment = datetime.fromisoformat(expires_at.replace("Z", "+00:00"))
    rented_at = datetime.fromtimestamp(sandbox.numbers()[0].number.created_at, UTC)
    assert abs((moment - rented_at).total_seconds() - 60) < 0.002


@pytest.mark.parametrize("action", ["sms_code", "sms_status"])
@pytest.mark.parametrize(("params", "message"), [
    ({}, "Order ID is required"),
    ({"order": "42"}, "Order not found"),
    ({"order": "x"}, "Order not found"),
])
def test_number_lookups_refuse_unknown_orders(sandbox, action, params, message):
    assert sandbox.call(action, **params).json() == {"error": message}
