import pytest
from django.core.management import call_command

from tests.panel.conftest import owned, quick_passwords, upstream  # noqa: F401 - fixtures
from tests.panel.people import clerk, make_member, owner  # noqa: F401 - fixtures


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogues(django_db_blocker) -> None:
    """The .mo files are build output (make compiles them); a bare pytest run makes them too."""
    call_command("compile_translations", verbosity=0)


@pytest.fixture(autouse=True)
def _english_between_tests():
    """A request in Arabic leaves Arabic active in this thread (as a server's next request
    would choose its own); each test here starts and ends in the default language."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
