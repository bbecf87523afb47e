"""Verification numbers: countries, projects at their prices, renting one (through the
sandbox), and its page reading the code from the database once the beat has polled."""

from decimal import Decimal as D

from orders.models import Kind, Order
from orders.sms_tracking import poll_numbers
from orders.states import State
from provider.models import SmsPrice, SmsProject
from tests.panel.storefront.conftest import htmx


def _openai():
    return SmsProject.objects.get(name="OpenAI / ChatGPT")


def test_countries_and_projects_with_their_prices(client, provider):
    page = client.get("/sms/").content.decode()
    assert '<option value="us" selected>United States</option>' in page
    assert "OpenAI / ChatGPT" in page and "$0.50" in page
    response = client.get("/sms/?country=gb", headers=htmx("sms-projects"))
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="sms-projects"')
    assert "$0.45" in html and "Discord" not in html, "no Discord numbers in gb"
    assert "Sign in to rent" in html


def test_an_unknown_country_falls_back(client, provider):
    assert "United States" in client.get("/sms/?country=zz").content.decode()


def test_renting_a_number_opens_its_page(as_alice, alice, provider, sandbox):
    response = as_alice.post("/sms/rent/", {"project": _openai().pk, "country": "gb"})
    number = Order.objects.get(user=alice, kind=Kind.SMS)
    assert response["Location"] == f"/orders/{number.pk}/"
    assert number.state == State.PLACED and number.phone
    assert number.charge == D("0.45")
    page = as_alice.get(response["Location"]).content.decode()
    assert number.phone in page and "Waiting for SMS" in page

    sandbox.advance(9)
    poll_numbers(everything=True)
    html = as_alice.get(f"/orders/{number.pk}/", headers=htmx("order-live")).content.decode()
    number.refresh_from_db()
    assert number.sms_code and f'data-testid="code">{number.sms_code}<' in html
    assert "hx-trigger" not in html
    history = as_alice.get("/sms/").content.decode()
    assert f'href="/orders/{number.pk}/"' in history and "Code received" in history


def test_renting_from_htmx_redirects_the_browser(as_alice, alice, provider):
    response = as_alice.post("/sms/rent/", {"project": _openai().pk, "country": "us"},
                             headers=htmx("sms-projects"))
    number = Order.objects.get(user=alice)
    assert response["HX-Redirect"] == f"/orders/{number.pk}/"


def test_renting_refuses_with_the_reason(as_alice, alice, provider):
    html = as_alice.post("/sms/rent/", {"project": _openai().pk, "country": "br"},
                         headers=htmx("sms-projects")).content.decode()
    assert "This project is not available in that country." in html
    SmsPrice.objects.filter(project=_openai()).update(sell_price=D("500"))
    html = as_alice.post("/sms/rent/", {"project": _openai().pk, "country": "us"}
                         ).content.decode()
    assert "Insufficient balance" in html and 'href="/wallet/add-funds/"' in html
    assert not Order.objects.exists()


def test_an_unverified_customer_cannot_rent(as_carol, carol, provider):
    from orders.ledger import top_up

    top_up(carol, D("5"))
    html = as_carol.post("/sms/rent/", {"project": _openai().pk, "country": "us"}
                         ).content.decode()
    assert "Confirm your e-mail address before your first order" in html
    assert not Order.objects.exists()


def test_renting_needs_a_signed_in_post(client, as_alice, provider):
    assert client.post("/sms/rent/", {"project": _openai().pk})["Location"].startswith(
        "/login/")
    assert as_alice.get("/sms/rent/").status_code == 405


def test_a_project_from_the_catalog_opens_a_country_that_has_it(client, provider):
    discord = SmsProject.objects.get(name="Discord")
    page = client.get(f"/sms/?project={discord.pk}").content.decode()
    assert '<option value="br" selected>Brazil</option>' in page
    assert 'class="card chosen"' in page


def test_another_customer_cannot_read_the_number_or_its_code(alice, as_alice, as_bob,
                                                            provider, sandbox):
    from orders.sms import rent_numbers

    [number] = rent_numbers(user=alice, project_id=_openai().pk, country="us")
    sandbox.advance(9)
    poll_numbers(everything=True)
    number.refresh_from_db()
    assert number.sms_code
    assert number.sms_code in as_alice.get(f"/orders/{number.pk}/").content.decode()
    assert as_bob.get(f"/orders/{number.pk}/").status_code == 404
    for page in ("/sms/", "/orders/", "/"):
        html = as_bob.get(page).content.decode()
        assert number.phone not in html and number.sms_code not in html, page


def test_only_your_own_number_can_be_rented_again(as_alice, alice, as_bob, bob, provider,
                                                  sandbox):
    from orders.sms import NOT_YOURS

    as_alice.post("/sms/rent/", {"project": _openai().pk, "country": "us"})
    phone = Order.objects.get(user=alice).phone
    assert f'<option value="{phone}">' in as_alice.get("/sms/?country=us").content.decode()
    assert phone not in as_bob.get("/sms/?country=us").content.decode()

    for probe in (phone, "+15550009999"):  # alice's number, and one nobody rented
        html = as_bob.post("/sms/rent/", {"project": _openai().pk, "country": "us",
                                          "phone": probe},
                           headers=htmx("sms-projects")).content.decode()
        assert NOT_YOURS in html
    bob.wallet.refresh_from_db()
    assert bob.wallet.balance == D("100.00") and not Order.objects.filter(user=bob).exists()
    assert len(sandbox.numbers()) == 1

    response = as_alice.post("/sms/rent/", {"project": _openai().pk, "country": "us",
                                            "phone": phone})
    again = Order.objects.filter(user=alice).order_by("-pk").first()
    assert response["Location"] == f"/orders/{again.pk}/" and again.phone == phone
