"""Reading the tables of a mapping file with errors that name the entry."""

from __future__ import annotations

import math
from typing import Any

from coprod_toc.errors import FormatError

__all__ = ["SpecReader"]


class SpecReader:
    """Typed access to a parsed mapping, each mistake a :class:`FormatError` naming the file
    and the entry (``questions[3].quote``)."""

    def __init__(self, data: dict[str, Any], source: str) -> None:
        self.data, self.source = data, source

    def fail(self, path: str, problem: str) -> FormatError:
        return FormatError(problem, path=path, source=self.source)

    def take(
        self,
        table: dict[str, Any],
        name: str,
        kind: type | tuple[type, ...],
        path: str,
        default: Any = None,
    ) -> Any:
        """``table[name]`` if it has the type ``kind``, ``default`` when absent (or null).

        Texts must hold something and no NUL; numbers must be finite and of a sensible size.
        """
        value = table.get(name)
        if value is None:
            return default
        where = f"{path}.{name}" if path else name
        if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _kinds(kind)):
            raise self.fail(where, f"has the wrong type ({type(value).__name__})")
        self.check_value(value, where)
        return value

    def check_value(self, value: Any, where: str) -> None:
        """A text that holds something (and no NUL), or a finite number of sensible size."""
        if isinstance(value, str):
            if not value.strip():
                raise self.fail(where, "is empty: give a value, or leave the key out")
            if "\x00" in value:
                raise self.fail(where, "holds a NUL character")
        elif isinstance(value, float) and not math.isfinite(value):
            raise self.fail(where, f"{value} is not a usable number")
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > _LARGEST:
            raise self.fail(where, "is too large a number")

    def strings(
        self, table: dict[str, Any], name: str, path: str, *, allow_empty: bool = False
    ) -> tuple[str, ...] | None:
        """A list of texts, or ``None`` when absent; an empty list only if ``allow_empty``."""
        value = self.take(table, name, list, path)
        if value is None:
            return None
        where = f"{path}.{name}" if path else name
        if not all(isinstance(item, str) for item in value):
            raise self.fail(where, "must be a list of texts")
        if not value and not allow_empty:
            raise self.fail(where, "is an empty list: list something, or leave the key out")
        for item in value:
            self.check_value(item, where)
        return tuple(value)

    def section(self, name: str) -> dict[str, Any]:
        value: dict[str, Any] = self.take(self.data, name, dict, "", {})
        return value


_LARGEST = 10**15  # beyond any count, score or threshold a survey gives


def _kinds(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)
