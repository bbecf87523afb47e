"""Answers read for a few fields (the subcategory listings' ids, the names in another
language) are decoded from their bytes by msgspec (`provider.listing_decoders`,
`ProviderClient._read_plain`): the fast readers agree with the full ones on the same bytes or
decline, and over HTTP an answer with floats, an id the fast reader declines, hostile JSON or
an error field is read exactly as before."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provider import listing_decoders
from provider.answers import exact_loads, loads
from provider.client import ProviderClient, ProviderRejected
from provider.upstream_types import MalformedAnswer, parse_service_ids, parse_service_names
from tests.fixtures.hostile import Raw, good_service
from tests.provider.test_plain_service import rows as service_rows

names = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from([" Likes ", "a\tb", "x\u202ey", "", " ", "N" * 301, "C" * 201]),
    st.integers(min_value=-2, max_value=2**64),
)


@st.composite
def rows(draw) -> object:
    row = draw(service_rows())
    for field in ("name", "category"):
        if draw(st.booleans()):
            row[field] = draw(names)
    return draw(st.sampled_from([row, row, row, "not a row", None]))


answers = st.lists(rows(), max_size=4).flatmap(
    lambda listed: st.sampled_from([{"services": listed}, listed, {"other": listed}])
)


def full(parse, body):
    try:
        read = parse(exact_loads(body))
    except (MalformedAnswer, ValueError, RecursionError):
        return "refused"
    return (tuple(read), tuple(getattr(read, "skipped", ())))


FAST_AND_FULL = (
    (listing_decoders.service_names, parse_service_names),
    (listing_decoders.service_ids, parse_service_ids),
)


@settings(max_examples=800, deadline=None)
@given(answers, st.booleans())
def test_the_fast_readers_agree_with_the_full_ones_or_decline(data, spaced):
    # Decimals as JSON numbers (floats on the wire, which the full reader reads exactly).
    body = json.dumps(data, indent=1 if spaced else None, default=float).encode()
    for fast_reader, parse in FAST_AND_FULL:
        fast = fast_reader(body)
        assert fast is None or full(parse, body) == (tuple(fast), ())


def test_the_plain_shape_is_taken_by_the_fast_readers():
    body = body_of([good_service(1, name=" Likes "), good_service(2, category=None)])
    assert listing_decoders.service_ids(body) == (1, 2)
    assert listing_decoders.service_ids(json.dumps([{"service": 7}]).encode()) == (7,)
    names = listing_decoders.service_names(body)
    assert [(row.service_id, row.name, row.category) for row in names] == [
        (1, "Likes", good_service(1)["category"]),
        (2, good_service(2)["name"], ""),
    ]


@pytest.mark.parametrize(
    "body",
    [
        b'{"services": [{"service": 1}], "error": null}',  # an error field, even null
        b'{"services": [{"service": 1}], "error": "Invalid action"}',
        b'[{"service": 1.0, "name": "a"}]',  # an id as a float
        b'[{"service": "1", "name": "a"}]',  # an id as text
        b'[{"service": 0, "name": "a"}]',
        b'[{"service": 9223372036854775808, "name": "a"}]',  # beyond a bigint
        b'[{"service": 1, "name": "a", "x": NaN}]',
        b'[{"service": 1, "name": "a\\ud800"}]',  # a lone surrogate
        b'[{"service": 1, "name": "a", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}]",
        b'[{"service": 1, "name": "a"}, "not a row"]',
        b'[{"service": 1, "name": "a"}',  # truncated
        b'{"other": []}',
    ],
)
def test_hostile_or_unusual_answers_are_declined(body):
    for fast_reader, _ in FAST_AND_FULL:
        assert fast_reader(body) is None


@pytest.mark.parametrize(
    "row",
    [
        {"service": 1, "name": "a\tb"},
        {"service": 1, "name": "x\u202ey"},
        {"service": 1, "name": "  "},
        {"service": 1, "name": "a", "category": "C" * 201},
        {"service": 1, "name": "a", "category": 7},
    ],
)
def test_names_the_fast_reader_would_not_take_as_they_are_are_declined(row):
    assert listing_decoders.service_names(json.dumps([row]).encode()) is None


@pytest.fixture
def client(upstream):
    with ProviderClient(upstream.url, upstream.key, retries=0, allow_private=True) as client:
        yield client


def body_of(listed: list) -> bytes:
    return json.dumps({"services": listed}).encode()


@pytest.mark.parametrize(
    "listed",
    [
        [good_service(1, name=" Likes "), good_service(2, rate=1.5)],  # a float elsewhere
        [good_service(1), {**good_service(3), "service": 3.0}],  # an id the plain reader declines
        [good_service(1, name="a\tb", category=7), good_service(2, category="C" * 201)],
    ],
)
def test_names_and_ids_over_http_are_read_as_the_exact_decoder_reads_them(upstream, client, listed):
    upstream.answer("services", lambda form: Raw(body_of(listed)))
    exact = exact_loads(body_of(listed))
    names_read = client.service_names_in("ar")
    assert (list(names_read), names_read.skipped) == (
        list(parse_service_names(exact)),
        parse_service_names(exact).skipped,
    )
    assert client.service_ids(subcategory="Likes") == list(parse_service_ids(exact))
    # the same as the usual decoding (`answers.loads`) reads them
    assert list(names_read) == list(parse_service_names(loads(body_of(listed))))


def test_an_error_field_is_still_a_rejection(upstream, client):
    upstream.answer("services", {"error": "Invalid action"})
    with pytest.raises(ProviderRejected):
        client.service_names_in("ar")
    with pytest.raises(ProviderRejected):
        client.service_ids(subcategory="Likes")
