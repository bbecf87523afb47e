"""Orders and numbers on the hostile provider, through the panel's own paths."""

from decimal import Decimal

from orders.forwarding import forward_one
from orders.models import Order
from orders.placing import place_order
from orders.sms import rent_numbers
from provider.models import Service, SmsProject
from tests.fixtures.hostile import synced

LINK = "https://instagram.com/p/abc"
SMS_CATALOG = {
    "sms_countries": [{"country_code": "us", "country_name": "United States"}],
    "sms_projects": [{"project_id": "p1", "name": "Telegram", "price": "0.50",
                      "country_id": "us", "country_title": "United States"}],
}


def forwarded(user, provider, upstream_service: int = 1, quantity: int = 100) -> Order:
    """An order for a hostile service, placed by the customer and sent upstream."""
    service = Service.objects.get(provider=provider, upstream_id=upstream_service)
    order = place_order(user=user, service_id=service.pk, quantity=quantity, link=LINK)
    forward_one(order.pk)
    return Order.objects.get(pk=order.pk)


def with_sms_catalog(hostile, provider):
    for action, answer in SMS_CATALOG.items():
        hostile.answer(action, answer)
    return synced(provider)


def rent_hostile(user, quantity: int = 1) -> list[Order]:
    project = SmsProject.objects.get(project_id="p1")
    return rent_numbers(user=user, project_id=project.pk, country="us", quantity=quantity)


def balance(user) -> Decimal:
    user.wallet.refresh_from_db()
    return user.wallet.balance
