"""The wallet (balance and ledger, each entry with its reason), adding funds, and the API
key page."""

from decimal import Decimal as D

from orders.ledger import top_up
from panel.apikeys import user_for_key
from panel.models import ShopSettings, User
from tests.panel.storefront.conftest import htmx
from tests.panel.storefront.helpers import order


def test_the_wallet_lists_every_entry_with_its_reason(as_alice, alice, as_bob, service):
    top_up(alice, D("20"), reason="Bank transfer 42")
    placed = order(alice, service, 4, quantity=1)
    page = as_alice.get("/wallet/").content.decode()
    assert 'data-testid="balance">$95.00<' in page
    assert "Bank transfer 42" in page and "+$20.00" in page
    assert f"Order #{placed.pk}: Gmail Account - USA" in page and "\u2212$25.00" in page
    assert f'href="/orders/{placed.pk}/"' in page and "Opening balance" in page
    assert "Bank transfer 42" not in as_bob.get("/wallet/").content.decode()


def test_the_ledger_pages(as_alice, alice):
    for n in range(35):
        top_up(alice, D("1"), reason=f"Top-up {n}")
    html = as_alice.get("/wallet/?page=2", headers=htmx("ledger")).content.decode()
    assert html.lstrip().startswith('<section id="ledger"')
    assert "Page 2 of 2" in html and "Opening balance" in html


def test_without_a_payment_method_adding_funds_says_whom_to_write_to(as_alice, db, settings):
    settings.TEST_GATEWAY_ENABLED = False  # and no processor configured
    ShopSettings.objects.create(support_email="help@nova.example")
    page = as_alice.get("/wallet/add-funds/").content.decode()
    assert "No payment method is available right now" in page
    assert 'href="mailto:help@nova.example?subject=Top-up%20for%20alice%40example.com"' in page


def test_the_api_key_is_shown_once_and_regenerated(as_alice, alice):
    page = as_alice.get("/account/api-key/")
    assert "no-store" in page["Cache-Control"]
    assert f'data-testid="key-prefix">{alice.api_key_prefix}…<' in page.content.decode()
    response = as_alice.post("/account/api-key/", headers=htmx("api-key"))
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="api-key"')
    assert "no-store" in response["Cache-Control"]
    key = html.split('data-testid="api-key" id="new-key">')[1].split("<")[0]
    assert user_for_key(key) == alice
    assert key not in as_alice.get("/account/api-key/").content.decode(), "shown once"
    assert 'hx-confirm="Make a new key?' in as_alice.get("/account/api-key/").content.decode()


def test_a_first_key(client, db):
    dana = User.objects.create_user(email="dana@example.com", password="pw-secret-123")
    client.force_login(dana)
    assert "Generate my key" in client.get("/account/api-key/").content.decode()
    client.post("/account/api-key/")
    dana.refresh_from_db()
    assert dana.api_key_prefix


def test_a_visitor_has_no_key_page(client, db):
    assert client.get("/account/api-key/")["Location"].startswith("/login/")
    assert client.post("/account/api-key/")["Location"].startswith("/login/")
