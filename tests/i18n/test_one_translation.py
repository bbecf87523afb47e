"""One English text, one Arabic text: the project's `locale/` is searched before the apps'
catalogues (and an earlier app before a later one), so a message translated two ways shows
the first and the other is dead text that looks right in review."""

from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def translations(po: Path) -> dict:
    with po.open("rb") as handle:
        catalogue = read_po(handle, locale="ar")
    return {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)):
            m.string if isinstance(m.string, str) else tuple(m.string)
            for m in catalogue if m.id}


def clashes(catalogues: list[dict]) -> list:
    first: dict = {}
    found = []
    for catalogue in catalogues:
        for key, text in catalogue.items():
            if key in first and first[key] != text:
                found.append((key[1], first[key], text))
            first.setdefault(key, text)
    return found


def test_the_checker_finds_a_message_translated_two_ways():
    assert clashes([{(None, "Placed"): "أ"}, {(None, "Placed"): "ب"}]) == [("Placed", "أ", "ب")]
    assert clashes([{(None, "Placed"): "أ"}, {(None, "Placed"): "أ"}]) == []


def test_every_message_has_one_arabic_translation_across_catalogues():
    pos = [ROOT / "locale/ar/LC_MESSAGES/django.po",
           *sorted(ROOT.glob("*/locale/ar/LC_MESSAGES/django.po"))]
    assert len(pos) >= 7
    assert clashes([translations(po) for po in pos]) == []
