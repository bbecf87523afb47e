"""Never sold for nothing: the storefront neither shows nor sells a service or an SMS offer
whose upstream cost or sell price is zero or less; a form posted for one anyway is refused
in words, never a 500, and nothing is charged."""

from decimal import Decimal as D

import pytest

from orders.models import LedgerEntry, Order
from panel.storefront.catalog import sms_offers
from provider.models import Category, Service, SmsPrice
from provider.sync import sync_provider
from tests.panel.storefront.conftest import htmx

GMAIL = 4
OPENAI = "OpenAI / ChatGPT"


def nothing_charged(user) -> None:
    user.wallet.refresh_from_db()
    assert user.wallet.balance == D("100.00")
    assert not Order.objects.exists() and not LedgerEntry.objects.filter(kind="charge").exists()


@pytest.mark.parametrize("override", [None, D("5.00")], ids=["sold at zero", "cost zero"])
def test_a_product_costing_nothing_upstream_is_neither_shown_nor_sold(
        as_alice, alice, provider, sandbox, override):
    Service.objects.filter(upstream_id=GMAIL).update(price_override=override)
    sandbox.state.set_rate(GMAIL, "0")
    sync_provider(provider)
    gmail = Service.objects.get(upstream_id=GMAIL)
    assert gmail.rate == 0

    catalog = as_alice.get("/catalog/?q=Gmail").content.decode()
    assert "Gmail Account - USA" not in catalog
    email = Category.objects.get(name="Accounts-Email", parent=None)
    choice = as_alice.get(f"/order/new/?category={email.pk}",
                          headers=htmx("order-choice")).content.decode()
    assert "Gmail Account - USA" not in choice and "Outlook Account" in choice
    quote = as_alice.get("/order/quote/", {"service": gmail.pk, "quantity": 1})
    assert quote.status_code == 200 and "Service not found." in quote.content.decode()

    response = as_alice.post("/order/new/", {"service": gmail.pk, "quantity": 1, "link": ""})
    assert response.status_code == 200 and "Service not found." in response.content.decode()
    nothing_charged(alice)


@pytest.mark.parametrize(("cost", "sell"), [("0", "0"), ("0", "0.5"), ("-1", "-1")])
def test_an_sms_offer_priced_at_nothing_is_neither_shown_nor_rented(
        as_alice, alice, provider, sandbox, cost, sell):
    # The sandbox's SMS prices are fixed: the row is what a sync of such an upstream stores.
    offer = SmsPrice.objects.get(project__name=OPENAI, country__code="us")
    SmsPrice.objects.filter(pk=offer.pk).update(cost=D(cost), sell_price=D(sell))
    page = as_alice.get("/sms/?country=us").content.decode()
    assert OPENAI not in page and "Telegram" in page
    lowest = {o.name: o.lowest for o in sms_offers()}
    assert lowest[OPENAI] == SmsPrice.objects.get(project=offer.project, country__code="in"
                                                  ).sell_price > 0, "the cheapest on sale"

    response = as_alice.post("/sms/rent/", {"project": offer.project_id, "country": "us"},
                             headers=htmx("sms-projects"))
    assert response.status_code == 200
    assert "This project is not available in that country." in response.content.decode()
    assert sandbox.numbers() == []
    nothing_charged(alice)
