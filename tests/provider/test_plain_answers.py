"""Answers read for a few fields (the subcategory listings' ids, the names in another
language) skip the float check (`answers.loads_unchecked`, `ProviderClient._read_plain`):
the plain readers agree with the full ones or decline, and over HTTP an answer with floats,
an id the plain reader declines, or an error field is read exactly as before."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provider.answers import exact_loads, loads
from provider.client import ProviderClient, ProviderRejected
from provider.upstream_types import (
    MalformedAnswer,
    parse_service_ids,
    parse_service_names,
    plain_service_ids,
    plain_service_names,
)
from tests.fixtures.hostile import HostileUpstream, Raw, good_service
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


def full(parse, data):
    try:
        read = parse(data)
    except MalformedAnswer:
        return "refused"
    return (tuple(read), tuple(getattr(read, "skipped", ())))


@settings(max_examples=800, deadline=None)
@given(answers)
def test_the_plain_readers_agree_with_the_full_ones_or_decline(data):
    for plain, parse in (
        (plain_service_names, parse_service_names),
        (plain_service_ids, parse_service_ids),
    ):
        fast = plain(data)
        assert fast is None or full(parse, data) == (tuple(fast), ())


@pytest.fixture
def upstream():
    upstream = HostileUpstream().start()
    yield upstream
    upstream.stop()


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
