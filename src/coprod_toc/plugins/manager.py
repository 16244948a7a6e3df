"""The plugin manager: built lazily, built-ins first, third-party plugins one at a time.

``get_plugin_manager()`` builds the shared manager on first use (importing coprod_toc loads
no plugin). ``make_plugin_manager()`` builds a fresh one, for tests and embedding.

Environment:

* ``COPROD_TOC_DISABLE_PLUGIN_AUTOLOAD=1`` — load no third-party plugin;
* ``COPROD_TOC_PLUGINS=kumu,other`` — load only these entry points (empty: none).
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from importlib import metadata
from typing import Any

import attrs
import pluggy

from coprod_toc._version import __version__
from coprod_toc.analysis.validation import Finding, MapFacts, Rule, RuleRegistry, Severity
from coprod_toc.plugins import hookspecs

__all__ = [
    "DEFAULT_PLUGINS",
    "ENTRY_POINT_GROUP",
    "Extensions",
    "PluginInfo",
    "PluginManager",
    "PluginProblem",
    "Registered",
    "get_plugin_manager",
    "make_plugin_manager",
    "use_plugin_manager",
]

ENTRY_POINT_GROUP = "coprod_toc"

_log = logging.getLogger(__name__)

#: The built-in backends, registered first and always: they are plugins like any other.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "coprod_toc.backends.rules",
    "coprod_toc.backends.stores",
    "coprod_toc.backends.json_output",
    "coprod_toc.backends.renderers",
    "coprod_toc.backends.group_reports",
    "coprod_toc.backends.importers",
    "coprod_toc.backends.exchange",
)

_NAME_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


@attrs.frozen
class PluginProblem:
    """A plugin that failed to load, or whose hook failed: reported, never fatal."""

    plugin: str
    version: str | None
    error: str

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen
class PluginInfo:
    """What ``coprod-toc plugins`` lists for one plugin."""

    name: str
    version: str | None
    distribution: str | None
    hooks: tuple[str, ...]
    builtin: bool

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self) | {"hooks": list(self.hooks)}


@attrs.frozen
class Registered:
    """A renderer, exporter or importer, with the plugin that registered it."""

    name: str
    plugin: str
    implementation: Any


class Extensions:
    """Everything the plugins registered, collected once per manager.

    Names are owned by the host: the first registration of a name wins (built-ins come
    first), and a later one is reported as a problem instead of silently replacing it.
    """

    # Each kind is collected on first use, so a command that only validates never builds
    # (nor imports) the renderers or the survey importers. Collection runs under a lock and
    # a kind is published whole, so threads asking at once all see the same, complete set.
    #
    # A registration refused by the host (a bad name, a name taken) is reported and the
    # plugin's other registrations stand; a hook that raises loses all it registered in
    # that call, since the host cannot tell which of them were meant to work together.

    def __init__(self, manager: PluginManager) -> None:
        self._manager = manager
        self._lock = threading.RLock()
        self._built: dict[str, Any] = {}
        self._problems: list[PluginProblem] = []
        self._rule_plugins: dict[str, str] = {}

    def _kind(self, kind: str, build: Callable[[], Any]) -> Any:
        built = self._built.get(kind)
        if built is None:
            with self._lock:
                built = self._built.get(kind)
                if built is None:
                    built = self._built[kind] = build()
        return built

    @property
    def renderers(self) -> dict[str, Registered]:
        found: dict[str, Registered] = self._kind(
            "renderers", lambda: self._collect("register_renderers", "renderer", {})
        )
        return found

    @property
    def exporters(self) -> dict[str, Registered]:
        # ct.export finds an exporter before a renderer of the same name: one plugin's
        # exporter must not take over another's renderer.
        found: dict[str, Registered] = self._kind(
            "exporters",
            lambda: self._collect("register_exporters", "exporter", self.renderers),
        )
        return found

    @property
    def group_renderers(self) -> dict[str, Registered]:
        found: dict[str, Registered] = self._kind(
            "group_renderers",
            lambda: self._collect("register_group_renderers", "group renderer", {}),
        )
        return found

    @property
    def importers(self) -> dict[str, Registered]:
        found: dict[str, Registered] = self._kind(
            "importers",
            lambda: self._collect("register_survey_importers", "survey importer", {}),
        )
        return found

    @property
    def map_importers(self) -> dict[str, Registered]:
        found: dict[str, Registered] = self._kind(
            "map_importers",
            lambda: self._collect("register_map_importers", "map importer", {}),
        )
        return found

    @property
    def schemes(self) -> dict[str, str]:
        found: dict[str, str] = self._kind("schemes", self._collect_schemes)
        return found

    @property
    def rules(self) -> RuleRegistry:
        found: RuleRegistry = self._kind("rules", self._collect_rules)
        return found

    @property
    def rule_plugins(self) -> dict[str, str]:
        """Which plugin registered each rule, by rule code."""
        self.rules  # noqa: B018 (collects them)
        return self._rule_plugins

    @property
    def problems(self) -> list[PluginProblem]:
        """What went wrong while collecting, every kind collected first."""
        kinds = ("renderers", "exporters", "group_renderers", "importers", "map_importers")
        for kind in (*kinds, "schemes", "rules"):
            getattr(self, kind)
        return list(self._problems)

    def _collect_schemes(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for plugin, store_schemes in _impls(self._manager, "store_schemes"):
            mine: list[str] = []

            def add(mine: list[str] = mine, store_schemes: Any = store_schemes) -> None:
                mine.extend(str(scheme) for scheme in store_schemes())

            if self._guarded(plugin, add):
                for scheme in mine:
                    found.setdefault(scheme, plugin)
        return found

    def _collect_rules(self) -> RuleRegistry:
        found = RuleRegistry()
        for plugin, register_rules in _impls(self._manager, "register_validation_rules"):
            mine: dict[str, Rule] = {}

            def register(rule: Rule, plugin: str = plugin, mine: dict[str, Rule] = mine) -> None:
                if not isinstance(rule, Rule):
                    raise TypeError(f"register() takes a coprod_toc.analysis.Rule, not {rule!r}")
                if rule.code in found or rule.code in mine:
                    owner = self._rule_plugins.get(rule.code, plugin)
                    self._refused(
                        plugin, f"rule code {rule.code!r} is already registered by {owner}"
                    )
                    return
                mine[rule.code] = PluginRule(
                    rule.code, rule.severity, rule.summary, rule.check, plugin
                )

            if self._guarded(plugin, register_rules, register=register):
                for code, rule in mine.items():
                    found.add(rule)
                    self._rule_plugins[code] = plugin
        return found

    def _collect(self, hook: str, what: str, taken: dict[str, Registered]) -> dict[str, Registered]:
        found: dict[str, Registered] = {}
        for plugin, register_all in _impls(self._manager, hook):
            mine: dict[str, Registered] = {}

            def register(
                name: str,
                implementation: Any,
                plugin: str = plugin,
                mine: dict[str, Registered] = mine,
            ) -> None:
                if not isinstance(name, str) or not _NAME_RE.fullmatch(name):
                    self._refused(
                        plugin, f"{what} name {name!r} must be lower-case letters, digits and '-'"
                    )
                    return
                owner = next(
                    (
                        where[name].plugin
                        for where in (found, mine, taken)
                        if name in where and (where is not taken or where[name].plugin != plugin)
                    ),
                    None,
                )
                if owner is not None:
                    self._refused(plugin, f"{what} {name!r} is already registered by {owner}")
                    return
                if isinstance(implementation, type):
                    implementation = implementation()
                mine[name] = Registered(name, plugin, implementation)

            if self._guarded(plugin, register_all, register=register):
                found.update(mine)
        return found

    def _refused(self, plugin: str, message: str) -> None:
        version = self._manager.versions.get(plugin)
        self._problems.append(PluginProblem(plugin, version, f"ValueError: {message}"))

    def _guarded(self, plugin: str, hook: Callable[..., object], **kwargs: Any) -> bool:
        """Call ``hook``; a failure is the plugin's problem, reported, never the host's."""
        try:
            hook(**kwargs)
        except Exception as exc:  # a broken plugin must never take the host down
            version = self._manager.versions.get(plugin)
            self._problems.append(PluginProblem(plugin, version, f"{type(exc).__name__}: {exc}"))
            return False
        return True


@attrs.frozen
class PluginRule(Rule):
    """A plugin's validation rule: a check that fails is reported as an error finding
    naming the rule and its plugin (``rule-failed``), and the other rules still run."""

    plugin: str = ""

    def run(self, facts: MapFacts) -> Iterator[Finding]:
        found: list[Finding] = []
        try:
            found.extend(super().run(facts))
        except Exception as exc:  # a broken rule must not stop the others
            problem = f"{type(exc).__name__}: {exc}"
            message = (
                f"validation rule {self.code!r} ({self.plugin}) failed and was skipped: {problem}"
            )
            return iter([Finding(RULE_FAILED, Severity.ERROR, (), message)])
        return iter(found)


#: The code of the finding that says a plugin's rule failed.
RULE_FAILED = "rule-failed"


def _impls(manager: PluginManager, hook: str) -> Iterator[tuple[str, Callable[..., Any]]]:
    """Each plugin's implementation of a hook, built-ins first, then by plugin name."""
    impls = getattr(manager.hook, hook).get_hookimpls()
    for impl in impls:
        yield impl.plugin_name, impl.function


class PluginManager(pluggy.PluginManager):
    """pluggy's manager, plus what coprod_toc reports: load errors, versions, built-ins."""

    def __init__(self) -> None:
        super().__init__(hookspecs.PROJECT_NAME)
        self.add_hookspecs(hookspecs)
        self.load_errors: list[PluginProblem] = []
        self.versions: dict[str, str | None] = {}
        self.distributions: dict[str, str | None] = {}
        self.builtins: set[str] = set()
        self._extensions: Extensions | None = None
        self._lock = threading.Lock()

    @property
    def extensions(self) -> Extensions:
        """The registered renderers, exporters, importers and rules (collected once)."""
        with self._lock:
            if self._extensions is None:
                self._extensions = Extensions(self)
            return self._extensions

    @property
    def problems(self) -> list[PluginProblem]:
        """Load errors and failed registrations together."""
        return [*self.load_errors, *self.extensions.problems]

    def register(self, plugin: Any, name: str | None = None) -> str | None:
        self._extensions = None  # registrations change: collect again when next asked
        return super().register(plugin, name)

    def unregister(self, plugin: Any = None, name: str | None = None) -> Any:
        self._extensions = None
        return super().unregister(plugin, name)

    def plugin_infos(self, *, include_builtins: bool = False) -> list[PluginInfo]:
        """The registered plugins, sorted by name: built-ins only when asked."""
        infos = []
        for name, plugin in self.list_name_plugin():
            if name in self.builtins and not include_builtins:
                continue
            hooks = tuple(sorted(caller.name for caller in self.get_hookcallers(plugin) or ()))
            infos.append(
                PluginInfo(
                    name=name,
                    version=self.versions.get(name),
                    distribution=self.distributions.get(name),
                    hooks=hooks,
                    builtin=name in self.builtins,
                )
            )
        return sorted(infos, key=lambda info: (not info.builtin, info.name))

    def load_entry_points(self, allow: Iterable[str] | None = None) -> None:
        """Load the ``coprod_toc`` entry points one at a time, each inside a guard."""
        allowed = None if allow is None else set(allow)
        points = sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name)
        for point in points:
            if allowed is not None and point.name not in allowed:
                continue
            if self.has_plugin(point.name) or self.is_blocked(point.name):
                continue
            dist = point.dist
            version = dist.version if dist is not None else None
            try:
                plugin = point.load()
                self.register(plugin, name=point.name)
                try:
                    self.check_pending()
                except pluggy.PluginValidationError:
                    self.unregister(name=point.name)
                    raise
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # SystemExit too: a plugin never ends the host
                error = f"{type(exc).__name__}: {exc}"
                self.load_errors.append(PluginProblem(point.name, version, error))
                _log.warning("plugin %s %s was not loaded: %s", point.name, version, error)
                continue
            _log.info("loaded plugin %s %s", point.name, version)
            self.versions[point.name] = version
            self.distributions[point.name] = dist.name if dist is not None else None


def _env_allow_list() -> list[str] | None:
    raw = os.environ.get("COPROD_TOC_PLUGINS")
    if raw is None:
        return None
    return [name.strip() for name in raw.split(",") if name.strip()]


def _env_autoload() -> bool:
    return os.environ.get("COPROD_TOC_DISABLE_PLUGIN_AUTOLOAD", "").lower() not in (
        "1",
        "true",
        "yes",
    )


def make_plugin_manager(
    *,
    autoload: bool | None = None,
    allow: Iterable[str] | None = None,
    builtins: Iterable[str] = DEFAULT_PLUGINS,
) -> PluginManager:
    """A new plugin manager with the built-ins and (unless turned off) the installed plugins.

    :param autoload: load entry points; default: yes, unless
        ``COPROD_TOC_DISABLE_PLUGIN_AUTOLOAD`` is set.
    :param allow: load only the entry points with these names; default: all, or the names in
        ``COPROD_TOC_PLUGINS`` when it is set.
    :param builtins: the built-in plugin modules to register (all of them unless told).
    """
    manager = PluginManager()
    for module_name in builtins:
        manager.register(importlib.import_module(module_name), name=module_name)
        manager.builtins.add(module_name)
        manager.versions[module_name] = __version__
        manager.distributions[module_name] = "coprod-toc"
    manager.check_pending()
    if autoload if autoload is not None else _env_autoload():
        manager.load_entry_points(allow if allow is not None else _env_allow_list())
    for plugin, startup in _impls(manager, "startup"):
        try:
            startup(manager=manager)
        except Exception as exc:
            manager.load_errors.append(
                PluginProblem(plugin, manager.versions.get(plugin), f"{type(exc).__name__}: {exc}")
            )
    return manager


_shared: PluginManager | None = None
_shared_lock = threading.Lock()


def get_plugin_manager() -> PluginManager:
    """The shared plugin manager, built on first use."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = make_plugin_manager()
        return _shared


@contextlib.contextmanager
def use_plugin_manager(manager: PluginManager) -> Iterator[PluginManager]:
    """Make ``manager`` the shared one inside a ``with`` block, then restore the previous.

    For tests and for hosts that build their own manager.
    """
    global _shared
    with _shared_lock:
        previous, _shared = _shared, manager
    try:
        yield manager
    finally:
        with _shared_lock:
            _shared = previous
