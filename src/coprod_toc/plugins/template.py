"""A plugin package to start from: what ``coprod-toc new-plugin NAME --kind KIND`` writes.

::

    from coprod_toc.plugins.template import write_plugin

    folder = write_plugin("outline", "exporter", ".")  # ./coprod-toc-outline

The package is ready to install and passes its own tests as written:

* ``pyproject.toml``: the distribution ``coprod-toc-NAME`` (built with hatchling), the
  entry point ``NAME`` in the group ``coprod_toc``, ``coprod-toc`` as its dependency and
  ``pytest`` in its ``test`` extra, with pytest, ruff and mypy (strict) settings of its own;
* ``src/coprod_toc_NAME/__init__.py``: a small but real backend of the kind, registered as
  ``NAME`` (a store answers to ``NAME://``), with comments saying where to change it;
* ``tests/test_coprod_toc_NAME.py``: the conformance kit's contract for the kind
  (:mod:`coprod_toc.testing`), a check that the entry point is found, and tests of the
  format to change with it;
* ``README.md``: what it is, how to install, test and use it.

The files are made from the templates in ``coprod_toc/plugins/templates`` with
:class:`string.Template`. The name rule (lower-case letters and digits, words joined by
single ``-``, starting with a letter, at most 32 characters) makes every name safe as it is
in TOML, in Python strings and in a URL scheme, and turns into identifiers plainly:
``my-exporter`` gives the module ``coprod_toc_my_exporter`` and the class ``MyExporter``.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import string
from collections.abc import Mapping
from importlib import metadata, resources
from pathlib import Path

import attrs

from coprod_toc._version import __version__
from coprod_toc.errors import CoprodTocError, OutputError
from coprod_toc.plugins.manager import ENTRY_POINT_GROUP, PluginManager, get_plugin_manager

__all__ = ["KINDS", "MAX_NAME_LENGTH", "PluginNames", "PluginTemplateError", "write_plugin"]

#: The kinds of plugin a template exists for.
KINDS: tuple[str, ...] = ("exporter", "renderer", "store", "survey-importer", "map-importer")

#: The longest plugin name: the generated code keeps its lines short with any name.
MAX_NAME_LENGTH = 32

_NAME_RE = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_PREFIX = "coprod-toc"


class PluginTemplateError(CoprodTocError, ValueError):
    """A plugin cannot be made with that name or kind.

    ``code`` says why: ``bad-plugin-name`` (the name breaks the rule), ``plugin-name-taken``
    (a built-in or installed backend already has it) or ``unknown-plugin-kind``.
    """

    code = "bad-plugin-name"


@attrs.frozen(kw_only=True)
class _Kind:
    """What differs between the kinds of plugin."""

    what: str  # in prose: "survey importer"
    noun: str  # the end of the class's name
    contract: str  # the conformance kit's class
    hooks: tuple[str, ...]
    provides: str  # as `coprod-toc plugins` says it, with {name}
    description: str  # one line, with {name}
    clashes: tuple[str, ...]  # the registries whose names the plugin's name must not repeat


_KINDS = {
    "exporter": _Kind(
        what="exporter",
        noun="Exporter",
        contract="ExporterContract",
        hooks=("register_exporters",),
        provides="exporter {name}",
        description="an exporter that writes a map as a plain text outline (ct.export).",
        clashes=("renderer", "exporter"),
    ),
    "renderer": _Kind(
        what="renderer",
        noun="Renderer",
        contract="RendererContract",
        hooks=("register_renderers",),
        provides="renderer {name}",
        description="a renderer that turns a map into a plain text list (ct.render).",
        clashes=("renderer", "exporter"),
    ),
    "store": _Kind(
        what="store",
        noun="Store",
        contract="StoreContract",
        hooks=("open_store", "store_schemes"),
        provides="store {name}://",
        description="a store that keeps maps under the URL scheme {name}:// (ct.open_store).",
        clashes=("store",),
    ),
    "survey-importer": _Kind(
        what="survey importer",
        noun="Importer",
        contract="SurveyImporterContract",
        hooks=("register_survey_importers",),
        provides="survey importer {name}",
        description="a survey importer that reads a survey tool's export (ct.import_survey).",
        clashes=("survey importer",),
    ),
    "map-importer": _Kind(
        what="map importer",
        noun="Format",
        contract="MapImporterContract",
        hooks=("register_exporters", "register_map_importers"),
        provides="exporter {name}, map importer {name}",
        description="a map importer that reads a map written as a plain text outline, and the "
        "exporter that writes one (ct.import_map, ct.export).",
        clashes=("renderer", "exporter", "map importer"),
    ),
}


@attrs.frozen
class PluginNames:
    """The names a plugin goes by, all made from its name (``my-exporter``)."""

    #: What it registers (an exporter, a renderer…) and its entry point: ``my-exporter``.
    #: A store's URL scheme: ``my-store://``.
    name: str
    #: The distribution to install, and the package's folder: ``coprod-toc-my-exporter``.
    distribution: str
    #: The Python module: ``coprod_toc_my_exporter``.
    module: str
    #: The class that does the work: ``MyExporter`` (``OutlineExporter`` for ``outline``).
    class_name: str

    @classmethod
    def of(cls, name: object, kind: str) -> PluginNames:
        """The names of plugin ``name`` of ``kind``.

        :raises PluginTemplateError: the name breaks the rule, or the kind is unknown.
        """
        spec = _kind(kind)
        if not isinstance(name, str) or not (
            len(name) <= MAX_NAME_LENGTH and _NAME_RE.fullmatch(name)
        ):
            raise PluginTemplateError(
                f"{name!r} cannot name a plugin: use 1-{MAX_NAME_LENGTH} lower-case letters and "
                "digits, words joined by '-', starting with a letter (e.g. 'outline' or "
                "'my-exporter')"
            )
        if name == _PREFIX or name.startswith(f"{_PREFIX}-"):
            shorter = name.removeprefix(_PREFIX).strip("-") or "outline"
            raise PluginTemplateError(
                f"{name!r} cannot name a plugin: leave out {_PREFIX!r}, which the package's "
                f"name gets anyway ({shorter!r} makes coprod-toc-{shorter})"
            )
        # Each word is capitalised: the first starts with a letter, so this is an
        # identifier, and never a keyword once the noun is added.
        words = "".join(word.capitalize() for word in name.split("-"))
        return cls(
            name=name,
            distribution=f"{_PREFIX}-{name}",
            module=f"coprod_toc_{name.replace('-', '_')}",
            # The noun alone ("store") would shadow the base class the module imports.
            class_name=words
            if words.endswith(spec.noun) and words != spec.noun
            else words + spec.noun,
        )


def write_plugin(name: str, kind: str, into: str | os.PathLike[str] = ".") -> Path:
    """Write a plugin package of ``kind`` named ``name`` into the folder ``into``, and
    return its folder (``into/coprod-toc-NAME``).

    The folder is written whole or not at all; an empty folder of that name is used.

    :param name: the plugin's name: lower-case letters and digits, words joined by ``-``,
        starting with a letter, at most 32 characters (``outline``, ``my-exporter``).
    :param kind: one of :data:`KINDS`.
    :param into: the folder to make the package's folder in (made if missing).
    :raises PluginTemplateError: a bad name or kind, or a name that a built-in or
        installed backend already has.
    :raises OutputError: the package's folder exists and is not empty, or cannot be written.
    """
    names = PluginNames.of(name, kind)
    taken = _in_use(names.name, _kind(kind))
    if taken is not None:
        raise PluginTemplateError(f"{name!r} is taken by {taken}", code="plugin-name-taken")
    folder = Path(into) / names.distribution
    _write_folder(folder, _files(names, kind))
    return folder


def _kind(kind: str) -> _Kind:
    try:
        return _KINDS[kind]
    except (KeyError, TypeError):
        raise PluginTemplateError(
            f"no plugin kind {kind!r}: choose one of {', '.join(KINDS)}",
            code="unknown-plugin-kind",
        ) from None


def _in_use(name: str, kind: _Kind) -> str | None:
    """What already goes by ``name`` where the plugin would register, and what to do, if
    anything does: a backend of a loaded plugin (built-ins included), or an installed
    plugin's entry point."""
    manager = get_plugin_manager()
    extensions = manager.extensions
    registries = {
        "renderer": extensions.renderers,
        "exporter": extensions.exporters,
        "survey importer": extensions.importers,
        "map importer": extensions.map_importers,
    }
    for what in kind.clashes:
        if what == "store":
            if name in extensions.schemes:
                owner = _whose(manager, extensions.schemes[name])
                return f"the store {name}:// ({owner}): choose another name"
        elif name in registries[what]:
            owner = _whose(manager, registries[what][name].plugin)
            return f"the {what} {name!r} ({owner}): choose another name"
    for point in metadata.entry_points(group=ENTRY_POINT_GROUP, name=name):
        package = point.dist.name if point.dist is not None else "an installed package"
        return f"the installed plugin {name!r} of {package}: choose another name, or uninstall it"
    return None


def _whose(manager: PluginManager, plugin: str) -> str:
    return "built in" if plugin in manager.builtins else f"plugin {plugin}"


def _files(names: PluginNames, kind: str) -> dict[str, str]:
    """The package's files, by path in its folder."""
    spec = _kind(kind)
    values = {
        **attrs.asdict(names),
        "kind": kind,
        "what": spec.what,
        "contract": spec.contract,
        "description": spec.description.format(name=names.name),
        "provides": spec.provides.format(name=names.name),
        "hooks": ", ".join(spec.hooks),
        "hooks_code": " and ".join(f"`{hook}`" for hook in spec.hooks),
        "core_version": __version__,
    }
    values["usage"] = _render(f"{kind}/usage.md.tmpl", values)
    module = f"src/{names.module}"
    return {
        "pyproject.toml": _render("pyproject.toml.tmpl", values),
        "README.md": _render("README.md.tmpl", values),
        f"{module}/__init__.py": _render(f"{kind}/module.py.tmpl", values),
        f"{module}/py.typed": "",
        f"tests/test_{names.module}.py": _render(f"{kind}/test.py.tmpl", values),
    }


def _render(template: str, values: Mapping[str, str]) -> str:
    """A template with its ``${placeholders}`` filled in (every one must be known)."""
    path = resources.files("coprod_toc.plugins") / "templates"
    for part in template.split("/"):
        path = path / part
    return string.Template(path.read_text(encoding="utf-8")).substitute(values)


def _write_folder(folder: Path, files: Mapping[str, str]) -> None:
    """Write ``files`` into ``folder``, whole or not at all: they are written into a
    folder beside it, which then takes its name."""
    if _occupied(folder):
        raise OutputError(
            f"{str(folder)!r} already exists and is not empty: nothing was written (remove "
            "it, or write the plugin into another folder)"
        )
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        partial = folder.with_name(f".{folder.name}.partial-{secrets.token_hex(4)}")
        partial.mkdir()
    except OSError as exc:
        raise OutputError(f"cannot write the plugin into {str(folder)!r}: {exc}") from None
    try:
        for relative, text in files.items():
            path = partial / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        if folder.is_dir():
            folder.rmdir()  # found empty above
        partial.rename(folder)
    except OSError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        raise OutputError(f"cannot write the plugin into {str(folder)!r}: {exc}") from None


def _occupied(folder: Path) -> bool:
    """Whether ``folder`` is there and is not an empty folder."""
    try:
        if folder.is_symlink():
            return True
        if folder.exists():
            return not folder.is_dir() or any(folder.iterdir())
    except OSError as exc:
        raise OutputError(f"cannot look into {str(folder)!r}: {exc}") from None
    return False
