"""What the i18n tests look for, as plain functions (tested themselves on small fixtures in
test_checks.py, so that a check that could never fail would show).

- `unmarked_text(source)`: the words of a template shown to people outside {% translate %} /
  {% blocktranslate %}: text nodes and the attributes people read (placeholder, title,
  aria-label, alt, label, hx-confirm, a button's value).
- `template_messages(source)`: the (context, msgid) pairs makemessages would collect from it.
- `english_words(html, vocabulary)`: English words of `vocabulary` left in a rendered page's
  visible text, outside what is data by design (<bdi>, dir="ltr"/"auto", lang="…", <code>).
"""

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import Lexer, TokenType
from django.utils.translation.template import templatize

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "ar" / "LC_MESSAGES" / "django.po"

# Brand and technical terms that stay as they are in every language.
ALLOWED = {
    "api",
    "smm",
    "sms",
    "hstockplus",
    "usd",
    "json",
    "http",
    "https",
    "post",
    "get",
    "url",
    "ctrl",
    "txt",
    "openai",
    "telegram",
    "whatsapp",
    "instagram",
    "gmail",
    "id",
}
READ_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt", "label", "hx-confirm"}
BUTTON_INPUTS = {"submit", "button", "reset"}
SKIPPED_ELEMENTS = {"script", "style"}
# Elements whose content is data by design: names from customers or the upstream, codes.
DATA_ELEMENTS = {"bdi", "code", "pre", "script", "style"}
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
HOLE = " \ufffc "  # where a variable or a translated string was
WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019]*")
NOT_WORDS = re.compile(r"[a-z][a-z+.-]*://\S+|[\w.+-]+@[\w-]+\.[\w.]+|&\w+;", re.IGNORECASE)


def words(text: str) -> list[str]:
    """The words of `text` a person reads as English, less brand and technical terms."""
    text = NOT_WORDS.sub(" ", text)
    return [w for w in WORD.findall(text) if len(w) > 1 and w.lower() not in ALLOWED]


def _visible_source(source: str) -> str:
    """The template with every tag, variable and translated string replaced by a hole, and
    comments dropped: what is left is what the template says in English by itself."""
    out: list[str] = []
    inside_translation = inside_comment = False
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.COMMENT:
            continue
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0]
            if name in ("blocktranslate", "blocktrans"):
                inside_translation = True
                out.append(HOLE)
            elif name in ("endblocktranslate", "endblocktrans"):
                inside_translation = False
            elif name == "comment":
                inside_comment = True
            elif name == "endcomment":
                inside_comment = False
            elif not inside_translation and not inside_comment:
                out.append(HOLE if name in ("translate", "trans") else " ")
            continue
        if inside_translation or inside_comment:
            continue
        out.append(HOLE if token.token_type == TokenType.VAR else token.contents)
    return "".join(out)


class _Reader(HTMLParser):
    """Collects what people read: text (outside script/style and lang="…" elements, which are
    in another language on purpose) and the attributes they read."""

    def __init__(self, skip: set[str], skip_dirs: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.skip, self.skip_dirs = skip, skip_dirs
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[str] = []

    def _skipping(self) -> bool:
        return any(skipped for _, skipped in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        skipped = (
            tag in self.skip
            or ("lang" in found and tag != "html")
            or (self.skip_dirs and found.get("dir") in ("ltr", "auto") and tag != "html")
        )
        if not self._skipping() and not skipped:
            for name in READ_ATTRIBUTES:
                if found.get(name):
                    self.texts.append(found[name])
            if tag == "input" and (found.get("type") or "") in BUTTON_INPUTS and found.get("value"):
                self.texts.append(found["value"])
        if tag not in VOID:
            self.stack.append((tag, skipped))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if not self._skipping():
            self.texts.append(data)


def unmarked_text(source: str) -> list[str]:
    """Words a template shows people without marking them for translation."""
    reader = _Reader(SKIPPED_ELEMENTS, skip_dirs=False)
    reader.feed(_visible_source(source))
    reader.close()
    return [w for text in reader.texts for w in words(text)]


CALL = re.compile(r"\b(gettext|ngettext|pgettext|npgettext)\(((?:u'(?:[^'\\]|\\.)*'(?:, )?)+)")


def template_messages(source: str) -> set[tuple[str, str]]:
    """(context, msgid) of each string marked in the template, as makemessages reads them
    (Django's own templatize, which makemessages runs)."""
    found: set[tuple[str, str]] = set()
    for function, arguments in CALL.findall(templatize(source)):
        values = ast.literal_eval("(" + arguments.rstrip(", ") + ",)")
        context = values[0] if function.startswith(("p", "np")) else ""
        found.add((context, values[1] if context else values[0]))
    return found


def english_words(html: str, vocabulary: set[str]) -> list[str]:
    """Words of `vocabulary` (lower case) that a rendered page shows outside data elements."""
    reader = _Reader(DATA_ELEMENTS, skip_dirs=True)
    reader.feed(html)
    reader.close()
    return [w for text in reader.texts for w in words(text) if w.lower() in vocabulary]


def template_files() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*") if p.suffix in (".html", ".txt"))
