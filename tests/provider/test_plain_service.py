"""The fast paths for plain rows (`_plain_service`, `_plain_status`) give exactly what the
full readers (`_read_service`, `_read_order_status`) give, or decline: rows of every shape,
generated."""

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from provider.upstream_types import (
    MalformedAnswer,
    _plain_service,
    _plain_status,
    _read_order_status,
    _read_service,
    parse_order_status,
    parse_service,
)
from tests.fixtures.hostile import good_service

texts = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            " ",
            "Likes",
            " Likes ",
            "a\tb",
            "a\nb",
            "a\r\nb",
            "\u202eevil",
            "x\x00y",
            "\ud800",
            "K" * 301,
            "C" * 201,
            " smm ",
            "PRODUCT",
        ]
    ),
)
numbers = st.one_of(
    st.integers(min_value=-3, max_value=2**63 + 2),
    st.sampled_from([0, 1, 2**31 - 1, 2**31]),
    st.booleans(),
    st.floats(allow_nan=False, width=32),
    st.decimals(allow_nan=False, places=8),
    st.sampled_from(["1", "1.5", " 2 ", "-1", "1e3", "0.0000001", "abc", "", "1e999999999"]),
)
values = st.one_of(st.none(), texts, numbers, st.lists(st.integers(), max_size=2))
FIELDS = [
    "service",
    "name",
    "type",
    "category",
    "rate",
    "min",
    "max",
    "refill",
    "cancel",
    "stock",
    "entityType",
    "autoDelivery",
    "desc",
    "description",
    "dripfeed",
]


@st.composite
def rows(draw) -> dict:
    row = good_service(
        draw(st.integers(min_value=1, max_value=50)),
        desc=draw(st.sampled_from(["Fast\nand steady", "", None])),
    )
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=4, unique=True)):
        if draw(st.booleans()):
            row.pop(name, None)
        else:
            row[name] = draw(values)
    return {k: v for k, v in row.items() if v is not None or draw(st.booleans())}


@settings(max_examples=1500, deadline=None)
@given(rows())
def test_the_fast_path_agrees_with_the_full_reader_or_declines(row):
    fast = _plain_service(row)
    try:
        full = _read_service(row)
    except MalformedAnswer:
        assert fast is None
        return
    assert fast is None or fast == full
    assert parse_service(row) == full


def test_a_plain_row_takes_the_fast_path():
    row = good_service(7, desc="Starts fast.\nSteady speed.", rate="0.50")
    assert _plain_service(row) == _read_service(row)
    assert _plain_service(row).rate == D("0.50")


def test_a_row_with_anything_to_clean_or_check_is_read_in_full():
    for changed in (
        {"name": "Likes\u202e"},
        {"rate": 1},
        {"min": "10"},
        {"refill": 1},
        {"category": "a\nb"},
        {"service": True},
    ):
        assert _plain_service(good_service(7, **changed)) is None


STATUS_FIELDS = [
    "status",
    "charge",
    "start_count",
    "remains",
    "currency",
    "entityType",
    "autoDelivery",
    "accounts",
]


@st.composite
def status_entries(draw) -> dict:
    entry = {
        "charge": "0.05",
        "start_count": "0",
        "status": "In progress",
        "remains": "100",
        "currency": "USD",
    }
    for name in draw(st.lists(st.sampled_from(STATUS_FIELDS), max_size=4, unique=True)):
        if draw(st.booleans()):
            entry.pop(name, None)
        else:
            entry[name] = draw(
                st.one_of(
                    values,
                    st.sampled_from(
                        ["007", "\uff11\uff12", "²", "9" * 19, "-5", " 5", "0.5", "USDT", " usd "]
                    ),
                )
            )
    return entry


@settings(max_examples=1500, deadline=None)
@given(status_entries())
def test_the_status_fast_path_agrees_with_the_full_reader_or_declines(entry):
    fast = _plain_status(entry)
    try:
        full = _read_order_status(entry)
    except MalformedAnswer:
        assert fast is None
        return
    assert fast is None or fast == full
    assert parse_order_status(entry) == full


def test_a_plain_status_takes_the_fast_path():
    entry = {
        "charge": "0.05",
        "start_count": "0",
        "status": "In progress",
        "remains": "100",
        "currency": "USD",
    }
    assert _plain_status(entry) == _read_order_status(entry)
    assert _plain_status({**entry, "accounts": ["a:b"]}) is None
