"""Names that moved keep working for one release, with a DeprecationWarning naming the new
place. The new module is imported by name only when an old name is used, so an old path costs
nothing at start-up and adds no import between layers."""

from __future__ import annotations

import importlib
import warnings
from typing import Any


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
        "the old name will be removed in the next release",
        DeprecationWarning,
        stacklevel=3,
    )
    return value
