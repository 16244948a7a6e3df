"""The plugin system: discovery through entry points, isolation of broken plugins, the
registries the host owns, and the public functions that use them."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import coprod_toc as ct
from coprod_toc.analysis import BUILTIN_RULES, MapFacts, Rule
from coprod_toc.cli import main
from coprod_toc.plugins import (
    DEFAULT_PLUGINS,
    PluginManager,
    get_plugin_manager,
    hookspecs,
    make_plugin_manager,
    use_plugin_manager,
)
from coprod_toc.storage import Store

PluginMaker = Callable[..., str]


@pytest.fixture
def install_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PluginMaker:
    """Put a distribution with a ``coprod_toc`` entry point on sys.path, as pip would."""
    counter = iter(range(1000))

    def install(source: str, *, name: str = "sample", version: str = "1.0") -> str:
        module = f"sample_plugin_{tmp_path.name.replace('-', '_')}_{next(counter)}"
        root = tmp_path / f"site_{module}"
        root.mkdir()
        (root / f"{module}.py").write_text(textwrap.dedent(source))
        info = root / f"{name}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        (info / "entry_points.txt").write_text(f"[coprod_toc]\n{name} = {module}\n")
        monkeypatch.syspath_prepend(str(root))
        monkeypatch.delitem(sys.modules, module, raising=False)
        return module

    return install


GOOD = """
from coprod_toc.plugins import hookimpl

class Upper:
    media_type = "text/plain"
    suffix = ".txt"
    description = "The title in capitals."
    def render(self, toc):
        return toc.title.upper()

@hookimpl
def register_renderers(register):
    register("upper", Upper)
"""


def test_importing_the_library_loads_no_plugin() -> None:
    """import coprod_toc builds no plugin manager and imports no backend or plugin."""
    code = (
        "import sys, coprod_toc, coprod_toc.plugins.manager as p; "
        "print(p._shared is None, sorted(m for m in sys.modules "
        "if m.startswith(('coprod_toc.backends', 'coprod_toc_'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True []"


def test_builtins_are_registered_from_one_tuple(fresh_plugin_manager: PluginManager) -> None:
    """Every module in DEFAULT_PLUGINS is a registered plugin; all hooks have specs."""
    infos = fresh_plugin_manager.plugin_infos(include_builtins=True)
    assert {i.name for i in infos if i.builtin} == set(DEFAULT_PLUGINS)
    fresh_plugin_manager.check_pending()


_managers_seen: list[int] = []


@pytest.mark.parametrize("round", [1, 2])
def test_each_test_gets_a_fresh_manager(round: int, fresh_plugin_manager: PluginManager) -> None:
    """A registration made in one test is gone in the next."""
    assert get_plugin_manager() is fresh_plugin_manager
    assert id(fresh_plugin_manager) not in _managers_seen
    _managers_seen.append(id(fresh_plugin_manager))
    assert "upper" not in fresh_plugin_manager.extensions.renderers
    fresh_plugin_manager.register(_Upper(), name="leaky")
    assert "upper" in fresh_plugin_manager.extensions.renderers


class _Upper:
    @hookspecs.hookimpl
    def register_renderers(self, register: hookspecs.Register) -> None:
        class Upper:
            media_type, suffix, description = "text/plain", ".txt", "capitals"

            def render(self, toc: ct.TheoryOfChange) -> str:
                return toc.title.upper()

        register("upper", Upper)


def test_entry_point_plugin_is_found_listed_and_used(install_plugin: PluginMaker) -> None:
    """An installed plugin is loaded, listed with its version and hooks, and renders."""
    install_plugin(GOOD, name="upper-plugin", version="2.5")
    manager = make_plugin_manager()
    with use_plugin_manager(manager):
        info = next(i for i in manager.plugin_infos() if i.name == "upper-plugin")
        assert (info.version, info.distribution, info.hooks) == (
            "2.5",
            "upper-plugin",
            ("register_renderers",),
        )
        assert ct.render(ct.TheoryOfChange(title="Day centre"), "upper") == "DAY CENTRE"


def test_broken_plugin_is_reported_and_the_host_still_works(install_plugin: PluginMaker) -> None:
    """A plugin that raises on import is listed with name, version and error; built-ins work."""
    install_plugin(
        "raise ImportError('needs a library that is not installed')", name="broken", version="0.3"
    )
    manager = make_plugin_manager()
    assert [(p.plugin, p.version) for p in manager.load_errors] == [("broken", "0.3")]
    assert "needs a library that is not installed" in manager.load_errors[0].error
    with use_plugin_manager(manager):
        assert ct.render(ct.example(), "json") == ct.dumps(ct.example())
        result = CliRunner().invoke(main, ["plugins"])
    assert result.exit_code == 0
    assert "broken 0.3: ImportError: needs a library that is not installed" in result.output


def test_plugin_with_an_unknown_hook_is_refused(install_plugin: PluginMaker) -> None:
    """A hook implementation with no spec (a typo, an old plugin) is a load error, not a crash."""
    install_plugin(
        """
        from coprod_toc.plugins import hookimpl

        @hookimpl
        def register_renderer(register):  # the spec is register_renderers
            pass
        """,
        name="typo",
    )
    manager = make_plugin_manager()
    assert [p.plugin for p in manager.load_errors] == ["typo"]
    assert not manager.has_plugin("typo")
    manager.check_pending()


def test_allow_list_and_autoload_switch(
    install_plugin: PluginMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """COPROD_TOC_PLUGINS loads only the named plugins; the switch turns loading off."""
    install_plugin(GOOD, name="upper-plugin")
    install_plugin("raise RuntimeError('boom')", name="broken")
    monkeypatch.setenv("COPROD_TOC_PLUGINS", "upper-plugin")
    manager = make_plugin_manager()
    assert manager.has_plugin("upper-plugin") and not manager.load_errors
    monkeypatch.setenv("COPROD_TOC_PLUGINS", "")
    assert not make_plugin_manager().has_plugin("upper-plugin")
    monkeypatch.delenv("COPROD_TOC_PLUGINS")
    monkeypatch.setenv("COPROD_TOC_DISABLE_PLUGIN_AUTOLOAD", "1")
    manager = make_plugin_manager()
    assert not manager.has_plugin("upper-plugin") and not manager.load_errors
    assert make_plugin_manager(autoload=True, allow=["upper-plugin"]).has_plugin("upper-plugin")


def test_names_belong_to_the_first_registration(fresh_plugin_manager: PluginManager) -> None:
    """A plugin cannot take over a built-in's name: the clash is reported, the built-in stays."""

    class Clash:
        @hookspecs.hookimpl
        def register_renderers(self, register: hookspecs.Register) -> None:
            register("json", object())

    fresh_plugin_manager.register(Clash(), name="clash")
    extensions = fresh_plugin_manager.extensions
    assert extensions.renderers["json"].plugin == "coprod_toc.backends.json_output"
    assert [p.plugin for p in extensions.problems] == ["clash"]
    assert "already registered by coprod_toc.backends.json_output" in extensions.problems[0].error


def test_a_failing_registration_hook_is_reported(fresh_plugin_manager: PluginManager) -> None:
    """A register_* hook that raises is recorded; other plugins' registrations stand."""

    class Failing:
        @hookspecs.hookimpl
        def register_exporters(self, register: hookspecs.Register) -> None:
            raise RuntimeError("cannot find my templates")

        @hookspecs.hookimpl
        def register_survey_importers(self, register: hookspecs.Register) -> None:
            register("Bad Name", object())

    fresh_plugin_manager.register(Failing(), name="failing")
    problems = [p.error for p in fresh_plugin_manager.problems]
    assert problems == [
        "RuntimeError: cannot find my templates",
        "ValueError: survey importer name 'Bad Name' must be lower-case letters, digits and '-'",
    ]
    assert "json" in fresh_plugin_manager.extensions.renderers


def test_startup_hook_runs_once_with_the_manager(install_plugin: PluginMaker) -> None:
    """startup(manager) is called after loading; a failing startup is reported."""
    install_plugin(
        """
        from coprod_toc.plugins import hookimpl
        calls = []

        @hookimpl
        def startup(manager):
            calls.append(manager)
            raise ValueError("missing setting")
        """,
        name="starter",
    )
    manager = make_plugin_manager()
    assert manager.load_errors[0].plugin == "starter"
    assert manager.load_errors[0].error == "ValueError: missing setting"
    module = sys.modules[next(p for n, p in manager.list_name_plugin() if n == "starter").__name__]
    assert module.calls == [manager]


def test_validation_rules_from_plugins_run_in_validate(
    fresh_plugin_manager: PluginManager,
) -> None:
    """register_validation_rules adds a rule that ct.validate runs; a duplicate code is refused."""

    class Rules:
        @hookspecs.hookimpl
        def register_validation_rules(self, register: Callable[[Rule], None]) -> None:
            register(
                Rule("myorg-title-too-long", "warning", "Title over 20 characters.", _long_title)
            )
            register(BUILTIN_RULES.get("cycle"))

    fresh_plugin_manager.register(Rules(), name="myorg")
    report = ct.validate(ct.example())
    assert [f.code for f in report] == ["myorg-title-too-long"]
    assert "rule code 'cycle' is already registered" in fresh_plugin_manager.problems[0].error


def _long_title(facts: MapFacts) -> Any:
    if len(facts.toc.title) > 20:
        yield (), "The title is long."


def test_store_plugins_first_result_wins(fresh_plugin_manager: PluginManager) -> None:
    """open_store asks each plugin; the one whose scheme it is answers, others return None."""

    class Refuses:
        @hookspecs.hookimpl
        def open_store(self, url: str) -> Store | None:
            return None

        @hookspecs.hookimpl
        def store_schemes(self) -> list[str]:
            return ["nothing"]

    fresh_plugin_manager.register(Refuses(), name="refuses")
    assert ct.open_store("memory://").list() == []
    with pytest.raises(
        ct.PluginNotFoundError,
        match=r"no store for the URL scheme 'redis'; available: json://, memory://, nothing://, "
        r"sqlite://",
    ):
        ct.open_store("redis://localhost")


def test_store_plugin_that_crashes_is_named(fresh_plugin_manager: PluginManager) -> None:
    """An exception inside a storage plugin becomes a PluginError naming that plugin."""

    class Crashes:
        @hookspecs.hookimpl
        def open_store(self, url: str) -> Store | None:
            raise OSError("disk on fire")

        @hookspecs.hookimpl
        def store_schemes(self) -> list[str]:
            return ["fire"]

    fresh_plugin_manager.register(Crashes(), name="crashes")
    with pytest.raises(ct.PluginError, match="disk on fire") as caught:
        ct.open_store("fire://x")
    assert caught.value.plugin == "crashes"


class _OptionsStore:
    """A store plugin that takes options: it opens a memory store and keeps what it got."""

    given: dict[str, Any] | None = None

    @hookspecs.hookimpl
    def open_store(self, url: str | None, options: dict[str, Any]) -> Store | None:
        if url is None and "pool" not in options:
            return None
        if url is not None and not url.startswith("pooled://"):
            return None
        self.given = dict(options)
        return ct.open_store("memory://")

    @hookspecs.hookimpl
    def store_schemes(self) -> list[str]:
        return ["pooled"]


class _UrlOnlyStore:
    """A store plugin written before stores took options."""

    @hookspecs.hookimpl
    def open_store(self, url: str) -> Store | None:
        return ct.open_store("memory://") if url.startswith("old://") else None

    @hookspecs.hookimpl
    def store_schemes(self) -> list[str]:
        return ["old"]


def test_options_reach_the_store_plugin(fresh_plugin_manager: PluginManager) -> None:
    """ct.open_store(url, **options) hands the options to the plugin; with no URL, the
    plugin that knows the options answers."""
    plugin = _OptionsStore()
    fresh_plugin_manager.register(plugin, name="pooled")
    ct.open_store("pooled://x", size=3)
    assert plugin.given == {"size": 3}
    ct.open_store(pool="mine")
    assert plugin.given == {"pool": "mine"}


def test_options_no_store_takes_are_an_error(fresh_plugin_manager: PluginManager) -> None:
    fresh_plugin_manager.register(_UrlOnlyStore(), name="old")
    with pytest.raises(ct.StoreError, match=r"the memory:// store takes no options; given colour="):
        ct.open_store("memory://", colour="red")
    with pytest.raises(ct.StoreError, match=r"\(plugin old\) takes no options; given colour="):
        ct.open_store("old://x", colour="red")
    with pytest.raises(ct.StoreError, match=r"no installed store takes colour= without a URL"):
        ct.open_store(colour="red")
    assert ct.open_store("old://x").list() == []  # without options it still opens


@pytest.mark.parametrize("url", ["maps.db", "", "://x", 42])
def test_not_a_url_is_a_store_error(url: Any) -> None:
    """A store URL needs a scheme."""
    with pytest.raises(ct.StoreError, match="is not a store URL"):
        ct.open_store(url)


def test_memory_store_takes_no_path() -> None:
    """memory:// is the whole URL; anything after it is a mistake worth telling."""
    with pytest.raises(ct.StoreError, match="takes no path"):
        ct.open_store("memory://somewhere")


def test_unknown_names_list_what_is_available() -> None:
    """Unknown renderer, exporter, importer or example names say what is installed."""
    toc = ct.example()
    available = "dot, easy-read, graphviz-svg, html, json, markdown, mermaid, svg, toml"
    exportable = "csv, dot, easy-read, graphml, graphviz-svg, html, json, logframe, markdown, mermaid, svg, toc-maker, toml"
    with pytest.raises(ct.PluginNotFoundError, match=f"no renderer 'pdf'; available: {available}"):
        ct.render(toc, "pdf")
    with pytest.raises(
        ct.PluginNotFoundError, match=f"no exporter or renderer 'xlsx'; available: {exportable}"
    ):
        ct.export(toc, "xlsx", "out.xlsx")
    with pytest.raises(ct.PluginNotFoundError, match="no example map 'zoo'; available: day-centre"):
        ct.example("zoo")


def test_a_crashing_renderer_is_a_plugin_error(fresh_plugin_manager: PluginManager) -> None:
    """A renderer's own bug surfaces as PluginError naming the plugin, not a bare traceback."""

    class Buggy:
        media_type, suffix, description = "text/plain", ".txt", "buggy"

        def render(self, toc: ct.TheoryOfChange) -> str:
            return str(1 / 0)

    class Plugin:
        @hookspecs.hookimpl
        def register_renderers(self, register: hookspecs.Register) -> None:
            register("buggy", Buggy)

    fresh_plugin_manager.register(Plugin(), name="buggy-plugin")
    with pytest.raises(
        ct.PluginError, match=r"renderer 'buggy' \(buggy-plugin\) failed: ZeroDivisionError"
    ) as caught:
        ct.render(ct.example(), "buggy")
    assert caught.value.plugin == "buggy-plugin"


def test_plugins_command_lists_json(install_plugin: PluginMaker) -> None:
    """coprod-toc plugins --json lists name, version, hooks, what each provides, and errors."""
    install_plugin(GOOD, name="upper-plugin", version="2.5")
    with use_plugin_manager(make_plugin_manager()):
        data = json.loads(CliRunner().invoke(main, ["plugins", "--json"]).output)
        everything = json.loads(CliRunner().invoke(main, ["plugins", "--all", "--json"]).output)
    upper = next(p for p in data["plugins"] if p["name"] == "upper-plugin")
    assert upper == {
        "name": "upper-plugin",
        "version": "2.5",
        "distribution": "upper-plugin",
        "hooks": ["register_renderers"],
        "builtin": False,
        "provides": ["renderer upper"],
    }
    assert data["errors"] == []
    stores = next(p for p in everything["plugins"] if p["name"] == "coprod_toc.backends.stores")
    assert stores["builtin"]
    assert stores["provides"] == ["store memory://", "store sqlite://", "store json://"]


def test_plugins_command_without_plugins_points_at_all(monkeypatch: pytest.MonkeyPatch) -> None:
    """With nothing installed the listing says so and mentions --all."""
    with use_plugin_manager(make_plugin_manager(autoload=False)):
        result = CliRunner().invoke(main, ["plugins"])
    assert result.output.strip() == "No plugins installed. (--all lists the built-ins)"


def test_a_crashing_rule_is_an_error_finding_and_the_others_run(
    fresh_plugin_manager: PluginManager,
) -> None:
    """A plugin rule that raises becomes an error finding naming the rule and its plugin;
    the built-in rules and the plugin's other rules still run."""

    def crash(facts: MapFacts) -> Any:
        raise KeyError("oops")

    def fine(facts: MapFacts) -> Any:
        yield (), "the fine rule ran"

    class Rules:
        @hookspecs.hookimpl
        def register_validation_rules(self, register: Callable[[Rule], None]) -> None:
            register(Rule("myorg-crash", "warning", "Crashes.", crash))
            register(Rule("myorg-fine", "warning", "Runs.", fine))

    fresh_plugin_manager.register(Rules(), name="myorg")
    toc = ct.example()
    toc.add_outcome("Alone", kind="project", id="O99")  # a built-in rule finds this
    report = ct.validate(toc)
    failed = [f for f in report.findings if f.code == "rule-failed"]
    assert [(f.severity.value, f.message) for f in failed] == [
        ("error", "validation rule 'myorg-crash' (myorg) failed and was skipped: KeyError: 'oops'")
    ]
    assert "myorg-fine" in {f.code for f in report.findings}
    assert any("O99" in f.nodes for f in report.findings)


def test_a_plugin_that_exits_on_import_is_reported_and_the_host_lives(
    install_plugin: PluginMaker,
) -> None:
    """SystemExit (or any BaseException but KeyboardInterrupt) raised by a plugin's import
    is a load error like any other; the host and its built-ins carry on."""
    install_plugin("raise SystemExit(3)", name="exits", version="0.1")
    manager = make_plugin_manager()
    assert [(p.plugin, p.error) for p in manager.load_errors] == [("exits", "SystemExit: 3")]
    with use_plugin_manager(manager):
        assert ct.render(ct.example(), "json") == ct.dumps(ct.example())
        result = CliRunner().invoke(main, ["plugins", "--json"])
    assert result.exit_code == 0 and '"exits"' in result.output


def test_a_store_hook_that_raises_does_not_stop_the_matching_store(
    install_plugin: PluginMaker, tmp_path: Path
) -> None:
    """A storage plugin that crashes on every URL: the built-in store for the URL still
    opens; a URL only it could have taken names it as the plugin that failed."""
    install_plugin(
        """
        from coprod_toc.plugins import hookimpl

        @hookimpl
        def open_store(url):
            raise RuntimeError("broken store plugin")

        @hookimpl
        def store_schemes():
            return ["broken"]
        """,
        name="brokenstore",
    )
    with use_plugin_manager(make_plugin_manager()):
        with ct.open_store(f"sqlite:///{tmp_path / 'maps.db'}") as store:
            assert store.save("m", ct.example()) == 1
        with pytest.raises(ct.PluginError, match="broken store plugin") as caught:
            ct.open_store("broken://x")
    assert caught.value.plugin == "brokenstore"


def test_an_importer_whose_detect_raises_is_skipped_and_named(
    install_plugin: PluginMaker,
) -> None:
    """A survey importer whose detect crashes is passed over during detection, and the
    table's notes name it."""
    install_plugin(
        """
        from coprod_toc.plugins import hookimpl

        class Crashes:
            description = "crashes"
            def detect(self, source, head):
                raise ValueError("detect is broken")
            def read(self, source, **options):
                raise ValueError("never")

        @hookimpl
        def register_survey_importers(register):
            register("crashes", Crashes)
        """,
        name="crashimport",
    )
    with use_plugin_manager(make_plugin_manager()):
        table = ct.import_survey(b"ID,Q\n1,a\n2,b\n", name="s.csv")
    assert table.format == "generic"
    assert any(
        "'crashes' was skipped" in note and "detect is broken" in note for note in table.notes
    )


def test_threads_asking_for_plugins_at_once_all_see_every_rule() -> None:
    """Each kind is collected once, under a lock, and published whole."""
    import threading

    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # hand the interpreter from thread to thread very often
    try:
        for _ in range(20):
            manager = make_plugin_manager(autoload=False)
            seen: list[int] = []
            start = threading.Barrier(8)

            def ask(
                manager: PluginManager = manager,
                seen: list[int] = seen,
                start: threading.Barrier = start,
            ) -> None:
                start.wait()
                seen.append(len(list(manager.extensions.rules)))

            threads = [threading.Thread(target=ask) for _ in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert seen == [len(BUILTIN_RULES)] * 8
            assert manager.problems == []
    finally:
        sys.setswitchinterval(switch)


def test_a_registration_hook_that_raises_loses_what_it_registered(
    fresh_plugin_manager: PluginManager,
) -> None:
    class HalfDone:
        @hookspecs.hookimpl
        def register_renderers(self, register: Callable[[str, Any], None]) -> None:
            register("half-done", object())
            raise RuntimeError("configuration missing")

    fresh_plugin_manager.register(HalfDone(), name="half")
    assert "half-done" not in fresh_plugin_manager.extensions.renderers
    assert [p.error for p in fresh_plugin_manager.problems] == [
        "RuntimeError: configuration missing"
    ]


def test_a_refused_name_keeps_the_plugins_other_registrations(
    fresh_plugin_manager: PluginManager,
) -> None:
    class Clashing:
        @hookspecs.hookimpl
        def register_renderers(self, register: Callable[[str, Any], None]) -> None:
            register("html", object())  # the built-in's
            register("Bad Name", object())
            register("mine", object())

    fresh_plugin_manager.register(Clashing(), name="clashing")
    renderers = fresh_plugin_manager.extensions.renderers
    assert renderers["mine"].plugin == "clashing"
    assert renderers["html"].plugin == "coprod_toc.backends.renderers"
    assert [p.error for p in fresh_plugin_manager.problems] == [
        "ValueError: renderer 'html' is already registered by coprod_toc.backends.renderers",
        "ValueError: renderer name 'Bad Name' must be lower-case letters, digits and '-'",
    ]
