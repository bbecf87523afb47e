"""Reading an API call's form fields: every value is checked before it reaches a query.

A refusal is an `ApiError`, answered as `{"error": message}`.
"""

from django.http import QueryDict

MAX_TEXT = 200
MAX_IDS = 100
MAX_ID_DIGITS = 18  # below 2**63, so any id fits a BIGINT


class ApiError(Exception):
    """The call was refused; `message` is for the customer."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def as_id(text: str) -> int | None:
    """A positive id from ASCII digits, or None."""
    if not (text.isascii() and text.isdigit()) or len(text) > MAX_ID_DIGITS:
        return None
    number = int(text)
    return number if number > 0 else None


class Params:
    """The form fields of one call; absent and empty mean the same."""

    def __init__(self, form: QueryDict) -> None:
        self._form = form

    def text(self, name: str, *, max_length: int = MAX_TEXT) -> str:
        value = self._form.get(name, "")
        if "\x00" in value:
            raise ApiError(f"Invalid {name}")
        value = value.strip()
        if len(value) > max_length:
            raise ApiError(f"The {name} is longer than {max_length} characters")
        return value

    def id(self, name: str, *, missing: str, unknown: str) -> int:
        """A required id: `missing` when absent, `unknown` when it cannot be one."""
        text = self.text(name, max_length=MAX_TEXT)
        if not text:
            raise ApiError(missing)
        number = as_id(text)
        if number is None:
            raise ApiError(unknown)
        return number

    def whole(self, name: str, *, default: int, invalid: str) -> int:
        """A non-negative whole number, `default` when absent."""
        text = self.text(name)
        if not text:
            return default
        if not (text.isascii() and text.isdigit()) or len(text) > MAX_ID_DIGITS:
            raise ApiError(invalid)
        return int(text)

    def ids(self, name: str, *, missing: str = "Order ID is required") -> list[str]:
        """`"1, 2,3"` -> `["1", "2", "3"]`: distinct, in order, at most MAX_IDS."""
        text = self._form.get(name, "")
        if "\x00" in text:
            raise ApiError(f"Invalid {name}")
        if len(text) > MAX_IDS * 40:
            raise ApiError(f"Too many ids: at most {MAX_IDS} per call")
        ids = list(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
        if not ids:
            raise ApiError(missing)
        if len(ids) > MAX_IDS:
            raise ApiError(f"Too many ids: at most {MAX_IDS} per call")
        return ids

    def is_list(self, name: str) -> bool:
        """Whether the field holds a comma list (`order=1,2`)."""
        return "," in self._form.get(name, "")

    def has(self, name: str) -> bool:
        return bool(self._form.get(name, "").strip())
