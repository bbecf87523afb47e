"""Fixtures shared by the provider tests."""

import pytest

from tests.fixtures.hostile import HostileUpstream, hostile  # noqa: F401


@pytest.fixture
def upstream(hostile: HostileUpstream) -> HostileUpstream:  # noqa: F811
    """The hostile upstream (tests/fixtures/hostile.py), a real HTTP server answering what
    each test chooses, under the name the sync tests use (test_client.py has its own)."""
    return hostile
