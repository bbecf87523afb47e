import pytest
from django.test import Client


@pytest.fixture
def alice_client(alice) -> Client:
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def testpay(db):
    """The built-in test gateway's method row."""
    from payments.deposits import offered_methods

    return next(m for m in offered_methods() if m.kind == "testpay")
