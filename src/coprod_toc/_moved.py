"""Names that moved keep working for one release, with a DeprecationWarning naming the new
place. The new module is imported by name only when an old name is used, so an old path costs
nothing at start-up and adds no import between layers."""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable
from typing import Any

#: The release that drops the names moved in this one (they keep working until then).
REMOVED_IN = "coprod-toc 0.3"


def moved_attribute(old_module: str, new_module: str, name: str) -> Any:
    """``new_module.name``, after warning the caller that ``old_module.name`` moved there."""
    if name.startswith("__"):  # import machinery asking for __path__ and friends
        raise AttributeError(f"module {old_module!r} has no attribute {name!r}")
    try:
        value = getattr(importlib.import_module(new_module), name)
    except AttributeError:
        raise AttributeError(f"module {old_module!r} has no attribute {name!r}") from None
    warnings.warn(
        f"{old_module}.{name} has moved to {new_module}.{name}; "
        f"the old name will be removed in {REMOVED_IN}",
        DeprecationWarning,
        stacklevel=3,
    )
    return value


def moved_module(old: str, new: str) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for a module whose contents moved to ``new``: every
    name ``new`` exports is found (with a warning), ``from old import *`` included."""

    def __getattr__(name: str) -> Any:
        if name == "__all__":  # from old import *
            warnings.warn(
                f"{old} has moved to {new}; the old name will be removed in {REMOVED_IN}",
                DeprecationWarning,
                stacklevel=2,
            )
            return list(importlib.import_module(new).__all__)
        return moved_attribute(old, new, name)

    def __dir__() -> list[str]:
        return sorted(importlib.import_module(new).__all__)

    return __getattr__, __dir__
