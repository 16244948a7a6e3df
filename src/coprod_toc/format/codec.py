"""Text and files: canonical JSON (``dumps``/``loads``) and the TOML authoring form."""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import tomllib
from importlib import resources
from pathlib import Path
from typing import Literal

from coprod_toc.errors import FormatError, OutputError
from coprod_toc.format.document import from_document, to_document
from coprod_toc.graph import TheoryOfChange

__all__ = ["SCHEMA_FILE", "dump", "dumps", "load", "loads", "schema"]

TextFormat = Literal["json", "toml"]

#: The JSON Schema of the canonical document, shipped inside the package.
SCHEMA_FILE = "coprod-toc-1.schema.json"


def schema() -> dict[str, object]:
    """The JSON Schema (draft 2020-12) that every document :func:`dumps` writes conforms to."""
    text = resources.files("coprod_toc.format").joinpath(SCHEMA_FILE).read_text("utf-8")
    loaded: dict[str, object] = json.loads(text)
    return loaded


def dumps(toc: TheoryOfChange, *, format: TextFormat = "json") -> str:
    """The map as text: canonical JSON (the default), or the TOML authoring form that people
    write by hand (``format="toml"``). Either loads back equal, and the same map always gives
    the same text."""
    document = to_document(toc)
    if format == "json":
        return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    if format == "toml":
        return _toml(document)
    raise FormatError(f"unknown format {format!r}: use 'json' or 'toml'")


def _toml(document: dict[str, object]) -> str:
    """The document in TOML: header and title first, then ``[problem]``, ``[[impacts]]``,
    ``[[outcomes]]``, ``[[activities]]``; links stay on their node, as bare ids or inline
    tables, as in ``examples/day-centre.toml``. tomli-w does the quoting."""
    import tomli_w

    # Empty lists are left out (loading gives them back): TOML has no way to write a
    # section with no entries that reads as a list of tables.
    tidy = {key: value for key, value in document.items() if value != []}
    return _SHORT_ARRAY_RE.sub(_one_line, tomli_w.dumps(tidy))


# tomli-w writes every array one element a line. A short array of plain values reads better
# on one line, as people write it: `leads_to = ["I1", "O3"]`. Only arrays whose every line is
# one text, number or true/false are joined; a basic string cannot hold a line break, so a
# match is never inside one.
_SHORT_ARRAY_RE = re.compile(r'= \[\n((?:    (?:"(?:[^"\\\n]|\\.)*"|[-+\w.:]+),\n)+)\]')
_ONE_LINE_WIDTH = 88


def _one_line(match: re.Match[str]) -> str:
    # Split on "\n" alone: a text may hold U+2028 or U+0085, which splitlines() breaks at.
    items = [line[4:-1] for line in match.group(1).split("\n")[:-1]]
    joined = "= [" + ", ".join(items) + "]"
    return joined if len(joined) <= _ONE_LINE_WIDTH else match.group(0)


def loads(
    text: str | bytes, *, format: TextFormat | None = None, source: str | None = None
) -> TheoryOfChange:
    """Read a map from JSON or from the TOML authoring form.

    :param format: ``"json"`` or ``"toml"``; guessed from the text when not given.
    :param source: a file name to put in error messages.
    :raises FormatError: the text is not a readable map; the message names the field path.
    """
    if isinstance(text, bytearray | memoryview):
        text = bytes(text)
    if not isinstance(text, str | bytes):
        raise FormatError(
            f"a map is read from text or bytes, not {type(text).__name__}", source=source
        )
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8-sig")
        chosen = format or ("json" if text.lstrip().startswith(("{", "[")) else "toml")
        if chosen == "json":
            data = _parse_json(text)
            return from_document(data, require_header=True)
        if chosen == "toml":
            data = _parse_toml(text)
            return from_document(data, require_header=False)
        raise FormatError(f"unknown format {format!r}: use 'json' or 'toml'")
    except UnicodeDecodeError as exc:
        raise FormatError(
            f"not UTF-8 text ({exc.reason} at byte {exc.start})", source=source
        ) from None
    except FormatError as exc:
        raise exc.with_source(source) if source else exc from None


def _parse_json(text: str) -> object:
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise FormatError(
            f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except RecursionError:
        raise FormatError("not valid JSON: nested too deeply") from None
    except FormatError:
        raise
    except ValueError:  # a whole number of more digits than Python reads
        raise too_many_digits(text, "JSON") from None


def too_many_digits(text: str, what: str) -> FormatError:
    """The error for a number longer than Python converts (4,300 digits), with where it is.
    Without its line and column, the message would give the reader nothing to look for."""
    longest = sys.get_int_max_str_digits()
    found = re.search(rf"\d{{{longest + 1},}}", text)
    if found is None:
        return FormatError(f"not valid {what}: a number is too long to read")
    line = text.count("\n", 0, found.start()) + 1
    column = found.start() - text.rfind("\n", 0, found.start())
    return FormatError(
        f"not valid {what}: a number of {len(found.group())} digits (line {line}, column "
        f"{column}) is too long to read"
    )


def _reject_constant(name: str) -> object:
    raise FormatError(f"not valid JSON: {name} is not a number JSON allows")


def _parse_toml(text: str) -> object:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FormatError(f"not valid TOML: {exc}") from None
    except RecursionError:
        raise FormatError("not valid TOML: nested too deeply") from None
    except ValueError:  # a whole number of more digits than Python reads
        raise too_many_digits(text, "TOML") from None


def load(path: str | os.PathLike[str]) -> TheoryOfChange:
    """Read a map from a ``.json`` or ``.toml`` file (other names: format guessed)."""
    path = Path(path)
    suffix = path.suffix.lower()
    chosen: TextFormat | None = (
        "json" if suffix == ".json" else "toml" if suffix == ".toml" else None
    )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FormatError(
            f"cannot read the file: {exc.strerror or exc}", source=str(path)
        ) from None
    return loads(raw, format=chosen, source=str(path))


def dump(
    toc: TheoryOfChange, path: str | os.PathLike[str], *, format: TextFormat | None = None
) -> None:
    """Write the map to ``path``: in the TOML authoring form when the name ends ``.toml``,
    else as canonical JSON (or as ``format`` says). The file is replaced whole: a failed
    write leaves the one before as it was.

    :raises OutputError: the file cannot be written.
    """
    target = Path(path)
    chosen: TextFormat = format or ("toml" if target.suffix.lower() == ".toml" else "json")
    data = dumps(toc, format=chosen).encode("utf-8")
    if target.exists() and not target.is_file():  # a folder, a device, a pipe: never replaced
        raise OutputError(f"cannot write {str(target)!r}: it is not a regular file")
    temporary: str | None = None
    try:
        # A map file is meant to be shared: the mode of the file it replaces, else the usual.
        mode = target.stat().st_mode & 0o7777 if target.exists() else 0o644
        handle, temporary = tempfile.mkstemp(
            prefix=".coprod-toc-", suffix=".tmp", dir=target.parent
        )
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except OSError as exc:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        raise OutputError(f"cannot write {str(target)!r}: {exc.strerror or exc}") from None
