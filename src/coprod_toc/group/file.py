"""The group file: TOML a support lead writes by hand (or JSON), read into a
:class:`~coprod_toc.group.records.GroupRecord`. Every problem is a FormatError naming the
file and the field (``engagements[3].members[1]``)."""

from __future__ import annotations

import datetime as dt
import enum
import json
import os
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import tomli_w

from coprod_toc.errors import FormatError
from coprod_toc.format.document import build_record, expect_type
from coprod_toc.group.records import (
    CharterVersion,
    Commitment,
    Engagement,
    FeedbackItem,
    Group,
    GroupRecord,
    Member,
    Quote,
    ReportSections,
)

__all__ = ["SCHEMA_FILE", "dumps_group", "group_document", "load_group", "loads_group", "schema"]

#: The JSON Schema of the group file, shipped inside the package.
SCHEMA_FILE = "coprod-toc-group-1.schema.json"


def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the group file, as JSON (dates as YYYY-MM-DD)."""
    text = resources.files("coprod_toc.group").joinpath(SCHEMA_FILE).read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


#: Each list of the file: its key, its record, the key that names an entry in messages.
_LISTS: dict[str, type[Any]] = {
    "members": Member,
    "engagements": Engagement,
    "feedback": FeedbackItem,
    "charter": CharterVersion,
    "report": ReportSections,
}
_KEYS = frozenset({"group", *_LISTS})


def loads_group(text: str | bytes, *, source: str | None = None) -> GroupRecord:
    """Read a group file's text: TOML, or JSON when it starts with ``{``.

    :raises FormatError: the text is not a readable group file; the message names the field.
    """
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8-sig")
        if not isinstance(text, str):
            raise FormatError(f"a group file is text, not {type(text).__name__}")
        data = _parse(text)
        return _record(data)
    except UnicodeDecodeError as exc:
        raise FormatError(f"not UTF-8 text (byte {exc.start})", source=source) from None
    except FormatError as exc:
        raise exc.with_source(source) if source else exc from None


def load_group(path: str | os.PathLike[str]) -> GroupRecord:
    """Read a group file (``.toml``, or ``.json``)."""
    file = Path(path)
    try:
        if file.exists() and not file.is_file():
            raise OSError("it is not a regular file")
        raw = file.read_bytes()
    except OSError as exc:
        problem = exc.strerror or str(exc)
        raise FormatError(f"cannot read the group file: {problem}", source=str(file)) from None
    return loads_group(raw, source=str(file))


def _parse(text: str) -> Any:
    try:
        if text.lstrip().startswith("{"):
            return json.loads(text)
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FormatError(f"not valid TOML: {exc}") from None
    except json.JSONDecodeError as exc:
        raise FormatError(f"not valid JSON: {exc.msg} (line {exc.lineno})") from None
    except (RecursionError, ValueError):
        raise FormatError(
            "not a readable group file: nested too deeply or numbers too long"
        ) from None


def _record(data: Any) -> GroupRecord:
    expect_type(data, dict, "", "a table of group, members, engagements…")
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise FormatError(
            f"unknown section {unknown[0]!r} (expected: {', '.join(sorted(_KEYS))})",
            path=unknown[0],
        )
    if "group" not in data:
        raise FormatError("missing the [group] table (name = …)")
    group = build_record(Group, data["group"], "group")
    lists: dict[str, tuple[Any, ...]] = {}
    for key, cls in _LISTS.items():
        value = data.get(key, [])
        # A file with one [report] table means one year's sections.
        if key == "report" and isinstance(value, dict):
            value = [value]
        items = expect_type(value, list, key, "a list of tables")
        lists[key] = tuple(_build(cls, item, f"{key}[{i}]") for i, item in enumerate(items))
    _unique(lists["members"], "code", "members")
    _unique(lists["feedback"], "id", "feedback")
    _unique(lists["charter"], "version", "charter")
    _unique(lists["report"], "year", "report")
    return GroupRecord(group=group, **lists)


#: Lists of records inside a record: a charter's commitments, a report's quotes.
_NESTED: dict[type[Any], tuple[str, type[Any]]] = {
    CharterVersion: ("commitments", Commitment),
    ReportSections: ("quotes", Quote),
}


def _build(cls: type[Any], data: Any, path: str) -> Any:
    nested = _NESTED.get(cls)
    if nested is not None and isinstance(data, dict) and nested[0] in data:
        key, inner = nested
        items = expect_type(data[key], list, f"{path}.{key}", "a list of tables")
        built = [build_record(inner, item, f"{path}.{key}[{i}]") for i, item in enumerate(items)]
        data = {**data, key: built}
    return build_record(cls, data, path)


def _unique(records: tuple[Any, ...], field: str, key: str) -> None:
    seen: set[Any] = set()
    for index, record in enumerate(records):
        value = getattr(record, field)
        if value in seen:
            raise FormatError(f"{field} {value!r} is used twice", path=f"{key}[{index}].{field}")
        seen.add(value)


def group_document(record: GroupRecord) -> dict[str, Any]:
    """The record as the file holds it, JSON-ready (dates as YYYY-MM-DD): fields left at
    their default are left out, so the document is what a person would have written."""
    document: dict[str, Any] = {"group": _fields(record.group)}
    for key in _LISTS:
        items = getattr(record, key)
        if items:
            document[key] = [_fields(item) for item in items]
    loaded: dict[str, Any] = _plain(document, dates=str)
    return loaded


def dumps_group(record: GroupRecord, format: str = "json") -> str:
    """The record as a group file's text: ``"json"`` (canonical: keys sorted, what stores
    keep) or ``"toml"`` (the hand-written form); either loads back equal with
    :func:`loads_group`."""
    if format == "json":
        return json.dumps(group_document(record), sort_keys=True, ensure_ascii=False)
    if format == "toml":
        document: dict[str, Any] = {"group": _fields(record.group)}
        document |= {key: [_fields(i) for i in getattr(record, key)] for key in _LISTS}
        plain: dict[str, Any] = _plain(
            {key: value for key, value in document.items() if value}, dates=None
        )
        return tomli_w.dumps(plain)
    raise FormatError(f"a group file is written as 'json' or 'toml', not {format!r}")


def _fields(record: Any) -> dict[str, Any]:
    """A record's fields that differ from their defaults, in the class's order."""
    found: dict[str, Any] = {}
    for field in attrs.fields(type(record)):
        value = getattr(record, field.name)
        default = field.default
        if default is not attrs.NOTHING and value == default:
            continue
        found[field.name] = value
    return found


def _plain(value: Any, *, dates: Any) -> Any:
    """Tuples as lists, enums as their values, records as tables; dates as text when
    ``dates`` is ``str`` (JSON), left as dates otherwise (TOML has dates)."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat() if dates is str else value
    if isinstance(value, dict):
        return {k: _plain(v, dates=dates) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v, dates=dates) for v in value]
    if attrs.has(type(value)):
        return _plain(_fields(value), dates=dates)
    return value
