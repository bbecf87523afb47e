"""The parsers against hostile values: whatever the panel cannot store is refused by name, with
the value quoted; hidden characters never pass; the limits are the columns' own."""

import re
from datetime import datetime
from decimal import Decimal

import pytest

from orders.models import Order
from provider import upstream_types as ut
from provider.models import Category, Provider, Service, SmsCountry, SmsPrice, SmsProject
from provider.upstream_types import MalformedAnswer


def service(**fields: object) -> dict[str, object]:
    return {"service": 1, "name": "Likes", "category": "Instagram", "rate": "0.50",
            "min": 10, "max": 1000, "stock": 5, **fields}


def status(**fields: object) -> dict[str, object]:
    return {"status": "In progress", **fields}


def test_the_limits_are_the_columns():
    def length(model, name):
        return model._meta.get_field(name).max_length

    assert length(Service, "name") == ut.SERVICE_NAME_MAX
    assert length(Service, "type") == ut.SERVICE_TYPE_MAX
    assert length(Category, "name") == ut.CATEGORY_NAME_MAX
    assert length(SmsCountry, "code") == ut.SMS_COUNTRY_CODE_MAX
    assert length(SmsCountry, "name") == ut.SMS_COUNTRY_NAME_MAX
    assert length(SmsProject, "project_id") == ut.SMS_PROJECT_ID_MAX
    assert length(SmsProject, "name") == ut.SMS_PROJECT_NAME_MAX
    assert length(Order, "upstream_status") == ut.STATUS_MAX
    assert length(Order, "upstream_currency") == ut.CURRENCY_MAX
    assert length(Provider, "currency") == ut.CURRENCY_MAX
    assert length(Order, "phone") == ut.PHONE_MAX
    # Codes are encrypted at rest, in a text column of no fixed length: the parser's cap
    # (SMS_CODE_MAX) is what keeps an upstream from storing a novel as a code.
    assert length(Order, "sms_code") is None and 0 < ut.SMS_CODE_MAX <= 100
    for model, name in [(Service, "rate"), (SmsPrice, "cost"), (Order, "upstream_charge"),
                        (Provider, "balance")]:
        field = model._meta.get_field(name)
        assert (field.max_digits, field.decimal_places) == (ut.MONEY_DIGITS, ut.MONEY_PLACES)


@pytest.mark.parametrize(("fields", "message"), [
    ({"service": 10**20}, "`service` is out of range (1..9223372036854775807): 1000000000"),
    ({"service": 0}, "`service` is out of range"),
    ({"service": "abc"}, "`service` is not an integer: 'abc'"),
    ({"rate": "1e12"}, "`rate` is out of range (below 1000000000000): '1e12'"),
    ({"rate": Decimal("999999999999.9999999")}, "`rate` is out of range"),
    ({"rate": "-0.01"}, "`rate` is negative: '-0.01'"),
    ({"rate": "NaN"}, "`rate` is not an amount: 'NaN'"),
    ({"rate": "Infinity"}, "`rate` is not an amount: 'Infinity'"),
    ({"rate": True}, "`rate` is not an amount: True"),
    ({"max": 2**31}, "`max` is out of range (0..2147483647): 2147483648"),
    ({"min": -1}, "`min` is out of range (0..2147483647): -1"),
    ({"min": 5000}, "`min` 5000 is above `max` 1000"),
    ({"stock": -3}, "`stock` is out of range (0..2147483647): -3"),
    ({"stock": "1e20"}, "`stock` is out of range"),
    ({"name": ["a list"]}, "`name` is not text: ['a list']"),
    ({"name": "\x00\u202e\x07"}, "`name` is missing or empty"),
    ({"category": "C" * 201}, "`category` is longer than 200 characters"),
    ({"category": "Insta\x00gram"}, "`category` holds control characters: 'Insta\\x00gram'"),
])
def test_a_service_the_columns_cannot_hold_is_refused_by_name(fields, message):
    with pytest.raises(MalformedAnswer) as refused:
        ut.parse_service(service(**fields))

    assert message in str(refused.value)
    assert str(refused.value).startswith("service ")


def test_a_huge_exponent_is_refused_without_building_the_number():
    # int(Decimal("1e999999999")) would build a billion digits; the range check comes first.
    with pytest.raises(MalformedAnswer, match="`remains` is out of range"):
        ut.parse_order_status(status(remains="1e999999999"))
    with pytest.raises(MalformedAnswer, match="`rate` is out of range"):
        ut.parse_service(service(rate="1e999999999"))


def test_a_long_refused_value_is_quoted_short():
    with pytest.raises(MalformedAnswer) as refused:
        ut.parse_service(service(category="x" * 100_000))

    assert len(str(refused.value)) < 300 and "(100002 chars)" in str(refused.value)


def test_names_are_cleaned_and_cut_to_their_column():
    parsed = ut.parse_service(service(
        name="\u202eevil\u202c\tname\x00\u2066 \x85x" + "y" * 400, type="T" * 80,
        desc="one\r\ntwo\x00\u200f\tthree"))

    assert parsed.name.startswith("evil name x") and len(parsed.name) == ut.SERVICE_NAME_MAX
    assert parsed.type == "T" * ut.SERVICE_TYPE_MAX
    assert parsed.description == "one\ntwo\tthree"


@pytest.mark.parametrize("text", [
    "\u202aA\u202bB\u202cC\u202dD\u202eE\u2066F\u2067G\u2068H\u2069I\u200eJ\u200fK\u061cL",
    "A\x00B\x01C\x1fD\x7fE\x80F\x9fG\u2028H\u2029I\u200eJ\u200fK\x1bL",
    "AB\ud800CDE\udfffFGHIJKL",  # lone surrogates: JSON allows them, UTF-8 columns do not
])
def test_clean_text_removes_every_hidden_character(text):
    assert ut.clean_text(text) == "ABCDEFGHIJKL"


def test_multiline_text_keeps_lines_and_tabs_only():
    assert ut.clean_text("a\nb\tc\r\nd\re\x0bf\x0cg", multiline=True) == "a\nb\tc\nd\nefg"


@pytest.mark.parametrize(("fields", "message"), [
    ({"remains": Decimal("1E+20")}, "`remains` is out of range"),  # as the client decodes 1e20
    ({"start_count": -(2**63) - 1}, "`start_count` is out of range"),
    ({"charge": "1e12"}, "`charge` is out of range"),
    ({"charge": "-1"}, "`charge` is negative"),
    ({"charge": "1\x00"}, "`charge` is not an amount: '1\\x00'"),
    ({"charge": {"amount": 1}}, "`charge` is not an amount"),
    ({"status": None}, "`status` is missing or empty"),
    ({"status": 12}, None),  # a number is a word the panel does not know: kept for staff
])
def test_an_order_status_the_columns_cannot_hold_is_refused(fields, message):
    if message is None:
        assert ut.parse_order_status(status(**fields)).status == "12"
        return
    with pytest.raises(MalformedAnswer, match=re.escape(message)):
        ut.parse_order_status(status(**fields))


def test_an_order_status_keeps_what_fits():
    parsed = ut.parse_order_status(status(
        status="In progress\x00" + "!" * 100, remains="-50", charge="0.123456789",
        currency="USDT", accounts=["user:pass\nsecond line", "\x00", {"login": "a"}]))

    assert parsed.status == "In progress" + "!" * (ut.STATUS_MAX - len("In progress"))
    assert parsed.remains == -50  # over-delivery: some panels say so, refund is floored at 0
    assert parsed.charge == Decimal("0.123457")  # rounded up to the column's six places
    assert parsed.currency == ""  # informational: not told, rather than the answer refused
    assert parsed.accounts == ("user:pass second line", '{"login": "a"}')


@pytest.mark.parametrize(("answer", "message"), [
    ({"order": 10**20}, "`order` is out of range"),
    ({"order": 0}, "`order` is out of range"),
    ({"order": "7\x00"}, "`order` is not an integer"),
    ({"order": 7.5}, "`order` is not an integer"),
])
def test_an_order_id_the_panel_cannot_keep_is_refused(answer, message):
    with pytest.raises(MalformedAnswer, match=message):
        ut.parse_order_id(answer)


def test_a_balance_may_be_negative_but_never_beyond_the_column():
    assert ut.parse_balance({"balance": "-5.5"}).amount == Decimal("-5.5")
    with pytest.raises(MalformedAnswer, match="`balance` is out of range"):
        ut.parse_balance({"balance": Decimal("1E+20")})


@pytest.mark.parametrize(("row", "message"), [
    ({"order": 10**20, "phone": "+1"}, "`order` is out of range"),
    ({"order": 1, "phone": "+1\x00"}, "`phone` holds control characters"),
    ({"order": 1, "phone": "9" * 41}, "`phone` is longer than 40 characters"),
    ({"order": 1, "phone": {"n": 1}}, "`phone` is not text"),
])
def test_a_rented_number_the_panel_cannot_store_refuses_the_whole_answer(row, message):
    good = {"order": 2, "phone": "+15550002"}
    with pytest.raises(MalformedAnswer, match=message):
        ut.parse_sms_numbers({"orders": [good, row]})


def test_sms_code_and_text():
    parsed = ut.parse_sms_code({"status": "completed", "code": 123456,
                                "sms_content": "Code\x00 \u202e123456\nbye"})
    assert (parsed.code, parsed.text) == ("123456", "Code 123456\nbye")
    with pytest.raises(MalformedAnswer, match="`code` holds control characters"):
        ut.parse_sms_code({"status": "completed", "code": "12\x0034"})
    with pytest.raises(MalformedAnswer, match="`code` is longer than 40"):
        ut.parse_sms_status({"status": "code_received", "code": "1" * 41})


@pytest.mark.parametrize("moment", [10**30, "99999-01-01", "0001-01-01T00:00:00+01:00", -1])
def test_an_impossible_expiry_is_refused_not_a_crash(moment):
    with pytest.raises(MalformedAnswer, match="`expires_at` is not a date"):
        ut.parse_sms_status({"status": "active", "expires_at": moment})


def test_an_expiry_in_seconds_still_reads():
    assert ut.parse_sms_status({"status": "active", "expires_at": 0}).expires_at == \
        datetime.fromisoformat("1970-01-01T00:00:00+00:00")


def test_catalog_rows_are_read_one_by_one():
    page = ut.parse_services({"services": [service(), service(service=2, max=2**40),
                                           "not an object", service(service=3)]})
    countries = ut.parse_sms_countries([{"country_code": "us", "country_name": "US"},
                                        {"country_code": "toolongcode"}, {"country_name": "x"}])
    projects = ut.parse_sms_projects([
        {"project_id": "p1", "name": "T", "price": "0.5", "country_id": "us"},
        {"project_id": "p2", "name": "T", "price": "-0.5", "country_id": "us"}])
    categories = ut.parse_categories({"categories": [
        {"category": "Ok", "subcategories": ["Fine"]},
        {"category": "Bad", "subcategories": ["Fi\x00ne"]}]})

    assert [s.service_id for s in page.services] == [1, 3] and page.total == 4
    assert [str(skip) for skip in page.skipped] == [
        "service 2: `max` is out of range (0..2147483647): 1099511627776",
        "a service without `service`: a service is not a JSON object"]
    assert [c.code for c in countries] == ["us"] and len(countries.skipped) == 2
    assert [p.project_id for p in projects] == ["p1"]
    assert str(projects.skipped[0]) == "project 'p2': `price` is negative: '-0.5'"
    assert [c.name for c in categories] == ["Ok"] and len(categories.skipped) == 1
