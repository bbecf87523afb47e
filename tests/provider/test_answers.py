"""`provider.answers.loads`: orjson's reading only where it is exact, the Decimal decoder
for everything else, so no amount is ever read as a float."""

from decimal import Decimal as D

import pytest

from provider.answers import exact_loads, holds_float, loads


def test_whole_numbers_and_strings_take_the_fast_reading():
    data = loads(b'{"services": [{"service": 7, "rate": "0.10", "refill": true}]}')
    assert data == {"services": [{"service": 7, "rate": "0.10", "refill": True}]}
    assert type(data["services"][0]["service"]) is int


@pytest.mark.parametrize(
    "body",
    [b'{"balance": 0.1}', b'[{"a": [1, {"b": 1e2}]}]', b"1.5", b'{"rate": 0.10000000000000001}'],
)
def test_a_float_anywhere_reads_every_number_as_a_decimal(body):
    assert loads(body) == exact_loads(body)
    assert not holds_float(loads(body))


def test_the_exact_amount_is_kept_where_a_float_would_round_it():
    assert loads(b'{"rate": 0.10000000000000001}')["rate"] == D("0.10000000000000001")


def test_integers_past_64_bits_are_decimals():
    assert loads(b'{"order": 123456789012345678901234567890}')["order"] == D(
        "123456789012345678901234567890"
    )


@pytest.mark.parametrize("body", [b'{"balance": NaN}', b'{"a": Infinity}', b"{", b"", b"<html>"])
def test_what_is_not_json_is_refused_as_before(body):
    with pytest.raises(ValueError):
        loads(body)


def test_nesting_deeper_than_orjson_reads_goes_to_the_exact_decoder():
    body = b"[" * 2000 + b"]" * 2000
    assert loads(body) == exact_loads(body)
