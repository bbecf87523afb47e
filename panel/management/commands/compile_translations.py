"""`manage.py compile_translations`: every .po catalogue (LOCALE_PATHS and each app's
locale/) compiled to its .mo, with Babel, in pure Python.

Django's own `compilemessages` needs GNU gettext's msgfmt, which a newcomer's machine (or a
slim Docker image) may not have; the .mo files are build output (not committed), so the
build must be able to make them anywhere Python runs. Fuzzy entries are left out, as msgfmt
does: an entry is shown translated only once someone has confirmed its translation.
"""

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand


def _own_app(path: str) -> bool:
    """One of the project's apps: under BASE_DIR and not an installed package (a .venv inside
    the project holds Django's own apps, whose catalogues ship compiled)."""
    resolved = Path(path).resolve()
    return (
        resolved.is_relative_to(Path(settings.BASE_DIR).resolve())
        and not resolved.is_relative_to(Path(sys.prefix).resolve())
        and "site-packages" not in resolved.parts
    )


def catalogue_files() -> list[Path]:
    """Every locale/<lang>/LC_MESSAGES/*.po of the project and its apps."""
    roots = [Path(p) for p in settings.LOCALE_PATHS]
    roots += [Path(app.path) / "locale" for app in apps.get_app_configs() if _own_app(app.path)]
    found: set[Path] = set()
    for root in roots:
        if root.is_dir():
            found.update(root.glob("*/LC_MESSAGES/*.po"))
    return sorted(found)


def compile_catalogue(po_path: Path) -> Path:
    """Write the .mo beside `po_path`, only when the .po is newer (cheap to run every time)."""
    mo_path = po_path.with_suffix(".mo")
    if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        return mo_path
    locale = po_path.parent.parent.name
    with po_path.open("rb") as po:
        catalog = read_po(po, locale=locale)
    tmp = mo_path.with_suffix(".mo.tmp")
    with tmp.open("wb") as mo:
        write_mo(mo, catalog, use_fuzzy=False)
    tmp.replace(mo_path)
    return mo_path


class Command(BaseCommand):
    help = "Compile every .po catalogue to .mo (pure Python, no GNU gettext needed)."

    def handle(self, *args: object, **options: object) -> None:
        files = catalogue_files()
        for po_path in files:
            compile_catalogue(po_path)
        if int(options["verbosity"]) > 0:
            self.stdout.write(f"{len(files)} catalogue(s) compiled or up to date")
