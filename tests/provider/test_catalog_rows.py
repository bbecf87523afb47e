"""A full sync's `services` answer decoded by msgspec (`provider.catalog_rows`) reads every row
as the usual reading does (`answers.exact_loads`, `parse_service`, `read_changed_rows`), or
declines the whole answer; hostile answers are declined, and a bad row still costs only
that row."""

import json

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from provider import catalog_rows
from provider.answers import exact_loads
from provider.pricing import RuleBook
from provider.row_digest import RowDigests
from provider.sync import _categories_named
from provider.sync_rows import StoredServices, read_changed_catalog_rows, read_changed_rows
from provider.upstream_types import MalformedAnswer, parse_service
from tests.fixtures.hostile import good_service
from tests.provider.test_plain_service import rows as service_rows

SUBCATEGORY_OF = {1: "Likes", 2: "Views", 3: "Likes"}


def nothing_stored() -> StoredServices:
    return StoredServices({}, {}, set())


@st.composite
def answers(draw) -> object:
    listed = draw(
        st.lists(
            st.one_of(service_rows(), service_rows(), service_rows(), st.just("not a row")),
            max_size=5,
        )
    )
    return draw(st.sampled_from([{"services": listed}, listed, {"services": listed, "page": 1}]))


def full_read(row: object) -> object:
    try:
        return parse_service(row)
    except MalformedAnswer:
        return "refused"


def fast_read(row, raw) -> object:
    try:
        return catalog_rows.read(row, raw)
    except MalformedAnswer:
        return "refused"


@settings(max_examples=1500, deadline=None)
@given(answers(), st.booleans())
def test_the_decoded_rows_read_as_the_usual_reading_or_the_answer_is_declined(data, spaced):
    # Decimals as JSON numbers (floats on the wire, which the usual reading reads exactly).
    body = json.dumps(data, indent=1 if spaced else None, default=float).encode()
    decoded = catalog_rows.decode(body)
    if decoded is None:
        return
    exact = exact_loads(body)
    rows = exact["services"] if isinstance(exact, dict) else exact
    assert len(decoded) == len(rows)
    assert [fast_read(row, raw) for row, raw in zip(decoded.rows, decoded.raw, strict=True)] == [
        full_read(row) for row in rows
    ]
    plain = json.loads(body)
    assert [json.loads(bytes(raw)) for raw in decoded.raw] == (
        plain["services"] if isinstance(plain, dict) else plain
    )
    assert decoded.categories() == _categories_named(
        plain["services"] if isinstance(plain, dict) else plain
    )
    digests = RowDigests(RuleBook())
    fast = read_changed_catalog_rows(decoded, SUBCATEGORY_OF, nothing_stored(), digests)
    usual = read_changed_rows(rows, SUBCATEGORY_OF, nothing_stored(), digests)
    assert [service for service, _ in fast.changed] == [service for service, _ in usual.changed]
    assert fast.skipped == usual.skipped


def test_the_plain_shape_is_decoded_and_read():
    rows = [good_service(1, desc="Fast\nsteady"), good_service(2, name=" Two\t", rate="0.1234567")]
    decoded = catalog_rows.decode(json.dumps({"services": rows}).encode())
    assert decoded is not None
    read = [catalog_rows.read(row, raw) for row, raw in zip(decoded.rows, decoded.raw)]
    assert read == [parse_service(row) for row in rows]
    assert read[1].name == "Two"  # cleaned by the full reader, from the row's own bytes


@pytest.mark.parametrize(
    "body",
    [
        b'{"services": [], "error": null}',  # an error field, even null
        b'{"error": "Invalid API key"}',
        b'[{"service": 1, "name": "a", "rate": 1.5, "min": 1, "max": 2}]',  # a float
        b'[{"service": "1", "name": "a", "rate": "1", "min": 1, "max": 2}]',  # an id as text
        b'[{"service": 1, "name": "a", "rate": "1", "min": 1, "max": 2, "x": NaN}]',
        b'[{"service": 1, "name": "a", "rate": "1", "min": 1, "max": 99999999999999999999}]',
        b'[{"service": 1, "name": "a\\ud800", "rate": "1", "min": 1, "max": 2}]',
        b'[{"service": 1, "name": "a", "rate": "1", "min": 1, "max": 2, "x": '
        + b"[" * 100_000
        + b"]" * 100_000
        + b"}]",
        b'[{"service": 1, "name": "a", "rate": "1", "min": 1, "max": 2}, "not a row"]',
        b'[{"service": 1, "name": "a", "rate": "1", "min": 1, "max": 2}',  # truncated
        b"<html>502 Bad Gateway</html>",
    ],
)
def test_hostile_or_unusual_answers_are_declined_whole(body):
    assert catalog_rows.decode(body) is None


def test_a_bad_row_costs_only_that_row():
    rows = [
        good_service(1),
        good_service(2, min=500, max=10),  # min above max
        good_service(3, rate="-1"),  # a negative cost
        good_service(4, name=" \u202e "),  # nothing left of the name once cleaned
        good_service(5, category="a\nb"),  # a category to clean: read in full, refused
    ]
    decoded = catalog_rows.decode(json.dumps(rows).encode())
    assert decoded is not None
    read = read_changed_catalog_rows(
        decoded, SUBCATEGORY_OF, nothing_stored(), RowDigests(RuleBook())
    )
    assert [service.service_id for service, _ in read.changed] == [1]
    assert [skip.row for skip in read.skipped] == [f"service {n}" for n in (2, 3, 4, 5)]


def test_a_row_found_by_the_digest_of_its_bytes_is_left_unread():
    rows = [good_service(1), good_service(2)]
    decoded = catalog_rows.decode(json.dumps(rows).encode())
    digests = RowDigests(RuleBook())
    first = read_changed_catalog_rows(decoded, SUBCATEGORY_OF, nothing_stored(), digests)
    ids = {service.service_id: 100 + service.service_id for service, _ in first.changed}
    by_digest = {
        digest: (service.service_id, ids[service.service_id]) for service, digest in first.changed
    }
    stored = StoredServices(by_digest, ids, set())
    again = read_changed_catalog_rows(decoded, SUBCATEGORY_OF, stored, digests)
    assert (again.changed, again.unchanged) == ([], {1, 2})
    # Moved to another subcategory: the same bytes, another digest, read again.
    moved = read_changed_catalog_rows(decoded, {1: "Views"}, stored, digests)
    assert [service.service_id for service, _ in moved.changed] == [1, 2]


def test_the_sandbox_catalog_takes_the_decoded_path(sandbox):
    body = requests.post(
        sandbox.url, data={"key": sandbox.key, "action": "services", "products": 1}, timeout=5
    ).content
    decoded = catalog_rows.decode(body)
    assert decoded is not None and len(decoded) > 0
