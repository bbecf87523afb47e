"""A mass order: lines read, priced and refused with their reasons; confirmed lines placed
one by one through place_order, each charged as its own order."""

from decimal import Decimal as D

import pytest
from django.db import transaction

from orders import mass
from orders.models import LedgerEntry, Order

FOLLOWERS, GMAIL, TWITTER = 1, 4, 9
LINK = "https://instagram.com/nova"


def test_lines_are_read_as_service_link_quantity():
    lines = mass.parse("\n 1|https://x.example/a|b|100 \n\n4||2\nnonsense\n")
    assert [(x.number, x.service_id, x.link, x.quantity, x.problem) for x in lines] == [
        (2, "1", "https://x.example/a|b", "100", ""),  # a link may hold a "|"
        (4, "4", "", "2", ""),
        (5, "", "", "", mass.FORMAT),
    ]


def test_too_many_lines_are_refused_as_a_whole():
    with pytest.raises(mass.TooManyLines, match="At most 100 lines"):
        mass.parse("\n".join(["1|https://x.example|100"] * 101))


def test_the_preview_prices_every_line_and_says_why_a_bad_one_is_refused(alice, service):
    followers, gmail = service(FOLLOWERS).pk, service(GMAIL).pk
    text = "\n".join([
        f"{followers}|{LINK}|2000",
        f"{followers}|{LINK}|5",
        "999999|https://x.example|100",
        f"{gmail}|bob@|1",
        f"{gmail}|bob@example.com|3",   # 75.00 of the 99.00 left
        f"{gmail}||1",                  # 25.00: more than the 24.00 left
        "1-2-3",
    ])
    preview = mass.preview(alice, text)
    assert [p.ok for p in preview.lines] == [True, False, False, False, True, False, False]
    assert [p.error for p in preview.lines if not p.ok] == [
        "Quantity must be between 100 and 10000.", "Service not found.",
        "The delivery e-mail is not a valid address (name@example.com).",
        "Insufficient balance for this line after the lines above it.", mass.FORMAT]
    assert preview.lines[5].short_of == D("25")
    assert preview.total == D("76.00") and preview.balance_after == D("24.00")
    assert not Order.objects.exists(), "a preview charges nothing"


def test_confirming_places_each_good_line_as_its_own_order(alice, service):
    followers, gmail = service(FOLLOWERS).pk, service(GMAIL).pk
    text = "\n".join([f"{gmail}|bob@example.com|3", f"{gmail}||2", f"{followers}|{LINK}|1000",
                      f"{followers}|ftp://x|1000"])
    with transaction.atomic():
        outcome = mass.place_all(alice, text)
    placed = [r.order for r in outcome.results]
    assert [o is not None for o in placed] == [True, False, True, False]
    assert outcome.results[1].short_of == D("50") and "Insufficient balance" in (
        outcome.results[1].error)
    assert outcome.results[3].error == "The link must be an http:// or https:// URL."
    assert outcome.charged == D("75.50")
    # one charge per order, each its own ledger entry
    charges = LedgerEntry.objects.filter(kind="charge").order_by("pk")
    assert [(e.order_id, e.amount) for e in charges] == [
        (placed[0].pk, D("-75.00")), (placed[2].pk, D("-0.50"))]
    alice.wallet.refresh_from_db()
    assert alice.wallet.balance == D("24.50")
    assert Order.objects.count() == 2
