"""The map importer kit: the result every importer returns, and the rules they share."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import attrs

from coprod_toc.errors import CoprodTocError, FormatError, ModelError
from coprod_toc.fields import as_enum, printable_text
from coprod_toc.format.codec import too_many_digits
from coprod_toc.format.document import expect_type
from coprod_toc.graph import TheoryOfChange
from coprod_toc.model import Kind
from coprod_toc.plain import spreadsheet_text

__all__ = [
    "ImportNote",
    "MapImport",
    "Notes",
    "assumed_kind",
    "cleaned_text",
    "json_path",
    "kind_option",
    "read_header",
    "read_json_file",
    "spreadsheet_text",
]


#: The largest JSON file an importer reads: far more than any map, far less than memory.
MAX_JSON_BYTES = 256 * 1024 * 1024


def _ids(value: Any) -> tuple[str, ...]:
    return tuple(value)


def _notes(value: Any) -> tuple[ImportNote, ...]:
    return tuple(value)


@attrs.frozen
class ImportNote:
    """One thing an import did not take as it was: a row skipped, a link left out, a kind
    assumed. ``where`` names the place in the file (``"Outcomes row 7"``,
    ``"sections[1].columns[0].nodes[2]"``)."""

    code: str
    where: str
    message: str
    nodes: tuple[str, ...] = attrs.field(default=(), converter=_ids)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "where": self.where, "message": self.message,
                "nodes": list(self.nodes)}  # fmt: skip


@attrs.frozen
class MapImport:
    """A map read from another tool's file (``ct.import_map``), with what was read and what
    was not.

    :ivar toc: the map.
    :ivar format: the importer's name (``"logframe"``, ``"kumu"``, ``"toc-maker"``…).
    :ivar source: the file it was read from.
    :ivar read: how many entries were read, by part of the file (``{"Outcomes": 12}``).
    :ivar notes: every row, field or link skipped or changed on the way, and every value
        assumed, each naming its place in the file.
    """

    toc: TheoryOfChange
    format: str
    source: str
    read: dict[str, int] = attrs.field(factory=dict)
    notes: tuple[ImportNote, ...] = attrs.field(default=(), converter=_notes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "source": self.source,
            "title": self.toc.title,
            "nodes": len(self.toc),
            "links": len(self.toc.links()),
            "read": dict(self.read),
            "notes": [note.to_dict() for note in self.notes],
        }


class Notes:
    """The notes an importer gathers as it reads, in file order."""

    def __init__(self) -> None:
        self._notes: list[ImportNote] = []

    def add(self, code: str, where: str, message: str, nodes: tuple[str, ...] = ()) -> None:
        self._notes.append(ImportNote(code, where, message, nodes))

    def __iter__(self) -> Any:
        return iter(self._notes)

    def __len__(self) -> int:
        return len(self._notes)


def cleaned_text(notes: Notes, value: str, where: str) -> str:
    """Text from another tool's file, any character no text may hold made a space, with a
    note when that changed it (line breaks of any style are kept as line breaks)."""
    cleaned = printable_text(value)
    if cleaned != value.replace("\r\n", "\n").replace("\r", "\n"):
        notes.add("text-cleaned", where, "control characters in the text were made spaces")
    return cleaned


def assumed_kind(notes: Notes, node_id: str, where: str, tool: str, kind: Kind | str) -> Kind:
    """The kind given to a node read from a tool that has no project/co-production kinds,
    with a note saying so: a guess is never silent."""
    chosen = Kind(kind)
    notes.add(
        "kind-assumed",
        where,
        f"{tool} does not say whether {node_id} is project or co-production work; set to "
        f"{chosen.value!r}: check it",
        (node_id,),
    )
    return chosen


def kind_option(value: Any) -> Kind:
    """The ``kind=`` option of a map importer (``"project"``, ``"coproduction"`` or
    ``"co-production"``, any case), or a FormatError saying what it takes."""
    try:
        return as_enum(Kind, "kind")(value.strip().lower() if isinstance(value, str) else value)
    except ModelError:
        raise FormatError(
            f"the option kind is 'project' or 'coproduction', not {value!r}"
        ) from None


def read_json_file(path: str | os.PathLike[str], what: str) -> Any:
    """The JSON in ``path``, or a FormatError naming the file and saying it is not ``what``."""
    source = str(path)
    try:
        with Path(path).open("rb") as handle:
            raw = handle.read(MAX_JSON_BYTES + 1)
    except OSError as exc:
        raise FormatError(f"cannot read the file: {exc.strerror or exc}", source=source) from None
    if len(raw) > MAX_JSON_BYTES:
        raise FormatError(
            f"not {what}: larger than the {MAX_JSON_BYTES // 2**20} MB a map file is read from",
            source=source,
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(
            f"not {what}: not UTF-8 text ({exc.reason} at byte {exc.start})", source=source
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(
            f"not {what}: not valid JSON ({exc.msg}, line {exc.lineno}, column {exc.colno})",
            source=source,
        ) from None
    except RecursionError:
        raise FormatError(f"not {what}: JSON nested too deeply", source=source) from None
    except ValueError:  # a whole number longer than Python reads
        raise too_many_digits(text, "JSON").with_source(source) from None


def json_path(path: str, key: str | int) -> str:
    """``path`` one step further, as importers name places in a JSON file: ``sections[1]``,
    ``sections[1].title``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def read_header(value: Any, path: str, allowed: frozenset[str], version: int) -> dict[str, Any]:
    """The part of another tool's file that a coprod-toc exporter wrote for itself (the map's
    title, references, order…): an object of known keys carrying the expected ``version``,
    or a FormatError at ``path``. ``None`` (a file the tool made itself) is ``{}``."""
    if value is None:
        return {}
    expect_type(value, dict, path, "an object")
    for key in value:
        if key not in allowed:
            raise FormatError(
                f"unknown field {key!r} (expected one of: {', '.join(sorted(allowed))})",
                path=json_path(path, key),
            )
    found = value.get("version")
    if type(found) is not int or found != version:
        raise FormatError(
            f"expected version {version} of coprod-toc's fields, found {found!r}",
            path=json_path(path, "version"),
        )
    return dict(value)


def model_problem(exc: CoprodTocError) -> str:
    """The part of a model error worth showing in an import note or a FormatError."""
    return str(exc.args[0]) if isinstance(exc, ModelError) and exc.args else str(exc)
