"""The hostile upstream's fixtures (tests/fixtures/hostile.py) for these tests."""

from tests.fixtures.hostile import hostile, hostile_provider  # noqa: F401
