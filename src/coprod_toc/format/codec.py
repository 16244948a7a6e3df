"""Text and files: canonical JSON (``dumps``/``loads``) and the TOML authoring form."""

from __future__ import annotations

import json
import os
import re
import sys
import tomllib
from importlib import resources
from pathlib import Path
from typing import Literal

from coprod_toc.errors import FormatError
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


def dumps(toc: TheoryOfChange) -> str:
    """The map as canonical JSON: the same map always gives the same text."""
    return json.dumps(to_document(toc), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


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


def dump(toc: TheoryOfChange, path: str | os.PathLike[str]) -> None:
    """Write the map to ``path`` as canonical JSON."""
    Path(path).write_text(dumps(toc), encoding="utf-8")
