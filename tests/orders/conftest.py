"""Fixtures for the order tests: `scripted`, an upstream whose `status` answers the test
writes (tests/orders/scripted.py)."""

from tests.orders.scripted import scripted  # noqa: F401 - a fixture, found by pytest here
