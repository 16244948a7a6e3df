"""Records as plain data (JSON types), and back again: the one rule every writer follows.

The document format, evidence, diffs and stored rows all turn records into plain data here,
so a map reads the same wherever it was written. The rule for defaults, in full:

* a field is written unless it has a default and holds it: a default read back is the same
  value, so leaving it out loses nothing and keeps documents short;
* a field declared with ``metadata=ALWAYS_WRITTEN`` is written even at its default, because
  it says what the record *is* (an outcome's ``horizon``, an activity's ``status``): a reader
  should not need to know the defaults to understand it;
* enumerations become their values, dates ISO text, tuples lists, records nested objects.
"""

from __future__ import annotations

import datetime as dt
import enum
import importlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

__all__ = ["ALWAYS_WRITTEN", "data_frame", "plain_record", "plain_value", "spreadsheet_text"]

#: ``attrs.field(metadata=ALWAYS_WRITTEN)``: written even when it holds its default.
ALWAYS_WRITTEN = {"coprod_toc.written": "always"}

_PLAIN = frozenset({str, int, float, bool, type(None)})
_WRITE_PLANS: dict[type[Any], tuple[tuple[str, Any, bool], ...]] = {}


def _write_plan(cls: type[Any]) -> tuple[tuple[str, Any, bool], ...]:
    """Per field of ``cls``: its name, its default, and whether it is written even then."""
    plan = _WRITE_PLANS.get(cls)
    if plan is None:
        plan = _WRITE_PLANS[cls] = tuple(
            (
                field.name,
                field.default,
                field.default is attrs.NOTHING
                or field.metadata.get("coprod_toc.written") == "always",
            )
            for field in attrs.fields(cls)
        )
    return plan


def plain_record(record: Any) -> dict[str, Any]:
    """An attrs record as a dict of JSON types, by the rule above."""
    out: dict[str, Any] = {}
    for name, default, always in _write_plan(type(record)):
        value = getattr(record, name)
        if always or value != default:
            out[name] = value if type(value) in _PLAIN else plain_value(value)
    return out


def plain_value(value: Any) -> Any:
    """Any field value (or record) as JSON types."""
    if type(value) in _PLAIN:
        return value
    if isinstance(value, enum.Enum):
        return value._value_  # the plain attribute behind the .value property
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [plain_value(item) for item in value]
    if attrs.has(type(value)):
        return plain_record(value)
    return value


def data_frame(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> Any:
    """A pandas ``DataFrame`` of ``rows`` with ``columns`` in that order (none when there
    are no rows). pandas is imported only here, when a ``to_frame()`` is called.

    :raises ModuleNotFoundError: pandas is not installed (``pip install 'coprod-toc[pandas]'``).
    """
    try:
        pandas = importlib.import_module("pandas")  # untyped, and optional
    except ModuleNotFoundError:
        raise ModuleNotFoundError(
            "to_frame() needs pandas, which is not installed: pip install 'coprod-toc[pandas]'",
            name="pandas",
        ) from None
    return pandas.DataFrame.from_records(list(rows), columns=list(columns))


#: What a spreadsheet takes as the start of a formula (or, for tab and CR, of a cell that
#: some programs re-read as one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(text: str) -> str:
    """``text`` made safe for a cell of a CSV file or workbook: one starting like a formula
    gets a leading apostrophe, which spreadsheets show as text and never run."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
