"""Fixtures for the storefront's view tests: a signed-in client per customer, `carol` (signed
up, not verified yet), and `htmx`: headers that make a request look like htmx's."""

import pytest
from django.test import Client


@pytest.fixture
def as_alice(alice) -> Client:
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def as_bob(bob) -> Client:
    client = Client()
    client.force_login(bob)
    return client


@pytest.fixture
def carol(db):
    from panel.models import User

    return User.objects.create_user(email="carol@example.com", password="pw-secret-123")


@pytest.fixture
def as_carol(carol) -> Client:
    client = Client()
    client.force_login(carol)
    return client


HTMX = {"HX-Request": "true"}


def htmx(target: str = "") -> dict[str, str]:
    """Request headers htmx sends, optionally naming the element it will swap."""
    headers = dict(HTMX)
    if target:
        headers["HX-Target"] = target
    return headers
