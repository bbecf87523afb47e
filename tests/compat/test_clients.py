"""Published SMM API clients, unmodified, against the panel over real HTTP (a live server):
services, add (plain and drip-feed), status, multi-status, balance, refill, multi-refill,
refill status, cancel. Every answer parses, and the standard's arithmetic of a charge that each
client's user applies to what the client read (`quantity * rate / 1000`, times `runs` for a
drip-feed) equals what the panel debited, as the client's own `balance` reads it.

The clients come from PyPI as test dependencies (`pyproject.toml`, `dev`); none is copied here.
"""

from decimal import ROUND_UP, Decimal

import pytest

from orders.forwarding import forward_waiting
from orders.models import Order
from orders.states import State
from orders.tracking import poll
from panel.apikeys import regenerate_api_key
from provider.models import Service
from tests.compat.clients import CLIENTS
from tests.panel.api.helpers import FOLLOWERS, LIKES, LINK, TELEGRAM, synced
from tests.panel.api.test_service_types import CUSTOM_COMMENTS, PACKAGE

STANDARD_FIELDS = {"service", "name", "type", "category", "rate", "min", "max"}
CENT = Decimal("0.0001")


def standard_charge(row: dict, quantity: int, runs: int = 1) -> Decimal:
    """What a reseller's panel computes from a `services` row: per 1,000, up to the
    panel's four places."""
    return (Decimal(row["rate"]) * quantity * runs / 1000).quantize(CENT, rounding=ROUND_UP)


@pytest.fixture
def panel(live_server, transactional_db, sandbox, alice):
    """This panel, serving over HTTP, reselling the sandbox's standard dialect."""
    provider = synced(sandbox, name="standard", standard=True)
    return live_server.url + "/api/v2", regenerate_api_key(alice), provider


@pytest.fixture(params=sorted(CLIENTS))
def client(request, panel):
    url, key, _ = panel
    return CLIENTS[request.param](url, key)


def upstream_pk(provider, upstream_id: int) -> int:
    return Service.objects.get(provider=provider, upstream_id=upstream_id).pk


def test_the_whole_standard_through_a_published_client(client, panel, sandbox):
    _, _, provider = panel
    followers, likes, telegram = (upstream_pk(provider, i) for i in (FOLLOWERS, LIKES, TELEGRAM))

    # services: the bare list, numbers as the standard writes them, nothing to misprice.
    rows = client.services()
    assert isinstance(rows, list) and rows
    by_id = {int(row["service"]): row for row in rows}
    for row in rows:
        assert set(row) >= STANDARD_FIELDS
        assert all(isinstance(row[field], str) for field in ("rate", "min", "max"))
        assert row["entityType"] == "smm"  # products are left out of the plain list
        Decimal(row["rate"])
    assert by_id[followers]["refill"] is True and by_id[followers]["dripfeed"] is True
    assert by_id[telegram]["cancel"] is True

    def balance() -> Decimal:
        answer = client.balance()
        assert set(answer) == {"balance", "currency"}
        return Decimal(answer["balance"])

    # add: what the client's user computes is what the panel takes.
    start = balance()
    plain = client.add(followers, LINK, 1000)["order"]
    assert start - balance() == standard_charge(by_id[followers], 1000)
    before = balance()
    drip = client.add(followers, LINK, 100, runs=3, interval=10)["order"]
    assert before - balance() == standard_charge(by_id[followers], 100, runs=3)
    before = balance()
    to_cancel = client.add(telegram, LINK, 100)["order"]
    assert before - balance() == standard_charge(by_id[telegram], 100)
    other = client.add(likes, LINK, 100)["order"]
    # The standard's other types: comments priced by their lines, a package per order.
    comments = upstream_pk(provider, CUSTOM_COMMENTS)
    before = balance()
    client.add(comments, LINK, 10, comments="\n".join(f"Nice {n}" for n in range(10)))
    assert before - balance() == standard_charge(by_id[comments], 10)
    package = upstream_pk(provider, PACKAGE)
    assert by_id[package]["type"] == "Package"
    before = balance()
    client.add(package, LINK, 1)
    assert before - balance() == Decimal(by_id[package]["rate"])
    assert Order.objects.filter(pk__in=[plain, drip, to_cancel, other]).count() == 4

    # status and multi-status: the standard's shapes, numbers as strings.
    answer = client.status(plain)
    assert answer["status"] == "Pending" and answer["remains"] == "1000"
    assert Decimal(answer["charge"]) == standard_charge(by_id[followers], 1000)
    forward_waiting(ignore_backoff=True)
    assert set(Order.objects.values_list("state", flat=True)) == {State.PLACED}
    assert Order.objects.count() == 6
    many = client.multi_status([plain, drip, 999999])
    assert set(many) == {str(plain), str(drip), "999999"}
    assert many["999999"] == {"error": "Incorrect order ID"}
    assert many[str(drip)]["remains"] == "300"
    assert all(isinstance(many[str(i)][f], str) for i in (plain, drip)
               for f in ("charge", "start_count", "remains"))
    with pytest.raises(client.error, match="Incorrect order ID"):
        client.status(999999)

    # cancel, in batch, one refusal costing only its item.
    assert client.cancel([to_cancel, 999999]) == [
        {"order": to_cancel, "cancel": 1},
        {"order": 999999, "cancel": {"error": "Incorrect order ID"}}]

    # refill and refill status, single and in batch, once the orders completed.
    sandbox.advance(60)
    poll(everything=True)
    assert Order.objects.get(pk=plain).state == State.COMPLETED
    assert Order.objects.get(pk=to_cancel).state in (State.CANCELED, State.PARTIAL)
    refill = client.refill(plain)["refill"]
    batch = client.multi_refill([drip, other, 999999])
    assert batch[0]["order"] == drip and isinstance(batch[0]["refill"], int)
    assert batch[1:] == [
        {"order": other, "refill": {"error": "Refill is not available for this service"}},
        {"order": 999999, "refill": {"error": "Incorrect order ID"}}]
    assert client.refill_status(refill) == {"status": "Pending"}
    sandbox.advance(11)
    assert client.multi_refill_status([refill, batch[0]["refill"], 999999]) == [
        {"refill": refill, "status": "Completed"},
        {"refill": batch[0]["refill"], "status": "Completed"},
        {"refill": 999999, "status": {"error": "Refill not found"}}]
