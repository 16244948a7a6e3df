"""`coprod-toc import-map` and the exchange formats through `coprod-toc render`."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import coprod_toc as ct
from coprod_toc.cli import main
from tests.conftest import ROOT

TOC_MAKER = ROOT.parent / "shared" / "real-exports" / "toc-maker-charity-entrepreneurship.json"


@pytest.fixture
def logframe(tmp_path: Path) -> Path:
    return ct.export(ct.example(), "logframe", tmp_path / "day-centre.xlsx")


def test_import_map_writes_the_map_and_reports_what_it_read(logframe: Path, tmp_path: Path) -> None:
    out = tmp_path / "map.toml"
    result = CliRunner().invoke(main, ["import-map", str(logframe), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"read {logframe} as logframe: 25 nodes, 36 links" in result.output
    assert f"wrote {out}" in result.output
    assert out.read_text().startswith('format = "coprod-toc"')
    assert ct.load(out) == ct.example()


def test_import_map_writes_json_for_another_name(logframe: Path, tmp_path: Path) -> None:
    out = tmp_path / "map.json"
    assert CliRunner().invoke(main, ["import-map", str(logframe), "-o", str(out)]).exit_code == 0
    assert out.read_text() == ct.dumps(ct.example())


def test_import_map_prints_toml_with_the_report_apart(logframe: Path) -> None:
    result = CliRunner().invoke(main, ["import-map", str(logframe)])
    assert result.exit_code == 0
    assert ct.loads(result.stdout, format="toml") == ct.example()
    assert "as logframe" in result.stderr


def test_import_map_lists_the_notes_of_a_real_export() -> None:
    """The real ToC-Maker file: one kind-assumed note per node, each naming its JSON path."""
    result = CliRunner().invoke(main, ["import-map", str(TOC_MAKER), "--json"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stderr)
    assert report["format"] == "toc-maker" and report["nodes"] == 13
    assert [n["code"] for n in report["notes"]] == ["kind-assumed"] * 13
    assert report["notes"][0]["where"] == "sections[0].columns[0].nodes[0]"


def test_import_map_takes_options(tmp_path: Path) -> None:
    out = tmp_path / "map.toml"
    result = CliRunner().invoke(
        main, ["import-map", str(TOC_MAKER), "-o", str(out), "-O", "kind=coproduction"]
    )
    assert result.exit_code == 0, result.output
    assert {n.kind for n in ct.load(out).nodes()} == {ct.Kind.COPRODUCTION}  # type: ignore[union-attr]


def test_an_unreadable_file_exits_two_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 broken")
    result = CliRunner().invoke(main, ["import-map", str(path), "-f", "logframe"])
    assert result.exit_code == 2
    assert "broken.xlsx: not a readable workbook" in result.output


def test_a_bad_option_exits_two() -> None:
    result = CliRunner().invoke(main, ["import-map", str(TOC_MAKER), "-O", "no-equals"])
    assert result.exit_code == 2 and "NAME=VALUE" in result.output


def test_render_writes_toml() -> None:
    result = CliRunner().invoke(
        main, ["render", str(ROOT / "examples" / "day-centre.toml"), "-f", "toml"]
    )
    assert result.exit_code == 0
    assert ct.loads(result.output, format="toml") == ct.load(ROOT / "examples" / "day-centre.toml")


def test_render_asks_for_a_file_for_an_exporter() -> None:
    result = CliRunner().invoke(
        main, ["render", str(ROOT / "examples" / "day-centre.toml"), "-f", "logframe"]
    )
    assert result.exit_code == 2 and "give one with -o FILE" in result.output


def test_render_passes_options_to_an_exporter(tmp_path: Path) -> None:
    out = tmp_path / "links.csv"
    args = [
        "render",
        str(ROOT / "examples" / "day-centre.toml"),
        "-f",
        "csv",
        "-o",
        str(out),
        "-O",
        "table=links",
    ]
    assert CliRunner().invoke(main, args).exit_code == 0
    assert out.read_text("utf-8-sig").startswith("source,target,level,rationale,evidence")
    zipped = tmp_path / "all.zip"
    args = ["render", str(ROOT / "examples" / "day-centre.toml"), "-f", "csv", "-o", str(zipped)]
    assert CliRunner().invoke(main, args).exit_code == 0
    assert "nodes.csv" in zipfile.ZipFile(zipped).namelist()


def test_a_zip_is_never_written_under_a_csv_name(tmp_path: Path) -> None:
    out = tmp_path / "nodes.csv"
    args = ["render", str(ROOT / "examples" / "day-centre.toml"), "-f", "csv", "-o", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "a .csv file holds one table" in result.output
    assert not out.exists()


def test_a_file_named_unlike_its_format_is_pointed_out(tmp_path: Path) -> None:
    out = tmp_path / "map.txt"
    args = ["render", str(ROOT / "examples" / "day-centre.toml"), "-f", "graphml", "-o", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0 and "graphml files usually end .graphml" in result.stderr


def test_import_map_writes_only_toml_or_json(tmp_path: Path) -> None:
    out = tmp_path / "back.xlsx"
    result = CliRunner().invoke(main, ["import-map", str(TOC_MAKER), "-o", str(out)])
    assert result.exit_code == 2 and ".toml or .json" in result.output
    assert not out.exists()


def test_an_option_nested_past_reading_is_text() -> None:
    args = [
        "render",
        str(ROOT / "examples" / "day-centre.toml"),
        "-f",
        "json",
        "-O",
        "x=" + "[" * 5000,
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "takes no options" in result.output
