"""Fixtures for the web layer's cross-cutting tests: `owned`, alice's orders of every kind
holding data worth stealing (a link, accounts, a phone number, a code), on `upstream`, rows
of a provider no test reaches."""

from decimal import Decimal as D

import pytest

from orders.models import Kind, Order, Refill
from orders.states import State
from provider.models import Category, Provider, Service, SmsCountry, SmsProject
from tests.panel.people import clerk, make_member, owner  # noqa: F401 - staff fixtures

LINK = "https://instagram.com/p/alice-private-post"
ACCOUNT = "alice.private@gmail.com:Secr3tPass"
PHONE = "+15550107788"
CODE = "731946"
SMS_TEXT = f"Your verification code is {CODE}"
SECRETS = (LINK, ACCOUNT, "Secr3tPass", PHONE, "5550107788", CODE)


@pytest.fixture
def quick_passwords(settings):
    """For files of many cases with two customers each: hashing their passwords at full
    strength is otherwise all the time they take (`pytest.mark.usefixtures`)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def upstream(db):
    """Just the rows orders point at; no call reaches an upstream (no refill, no cancel)."""
    provider = Provider.objects.create(name="quiet", api_url="http://127.0.0.1:9/api")
    category = Category.objects.create(provider=provider, name="Instagram")
    services = {kind: Service.objects.create(provider=provider, upstream_id=n, category=category,
                                             name=f"{kind} service", entity_type=kind,
                                             rate=D("1"), sell_price=D("2"))
                for n, kind in enumerate(("smm", "product"), start=1)}
    project = SmsProject.objects.create(provider=provider, project_id="7", name="Telegram")
    country = SmsCountry.objects.create(provider=provider, code="us", name="United States")
    return provider, services, project, country


@pytest.fixture
def owned(alice, upstream):
    """Alice's orders of every kind, with data worth stealing, and a refill."""
    provider, services, project, country = upstream
    smm, product = services["smm"], services["product"]
    money = {"unit_price": D("1"), "charge": D("1")}
    orders = {
        "smm": Order.objects.create(user=alice, provider=provider, service=smm, link=LINK,
                                    quantity=100, state=State.COMPLETED, upstream_id=9101,
                                    **money),
        "running": Order.objects.create(user=alice, provider=provider, service=smm,
                                        link=LINK, quantity=100, state=State.PLACED,
                                        upstream_id=9102, **money),
        "product": Order.objects.create(user=alice, provider=provider, service=product,
                                        kind=Kind.PRODUCT, link="", quantity=1,
                                        state=State.COMPLETED, accounts=ACCOUNT, **money),
        "sms": Order.objects.create(user=alice, provider=provider, kind=Kind.SMS, quantity=1,
                                    price_unit=1, state=State.COMPLETED, phone=PHONE,
                                    sms_code=CODE, sms_text=SMS_TEXT, upstream_id=9103,
                                    sms_project=project, sms_country=country, **money),
    }
    orders["refill"] = Refill.objects.create(order=orders["smm"], upstream_id=77,
                                             status="Pending")
    return orders
