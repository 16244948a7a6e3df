"""The Kumu exporter: found through its installed entry point, passes coprod-toc's
conformance kit, and writes the blueprint Kumu imports."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

import coprod_toc as ct
from coprod_toc.cli import main
from coprod_toc.plugins import make_plugin_manager
from coprod_toc.testing import ExporterContract
from coprod_toc_kumu import blueprint


class TestKumuExporter(ExporterContract):
    exporter_name = "kumu"


def test_found_through_the_entry_point() -> None:
    """The installed distribution's entry point registers the exporter."""
    manager = make_plugin_manager(autoload=True)
    assert manager.extensions.exporters["kumu"].plugin == "kumu"
    assert manager.versions["kumu"] == "0.1.0"
    assert manager.distributions["kumu"] == "coprod-toc-kumu"


def test_listed_by_the_plugins_command() -> None:
    """coprod-toc plugins shows kumu with its version, hooks, exporter and importer."""
    output = CliRunner().invoke(main, ["plugins"]).output
    assert (
        "kumu 0.1.0\n  hooks: register_exporters, register_map_importers\n"
        "  provides: exporter kumu, map importer kumu"
    ) in output


def test_every_node_and_link_of_the_day_centre(tmp_path: Path) -> None:
    """25 elements and 36 directed connections, with kind and horizon as fields."""
    path = ct.export(ct.example(), "kumu", tmp_path / "day-centre.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert len(data["elements"]) == 25
    assert len(data["connections"]) == 36
    c1 = next(e for e in data["elements"] if e["coprod-toc id"] == "C1")
    assert (c1["type"], c1["kind"], c1["horizon"]) == ("Outcome", "Co-production", "Short-term")
    assert c1["tags"] == ["Co-production", "Achievement"]
    assert {c["direction"] for c in data["connections"]} == {"directed"}
    labels = {e["label"] for e in data["elements"]}
    assert all(c["from"] in labels and c["to"] in labels for c in data["connections"])


def test_link_payload_and_repeated_labels() -> None:
    """Levels and rationales travel; two nodes with the same text get distinct labels."""
    toc = ct.TheoryOfChange(title="t")
    impact = toc.add_impact("Same words", kind="project")
    outcome = toc.add_outcome("Same words", kind="coproduction", leads_to=[impact])
    toc.update_link(outcome, impact, level=3, rationale="Because.")
    data = blueprint(toc)
    assert [e["label"] for e in data["elements"]] == ["Same words (I1)", "Same words (O1)"]
    assert data["connections"] == [
        {
            "from": "Same words (O1)",
            "to": "Same words (I1)",
            "type": "contributes to",
            "direction": "directed",
            "contribution level": 3,
            "rationale": "Because.",
        }
    ]
