"""The public functions that reach the plugins: stores, renderers, exporters, importers and
the validation rules they add. Each looks its backend up by name in the shared plugin
manager and says what is available when the name is unknown."""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import attrs
import platformdirs

from coprod_toc._gc import collection_paused
from coprod_toc.analysis import Analyses, validation
from coprod_toc.errors import (
    CoprodTocError,
    FormatError,
    OutputError,
    PluginError,
    PluginNotFoundError,
    RenderError,
    StoreError,
)
from coprod_toc.format import load, loads
from coprod_toc.graph import TheoryOfChange
from coprod_toc.plugins import Registered, get_plugin_manager

if TYPE_CHECKING:  # storage and surveys load when a store is opened or a survey read
    from coprod_toc.exchange import MapImport
    from coprod_toc.group import GroupRecord
    from coprod_toc.storage import Store
    from coprod_toc.surveys.mapping import ImportReport, MappingSource, SurveyMapping
    from coprod_toc.surveys.source import SurveySource
    from coprod_toc.surveys.table import SurveyTable

_log = logging.getLogger(__name__)

__all__ = [
    "STORE_ENV",
    "Analyses",
    "SurveyImport",
    "analyse",
    "default_store_url",
    "erase_participant",
    "example",
    "export",
    "import_map",
    "import_survey",
    "import_survey_evidence",
    "open_store",
    "pseudonym_key",
    "pseudonym_key_path",
    "render",
    "validate",
]

_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def validate(
    toc: TheoryOfChange | GroupRecord, rules: Iterable[validation.Rule] | None = None
) -> validation.ValidationReport:
    """Check a map against the built-in rules and those plugins add (or only ``rules``).
    Given a co-production group's record, its own checks
    (:func:`coprod_toc.group.validate_group`, as of today).

    Runs in time linear in the number of nodes and links.
    """
    if _is_group(toc):
        from coprod_toc.group import validate_group

        if rules is not None:
            raise CoprodTocError("a group record has its own checks: rules= is for maps")
        return validate_group(cast("GroupRecord", toc))
    toc = cast(TheoryOfChange, toc)
    return validation.validate(
        toc, get_plugin_manager().extensions.rules if rules is None else rules
    )


def analyse(toc: TheoryOfChange) -> Analyses:
    """Validation (with the plugins' rules), the split and progress of ``toc``, worked out
    once: pass the result as ``analyses=`` to every render or export of the same map."""
    return Analyses.of(toc, get_plugin_manager().extensions.rules)


def _with_analyses(
    entry: Registered, what: str, toc: TheoryOfChange, options: dict[str, Any]
) -> None:
    """Give a renderer or exporter that shows analyses (``uses_analyses = True``) the ones
    of this map, unless the caller already has; others get no such option."""
    if not isinstance(toc, TheoryOfChange):
        raise RenderError(f"a {what} needs a map (TheoryOfChange), not {type(toc).__name__}")
    if _declares(entry, what, "uses_analyses"):
        if "analyses" not in options:
            options["analyses"] = analyse(toc)
        else:
            Analyses.given(options["analyses"], toc)


#: The environment variable that names the default store's URL.
STORE_ENV = "COPROD_TOC_STORE"


def default_store_url() -> str:
    """The store used when none is named: ``$COPROD_TOC_STORE`` if set, else a SQLite file
    in the user's data folder (``~/.local/share/coprod-toc/maps.db`` on Linux)."""
    url = os.environ.get(STORE_ENV)
    if url:
        return url
    return f"sqlite:///{platformdirs.user_data_path('coprod-toc') / 'maps.db'}"


def open_store(url: str | None = None, **options: Any) -> Store:
    """Open the store a URL names: ``sqlite:///PATH``, ``json://DIR`` and ``memory://`` are
    built in, plugins add more. With no URL and no options, the default store
    (:func:`default_store_url`).

    ``options`` go to the store's plugin, which refuses any it does not take. The SQL plugin
    (``coprod-toc-sql``), for one, takes a host application's SQLAlchemy ``engine=``,
    ``connection=`` or ``session=`` in place of a URL, so that saves join the host's
    transaction (see docs/integration.md).

    :raises PluginNotFoundError: no installed plugin handles the URL's scheme.
    :raises StoreError: the URL is not a URL, or its plugin refuses it or the options.
    """
    from coprod_toc.storage import Store

    manager = get_plugin_manager()
    if url is None and options:
        scheme = None  # the options say which store: a plugin that knows them answers
    else:
        if url is None:
            url = default_store_url()
            if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
                _make_folder(Path(url[len("sqlite:///") :]).parent)
        match = _SCHEME_RE.match(url) if isinstance(url, str) else None
        if match is None:
            raise StoreError(f"{url!r} is not a store URL: expected SCHEME://…, e.g. 'memory://'")
        if _CONTROL_RE.search(url):
            raise StoreError(f"{url!r} is not a store URL: it holds a control character")
        scheme = match.group(1).lower()  # schemes are case-insensitive (RFC 3986)
        url = scheme + url[len(scheme) :]
    shown = url if url is not None else f"a store with {_names(options)}"
    # Each plugin is asked in turn (first result wins, as pluggy would), so that one that
    # crashes is named and skipped instead of keeping the store that matches from opening.
    crashed: list[tuple[str, BaseException]] = []
    for impl in reversed(manager.hook.open_store.get_hookimpls()):
        takes_options = "options" in impl.argnames
        if options and not takes_options and url is None:
            continue  # an older plugin: it knows URLs only
        try:
            if takes_options:
                store = impl.function(url=url, options=options)
            else:
                store = impl.function(url=url)
        except (CoprodTocError, KeyboardInterrupt):
            raise  # the plugin's own answer: this URL is its, and wrong
        except BaseException as exc:  # SystemExit too: a plugin must never end the host
            crashed.append((impl.plugin_name, exc))
            continue
        if isinstance(store, Store):
            if options and not takes_options:
                store.close()
                raise StoreError(
                    f"the store for {url!r} (plugin {impl.plugin_name}) takes no options; "
                    f"given {_names(options)}"
                )
            _log.info("opened the store %s (plugin %s)", store.url, impl.plugin_name)
            return store
        if store is not None:
            crashed.append((impl.plugin_name, TypeError(f"it returned {type(store).__name__}")))
    if crashed:
        plugin, error = crashed[0]
        problem = f"{type(error).__name__}: {error}"
        raise PluginError(
            f"opening {shown!r} failed in {plugin}: {problem}", plugin=plugin
        ) from error
    if scheme is None:
        raise StoreError(
            f"no installed store takes {_names(options)} without a URL (the SQL plugin, "
            "coprod-toc-sql, takes a SQLAlchemy engine=, connection= or session=)"
        )
    available = [f"{name}://" for name in sorted(manager.extensions.schemes)]
    raise PluginNotFoundError("store for the URL scheme", scheme, available)


def _names(options: Mapping[str, Any]) -> str:
    return ", ".join(f"{name}=" for name in sorted(options))


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"cannot make the folder for the default store {str(folder)!r}: {exc}"
        ) from None


def _lookup(kind: str, registry: dict[str, Registered], name: str) -> Registered:
    try:
        return registry[name]
    except (KeyError, TypeError):
        raise PluginNotFoundError(kind, name, sorted(registry)) from None


def _call(entry: Registered, what: str, method: str, *args: Any, **options: Any) -> Any:
    """Call a plugin's method; whatever goes wrong in it is a PluginError naming the plugin
    (``SystemExit`` too: a plugin must never end the host)."""
    try:
        return getattr(entry.implementation, method)(*args, **options)
    except (CoprodTocError, KeyboardInterrupt):
        raise
    except BaseException as exc:
        raise _failed(entry, what, exc) from exc


def _declares(entry: Registered, what: str, flag: str) -> bool:
    """Whether a plugin's implementation sets ``flag`` to ``True`` (reading it may fail too)."""
    try:
        return getattr(entry.implementation, flag, False) is True
    except KeyboardInterrupt:
        raise
    except BaseException as exc:
        raise _failed(entry, what, exc) from exc


def _failed(entry: Registered, what: str, exc: BaseException) -> PluginError:
    # A bug in the backend, or an option it does not take: say which backend it was.
    problem = f"{type(exc).__name__}: {exc}"
    message = f"{what} {entry.name!r} ({entry.plugin}) failed: {problem}"
    return PluginError(message, plugin=entry.plugin)


def render(toc: TheoryOfChange | GroupRecord, name: str, **options: Any) -> str:
    """Render a map as text with the renderer called ``name`` (``"json"`` built in, more
    from plugins). Binary output (a workbook, an image) goes to a file with :func:`export`.

    Given a co-production group's record (:class:`coprod_toc.group.GroupRecord`) instead,
    renders its annual report with the group renderer called ``name`` (``"html"``,
    ``"easy-read"``, ``"markdown"``, ``"json"`` built in): give ``year=`` and, when you
    have it, ``work_plan=`` (the group's work-plan map).

    :raises PluginNotFoundError: no renderer of that name; the message lists the installed ones.
    """
    if _is_group(toc):
        entry = _group_renderer(name, options)
        return _text_of(entry, _call(entry, "group renderer", "render", toc, **options))
    toc = cast(TheoryOfChange, toc)  # the renderer refuses anything else, by name
    entry = _lookup("renderer", get_plugin_manager().extensions.renderers, name)
    _with_analyses(entry, "renderer", toc, options)
    return _text_of(entry, _call(entry, "renderer", "render", toc, **options))


def _is_group(record: object) -> bool:
    from coprod_toc.group.records import GroupRecord

    return isinstance(record, GroupRecord)


def _group_renderer(name: str, options: dict[str, Any]) -> Registered:
    """The group renderer called ``name``, after checking the options every one takes."""
    entry = _lookup("group renderer", get_plugin_manager().extensions.group_renderers, name)
    year = options.get("year")
    if isinstance(year, bool) or not isinstance(year, int):
        raise RenderError(
            f"a group's report is of one year: give year= as a whole number (the calendar "
            f"year the group's year starts in), not {year!r}"
        )
    work_plan = options.setdefault("work_plan", None)
    if work_plan is not None and not isinstance(work_plan, TheoryOfChange):
        raise RenderError(
            f"work_plan= takes the group's work-plan map (a TheoryOfChange), not "
            f"{type(work_plan).__name__}"
        )
    return entry


def _text_of(entry: Registered, output: object) -> str:
    if not isinstance(output, str):
        raise PluginError(
            f"renderer {entry.name!r} ({entry.plugin}) returned {type(output).__name__}, not "
            "text: a renderer returns str; binary output belongs to an exporter",
            plugin=entry.plugin,
        )
    return output


def export(
    toc: TheoryOfChange | GroupRecord,
    name: str,
    destination: str | os.PathLike[str],
    **options: Any,
) -> Path:
    """Write a map to ``destination`` with the exporter (or renderer) called ``name``; or,
    given a group's record, its annual report with the group renderer called ``name``
    (see :func:`render`).

    The file appears whole or not at all: the output goes to a temporary file beside the
    destination, which replaces it only when the exporter has finished.

    :returns: the destination path.
    :raises PluginNotFoundError: no exporter or renderer of that name.
    """
    extensions = get_plugin_manager().extensions
    target = _destination(destination)
    write: Callable[[Path], None]
    if _is_group(toc):
        entry = _group_renderer(name, options)
        what = "group renderer"

        def write(path: Path) -> None:
            output = _text_of(entry, _call(entry, what, "render", toc, **options))
            path.write_bytes(output.encode("utf-8"))

    else:
        toc = cast(TheoryOfChange, toc)  # the exporter refuses anything else, by name
        exporter = extensions.exporters.get(name)
        renderer = None if exporter is not None else extensions.renderers.get(name)
        if exporter is None and renderer is None:
            raise PluginNotFoundError(
                "exporter or renderer", name, sorted({*extensions.exporters, *extensions.renderers})
            )
        what = "exporter" if exporter is not None else "renderer"

        def write(path: Path) -> None:
            if exporter is not None:
                _with_analyses(exporter, "exporter", toc, options)
                _call(exporter, "exporter", "export", toc, path, **options)
            else:
                assert renderer is not None
                _with_analyses(renderer, "renderer", toc, options)
                output = _text_of(renderer, _call(renderer, "renderer", "render", toc, **options))
                path.write_bytes(output.encode("utf-8"))

    _write_whole(target, write, f"the {what} {name!r}")
    return target


def _write_whole(target: Path, write: Callable[[Path], None], writer: str) -> None:
    """Have ``write`` fill a temporary file beside ``target``, then move it into place: the
    file appears whole or not at all."""
    try:
        # A short name of its own (the destination's name may already be as long as a file
        # name can be), ending as the destination does, so an exporter can tell a .csv
        # from a .zip.
        ending = target.suffix if len(target.suffix) <= 16 else ""
        handle, temporary = tempfile.mkstemp(
            prefix=".coprod-toc-", suffix=".tmp" + ending, dir=target.parent
        )
    except OSError as exc:
        raise OutputError(f"cannot write {str(target)!r}: {exc.strerror or exc}") from None
    os.close(handle)
    temp_path = Path(temporary)
    # mkstemp makes the file private; an export is meant to be shared, so give it the mode
    # of the file it replaces, or the usual one for a new file.
    os.chmod(temp_path, target.stat().st_mode & 0o7777 if target.exists() else 0o644)
    try:
        write(temp_path)
        if not temp_path.is_file() or temp_path.is_symlink():
            raise OutputError(f"cannot write {str(target)!r}: {writer} left no file behind")
        with temp_path.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(temp_path, target)
    except OSError as exc:
        if isinstance(exc, CoprodTocError):
            raise
        raise OutputError(f"cannot write {str(target)!r}: {exc.strerror or exc}") from None
    finally:
        _remove(temp_path)


def _destination(destination: object) -> Path:
    """The path an export writes to, checked before anything is written."""
    if not isinstance(destination, str | os.PathLike) or not str(destination).strip():
        raise OutputError(f"cannot write to {destination!r}: give a file's path")
    target = Path(destination)
    if "\x00" in str(target):
        raise OutputError(f"cannot write {str(target)!r}: a path cannot hold a NUL character")
    if target.is_dir():
        raise OutputError(f"cannot write {str(target)!r}: it is a folder; give a file's path")
    if not target.parent.is_dir():
        raise OutputError(
            f"cannot write {str(target)!r}: the folder {str(target.parent)!r} does not exist"
        )
    if target.exists() and not target.is_file():
        raise OutputError(f"cannot write {str(target)!r}: it is not a regular file")
    return target


def _remove(path: Path) -> None:
    """Remove what an export left at its temporary path, whatever a plugin made of it."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


#: How much of a file map importers' ``detect`` sees.
_HEAD_BYTES = 64 * 1024


def import_map(path: str | os.PathLike[str], format: str = "auto", **options: Any) -> MapImport:
    """Read a map from another tool's file: a logframe workbook, a ToC-Maker export, a
    coprod-toc JSON or TOML file, and whatever plugins add (``coprod-toc plugins`` lists
    the map importers).

    Nothing is dropped silently: the result's ``notes`` name every row, field or link left
    out or changed, and every value assumed (a tool without project and co-production
    kinds gets a note per node), each with its place in the file.

    :param format: a map importer's name, or ``"auto"`` to tell it from the file.
    :param options: the importer's options (see docs/backends.md for each format's).
    :raises PluginNotFoundError: no map importer of that name.
    :raises FormatError: the file cannot be read, or its format cannot be told; the
        message names the file and the sheet and row or the JSON path.
    """
    from coprod_toc.exchange import MapImport

    if not isinstance(path, str | os.PathLike) or not str(path).strip():
        raise FormatError(f"cannot read {path!r}: give a file's path")
    file = Path(path)
    source = str(file)
    try:
        if file.exists() and not file.is_file():  # a device or a pipe may never end
            raise FormatError("cannot read the file: it is not a regular file", source=source)
        with file.open("rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        problem = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise FormatError(f"cannot read the file: {problem}", source=source) from None
    importers = get_plugin_manager().extensions.map_importers
    if format == "auto":
        entry = None
        for candidate in importers.values():
            try:
                if _call(candidate, "map importer", "detect", file, head):
                    entry = candidate
                    break
            except PluginError as exc:  # a broken importer is skipped, and said so
                _log.warning("%s: the map importer %r was skipped: %s", source, candidate.name, exc)
        if entry is None:
            if not head.strip():
                raise FormatError("the file is empty", source=source)
            known = ", ".join(sorted(importers)) or "none are installed"
            raise FormatError(
                f"cannot tell which tool made this file; name the format (one of: {known})",
                source=source,
            )
    else:
        entry = _lookup("map importer", importers, format)
    try:
        # A map of thousands of nodes is thousands of records made at once: no collector
        # walks over them while they are made (as loading a map works).
        with collection_paused():
            result = _call(entry, "map importer", "read", file, **options)
    except FormatError as exc:
        raise exc if exc.source else exc.with_source(source) from None
    if not isinstance(result, MapImport) or not isinstance(result.toc, TheoryOfChange):
        raise PluginError(
            f"map importer {entry.name!r} returned {type(result).__name__}, not a MapImport",
            plugin=entry.plugin,
        )
    _log.info("%s: read by the %s map importer, %d notes", source, entry.name, len(result.notes))
    return result


def import_survey(
    source: SurveySource,
    format: str = "auto",
    *,
    name: str | None = None,
    pseudonymise_respondents: bool = True,
    pseudonym_key: bytes | None = None,
    missing: Iterable[str] | None = None,
    **options: Any,
) -> SurveyTable:
    """Read a survey export into the neutral long table.

    Respondents are pseudonymised by default (see :func:`coprod_toc.surveys.pseudonymise`):
    pass the same ``pseudonym_key``, kept apart from the data, to recognise the same person
    across imports.

    :param source: a path, the file's bytes or text (a string with line breaks, read as
        UTF-8), or an open binary file: a web upload needs no temporary file.
    :param format: an importer's name, or ``"auto"`` to detect it from the file.
    :param name: how messages and reports name the file (default: its path, else the file
        object's name, else ``"upload"``).
    :param missing: the answers that mean "no answer", given out as ``None`` (default:
        :data:`coprod_toc.surveys.table.MISSING_ANSWERS`: ``NA``, ``N/A``, ``n/a``,
        ``#N/A``, ``NULL``, ``-99``, ``-999``, ``.``, ``(blank)``, ``Not answered``).
    :param options: the importer's options; every importer takes ``dayfirst``,
        ``encoding``, ``keep_personal``, ``respondent`` and ``sheet``.
    :raises PluginNotFoundError: no importer of that name.
    :raises FormatError: the file cannot be read, or its format cannot be told.
    """
    from coprod_toc.surveys.kit.rows import is_xlsx, open_rows
    from coprod_toc.surveys.privacy import protect
    from coprod_toc.surveys.source import SurveyFile
    from coprod_toc.surveys.table import SurveyTable, pseudonymise

    # Why this is long: its docstring is the reference for every option; the body is detection,
    # the call, and the checks every importer's table gets.
    file = SurveyFile.of(source, name=name)
    importers = get_plugin_manager().extensions.importers
    head = file.head()
    skipped: list[str] = []  # importers whose detect failed
    if format == "auto":
        # Importers that read any table (``fallback = True``) are asked last.
        ordered = sorted(
            importers.values(), key=lambda e: bool(getattr(e.implementation, "fallback", False))
        )
        entry = None
        for candidate in ordered:
            try:
                if _call(candidate, "survey importer", "detect", file, head):
                    entry = candidate
                    break
            except PluginError as exc:  # a broken importer is skipped, and said so
                skipped.append(f"the survey importer {candidate.name!r} was skipped: {exc}")
        if entry is None:
            if not head.strip():
                raise FormatError("the file is empty", source=file.name)
            if is_xlsx(head) and not any(
                any(row)
                for row in open_rows(file).head(2)  # a damaged workbook says why
            ):
                raise FormatError(
                    "the workbook's first sheet is empty (sheet= names another sheet)",
                    source=file.name,
                )
            known = ", ".join(sorted(importers)) or "none are installed"
            raise FormatError(
                f"cannot tell which survey tool made this file; name the format (one of: {known})",
                source=file.name,
            )
    else:
        entry = _lookup("survey importer", importers, format)
    table: SurveyTable = _call(entry, "survey importer", "read", file, **options)
    if not isinstance(table, SurveyTable):
        raise PluginError(
            f"survey importer {entry.name!r} returned {type(table).__name__}, not a SurveyTable",
            plugin=entry.plugin,
        )
    if table.origin is None:
        table = attrs.evolve(table, origin=file)
    if skipped:
        table = attrs.evolve(table, notes=(*table.notes, *skipped))
    _log.info(
        "%s: read by the %s importer (%s)",
        file.name,
        entry.name,
        "detected" if format == "auto" else "as asked",
    )
    for note in table.notes:
        _log.debug("%s: %s", file.name, note)
    if not table.scrubbed and not options.get("keep_personal"):
        table = protect(table)  # an importer that did not use the kit: the same rule
    if missing is not None:
        if not isinstance(missing, list | tuple | set | frozenset) or not all(
            isinstance(m, str) for m in missing
        ):
            raise FormatError("missing= is a list of answers that mean no answer", source=file.name)
        table = attrs.evolve(table, missing=frozenset(missing))
    table = table.with_date_order()
    return pseudonymise(table, pseudonym_key) if pseudonymise_respondents else table


@attrs.frozen
class SurveyImport:
    """What :func:`import_survey_evidence` did: the report (counts, answers left blank,
    rejections, notes and warnings), the table read, the map as it now is, and where it
    was saved (``version`` in a store; ``None`` when the map was given in memory)."""

    report: ImportReport
    table: SurveyTable
    toc: TheoryOfChange
    saved: str | None
    version: int | None = None
    rejected_file: Path | None = None


def import_survey_evidence(
    survey: SurveySource,
    mapping: MappingSource | SurveyMapping,
    *,
    into: str | os.PathLike[str] | Store | TheoryOfChange,
    name: str | None = None,
    format: str = "auto",
    survey_name: str | None = None,
    pseudonym_key: bytes | None = None,
    allow_reimport: bool = False,
    rejected: str | os.PathLike[str] | None = None,
    progress: Callable[[int], None] | None = None,
    message: str | None = None,
    **options: Any,
) -> SurveyImport:
    """Import a survey export as evidence into a map, as a mapping says: the whole workflow
    in one call (it is what ``coprod-toc import-survey`` runs).

    It loads the map, reads and checks the mapping against it, reads the survey (with the
    mapping's ``[importer]`` options and missing-answer markers, then ``options``),
    pseudonymises respondents with ``pseudonym_key``, applies the mapping, and saves: a new
    version in a store, made with the version it loaded as ``expected_version`` (so an edit
    made meanwhile is a :class:`ConflictError`, never lost), or the JSON map file rewritten
    whole. Nothing is saved if any step fails, and a map given in memory is changed only
    when every row was read.

    :param survey: a path, the file's bytes, or an open binary file (an upload).
    :param mapping: a mapping file, its TOML text or bytes, a dict, or one already loaded.
    :param into: a store URL or an open :class:`Store` (with ``name``), a JSON map file, or
        a map in memory (changed in place, not saved).
    :param survey_name: how reports name the survey (default: its path, else ``upload``).
    :param pseudonym_key: the key kept apart from the data (default: :func:`pseudonym_key`).
    :param rejected: where to write the rejected answers as CSV (row, column, reason).
    :raises FormatError: bad input of any kind (the survey, the mapping, the map file, a
        file imported before without ``allow_reimport``), naming the file and what is wrong.
    :raises ConflictError: the stored map changed while the survey was imported.
    """
    from coprod_toc.storage import Store
    from coprod_toc.surveys.mapping import SurveyMapping, apply_mapping, load_mapping

    # Why this is long: the whole documented workflow in one place (load, read, import, apply,
    # save, rejections), so that nothing is saved unless every step succeeded.
    key = pseudonym_key if pseudonym_key is not None else _key_from_file()
    store: Store | None = None
    opened = False
    file_target: Path | None = None
    if isinstance(into, TheoryOfChange):
        toc = into
    elif isinstance(into, Store) or (isinstance(into, str) and "://" in into):
        if not name:
            raise StoreError("name the map in the store: name=")
        store = into if isinstance(into, Store) else open_store(into)
        opened = not isinstance(into, Store)
    else:
        file_target = Path(into)
        if file_target.suffix.lower() != ".json":
            raise FormatError(
                "evidence is imported into a JSON map file or a store; a TOML map is "
                "authored by hand, so save it in a store first",
                source=str(file_target),
            )
        toc = load(file_target)
    staged: Path | None = None
    try:
        expected = None
        if store is not None:
            assert name is not None
            expected = store.history(name)[-1].version
            toc = store.load(name, expected)
        loaded = mapping if isinstance(mapping, SurveyMapping) else load_mapping(mapping, toc)
        importer_options = {**loaded.importer, **options}
        mapped_format = importer_options.pop("format", "auto")
        table = import_survey(
            survey,
            mapped_format if format == "auto" else format,  # the caller's choice wins
            name=survey_name,
            pseudonym_key=key,
            missing=loaded.missing,
            **importer_options,
        )
        report = apply_mapping(toc, table, loaded, progress=progress, allow_reimport=allow_reimport)
        if rejected is not None and (report.rejected or Path(rejected).exists()):
            # Written (even empty, over an earlier file that would tell of other rejections)
            # before saving, so a place that cannot take it stops the import; moved into
            # place once the import is saved.
            staged = report.stage_rejections(Path(rejected))
        version = None
        saved: str | None = None
        if store is not None:
            assert name is not None
            version = store.save(
                name,
                toc,
                expected_version=expected,
                message=message or f"survey import: {Path(table.source).name}",
            )
            saved = f"{name!r} version {version} in {store.url}"
        elif file_target is not None:
            export(toc, "json", file_target)
            saved = str(file_target)
        rejected_file = None
        if staged is not None:
            rejected_file = Path(rejected)  # type: ignore[arg-type]  # staged only when given
            os.replace(staged, rejected_file)
            staged = None
    finally:
        if opened and store is not None:
            store.close()
        if staged is not None:
            staged.unlink(missing_ok=True)
    return SurveyImport(report, table, toc, saved, version, rejected_file)


PSEUDONYM_KEY_ENV = "COPROD_TOC_PSEUDONYM_KEY"


def pseudonym_key_path(path: str | os.PathLike[str] | None = None) -> Path:
    """Where the pseudonym key is kept: ``path``, else ``$COPROD_TOC_PSEUDONYM_KEY``, else
    ``pseudonym.key`` in the user's configuration folder."""
    return Path(
        path
        or os.environ.get(PSEUDONYM_KEY_ENV)
        or platformdirs.user_config_path("coprod-toc") / "pseudonym.key"
    )


def pseudonym_key(path: str | os.PathLike[str] | None = None, *, create: bool = True) -> bytes:
    """The secret that turns respondent ids into pseudonyms, read from a file kept apart
    from the data (created, readable by its owner only, on first use).

    The file is ``path``, else ``$COPROD_TOC_PSEUDONYM_KEY``, else ``pseudonym.key`` in the
    user's configuration folder. Whoever holds it can re-identify people: back it up, and
    keep it out of the store and out of version control.

    :raises OutputError: the key file cannot be read or made.
    """
    target = pseudonym_key_path(path)
    try:
        key = target.read_bytes()
    except FileNotFoundError:
        if not create:
            raise OutputError(f"{str(target)!r}: no pseudonym key file") from None
        key = secrets.token_bytes(32)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(key)
        except FileExistsError:
            return target.read_bytes()  # made by another process meanwhile
        except OSError as exc:
            raise OutputError(
                f"{str(target)!r}: cannot create the pseudonym key: {exc.strerror}"
            ) from None
    except OSError as exc:
        raise OutputError(
            f"{str(target)!r}: cannot read the pseudonym key: {exc.strerror}"
        ) from None
    if len(key) < 16:
        raise OutputError(f"{str(target)!r}: the pseudonym key is too short (under 16 bytes)")
    return key


#: The key file's reader, under a name parameters called ``pseudonym_key`` do not hide.
_key_from_file = pseudonym_key


def erase_participant(target: TheoryOfChange | Store, participant: str) -> int:
    """Remove one person's data everywhere in a map, or in every version a store keeps.

    ``participant`` is their pseudonym (``coprod_toc.surveys.pseudonym(identifier, key)``
    gives it from the identifier they gave). Evidence only about them goes; shared evidence
    keeps the others; a link's reference to evidence that is gone is removed. Returns how
    many records (for a map) or versions (for a store) changed.
    """
    from coprod_toc.storage import Store

    if not isinstance(target, TheoryOfChange | Store):
        raise TypeError(f"erase_participant() takes a map or a store, not {type(target).__name__}")
    return target.erase_participant(participant)


def example(name: str = "day-centre") -> TheoryOfChange:
    """An example map shipped with the library: ``"day-centre"``, SCIE's worked example."""
    files = resources.files("coprod_toc.data")
    available = sorted(
        p.name.removesuffix(".toml") for p in files.iterdir() if p.name.endswith(".toml")
    )
    if name not in available:
        raise PluginNotFoundError("example map", name, available)
    return loads(
        files.joinpath(f"{name}.toml").read_text("utf-8"), format="toml", source=f"{name}.toml"
    )
