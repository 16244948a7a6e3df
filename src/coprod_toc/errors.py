"""The library's exceptions.

Every error coprod_toc raises on purpose derives from :class:`CoprodTocError`, so a host
application can catch them all with one ``except``. Each also subclasses the built-in it
resembles (``ValueError``, ``KeyError``), so code written against the built-ins keeps working.
Each carries a stable ``code`` string, documented in ``docs/errors.md``.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ConflictError",
    "CoprodTocError",
    "CycleError",
    "DuplicateNodeError",
    "ErasedPersonError",
    "FormatError",
    "GroupNotFoundError",
    "LinkError",
    "MapNotFoundError",
    "ModelError",
    "NodeNotFoundError",
    "OutputError",
    "PluginError",
    "PluginNotFoundError",
    "RenderError",
    "StoreError",
]


class CoprodTocError(Exception):
    """Root of every error raised by coprod_toc."""

    code: str = "coprod-toc-error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from its fields, not its constructor's arguments (which differ per class),
        # so every error crosses a process boundary (multiprocessing, a task queue) intact.
        return (_rebuilt, (type(self), self.args, self.__dict__))


def _rebuilt(cls: type[CoprodTocError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class ModelError(CoprodTocError, ValueError):
    """A node or link was given a value outside its allowed range or type."""

    code = "invalid-value"


class CycleError(CoprodTocError, ValueError):
    """An analysis that follows links in order (split, progress) met links that go round in
    a circle. ``nodes`` are the ones on the circle; validation reports every circle."""

    code = "cycle"

    def __init__(self, message: str, nodes: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.nodes = nodes


class NodeNotFoundError(CoprodTocError, KeyError):
    """A node id that the map does not hold."""

    code = "unknown-node"

    def __init__(self, node_id: str) -> None:
        super().__init__(f"unknown node {node_id!r}")
        self.node_id = node_id

    # KeyError's own __str__ would quote the whole message again.
    __str__ = CoprodTocError.__str__


class DuplicateNodeError(CoprodTocError, ValueError):
    """A node id that is already taken in the map."""

    code = "duplicate-id"

    def __init__(self, node_id: str) -> None:
        super().__init__(f"node id {node_id!r} is already used in this map")
        self.node_id = node_id


class LinkError(CoprodTocError, ValueError):
    """A link the Theory of Change does not allow, or one that does not exist.

    ``code`` tells which rule was broken: ``edge-not-allowed``, ``horizon-backwards``,
    ``self-link``, ``duplicate-link`` or ``unknown-link``.
    """

    code = "edge-not-allowed"

    def __init__(self, message: str, source: str, target: str, *, code: str) -> None:
        super().__init__(message, code=code)
        self.source = source
        self.target = target


class FormatError(CoprodTocError, ValueError):
    """A document that cannot be read as a Theory of Change.

    ``path`` names the field (``outcomes[3].leads_to[0]``) and ``source`` the file, when known.
    """

    code = "bad-document"

    def __init__(
        self, problem: str, *, path: str = "", source: str | None = None, code: str | None = None
    ) -> None:
        self.problem = problem
        self.path = path
        self.source = source
        super().__init__(self._compose(), code=code)

    def _compose(self) -> str:
        where = ": ".join(part for part in (self.source, self.path) if part)
        return f"{where}: {self.problem}" if where else self.problem

    def with_source(self, source: str) -> FormatError:
        """Return the same error, naming the file it came from."""
        return FormatError(self.problem, path=self.path, source=source, code=self.code)


class OutputError(CoprodTocError, OSError):
    """An output file cannot be written where it was asked for."""

    code = "cannot-write"


class RenderError(CoprodTocError, ValueError):
    """A map cannot be rendered as asked: an unknown option, or a program the format needs
    (Graphviz's ``dot`` for SVG) is missing or failed."""

    code = "cannot-render"


class PluginError(CoprodTocError):
    """A plugin failed: it could not be imported, or one of its hooks raised.

    ``plugin`` names the plugin (its entry-point or module name).
    """

    code = "plugin-failed"

    def __init__(self, message: str, *, plugin: str) -> None:
        super().__init__(message)
        self.plugin = plugin


class PluginNotFoundError(CoprodTocError, LookupError):
    """No installed plugin provides the renderer, exporter, importer or URL scheme asked for.

    ``available`` lists what is installed, so the message can say what to use instead.
    """

    code = "unknown-plugin"

    def __init__(self, what: str, wanted: str, available: list[str]) -> None:
        listed = ", ".join(available) if available else "none are installed"
        super().__init__(f"no {what} {wanted!r}; available: {listed}")
        self.what = what
        self.wanted = wanted
        self.available = available

    __str__ = CoprodTocError.__str__


class StoreError(CoprodTocError):
    """A store could not do what was asked (bad URL, unreadable data, closed store)."""

    code = "store-error"


class MapNotFoundError(StoreError, KeyError):
    """The store holds no map of that name, or not that version of it."""

    code = "map-not-found"

    __str__ = CoprodTocError.__str__


class GroupNotFoundError(StoreError, KeyError):
    """The store holds no group record of that name, or not that version of it."""

    code = "group-not-found"

    __str__ = CoprodTocError.__str__


class ConflictError(StoreError):
    """Someone else saved the map since you loaded it: saving now would lose their change.

    ``expected`` is the version you started from, ``actual`` the latest one in the store.
    """

    code = "conflict"

    def __init__(self, name: str, expected: int, actual: int, *, what: str = "map") -> None:
        if expected < actual:
            why = (
                f"someone saved it since you loaded it; load version {actual}, redo your "
                "change and save again"
            )
        else:
            why = f"there is no version {expected}; give the version your edit started from"
        super().__init__(f"{what} {name!r} is at version {actual}, not {expected}: {why}")
        self.name = name
        self.expected = expected
        self.actual = actual
        self.what = what


class ErasedPersonError(StoreError):
    """The map holds evidence of a person the store erased (or a group record names a
    member erased from it): saving it would bring them back. It was loaded before the
    erasure (load it again), or the same survey is being imported again."""

    code = "erased-person"

    def __init__(self, name: str, person: str, *, group: bool = False) -> None:
        if group:
            message = (
                f"group {name!r} names {person}, who was erased from it: nothing was saved. "
                "Take them out of the group file, or load the record again (this one was "
                "loaded before the erasure)"
            )
        else:
            message = (
                f"map {name!r} holds evidence of {person}, who was erased from this store: "
                "nothing was saved. Load the map again (it was loaded before the erasure), "
                f"or take them out first: toc.erase_participant({person!r})"
            )
        super().__init__(message)
        self.name = name
        self.person = person
