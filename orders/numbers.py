"""Numbers as people type them: Arabic-Indic (U+0660-0669) and Eastern Arabic-Indic
(U+06F0-06F9) digits, the Arabic decimal separator (U+066B) and thousands separator
(U+066C) become the ASCII the parsers read, before any validation. Only those characters
change: anything else stays as typed, so the validators still refuse it with their own
messages.

`LocalizedIntegerField` and `LocalizedDecimalField` are Django's fields with this step first;
views that read raw parameters (the order form, add funds) call `normalize` themselves.
"""

from typing import Any

from django import forms

ARABIC_INDIC = "".join(chr(0x0660 + i) for i in range(10))
EASTERN_ARABIC_INDIC = "".join(chr(0x06F0 + i) for i in range(10))
ARABIC_DECIMAL = "\u066b"
ARABIC_THOUSANDS = "\u066c"
_TABLE = str.maketrans(
    {
        **{c: str(i) for i, c in enumerate(ARABIC_INDIC)},
        **{c: str(i) for i, c in enumerate(EASTERN_ARABIC_INDIC)},
        ARABIC_DECIMAL: ".",
        ARABIC_THOUSANDS: "",
    }
)


def normalize(value: object) -> Any:
    """`value` with Arabic digits and separators made ASCII; a non-string is returned as it
    is (None stays None). Latin commas are left alone: "1,5" is not guessed at."""
    if not isinstance(value, str):
        return value
    return value.translate(_TABLE)


class LocalizedIntegerField(forms.IntegerField):
    def to_python(self, value: Any) -> int | None:
        return super().to_python(normalize(value))


class LocalizedDecimalField(forms.DecimalField):
    def to_python(self, value: Any) -> Any:
        return super().to_python(normalize(value))
