"""Decoding an upstream's JSON answer: exact, and fast on the common shape.

The exact decoder reads every number as a Decimal (`json` with `parse_float=Decimal` and
`parse_int=Decimal`): a float would change an amount, and `int()` refuses more than 4,300
digits. It costs about as much as fetching the answer, and a catalog sync reads the whole
catalog twice (the list, then the subcategory filters).

orjson reads the same answer about twice as fast, but fractional numbers as floats. So it is
taken only when its reading is exact: whole numbers (orjson refuses those beyond 64 bits) and
no float anywhere in the answer (HstockPlus sends amounts as strings). Anything else, and
every answer orjson refuses (malformed JSON, NaN, nesting deeper than 1,024), goes to the
exact decoder, which decides as it always did. Whole numbers then arrive as `int` instead of
Decimal; the parsers in `provider.upstream_types` take both.
"""

import json
from decimal import Decimal

import orjson


def _reject_constant(name: str) -> object:
    # NaN and Infinity are not JSON and never money; json would turn them into floats.
    raise ValueError(f"{name} is not a JSON value")


def exact_loads(body: bytes) -> object:
    """Every number as a Decimal. Raises ValueError or RecursionError on what is not JSON."""
    return json.loads(body, parse_float=Decimal, parse_int=Decimal, parse_constant=_reject_constant)


def loads(body: bytes) -> object:
    """The answer as `exact_loads` reads it, numbers aside: whole numbers may be ints."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return exact_loads(body)
    return exact_loads(body) if holds_float(data) else data


def holds_float(data: object) -> bool:
    """Whether a float is anywhere in `data` (orjson's dicts, lists and scalars)."""
    pending = [data]
    while pending:
        value = pending.pop()
        kind = type(value)
        if kind is dict:
            items = value.values()
        elif kind is list:
            items = value
        else:
            if kind is float:
                return True
            continue
        for item in items:
            kind = type(item)
            if kind is float:
                return True
            if kind is dict or kind is list:
                pending.append(item)
    return False
