"""Fixtures for the delivery queue: `staff` and `carol` (two staff members), `customer`,
and `make_order`, which builds an order of alice's in any state on the quiet `upstream`
(no call reaches a provider)."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from orders.models import Kind, Order
from orders.states import State
from panel.models import User


@pytest.fixture(autouse=True)
def _quick(quick_passwords):
    pass


@pytest.fixture
def staff(db):
    return User.objects.create_user(email="staff@example.com", password="pw-staff-123",
                                    is_staff=True, email_verified=True)


@pytest.fixture
def carol(db):
    return User.objects.create_user(email="carol@example.com", password="pw-staff-123",
                                    is_staff=True, email_verified=True)


@pytest.fixture
def make_order(alice, upstream):
    provider, services, project, country = upstream

    def make(state: str = State.REVIEW, *, kind: str = Kind.SMM, age: timedelta = timedelta(0),
             **fields) -> Order:
        service = None if kind == Kind.SMS else services[kind]
        defaults = {"link": "https://instagram.com/p/abc" if kind == Kind.SMM else "",
                    "quantity": 1000 if kind == Kind.SMM else 2, "unit_price": D("2"),
                    "charge": D("2.00"), "price_unit": 1000 if kind == Kind.SMM else 1}
        if kind == Kind.SMS:
            defaults |= {"sms_project": project, "sms_country": country, "quantity": 1}
        order = Order.objects.create(user=alice, provider=provider, service=service, kind=kind,
                                     state=state, **(defaults | fields))
        if age:
            Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - age)
            order.refresh_from_db()
        return order

    return make
