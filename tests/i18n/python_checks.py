"""The i18n checkers the tests run, kept apart so that each can be shown to fail on a fixture
(test_marking.py): unmarked strings in Python sources, forms', models' and admin classes'
texts that are not lazy translations, catalogue entries untranslated, fuzzy or with other
placeholders, and marked strings missing from a catalogue."""

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django import forms
from django.apps import AppConfig
from django.contrib import admin
from django.db import models
from django.utils.functional import Promise

# Calls whose first argument is read by a person: it must be a translation, never a bare
# (or f-) string. Attribute calls match on the last name (`messages.success`).
SHOWN_CALLS = frozenset(
    {
        "success",
        "error",
        "info",
        "warning",  # django.contrib.messages
        "PlacementError",
        "TicketError",
        "AmountError",
        "StaffActionError",
        "ValidationError",
        "Notice",
        "Badge",
        "Preview",
        "PermissionDenied",
        "StuckRow",
    }
)
MARKERS = frozenset(
    {
        "_",
        "gettext",
        "gettext_lazy",
        "ngettext",
        "ngettext_lazy",
        "pgettext",
        "pgettext_lazy",
        "gettext_noop",
    }
)
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdfr]|%%")


def _is_text(node: ast.AST) -> bool:
    if isinstance(node, ast.JoinedStr):
        return True
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and any(ch.isalpha() for ch in node.value)
    )


def _callee(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def unmarked_in_source(source: str, name: str = "<source>") -> list[str]:
    """`name:line: text` for each shown call given a bare or f-string (for messages.*, the
    second argument: the first is the request)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or _callee(node) not in SHOWN_CALLS:
            continue
        index = (
            1
            if isinstance(node.func, ast.Attribute)
            and node.func.attr in {"success", "error", "info", "warning"}
            else 0
        )
        if len(node.args) > index and _is_text(node.args[index]):
            found.append(f"{name}:{node.lineno}: {ast.unparse(node.args[index])[:70]}")
    return found


def marked_msgids(source: str) -> set[str]:
    """The msgids a source marks (first argument of each marker, a plain string); plural
    markers give their singular."""
    ids = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _callee(node) in MARKERS and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                ids.add(first.value)
    return ids


def form_texts_not_lazy(form_classes: Iterable[type[forms.Form]]) -> list[str]:
    """Labels, help texts, error messages and choice labels of the fields the forms declare
    that are plain strings (an untranslatable text shown to a person). Fields a ModelForm
    takes from its model carry the model's verbose names: not checked here."""
    found = []
    for form_class in form_classes:
        for field_name, form_field in form_class.declared_fields.items():
            where = f"{form_class.__module__}.{form_class.__name__}.{field_name}"
            texts = {"label": form_field.label, "help_text": form_field.help_text or None}
            if form_field.__class__.__module__.startswith(
                ("orders", "panel", "payments", "provider", "support")
            ):
                texts |= {f"error {key}": value for key, value in form_field.error_messages.items()}
            for key, value in texts.items():
                if isinstance(value, str) and not isinstance(value, Promise):
                    found.append(f"{where} {key}: {value!r}")
            for choice, label in getattr(form_field, "choices", None) or []:
                if isinstance(label, str) and choice != "" and not isinstance(label, Promise):
                    found.append(f"{where} choice {choice!r}: {label!r}")
    return found


def _plain(value: object) -> bool:
    """A text given as a str: shown as written whatever the language."""
    return isinstance(value, str) and not isinstance(value, Promise)


def model_texts_not_lazy(
    model_classes: Iterable[type[models.Model]], allowed: frozenset[str] = frozenset()
) -> list[str]:
    """What the admin and ModelForms take from the models, given as plain strings: the
    model's verbose names, each own field's verbose name (when one is given: Django's default,
    the field's name, is not a text anyone wrote), help text and choice labels, and a
    constraint's error message. `allowed`: labels that stay as they are (brand names)."""
    found = []
    for model in model_classes:
        where = f"{model.__module__}.{model.__name__}"
        for key in ("verbose_name", "verbose_name_plural"):
            if _plain(model._meta.original_attrs.get(key)):
                found.append(f"{where} Meta.{key}: {model._meta.original_attrs[key]!r}")
        for model_field in [*model._meta.local_fields, *model._meta.local_many_to_many]:
            if model_field.auto_created:
                continue  # the primary key Django adds ("ID")
            name = f"{where}.{model_field.name}"
            given = model_field.deconstruct()[3]
            texts = {"verbose_name": given.get("verbose_name"), "help_text": model_field.help_text}
            for key, value in texts.items():
                if _plain(value) and value:
                    found.append(f"{name} {key}: {value!r}")
            for choice, label in model_field.flatchoices:
                if _plain(label) and label not in allowed:
                    found.append(f"{name} choice {choice!r}: {label!r}")
        for constraint in model._meta.constraints:
            message = constraint.violation_error_message
            if _plain(message):
                found.append(f"{where} constraint {constraint.name}: {message!r}")
    return found


def names_not_written(model_classes: Iterable[type[models.Model]]) -> list[str]:
    """Names the admin shows that nobody wrote as a translation: a model without its own
    `Meta.verbose_name` / `verbose_name_plural`, a field (relations included) without a
    verbose name, or either given as a plain string. Django would derive them from the class
    or attribute name: English whatever the language. The primary key Django adds is left
    out."""
    found = []
    for model in model_classes:
        where = f"{model.__module__}.{model.__name__}"
        for key in ("verbose_name", "verbose_name_plural"):
            value = model._meta.original_attrs.get(key)
            if not isinstance(value, Promise):
                found.append(f"{where} Meta.{key}: {value!r}")
        for model_field in [*model._meta.local_fields, *model._meta.local_many_to_many]:
            if model_field.auto_created:
                continue
            value = model_field.deconstruct()[3].get("verbose_name")
            if not isinstance(value, Promise):
                found.append(f"{where}.{model_field.name} verbose_name: {value!r}")
    return found


def app_names_not_lazy(app_configs: Iterable[AppConfig]) -> list[str]:
    """Apps whose name (the admin's section titles) is a plain string."""
    return [f"{app.label}: {app.verbose_name!r}" for app in app_configs if _plain(app.verbose_name)]


def _admin_texts(cls: type, where: str) -> list[str]:
    found = []
    shown = [
        (name, value)
        for klass in cls.__mro__
        if not klass.__module__.startswith("django.")
        for name, value in vars(klass).items()
    ]
    shown += [
        (getattr(item, "__name__", repr(item)), item)
        for key in ("list_display", "actions")
        for item in getattr(cls, key, None) or []
        if callable(item)
    ]
    for name, value in shown:
        # @admin.display and @admin.action set short_description
        if _plain(getattr(value, "short_description", None)):
            found.append(f"{where}.{name} description: {value.short_description!r}")
    for key in ("verbose_name", "verbose_name_plural"):  # an inline's own names
        if _plain(getattr(cls, key, None)):
            found.append(f"{where} {key}: {getattr(cls, key)!r}")
    for key in ("fieldsets", "add_fieldsets"):
        for title, _options in getattr(cls, key, None) or []:
            if _plain(title):
                found.append(f"{where} {key} title: {title!r}")
    for list_filter in getattr(cls, "list_filter", None) or []:
        if (
            isinstance(list_filter, type)
            and issubclass(list_filter, admin.SimpleListFilter)
            and _plain(list_filter.title)
        ):
            found.append(f"{where} filter {list_filter.__name__} title: {list_filter.title!r}")
    return found


def admin_texts_not_lazy(model_admins: Iterable[admin.options.BaseModelAdmin]) -> list[str]:
    """Texts the admin classes (and their inlines) give the admin's pages as plain strings:
    display and action descriptions, fieldset titles, list filter titles."""
    found = []
    for model_admin in model_admins:
        cls = type(model_admin)
        where = f"{cls.__module__}.{cls.__name__}"
        found += _admin_texts(cls, where)
        for inline in getattr(model_admin, "inlines", []):
            found += _admin_texts(inline, f"{inline.__module__}.{inline.__name__}")
    return found


@dataclass
class Entry:
    msgid: str
    plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)


def _unquote(text: str) -> str:
    return ast.literal_eval(text.strip())


def parse_po(text: str) -> list[Entry]:
    entries: list[Entry] = []
    flags: set[str] = set()
    current: Entry | None = None
    target: tuple[str, int] = ("", 0)
    for line in text.splitlines():
        if line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("msgid_plural "):
            assert current is not None
            current.plural, target = _unquote(line[13:]), ("plural", 0)
        elif line.startswith("msgid "):
            current = Entry(_unquote(line[6:]), flags=flags)
            entries.append(current)
            flags, target = set(), ("msgid", 0)
        elif line.startswith("msgstr"):
            assert current is not None
            index = int(line[7 : line.index("]")]) if line.startswith("msgstr[") else 0
            current.msgstr[index] = _unquote(line[line.index(" ") + 1 :])
            target = ("msgstr", index)
        elif line.startswith('"') and current is not None:
            part = _unquote(line)
            if target[0] == "msgid":
                current.msgid += part
            elif target[0] == "plural":
                current.plural = (current.plural or "") + part
            else:
                current.msgstr[target[1]] += part
    return [entry for entry in entries if entry.msgid]


def catalogue_problems(text: str, plurals: int = 6) -> list[str]:
    """Entries untranslated, fuzzy, with too few plural forms, or whose placeholders differ
    from the msgid's (a plural form may leave out the count: Arabic says "two minutes" as
    one word)."""
    found = []
    for entry in parse_po(text):
        label = entry.msgid[:60]
        if "fuzzy" in entry.flags:
            found.append(f"fuzzy: {label}")
        forms_ = [entry.msgstr.get(i, "") for i in range(plurals if entry.plural else 1)]
        if any(not text.strip() for text in forms_):
            found.append(f"untranslated: {label}")
            continue
        wanted = set(PLACEHOLDER.findall(entry.msgid + (entry.plural or "")))
        for text in forms_:
            have = set(PLACEHOLDER.findall(text))
            extra = have - wanted
            missing = wanted - have - ({"count"} if entry.plural else set())
            if extra or missing:
                found.append(f"placeholders {sorted(have)} vs {sorted(wanted)}: {label}")
    return found


def missing_from_catalogue(sources: Iterable[Path], catalogue: str) -> set[str]:
    known = {entry.msgid for entry in parse_po(catalogue)}
    marked: set[str] = set()
    for path in sources:
        marked |= marked_msgids(path.read_text())
    return marked - known
