"""The TOML authoring form written (``dumps(format="toml")``, ``dump`` by suffix, the
``toml`` renderer), and coprod-toc's own files through ``ct.import_map``."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import coprod_toc as ct
from coprod_toc.testing import MapImporterContract, RendererContract, sample_maps
from tests.strategies import maps, maps_with_evidence

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


class TestTomlRenderer(RendererContract):
    renderer_name = "toml"


class TestNativeImporter(MapImporterContract):
    importer_name = "coprod-toc"
    exporter_name = "toml"

    @pytest.fixture
    def sample_files(self, tmp_path: Path) -> list[Path]:
        json_file = tmp_path / "map.json"
        ct.dump(sample_maps()["full"], json_file)
        return [EXAMPLES / "day-centre.toml", EXAMPLES / "peer-support.toml", json_file]


@pytest.mark.parametrize("name", sorted(sample_maps()))
def test_toml_loads_back_equal(name: str) -> None:
    toc = sample_maps()[name]
    assert ct.loads(ct.dumps(toc, format="toml"), format="toml") == toc


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(maps())
def test_any_map_survives_toml(toc: ct.TheoryOfChange) -> None:
    text = ct.dumps(toc, format="toml")
    tomllib.loads(text)  # valid TOML, whatever the labels hold
    assert ct.loads(text, format="toml") == toc


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(maps_with_evidence())
def test_evidence_survives_toml(toc: ct.TheoryOfChange) -> None:
    assert ct.loads(ct.dumps(toc, format="toml"), format="toml") == toc


def test_toml_is_the_hand_written_form() -> None:
    """Sections as a person writes them, and short link lists on one line."""
    text = ct.dumps(ct.example(), format="toml")
    assert text.startswith('format = "coprod-toc"\nversion = 1\ntitle = ')
    assert "\n[problem]\n" in text and "\n[[impacts]]\n" in text
    assert '\nleads_to = ["I1", "O3"]\n' in text
    assert '\ncontributes_to = ["O2", "O3"]\n' in text


def test_dump_chooses_toml_for_a_toml_name_and_json_otherwise(tmp_path: Path) -> None:
    toc = ct.example()
    ct.dump(toc, tmp_path / "map.toml")
    ct.dump(toc, tmp_path / "map.json")
    ct.dump(toc, tmp_path / "map.txt")
    assert (tmp_path / "map.toml").read_text() == ct.dumps(toc, format="toml")
    assert (tmp_path / "map.json").read_text() == ct.dumps(toc)
    assert (tmp_path / "map.txt").read_text() == ct.dumps(toc)
    assert ct.load(tmp_path / "map.toml") == toc


def test_dump_format_overrides_the_suffix(tmp_path: Path) -> None:
    ct.dump(ct.example(), tmp_path / "map.txt", format="toml")
    assert (tmp_path / "map.txt").read_text().startswith('format = "coprod-toc"')


def test_a_failed_dump_leaves_the_old_file_and_no_litter(tmp_path: Path) -> None:
    target = tmp_path / "map.toml"
    target.write_text("old")
    with pytest.raises(ct.FormatError):
        ct.dump(ct.example(), target, format="yaml")  # type: ignore[arg-type]
    with pytest.raises(ct.OutputError, match="missing"):
        ct.dump(ct.example(), tmp_path / "missing" / "map.toml")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["map.toml"]


def test_unknown_text_format_is_a_format_error() -> None:
    with pytest.raises(ct.FormatError, match="unknown format 'yaml'"):
        ct.dumps(ct.example(), format="yaml")  # type: ignore[arg-type]


def test_import_map_of_a_missing_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(ct.FormatError, match=r"nowhere\.toml"):
        ct.import_map(tmp_path / "nowhere.toml")


def test_import_map_of_an_unknown_format_lists_the_known_ones(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("just some notes\n")
    with pytest.raises(ct.FormatError, match=r"notes\.txt: cannot tell which tool.*coprod-toc"):
        ct.import_map(path)


def test_import_map_by_an_unknown_name_lists_the_importers() -> None:
    with pytest.raises(ct.PluginNotFoundError, match="coprod-toc"):
        ct.import_map(EXAMPLES / "day-centre.toml", format="no-such-tool")


def test_import_map_refuses_what_is_not_a_path() -> None:
    with pytest.raises(ct.FormatError, match="give a file's path"):
        ct.import_map(b"{}")  # type: ignore[arg-type]


def test_toml_keeps_texts_with_unicode_line_separators() -> None:
    """U+2028, U+2029 and U+0085 are text, not line breaks, in a short list."""
    toc = ct.TheoryOfChange(title="t")
    toc.set_problem("p", affected_groups=["carers\u2028and families", "\u2029x", "y\x85"])
    assert ct.loads(ct.dumps(toc, format="toml"), format="toml") == toc


def test_dump_never_replaces_what_is_not_a_file_and_keeps_the_mode(tmp_path: Path) -> None:
    import os
    import stat

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ct.OutputError, match="not a regular file"):
        ct.dump(ct.example(), fifo)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    new = tmp_path / "new.toml"
    ct.dump(ct.example(), new)
    assert stat.S_IMODE(new.stat().st_mode) == 0o644
    new.chmod(0o664)
    ct.dump(ct.example(), new)
    assert stat.S_IMODE(new.stat().st_mode) == 0o664


def test_import_map_refuses_what_is_not_a_regular_file() -> None:
    with pytest.raises(
        ct.FormatError, match="/dev/zero: cannot read the file: it is not a regular file"
    ):
        ct.import_map("/dev/zero", format="toc-maker")


def test_an_exporter_given_analyses_of_another_type_or_map_refuses_them(tmp_path: Path) -> None:
    from coprod_toc.api import analyse

    with pytest.raises(ct.RenderError, match="analyses must be the map's Analyses"):
        ct.export(ct.example(), "logframe", tmp_path / "x.xlsx", analyses=1)
    with pytest.raises(ct.RenderError, match="analyses are of another map"):
        ct.export(ct.example(), "logframe", tmp_path / "x.xlsx", analyses=analyse(ct.example()))
