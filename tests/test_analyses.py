"""Analyses worked out once and handed to the renderers that show them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import coprod_toc as ct
from coprod_toc.analysis import Analyses, MapFacts, Rule
from coprod_toc.api import analyse
from coprod_toc.cli import main
from coprod_toc.plugins import PluginManager, hookimpl

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "day-centre.toml"


class CountingRule:
    """A plugin whose one rule counts how often validation runs."""

    def __init__(self) -> None:
        self.runs = 0

    @hookimpl
    def register_validation_rules(self, register: Any) -> None:
        register(Rule("counted", "warning", "Counts validations.", self._check))

    def _check(self, facts: MapFacts) -> Iterator[Any]:
        self.runs += 1
        return iter(())


@pytest.fixture
def counter(fresh_plugin_manager: PluginManager) -> CountingRule:
    plugin = CountingRule()
    fresh_plugin_manager.register(plugin, name="counting")
    return plugin


def test_report_with_its_easy_read_summary_validates_once(
    counter: CountingRule, tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        main, ["report", str(EXAMPLE), "-o", str(out), "--easy-read", "--no-save"]
    )
    assert result.exit_code == 0, result.output
    assert out.exists() and out.with_name("report.easy-read.html").exists()
    assert counter.runs == 1


def test_render_works_the_analyses_out_with_the_plugins_rules(counter: CountingRule) -> None:
    ct.render(ct.example(), "html")
    assert counter.runs == 1


def test_given_analyses_are_used_as_they_are(counter: CountingRule) -> None:
    toc = ct.example()
    analyses = analyse(toc)
    ct.render(toc, "html", analyses=analyses)
    ct.render(toc, "markdown", analyses=analyses)
    ct.render(toc, "easy-read", analyses=analyses)
    assert counter.runs == 1


def test_a_renderer_that_does_not_use_analyses_is_not_given_them(counter: CountingRule) -> None:
    ct.render(ct.example(), "mermaid")  # it refuses unknown options, so none was passed
    assert counter.runs == 0


def test_analyses_of_something_else_are_refused() -> None:
    with pytest.raises(ct.RenderError, match="analyses must be the map's Analyses"):
        ct.render(ct.example(), "html", analyses={"validation": []})


def test_a_map_without_impacts_says_why_there_is_no_split() -> None:
    toc = ct.TheoryOfChange(title="Empty")
    analyses = Analyses.of(toc)
    assert analyses.split is None and analyses.progress is None
    assert analyses.split_missing == "The split needs at least one impact; this map has none yet."


def test_a_renderer_returning_bytes_is_named(fresh_plugin_manager: PluginManager) -> None:
    class Binary:
        media_type = "application/octet-stream"
        suffix = ".bin"
        description = "Bytes, which a renderer may not return."

        def render(self, toc: ct.TheoryOfChange, **options: Any) -> bytes:
            return b"\x00"

    class Plugin:
        @hookimpl
        def register_renderers(self, register: Any) -> None:
            register("binary", Binary)

    fresh_plugin_manager.register(Plugin(), name="binary-plugin")
    with pytest.raises(ct.PluginError, match=r"renderer 'binary' .* returned bytes, not text"):
        ct.render(ct.example(), "binary")


def test_analyses_of_another_map_are_refused() -> None:
    other = analyse(ct.TheoryOfChange(title="Another map"))
    for renderer in ("html", "markdown", "easy-read"):
        with pytest.raises(ct.RenderError, match="these analyses are of another map"):
            ct.render(ct.example(), renderer, analyses=other)
