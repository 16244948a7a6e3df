"""coprod-toc render and coprod-toc report."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import coprod_toc as ct
from coprod_toc.analysis import CAVEAT
from coprod_toc.cli import main
from coprod_toc.evidence import EvidenceItem
from tests.conftest import EXAMPLE


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_render_prints_the_format(workdir: Path) -> None:
    """Without -o the rendering goes to standard output."""
    result = run("render", str(EXAMPLE), "--format", "mermaid")
    assert result.exit_code == 0, result.output
    assert result.output == ct.render(ct.load(EXAMPLE), "mermaid")


def test_render_writes_a_file(workdir: Path) -> None:
    """With -o the rendering is written to the file, readable by others."""
    result = run("render", str(EXAMPLE), "-f", "markdown", "-o", "map.md")
    assert result.exit_code == 0, result.output
    assert (workdir / "map.md").read_text() == ct.render(ct.load(EXAMPLE), "markdown")
    assert (workdir / "map.md").stat().st_mode & 0o044 == 0o044


def test_render_unknown_format_lists_the_known_ones(workdir: Path) -> None:
    """An unknown format exits 2 and names the formats there are."""
    result = run("render", str(EXAMPLE), "-f", "pdf")
    assert result.exit_code == 2
    assert "mermaid" in result.output and "easy-read" in result.output


def test_report_writes_the_report_and_saves_the_map(workdir: Path, default_store: str) -> None:
    """The main job: validate, write report.html, save the map in the default store."""
    result = run("report", str(EXAMPLE))
    assert result.exit_code == 0, result.output
    assert "The map is complete" in result.output
    assert "wrote report.html" in result.output
    assert f"saved 'day-centre' as version 1 in {default_store}" in result.output
    html = (workdir / "report.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and CAVEAT in html
    with ct.open_store() as store:
        assert store.load("day-centre") == ct.load(EXAMPLE)


def test_report_saves_a_new_version_only_when_the_map_changed(workdir: Path) -> None:
    """Running the report twice on the same file keeps one version; an edit adds one."""
    run("report", str(EXAMPLE))
    again = run("report", str(EXAMPLE))
    assert "'day-centre' is unchanged since version 1" in again.output
    toc = ct.load(EXAMPLE)
    toc.update("O5", statement="Staff recruited and trained.")
    ct.dump(toc, workdir / "day-centre.json")
    edited = run("report", "day-centre.json")
    assert "saved 'day-centre' as version 2" in edited.output


def test_report_saves_a_map_whose_only_change_is_its_evidence(workdir: Path) -> None:
    """Evidence is part of the map: an evidence-only change is a new version."""
    run("report", str(EXAMPLE))
    toc = ct.load(EXAMPLE)
    toc.evidence.add(EvidenceItem(id="q-1", type="document", content="minutes"))
    ct.dump(toc, workdir / "day-centre.json")
    assert "saved 'day-centre' as version 2" in run("report", "day-centre.json").output


def test_report_refuses_to_add_a_version_to_another_map_of_that_name(workdir: Path) -> None:
    """A stored map of the same name but another title is not overwritten: exit 2, naming
    --name, and nothing is saved."""
    run("report", str(EXAMPLE))
    other = ct.TheoryOfChange(title="Another service")
    ct.dump(other, workdir / "day-centre.json")
    result = run("report", "day-centre.json")
    assert result.exit_code == 2
    assert "--name" in result.output and "'Another service'" in result.output
    with ct.open_store() as store:
        assert len(store.history("day-centre")) == 1
    assert (
        "saved 'other' as version 1" in run("report", "day-centre.json", "--name", "other").output
    )


def test_report_with_easy_read_writes_it_beside(workdir: Path) -> None:
    """--easy-read writes NAME.easy-read.html next to the report, and it passes the lint."""
    result = run("report", str(EXAMPLE), "-o", "out/dc.html", "--easy-read", "--no-save")
    assert result.exit_code == 2  # the folder does not exist
    os.mkdir("out")
    result = run("report", str(EXAMPLE), "-o", "out/dc.html", "--easy-read", "--no-save")
    assert result.exit_code == 0, result.output
    easy = (workdir / "out" / "dc.easy-read.html").read_text()
    assert ct.easy_read_lint(easy) == []
    assert "saved" not in result.output


def test_report_warns_about_statements_without_easy_wording(workdir: Path) -> None:
    """Statements that break the easy-read rules are listed, asking for easy_read wording."""
    toc = ct.load(EXAMPLE)
    toc.update("I2", easy_read=None)
    ct.dump(toc, workdir / "map.json")
    result = run("report", "map.json", "--easy-read", "--no-save")
    assert result.exit_code == 0
    assert "give those statements easy_read wording" in result.output
    assert "Make the day centre how people would like it to be" in result.output


def test_report_of_an_incomplete_map_exits_1_but_still_writes(workdir: Path) -> None:
    """Validation errors give exit 1; the report is written so they can be seen."""
    toc = ct.load(EXAMPLE)
    toc.add_outcome("An outcome with nothing behind it", kind="project")
    ct.dump(toc, workdir / "broken.json")
    result = run("report", "broken.json", "--no-save")
    assert result.exit_code == 1
    assert "An outcome with nothing behind it" in (workdir / "report.html").read_text()


def test_report_of_an_unreadable_file_exits_2(workdir: Path) -> None:
    """A file that is not a map exits 2 with the reason and writes nothing."""
    (workdir / "bad.toml").write_text("this is not = = toml")
    result = run("report", "bad.toml")
    assert result.exit_code == 2
    assert not (workdir / "report.html").exists()
