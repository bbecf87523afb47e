import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("panel", "orders", "payments", "support", "provider")


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogues() -> None:
    """The build compiles every catalogue (`*.mo` are not in git); these tests read the
    Arabic ones, so they compile the apps' own first."""
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "msgfmt (GNU gettext) is needed to compile the catalogues"
    for app in APPS:
        po = ROOT / app / "locale" / "ar" / "LC_MESSAGES" / "django.po"
        subprocess.run([msgfmt, "-c", "-o", str(po.with_suffix(".mo")), str(po)], check=True)
    from django.utils.translation import trans_real

    # Catalogues already loaded in this process (none, usually) are read again.
    trans_real._translations = {}
    trans_real._default = None


@pytest.fixture(autouse=True)
def _english_between_tests():
    """A request in Arabic leaves Arabic active in this thread (as a server's next request
    would choose its own); each test here starts and ends in the default language."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
