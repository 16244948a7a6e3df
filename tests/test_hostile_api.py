"""Bad input and broken plugins at the public API: always the library's own error."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest

import coprod_toc as ct
from coprod_toc import errors
from coprod_toc.plugins import PluginManager, hookimpl


def _register_renderer(manager: PluginManager, name: str, renderer: Any) -> None:
    class Plugin:
        @hookimpl
        def register_renderers(self, register: Any) -> None:
            register(name, renderer)

    manager.register(Plugin(), name=f"{name}-plugin")


def test_a_renderer_raising_system_exit_is_a_plugin_error(
    fresh_plugin_manager: PluginManager,
) -> None:
    class Exits:
        media_type, suffix, description = "text/plain", ".txt", "Ends the program."

        def render(self, toc: ct.TheoryOfChange, **options: Any) -> str:
            raise SystemExit(7)

    _register_renderer(fresh_plugin_manager, "exits", Exits())
    with pytest.raises(
        ct.PluginError, match=r"renderer 'exits' \(exits-plugin\) failed: SystemExit"
    ):
        ct.render(ct.example(), "exits")


def test_a_uses_analyses_that_raises_is_a_plugin_error(
    fresh_plugin_manager: PluginManager,
) -> None:
    class Broken:
        media_type, suffix, description = "text/plain", ".txt", "Its flag is broken."

        @property
        def uses_analyses(self) -> bool:
            raise RuntimeError("flag boom")

        def render(self, toc: ct.TheoryOfChange, **options: Any) -> str:
            return "x"

    _register_renderer(fresh_plugin_manager, "broken", Broken())
    with pytest.raises(ct.PluginError, match="flag boom"):
        ct.render(ct.example(), "broken")


def test_rendering_something_that_is_not_a_map_is_a_render_error() -> None:
    for renderer in ("html", "mermaid", "json"):
        with pytest.raises(ct.RenderError, match="needs a map"):
            ct.render(None, renderer)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [10**301, -(10**5000)], ids=["301 digits", "5001 digits"])
def test_numbers_too_large_to_compute_with_are_refused(value: int) -> None:
    with pytest.raises(ct.ModelError, match="target must be a number"):
        ct.Indicator(id="i1", description="People reached", target=value)


def test_a_document_with_a_huge_number_is_a_format_error_naming_the_field() -> None:
    toc = ct.example()
    document = json.loads(ct.dumps(toc))
    document["outcomes"][0]["indicators"] = [
        {"id": "i1", "description": "People reached", "target": 10**400}
    ]
    with pytest.raises(ct.FormatError, match=r"outcomes\[0\]\.indicators\[0\]\.target"):
        ct.loads(json.dumps(document))


@pytest.mark.parametrize(
    "error",
    [
        errors.LinkError("not allowed", "A1", "I1", code="edge-not-allowed"),
        errors.PluginNotFoundError("renderer", "pdf", ["html"]),
        errors.ConflictError("map", 1, 2),
        errors.PluginError("failed", plugin="p"),
        errors.FormatError("bad", path="outcomes[0]", source="m.toml"),
        errors.NodeNotFoundError("O9"),
        errors.ErasedPersonError("map", "R-1"),
        errors.CycleError("a circle", ("O1", "O2")),
        errors.MapNotFoundError("no map named 'x'"),
        errors.GroupNotFoundError("no group named 'x'"),
        errors.ErasedPersonError("advisory", "member M03", group=True),
    ],
    ids=lambda e: type(e).__name__,
)
def test_every_error_survives_a_trip_between_processes(error: ct.CoprodTocError) -> None:
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error)
    assert str(back) == str(error) and vars(back) == vars(error)


def test_every_error_class_is_covered_by_the_pickling_test() -> None:
    from coprod_toc.errors import __all__ as classes

    covered = {"LinkError", "PluginNotFoundError", "ConflictError", "PluginError"}
    plain = {"CoprodTocError", "ModelError", "OutputError", "RenderError", "StoreError"}
    others = {"FormatError", "NodeNotFoundError", "ErasedPersonError", "CycleError"}
    others |= {"MapNotFoundError", "GroupNotFoundError", "DuplicateNodeError"}
    assert set(classes) <= covered | plain | others


@pytest.mark.parametrize("destination", ["", ".", "no-such-folder/out.html"])
def test_an_export_to_a_place_that_cannot_hold_a_file_is_an_output_error(
    destination: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ct.OutputError):
        ct.export(ct.example(), "markdown", destination)


def test_an_export_to_a_folder_says_so(tmp_path: Path) -> None:
    with pytest.raises(ct.OutputError, match="it is a folder"):
        ct.export(ct.example(), "markdown", tmp_path)


def test_an_export_to_the_longest_file_name_works(tmp_path: Path) -> None:
    target = tmp_path / ("x" * 250 + ".md")
    assert ct.export(ct.example(), "markdown", target).read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # nothing left beside it


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("sqlite:///maps\x00.db", "control character"),
        ("json://maps\nmore", "control character"),
        ("sqlite:///maps.db?mode=ro", "names a file only"),
    ],
)
def test_store_urls_that_cannot_be_right_are_store_errors(url: str, message: str) -> None:
    with pytest.raises(ct.StoreError, match=message):
        ct.open_store(url)


def test_store_url_schemes_are_case_insensitive() -> None:
    with ct.open_store("MEMORY://") as store:
        assert store.url == "memory://"


@pytest.mark.parametrize("text", [None, 5, object()])
def test_reading_a_map_from_something_not_text_is_a_format_error(text: Any) -> None:
    with pytest.raises(ct.FormatError, match="a map is read from text or bytes"):
        ct.loads(text)


def test_the_graphviz_svg_renderer_runs_only_graphviz_programs() -> None:
    with pytest.raises(ct.RenderError, match="one of Graphviz's layout programs"):
        ct.render(ct.example(), "graphviz-svg", program="rm")


def test_renderer_options_of_the_wrong_kind_are_render_errors() -> None:
    with pytest.raises(ct.RenderError, match="takes no options"):
        ct.render(ct.example(), "json", indent=4)
    with pytest.raises(ct.RenderError, match="diagram is true or false"):
        ct.render(ct.example(), "markdown", diagram="no")


@pytest.mark.parametrize("responses", ["abc", 5, {"item": "q1"}, None, ["q1"]])
def test_measure_answers_that_are_not_a_list_of_tables_are_refused(responses: Any) -> None:
    document = json.loads(ct.dumps(ct.example()))
    document["evidence"] = {
        "measures": [
            {
                "id": "m1",
                "participant": "R-1",
                "instrument": "ucla3",
                "timepoint": "baseline",
                "responses": responses,
            }
        ]
    }
    with pytest.raises(ct.FormatError, match=r"evidence\.measures\[0\].*responses"):
        ct.loads(json.dumps(document))
