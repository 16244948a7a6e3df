"""The plugin author's reference: every hook coprod_toc calls, grouped by family.

A plugin is a module (or object) with functions marked ``@hookimpl``, installed with an entry
point in the group ``coprod_toc``::

    # pyproject.toml of your plugin
    [project.entry-points.coprod_toc]
    my_plugin = "my_package.plugin"

    # my_package/plugin.py
    from coprod_toc.plugins import hookimpl

    @hookimpl
    def register_renderers(register):
        register("my-format", MyRenderer)

Rules that save trouble:

* Name every argument exactly as the spec does; you may leave out the ones you don't need.
* Give hook implementations **no default argument values**: pluggy never passes them.
* Registration hooks are called once per plugin manager. Raise nothing from them: a hook that
  raises is reported by ``coprod-toc plugins`` and its registrations are dropped.

Built-in backends use these same hooks (``coprod_toc.backends``), so whatever they can do,
a plugin can do too. ``docs/plugins.md`` holds this reference as a page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from coprod_toc.analysis.validation import Rule
    from coprod_toc.storage import Store

__all__ = ["PROJECT_NAME", "Register", "hookimpl", "hookspec"]

PROJECT_NAME = "coprod_toc"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)

#: The callback registration hooks receive: ``register(name, implementation)``.
Register = Callable[[str, Any], None]

# --------------------------------------------------------------------------- storage


@hookspec(firstresult=True)
def open_store(url: str | None, options: Mapping[str, Any]) -> Store | None:
    """Open the store that ``url`` names, if this plugin handles its scheme.

    Called by ``ct.open_store(url, **options)``. Look at the scheme (``url.split("://")[0]``)
    and return ``None`` at once when it is not yours, so the next plugin gets its turn. For
    your own scheme, return an opened :class:`coprod_toc.storage.Store`, or raise
    :class:`coprod_toc.errors.StoreError` saying what is wrong with the URL or the options.

    Stops at first non-None result.

    :param url: the URL as the user gave it, e.g. ``"memory://"`` or ``"sqlite:///maps.db"``;
        ``None`` when the caller gave options only (a database connection of the host's,
        say): return a store only if the options are yours.
    :param options: the keyword arguments given to ``ct.open_store`` (often none). Refuse,
        with a ``StoreError`` naming them, any your store does not take. An implementation
        may leave this parameter out; it is then asked only for URLs given with no options.
    :returns: an open store, or ``None`` for a URL this plugin does not handle.
    """


@hookspec
def store_schemes() -> list[str]:  # type: ignore[empty-body]
    """Name the URL schemes that this plugin's :func:`open_store` accepts.

    Used to list stores in ``coprod-toc plugins`` and in the error for an unknown scheme.

    :returns: schemes without ``://``, e.g. ``["postgresql+psycopg", "mysql+pymysql"]``.
    """


# ------------------------------------------------------------------ renderers and exporters


@hookspec
def register_renderers(register: Register) -> None:
    """Register renderers: ways to turn a map into text (``ct.render``).

    Call ``register(name, renderer)`` once per renderer. ``name`` is lower-case letters,
    digits and ``-``. ``renderer`` is a class (made once, with no arguments) or an object
    with:

    * ``media_type`` — e.g. ``"text/vnd.mermaid"``;
    * ``suffix`` — the file suffix for its output, e.g. ``".mmd"``;
    * ``description`` — one line for listings;
    * ``render(toc, **options) -> str`` — the same map and options must give the same
      output, and labels must be escaped for the target format. Binary output (a workbook,
      an image) belongs to an exporter;
    * ``uses_analyses`` (optional, default false) — when true, ``ct.render`` and
      ``ct.export`` pass the option ``analyses``: the map's
      :class:`coprod_toc.analysis.Analyses` (validation with every plugin's rules, the split,
      progress), worked out once however many files a report writes.

    A renderer can also be used by ``ct.export``, which writes its output to a file.

    :param register: the callback ``register(name, renderer)``.
    """


@hookspec
def register_exporters(register: Register) -> None:
    """Register exporters: ways to write a map to a file (``ct.export``).

    Use an exporter rather than a renderer when the output is not one string: a workbook,
    an archive, a format another tool imports. Call ``register(name, exporter)``; the
    exporter is a class (made once, with no arguments) or an object with:

    * ``suffix`` — the usual file suffix, e.g. ``".json"``;
    * ``description`` — one line for listings;
    * ``export(toc, destination, **options) -> None`` — write the whole output to the
      ``pathlib.Path`` ``destination``. The host passes a temporary file beside the real
      destination, ending with the same suffix (so ``destination.suffix`` tells a ``.csv``
      from a ``.zip``), and moves it into place only when ``export`` returns, so a failure
      never leaves a half-written file;
    * ``uses_analyses`` (optional) — as for renderers: receive the option ``analyses``.

    :param register: the callback ``register(name, exporter)``.
    """


@hookspec
def register_group_renderers(register: Register) -> None:
    """Register group renderers: ways to turn a co-production group's record
    (:class:`coprod_toc.group.GroupRecord`) into a year's annual report.

    ``ct.render(record, name, year=…)`` and ``ct.export(record, name, path, year=…)`` use
    them when given a group record rather than a map: the record kind decides which
    registry a name is looked up in, so a group renderer may share a map renderer's name
    (``"html"``). Call ``register(name, renderer)``; the renderer is a class (made once,
    with no arguments) or an object with ``media_type``, ``suffix`` and ``description`` as
    for map renderers, and:

    * ``render(record, *, year, work_plan=None, **options) -> str`` — the report of the
      group's year ``year`` (an ``int``, the calendar year the group's year starts in),
      beside the year before. ``work_plan`` is the group's work-plan map
      (a :class:`coprod_toc.TheoryOfChange`) when the host has it, else ``None``. Use
      :func:`coprod_toc.group.group_report` for the figures and
      :func:`coprod_toc.group.work_plan_progress` for the work plan, so every report
      counts alike. Show payments only as totals, never per member; escape every label
      for the target format; raise :class:`coprod_toc.errors.RenderError` for an option
      you do not take.

    The conformance class is :class:`coprod_toc.testing.GroupRendererContract`.

    :param register: the callback ``register(name, renderer)``.
    """


# --------------------------------------------------------------------------- survey importers


@hookspec
def register_survey_importers(register: Register) -> None:
    """Register survey importers: readers of survey-tool exports (``ct.import_survey``).

    Call ``register(name, importer)``; the importer is a class (made once, with no
    arguments) or an object with:

    * ``description`` — one line for listings;
    * ``detect(source, head) -> bool`` — whether the file looks like this format;
      ``source`` is a :class:`coprod_toc.surveys.source.SurveyFile` (a file on disk, or
      bytes uploaded), ``head`` its first 64 KiB. Be cheap and strict: ``format="auto"``
      picks the first importer that says yes (importers with ``fallback = True``, which
      read any table, are asked last);
    * ``read(source, **options) -> SurveyTable`` — the answers as the neutral table
      (:class:`coprod_toc.surveys.SurveyTable`). Build it with the importer kit
      (:mod:`coprod_toc.surveys.kit`: subclass ``Importer``, classify the columns, and
      ``build_table`` leaves out personal data and scrubs free text as every built-in
      importer does). Raise :class:`coprod_toc.errors.FormatError` naming the row or column
      for bad input. Return respondent keys as they are in the file: the host pseudonymises
      them. Leave out names and contact details unless ``keep_personal=True``;
    * ``write_example(path, questions, answers) -> Path`` — write a small export in the
      tool's own layout; the conformance kit uses it to prove the importer's privacy.

    :param register: the callback ``register(name, importer)``.
    """


# --------------------------------------------------------------------------- map importers


@hookspec
def register_map_importers(register: Register) -> None:
    """Register map importers: readers of another tool's map (``ct.import_map``).

    Call ``register(name, importer)``; the importer is a class (made once, with no
    arguments) or an object with:

    * ``description`` — one line for listings;
    * ``suffixes`` — the file suffixes it reads, e.g. ``(".xlsx",)``;
    * ``detect(path, head) -> bool`` — whether the file at ``path`` (a
      ``pathlib.Path``; ``head`` is its first 64 KiB) is in this format. Be cheap and
      strict: ``format="auto"`` picks the first importer that says yes;
    * ``read(path, **options) -> MapImport`` — the map, with a
      :class:`coprod_toc.exchange.ImportNote` for every row, field or link left out or
      changed and every value assumed (a node whose tool has no project/co-production kind
      gets one: :func:`coprod_toc.exchange.assumed_kind`), naming its place in the file.
      Raise :class:`coprod_toc.errors.FormatError` naming the file and the sheet and row or
      JSON path for a file it cannot read, never another exception.

    :param register: the callback ``register(name, importer)``.
    """


# --------------------------------------------------------------------------- validation


@hookspec
def register_validation_rules(register: Callable[[Rule], None]) -> None:
    """Register validation rules that ``ct.validate`` runs beside the built-in ones.

    Call ``register(rule)`` with a :class:`coprod_toc.analysis.Rule`: a stable ``code`` (prefix it
    with your plugin's name), a severity, a one-line summary and a check that reads the
    shared :class:`coprod_toc.analysis.MapFacts` and yields ``(node ids, message)`` pairs. Use the
    facts' traversals rather than your own, so validation stays linear in the size of the map.

    :param register: the callback ``register(rule)``.
    """


# --------------------------------------------------------------------------- lifecycle


@hookspec
def startup(manager: pluggy.PluginManager) -> None:
    """Called once when a plugin manager has loaded every plugin.

    Check your configuration here and raise nothing: a failure is reported, not fatal.

    :param manager: the plugin manager, to look at the other plugins.
    """
