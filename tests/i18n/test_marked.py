"""Every string a template shows people is marked for translation, and every marked string
has its Arabic (not fuzzy, every plural form) in locale/ar."""

import pytest
from babel.messages.pofile import read_po

from tests.i18n.checks import CATALOGUE, TEMPLATES, template_files, template_messages, unmarked_text

FILES = template_files()


def catalogue():
    with CATALOGUE.open("rb") as po:
        return read_po(po, locale="ar")


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(TEMPLATES)) for p in FILES])
def test_no_template_shows_an_unmarked_string(path):
    assert unmarked_text(path.read_text()) == [], (
        f"{path.relative_to(TEMPLATES)}: wrap these in {{% translate %}} or "
        "{% blocktranslate trimmed %} (or, for a brand or technical term, add it to "
        "tests/i18n/checks.py ALLOWED)"
    )


def test_every_marked_string_is_in_the_arabic_catalogue():
    known = {
        (m.context or "", m.id if isinstance(m.id, str) else m.id[0]) for m in catalogue() if m.id
    }
    marked = set().union(*(template_messages(p.read_text()) for p in FILES))
    missing = sorted(marked - known)
    assert not missing, (
        f"not in locale/ar (run makemessages as docs/i18n.md says, then translate): {missing}"
    )


def test_every_entry_of_the_arabic_catalogue_is_translated_and_not_fuzzy():
    po = catalogue()
    assert po.num_plurals == 6, "Arabic has six plural forms"
    untranslated = []
    for message in po:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if (
            "fuzzy" in message.flags
            or not all(s.strip() for s in strings)
            or (isinstance(message.id, tuple) and len(strings) != 6)
        ):
            untranslated.append(message.id)
    assert not untranslated, f"translate (and unmark fuzzy): {untranslated}"
