"""Fixtures for the affiliate tests: `rate(percent)` sets the shop's commission, and `carol`
is a customer who signed up through alice's link."""

from decimal import Decimal as D

import pytest

from tests.orders.conftest import scripted  # noqa: F401 - a fixture, found by pytest here


@pytest.fixture
def rate(db):
    from panel.models import ShopSettings

    def set_rate(percent: str) -> None:
        row, _ = ShopSettings.objects.get_or_create(pk=1)
        row.commission_percent = D(percent)
        row.save()

    return set_rate


@pytest.fixture
def carol(make_customer, alice):
    """Referred by alice."""
    from affiliates.referrals import code_for, link_signup

    user = make_customer("carol@example.com")
    assert link_signup(user, code_for(alice).code) is not None
    return user
