"""Packages that import their parts on first use: ``import coprod_toc`` (and the CLI's start)
pays only for what the program touches. A package lists where each public name lives;
its ``__getattr__`` imports that module when the name is first asked for."""

from __future__ import annotations

import functools
import importlib
import pkgutil
import sys
import types
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

from coprod_toc._moved import moved_attribute


def lazy_package(
    package: str,
    homes: Mapping[str, Iterable[str]],
    *,
    moved: Mapping[str, str] | None = None,
    listed: Iterable[str] | None = None,
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``.

    :param homes: submodule (relative to the package) → the public names it defines.
    :param moved: old public name → the submodule it now lives in (found with a warning).
    :param listed: the submodules ``dir()`` shows (default: all but private ones).

    Every submodule is reachable as an attribute too (``ct.evidence``), imported on first
    use. ``dir()`` lists the public names and the listed submodules, nothing else.
    """
    home_of = {name: module for module, names in homes.items() for name in names}
    sys.modules[package].__class__ = _LazyPackage
    _LazyPackage.clashing[package] = frozenset(n for n, module in home_of.items() if n == module)
    moved = dict(moved or {})
    module = importlib.import_module(package)
    namespace = module.__dict__

    @functools.cache
    def submodules() -> frozenset[str]:
        # Listed on first need (a name not found, or dir()), not while the package imports.
        return frozenset(
            info.name
            for info in pkgutil.iter_modules(module.__path__)
            if not info.name.startswith("_")
        )

    def __getattr__(name: str) -> Any:
        home = home_of.get(name)
        if home is not None:
            value = getattr(importlib.import_module(f"{package}.{home}"), name)
            namespace[name] = value  # found once; later uses are plain attribute lookups
            return value
        if name in moved:
            return moved_attribute(package, f"{package}.{moved[name]}", name)
        if not name.startswith("__") and name in submodules():
            try:
                return importlib.import_module(f"{package}.{name}")
            except ImportError as exc:  # coprod_toc.testing without pytest, say
                raise AttributeError(
                    f"module {package!r} has no attribute {name!r} here: importing "
                    f"{package}.{name} needs {exc.name or 'a package not installed'}"
                ) from None
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        shown = submodules() if listed is None else frozenset(listed)
        return sorted({*home_of, *shown, *namespace.get("__all__", ())})

    return __getattr__, __dir__


class _LazyPackage(types.ModuleType):
    """A lazy package whose submodule shares its name with a public name it defines
    (``analysis.split``, the module; ``analysis.split``, the function). Importing the
    submodule sets the package's attribute to the module, which would hide the function;
    here the function is kept, as an eager ``from .split import split`` would have left it."""

    clashing: ClassVar[dict[str, frozenset[str]]] = {}  # package → names that are submodules too

    def __setattr__(self, name: str, value: Any) -> None:
        if (
            isinstance(value, types.ModuleType)
            and name in _LazyPackage.clashing.get(self.__name__, ())
            and value.__name__ == f"{self.__name__}.{name}"
        ):
            value = getattr(value, name)
        super().__setattr__(name, value)
