"""The plugin template (``coprod-toc new-plugin``): every kind of package it writes installs
with ``pip install --no-build-isolation -e`` and passes its own tests, ruff and strict mypy
as written; bad names, taken names and full folders are refused."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

import coprod_toc as ct
from coprod_toc.cli import main
from coprod_toc.plugins import PluginManager, hookimpl
from coprod_toc.plugins.hookspecs import Register
from coprod_toc.plugins.template import (
    KINDS,
    MAX_NAME_LENGTH,
    PluginNames,
    PluginTemplateError,
    write_plugin,
)

# Run pytest, or the CLI, with a private site folder that pip installed the package into
# (its .pth file puts the package's src/ on the path): the shared environment gets nothing.
_WITH_SITE = "import site, sys; site.addsitedir(sys.argv.pop(1)); "
_PYTEST = _WITH_SITE + "import pytest; sys.exit(pytest.main(sys.argv[1:]))"
_CLI = _WITH_SITE + "from coprod_toc.cli import main; main(sys.argv[1:])"


def _run(command: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    # Plugins load as they would for a user, whatever this shell says about autoloading.
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("COPROD_TOC_DISABLE_PLUGIN_AUTOLOAD", "COPROD_TOC_PLUGINS")
    }
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def _install(folder: Path, prefix: Path) -> Path:
    """``pip install --no-build-isolation -e`` the package into ``prefix``, downloading
    nothing; return the site folder it went into."""
    if importlib.util.find_spec("hatchling") is None:
        pytest.fail(
            "hatchling is not installed: the generated packages build with it, and without "
            "build isolation pip needs it installed beside coprod-toc (the test extra lists it)"
        )
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
               "--no-build-isolation", "--no-deps", "--no-index", "--prefix", str(prefix),
               "-e", str(folder)]  # fmt: skip
    done = _run(command, cwd=folder)
    assert done.returncode == 0, done.stdout + done.stderr
    return next(prefix.rglob("*.dist-info")).parent


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_installs_and_passes_its_own_tests(tmp_path: Path, kind: str) -> None:
    """The package installs editable without downloading anything, its tests (the kind's
    contract from the conformance kit) pass with its own pytest settings, and
    `coprod-toc plugins` then lists it as its README says."""
    name = f"my-{kind}"
    folder = write_plugin(name, kind, tmp_path)
    site = _install(folder, tmp_path / "prefix")

    tests = _run([sys.executable, "-c", _PYTEST, str(site), "-v", "-p", "no:cacheprovider"], folder)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    own = f"tests/test_coprod_toc_{name.replace('-', '_')}.py::"
    assert f"{own}test_found_through_the_entry_point PASSED" in tests.stdout
    assert tests.stdout.count(" PASSED") >= 10 and "SKIPPED" not in tests.stdout

    listed = _run([sys.executable, "-c", _CLI, str(site), "plugins"], folder)
    assert listed.returncode == 0, listed.stderr
    readme = (folder / "README.md").read_text(encoding="utf-8")
    shown = readme.split("Then `coprod-toc plugins` lists it:\n\n```\n")[1].split("```")[0]
    assert shown in listed.stdout


def test_generated_code_passes_ruff_and_strict_mypy(tmp_path: Path) -> None:
    """Every kind, with a short name and with the longest name allowed, passes ruff (its
    own settings: the repo's rules) and mypy --strict."""
    folders = []
    for kind in KINDS:
        longest = f"x9-{kind}-and-a-long-name-for-the-lines"[:MAX_NAME_LENGTH].rstrip("-")
        short = kind[:3]  # distinct: one mypy run checks them all
        folders += [write_plugin(short, kind, tmp_path), write_plugin(longest, kind, tmp_path)]
    for folder in folders:
        for check in (["check"], ["format", "--check"]):
            done = _run([sys.executable, "-m", "ruff", *check, "--no-cache", "."], folder)
            assert done.returncode == 0, f"{folder.name}: {done.stdout}{done.stderr}"
    files = [str(path) for folder in folders for path in sorted(folder.rglob("*.py"))]
    typed = _run([sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / ".mypy"),
                  *files], tmp_path)  # fmt: skip
    assert typed.returncode == 0, typed.stdout + typed.stderr


@pytest.mark.parametrize("kind", KINDS)
def test_the_package_holds_the_entry_point_the_module_and_the_contract(
    tmp_path: Path, kind: str
) -> None:
    """pyproject.toml names the distribution, hatchling, coprod-toc at this version or
    later, pytest for tests, the entry point to the module and its own pytest settings; the
    module implements the hooks; the test subclasses the kind's contract."""
    folder = write_plugin("outline-plus", kind, tmp_path)
    assert folder == tmp_path / "coprod-toc-outline-plus"
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) == [
        "README.md",
        "pyproject.toml",
        "src",
        "src/coprod_toc_outline_plus",
        "src/coprod_toc_outline_plus/__init__.py",
        "src/coprod_toc_outline_plus/py.typed",
        "tests",
        "tests/test_coprod_toc_outline_plus.py",
    ]
    project = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["build-system"]["build-backend"] == "hatchling.build"
    assert project["project"]["name"] == "coprod-toc-outline-plus"
    assert project["project"]["dependencies"] == [f"coprod-toc>={ct.__version__}"]
    assert project["project"]["optional-dependencies"] == {"test": ["pytest>=8"]}
    assert project["project"]["entry-points"] == {
        "coprod_toc": {"outline-plus": "coprod_toc_outline_plus"}
    }
    assert project["tool"]["pytest"]["ini_options"]["testpaths"] == ["tests"]
    assert project["tool"]["mypy"]["strict"] is True
    module = (folder / "src/coprod_toc_outline_plus/__init__.py").read_text(encoding="utf-8")
    assert 'NAME = "outline-plus"' in module or 'SCHEME = "outline-plus"' in module
    assert '__version__ = "0.1.0"' in module
    hooks = {
        "exporter": ["register_exporters"],
        "renderer": ["register_renderers"],
        "store": ["open_store", "store_schemes"],
        "survey-importer": ["register_survey_importers"],
        "map-importer": ["register_map_importers", "register_exporters"],
    }[kind]
    assert all(f"@hookimpl\ndef {hook}(" in module for hook in hooks)
    test = (folder / "tests/test_coprod_toc_outline_plus.py").read_text(encoding="utf-8")
    contract = {
        "exporter": "ExporterContract",
        "renderer": "RendererContract",
        "store": "StoreContract",
        "survey-importer": "SurveyImporterContract",
        "map-importer": "MapImporterContract",
    }[kind]
    assert "from coprod_toc.testing import " in test and f"({contract}):" in test
    assert "fresh_plugin_manager" not in test  # the core suite's fixture is not there
    assert (
        "`coprod-toc new-plugin outline-plus --kind " + kind in (folder / "README.md").read_text()
    )


@pytest.mark.parametrize(
    ("name", "kind", "names"),
    [
        ("outline", "exporter", ("coprod-toc-outline", "coprod_toc_outline", "OutlineExporter")),
        ("my-exporter", "exporter", ("coprod-toc-my-exporter", "coprod_toc_my_exporter", "MyExporter")),
        ("a2z-forms", "survey-importer", ("coprod-toc-a2z-forms", "coprod_toc_a2z_forms", "A2zFormsImporter")),
        ("none", "store", ("coprod-toc-none", "coprod_toc_none", "NoneStore")),
        ("x" * 32, "map-importer", ("coprod-toc-" + "x" * 32, "coprod_toc_" + "x" * 32, "X" + "x" * 31 + "Format")),
    ],
)  # fmt: skip
def test_names_are_made_from_the_plugins_name(
    name: str, kind: str, names: tuple[str, str, str]
) -> None:
    """The distribution, module and class come from the name; the class ends with what it
    is, once."""
    made = PluginNames.of(name, kind)
    assert (made.name, made.distribution, made.module, made.class_name) == (name, *names)
    assert made.module.isidentifier() and made.class_name.isidentifier()


@pytest.mark.parametrize(
    "name",
    ["", "Outline", "my_exporter", "1st", "-x", "x-", "a--b", "a b", "x" * (MAX_NAME_LENGTH + 1),
     "ünï", "outline\n", "coprod-toc", "coprod-toc-outline", None, 5],
)  # fmt: skip
def test_bad_names_are_refused_and_nothing_is_written(tmp_path: Path, name: object) -> None:
    """A name that is not lower-case letters and digits joined by single '-', starting with
    a letter and at most 32 long, or that repeats the coprod-toc- prefix, is a
    PluginTemplateError (a ValueError) saying the rule."""
    with pytest.raises(PluginTemplateError, match="cannot name a plugin") as caught:
        write_plugin(name, "exporter", tmp_path)  # type: ignore[arg-type]
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, ct.CoprodTocError)
    assert caught.value.code == "bad-plugin-name"
    assert list(tmp_path.iterdir()) == []


def test_the_prefix_refusal_says_the_name_to_use(tmp_path: Path) -> None:
    """coprod-toc-outline is refused with the name that gives that package."""
    with pytest.raises(PluginTemplateError, match=r"'outline' makes coprod-toc-outline"):
        write_plugin("coprod-toc-outline", "exporter", tmp_path)


def test_an_unknown_kind_is_refused(tmp_path: Path) -> None:
    """The error lists the kinds."""
    with pytest.raises(
        PluginTemplateError,
        match="no plugin kind 'importer': choose one of exporter, renderer, store, survey-importer, map-importer",
    ) as caught:
        write_plugin("outline", "importer", tmp_path)
    assert caught.value.code == "unknown-plugin-kind"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "kind", "taken_by"),
    [
        ("json", "exporter", "the renderer 'json' (built in)"),
        ("mermaid", "map-importer", "the renderer 'mermaid' (built in)"),
        ("memory", "store", "the store memory:// (built in)"),
        ("generic", "survey-importer", "the survey importer 'generic' (built in)"),
        ("kumu", "store", "the installed plugin 'kumu' of coprod-toc-kumu"),
    ],
)
def test_a_name_in_use_is_refused(tmp_path: Path, name: str, kind: str, taken_by: str) -> None:
    """A name that a built-in backend or an installed plugin has already would be refused
    when the plugin registers: it is refused now, saying whose it is."""
    with pytest.raises(
        PluginTemplateError, match=re.escape(f"'{name}' is taken by {taken_by}:")
    ) as caught:
        write_plugin(name, kind, tmp_path)
    assert caught.value.code == "plugin-name-taken"
    assert list(tmp_path.iterdir()) == []


def test_a_name_a_loaded_plugin_registered_is_refused(
    fresh_plugin_manager: PluginManager, tmp_path: Path
) -> None:
    """Names of other loaded plugins count too, and the same name of another kind is free."""

    class Plugin:
        @hookimpl
        def register_exporters(self, register: Register) -> None:
            register("ids", object())

    fresh_plugin_manager.register(Plugin(), name="ids-plugin")
    with pytest.raises(PluginTemplateError, match="the exporter 'ids' \\(plugin ids-plugin\\)"):
        write_plugin("ids", "renderer", tmp_path)
    assert write_plugin("ids", "store", tmp_path).name == "coprod-toc-ids"


def test_a_folder_with_anything_in_it_is_refused(tmp_path: Path) -> None:
    """An existing non-empty folder (or a file) of the package's name is an OutputError and
    is left as it was; an empty folder is used."""
    full = tmp_path / "coprod-toc-outline"
    full.mkdir()
    (full / "notes.txt").write_text("mine")
    with pytest.raises(ct.OutputError, match="already exists and is not empty"):
        write_plugin("outline", "exporter", tmp_path)
    assert [p.name for p in full.iterdir()] == ["notes.txt"]
    (tmp_path / "coprod-toc-table").write_text("a file")
    with pytest.raises(ct.OutputError, match="already exists and is not empty"):
        write_plugin("table", "renderer", tmp_path)
    (tmp_path / "coprod-toc-empty").mkdir()
    assert (write_plugin("empty", "store", tmp_path) / "pyproject.toml").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "coprod-toc-empty", "coprod-toc-outline", "coprod-toc-table",
    ]  # fmt: skip


def test_the_folder_is_written_whole_or_not_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure while writing leaves no folder and no partial files behind."""
    real = Path.write_text
    written: list[str] = []

    def failing(path: Path, *args: object, **kwargs: object) -> int:
        written.append(path.name)
        if len(written) == 3:
            raise OSError(28, "No space left on device")
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "write_text", failing)
    with pytest.raises(ct.OutputError, match="No space left on device"):
        write_plugin("outline", "exporter", tmp_path / "into")
    assert list((tmp_path / "into").iterdir()) == []


def test_missing_folders_are_made(tmp_path: Path) -> None:
    """The folder to write into is made when it does not exist."""
    folder = write_plugin("outline", "renderer", tmp_path / "a" / "b")
    assert folder == tmp_path / "a" / "b" / "coprod-toc-outline"
    assert (folder / "README.md").is_file()


def test_the_command_writes_the_package_and_says_what_to_run(tmp_path: Path) -> None:
    """coprod-toc new-plugin lists the files it wrote and the next two commands; a full
    folder, a bad name or a bad kind exit with 2."""
    runner = CliRunner()
    command = ["new-plugin", "outline", "--kind", "exporter", "--into", str(tmp_path)]
    result = runner.invoke(main, command)
    assert result.exit_code == 0, result.output
    folder = tmp_path / "coprod-toc-outline"
    assert f"wrote {folder}:\n  README.md\n  pyproject.toml\n" in result.output
    assert f"pip install -e '{folder}[test]'\n  pytest {folder}\n" in result.output
    again = runner.invoke(main, command)
    assert again.exit_code == 2 and "already exists and is not empty" in again.output
    bad = runner.invoke(
        main, ["new-plugin", "Outline", "--kind", "exporter", "--into", str(tmp_path)]
    )
    assert bad.exit_code == 2 and "cannot name a plugin" in bad.output
    kind = runner.invoke(main, ["new-plugin", "x", "--kind", "importer", "--into", str(tmp_path)])
    assert kind.exit_code == 2 and "'importer' is not one of" in kind.output


def test_a_name_that_is_the_kinds_noun_never_shadows_its_base_class() -> None:
    """new-plugin store --kind store makes StoreStore, not a Store that hides coprod-toc's."""
    assert PluginNames.of("store", "store").class_name == "StoreStore"
    assert PluginNames.of("importer", "survey-importer").class_name == "ImporterImporter"
    assert PluginNames.of("my-store", "store").class_name == "MyStore"
