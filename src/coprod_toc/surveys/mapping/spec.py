"""Reading the tables of a mapping file with errors that name the entry."""

from __future__ import annotations

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
        """``table[name]`` if it has the type ``kind``, ``default`` when absent."""
        value = table.get(name, default)
        if value is not None and (
            not isinstance(value, kind) or (isinstance(value, bool) and bool not in _kinds(kind))
        ):
            raise self.fail(
                f"{path}.{name}" if path else name, f"has the wrong type ({type(value).__name__})"
            )
        return value

    def strings(self, table: dict[str, Any], name: str, path: str) -> tuple[str, ...] | None:
        """A list of texts, or ``None`` when absent."""
        value = self.take(table, name, list, path)
        if value is None:
            return None
        if not all(isinstance(item, str) for item in value):
            raise self.fail(f"{path}.{name}" if path else name, "must be a list of texts")
        return tuple(value)

    def section(self, name: str) -> dict[str, Any]:
        value: dict[str, Any] = self.take(self.data, name, dict, "", {})
        return value


def _kinds(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)
