from tests.fixtures.running import make_stack  # noqa: F401 (a fixture)
