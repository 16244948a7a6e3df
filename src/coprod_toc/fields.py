"""Field converters for the library's attrs records: each checks one kind of value and says,
in a :class:`ModelError` naming the field, what is wrong with it. The map's records
(:mod:`coprod_toc.model`) and the evidence records (:mod:`coprod_toc.evidence`) are built
from them, so every text field refuses control characters and every date reads alike.

    statement: str = attrs.field(converter=as_text("statement"))
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs

from coprod_toc.errors import ModelError

__all__ = [
    "as_amount",
    "as_date",
    "as_enum",
    "as_flag",
    "as_level",
    "as_optional_text",
    "as_records",
    "as_required_date",
    "as_strings",
    "as_text",
    "as_value",
    "check_id",
    "clean_text",
    "id_field",
    "printable_text",
]


_ID_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.:-]{0,63}")
_E = TypeVar("_E", bound=enum.Enum)
_ALIASES = {
    "co-production": "coproduction",
    "co_production": "coproduction",
    "in progress": "in_progress",
    "in-progress": "in_progress",
}


def check_id(value: object, what: str = "id") -> str:
    """Return ``value`` if it is a usable node id, else raise :class:`ModelError`.

    Ids are 1–64 characters of letters, digits, ``_ . : -``, not starting with punctuation
    other than ``_``: safe in URLs, file names, Mermaid and DOT without quoting games.
    """
    if not isinstance(value, str) or not _ID_RE.fullmatch(value):
        raise ModelError(
            f"{what} {value!r} is not a valid id: use 1-64 letters, digits, '_', '.', ':' or '-'"
        )
    return value


def as_enum(cls: type[_E], field_name: str) -> Callable[[object], _E]:
    members = {m.value: m for m in cls}

    def convert(value: object) -> _E:
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            member = members.get(value)  # the canonical spelling: no need to clean it up
            if member is not None:
                return member
            text = value.strip().lower()
            member = members.get(_ALIASES.get(text, text))
            if member is not None:
                return member
        allowed = ", ".join(repr(m.value) for m in cls)
        raise ModelError(f"{field_name} must be one of {allowed}, not {value!r}")

    return convert


#: What no text of a map may hold: C0 control characters other than tab and line feed,
#: and lone surrogates (no encoding can write them). Line breaks are made line feeds.
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def clean_text(value: str, field_name: str) -> str:
    """``value`` with its line breaks as line feeds, if it holds nothing a text may not
    (every store, file and renderer then meets the same text).

    :raises ModelError: a control character or a lone surrogate, naming the field.
    """
    if value.isprintable():  # the commonest case, told in one pass
        return value
    value = _line_feeds(value)
    bad = _NOT_TEXT.search(value)
    if bad is not None:
        what = "a lone surrogate" if bad.group() >= "\ud800" else "a control character"
        raise ModelError(
            f"{field_name} holds {what} ({bad.group()!r} at {bad.start()}), which no text may"
        )
    return value


def printable_text(value: str) -> str:
    """``value`` made fit for a map: line breaks as line feeds, and each character no text
    may hold (a control character, a lone surrogate) a space. For text from outside, such
    as a survey's answers, where refusing the text would refuse the file."""
    return _NOT_TEXT.sub(" ", _line_feeds(value))


def _line_feeds(value: str) -> str:
    """CR LF and a lone CR as LF: one way of breaking a line in every text."""
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def as_text(field_name: str) -> Callable[[object], str]:
    def convert(value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise ModelError(f"{field_name} must be a non-empty string, not {value!r}")
        return clean_text(value, field_name)

    return convert


def as_optional_text(field_name: str) -> Callable[[object], str | None]:
    def convert(value: object) -> str | None:
        if value is None:
            return value
        if isinstance(value, str):
            return clean_text(value, field_name)
        raise ModelError(f"{field_name} must be a string, not {value!r}")

    return convert


def as_strings(field_name: str) -> Callable[[object], tuple[str, ...]]:
    def convert(value: object) -> tuple[str, ...]:
        if value == ():  # the default of every such field, and the commonest value
            return ()
        if isinstance(value, str) or not isinstance(value, Iterable):
            raise ModelError(f"{field_name} must be a list of strings, not {value!r}")
        items = tuple(value)
        for item in items:
            if not isinstance(item, str):
                raise ModelError(f"{field_name} must be a list of strings, not {value!r}")
        return tuple(clean_text(item, field_name) for item in items)

    return convert


def as_level(field_name: str, low: int, high: int) -> Callable[[object], int | None]:
    def convert(value: object) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ModelError(
                f"{field_name} must be a whole number from {low} to {high}, not {value!r}"
            )
        return value

    return convert


def as_value(field_name: str) -> Callable[[object], float | int | str | None]:
    def convert(value: object) -> float | int | str | None:
        if value is None or isinstance(value, str):
            return value
        if not _is_number(value):
            raise ModelError(f"{field_name} must be a number or a text, not {_shown(value)}")
        return value  # type: ignore[return-value]  # _is_number checked it

    return convert


#: The largest whole number a map holds: within a float's range, so every analysis can
#: compute with it, and far within the digits JSON writers and readers take.
LARGEST_WHOLE = 10**300


def _is_number(value: object) -> bool:
    """A finite int or float a map can hold; bools are not numbers here."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return -LARGEST_WHOLE <= value <= LARGEST_WHOLE
    return isinstance(value, float) and math.isfinite(value)


def as_amount(field_name: str) -> Callable[[object], float | int | None]:
    def convert(value: object) -> float | int | None:
        if value is None:
            return None
        if not _is_number(value) or value < 0:  # type: ignore[operator]
            raise ModelError(f"{field_name} must be a number of 0 or more, not {_shown(value)}")
        return value  # type: ignore[return-value]

    return convert


def _shown(value: object) -> str:
    """``value`` for an error message: a huge number by its size, not its digits."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > LARGEST_WHOLE:
        digits = int(abs(value).bit_length() * math.log10(2)) + 1  # str() may refuse it
        return f"a whole number of about {digits} digits (the largest a map holds is 10**300)"
    return repr(value)


def as_flag(field_name: str) -> Callable[[object], bool]:
    def convert(value: object) -> bool:
        if not isinstance(value, bool):
            raise ModelError(f"{field_name} must be true or false, not {value!r}")
        return value

    return convert


def as_date(field_name: str) -> Callable[[object], dt.date | None]:
    def convert(value: object) -> dt.date | None:
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise ModelError(f"{field_name} must be a date (YYYY-MM-DD), not {value!r}")

    return convert


def as_records(cls: type[Any], field_name: str) -> Callable[[object], tuple[Any, ...]]:
    def convert(value: object) -> tuple[Any, ...]:
        if isinstance(value, str) or not isinstance(value, Iterable):
            raise ModelError(f"{field_name} must be a list of {cls.__name__} records")
        items = tuple(value)
        for item in items:
            if not isinstance(item, cls):
                raise ModelError(f"{field_name} must hold {cls.__name__} records, not {item!r}")
        return items

    return convert


def id_field() -> Any:
    return attrs.field(converter=check_id)


def as_required_date(field_name: str) -> Callable[[object], dt.date]:
    convert = as_date(field_name)

    def required(value: object) -> dt.date:
        converted = convert(value)
        if converted is None:
            raise ModelError(f"{field_name} must be a date (YYYY-MM-DD), not None")
        return converted

    return required
