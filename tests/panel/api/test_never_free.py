"""Never sold for nothing: a service or SMS offer whose upstream cost or sell price is zero
or less is not on sale through the API. It is not listed, `add` and `add_sms` refuse it with
the words they use for anything not on sale, the answer is never a 500, and nothing is
charged."""

from decimal import Decimal as D

import pytest

from orders.models import LedgerEntry, Order
from panel.api import snapshot
from provider.models import Service, SmsPrice
from provider.sync import sync_provider
from tests.panel.api.helpers import FOLLOWERS, LINK

pytestmark = pytest.mark.django_db


def free_upstream(sandbox, provider, *, override: D | None = None) -> Service:
    """The sandbox now sells Instagram Followers at 0.00; the panel syncs it (with the
    admin's fixed sell price `override`, if any)."""
    Service.objects.filter(provider=provider, upstream_id=FOLLOWERS).update(
        price_override=override)
    sandbox.state.set_rate(FOLLOWERS, "0")
    sync_provider(provider)
    return Service.objects.get(provider=provider, upstream_id=FOLLOWERS)


def listed_ids(api, key) -> set[int]:
    status, rows = api(key, "services")
    assert status == 200
    return {row["service"] for row in rows}


def nothing_charged(user) -> None:
    user.wallet.refresh_from_db()
    assert user.wallet.balance == D("100.00")
    assert not Order.objects.exists() and not LedgerEntry.objects.filter(kind="charge").exists()


@pytest.mark.parametrize("override", [None, D("1.00")], ids=["sold at zero", "cost zero"])
def test_a_service_costing_nothing_upstream_is_not_listed_nor_placed(
        api, alice, alice_key, provider, sandbox, override):
    service = free_upstream(sandbox, provider, override=override)
    assert service.rate == 0 and service.sell_price == (override or 0)
    snapshot.rebuild()
    assert service.pk not in listed_ids(api, alice_key)
    assert api(alice_key, "inventory", service=service.pk) == (
        200, {"error": "Service not found"})
    assert api(alice_key, "add", service=service.pk, quantity=1000, link=LINK) == (
        200, {"error": "Service not found."})
    nothing_charged(alice)


def test_a_negative_price_is_not_for_sale(api, alice, alice_key, provider):
    """What an untrusted upstream's negative rate would have left in the catalog."""
    Service.objects.filter(upstream_id=FOLLOWERS).update(rate=D("-1"), sell_price=D("-1"))
    service = Service.objects.get(upstream_id=FOLLOWERS)
    snapshot.rebuild()
    assert service.pk not in listed_ids(api, alice_key)
    assert api(alice_key, "add", service=service.pk, quantity=1000, link=LINK)[1] == {
        "error": "Service not found."}
    nothing_charged(alice)


@pytest.mark.parametrize(("cost", "sell"), [("0", "0"), ("0", "0.5"), ("-1", "-1")])
def test_an_sms_offer_priced_at_nothing_is_not_listed_nor_rented(
        api, alice, alice_key, provider, sandbox, cost, sell):
    # The sandbox's SMS prices are fixed: the row is what a sync of such an upstream stores.
    offer = SmsPrice.objects.get(project__name="OpenAI / ChatGPT", country__code="us")
    SmsPrice.objects.filter(pk=offer.pk).update(cost=D(cost), sell_price=D(sell))
    rows = api(alice_key, "sms_projects", country="us")[1]
    assert str(offer.project_id) not in {row["project_id"] for row in rows}
    status, answer = api(alice_key, "add_sms", project_id=offer.project_id, country="us")
    assert (status, answer) == (200, {"error": "This project is not available in that country."})
    assert sandbox.numbers() == []
    nothing_charged(alice)
