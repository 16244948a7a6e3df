"""coprod-toc store: list, show, history, diff, save, delete."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import coprod_toc as ct
from coprod_toc.cli import main
from coprod_toc.evidence import EvidenceItem
from tests.conftest import EXAMPLE


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, ["store", *args], input=input)


@pytest.fixture
def edited(tmp_path: Path) -> Path:
    """The example with one statement changed, as a file."""
    toc = ct.load(EXAMPLE)
    toc.update("O5", statement="Staff recruited and trained.")
    path = tmp_path / "edited.json"
    ct.dump(toc, path)
    return path


def test_save_then_list_show_and_history(url: str) -> None:
    """A saved map is listed, shown node by node, and has a history with the message."""
    saved = run("save", "day-centre", str(EXAMPLE), "-m", "first draft", "--store", url)
    assert saved.exit_code == 0, saved.output
    assert saved.output == f"saved 'day-centre' as version 1 in {url}\n"
    listed = run("list", "--store", url)
    assert listed.output.startswith("day-centre  v1 ")
    shown = run("show", "day-centre", "--store", url)
    assert "(map 'day-centre', version 1 of 1)" in shown.output
    assert "O5     outcome [project, short]: Staff recruited." in shown.output
    history = run("history", "day-centre", "--store", url, "--json")
    versions = json.loads(history.output)["versions"]
    assert [(v["version"], v["message"]) for v in versions] == [(1, "first draft")]


def test_show_json_is_the_canonical_document(url: str) -> None:
    """show --json prints exactly what ct.dumps gives for the stored map."""
    run("save", "m", str(EXAMPLE), "--store", url)
    assert run("show", "m", "--json", "--store", url).output == ct.dumps(ct.load(EXAMPLE))


def test_diff_shows_the_changed_field(url: str, edited: Path) -> None:
    """diff with no versions compares the latest with the one before."""
    run("save", "m", str(EXAMPLE), "--store", url)
    run("save", "m", str(edited), "--expected-version", "1", "--store", url)
    result = run("diff", "m", "--store", url)
    assert result.exit_code == 0
    assert result.output == (
        "map 'm', version 1 -> 2:\n"
        "~ node O5: statement 'Staff recruited.' -> 'Staff recruited and trained.'\n"
    )
    as_json = json.loads(run("diff", "m", "1", "2", "--json", "--store", url).output)
    assert as_json["nodes_changed"][0]["key"] == "O5"
    assert run("diff", "m", "2", "2", "--store", url).output.endswith("no changes\n")


def test_stale_expected_version_is_a_conflict(url: str, edited: Path) -> None:
    """Saving from an old version exits 3 and saves nothing."""
    run("save", "m", str(EXAMPLE), "--store", url)
    run("save", "m", str(edited), "--store", url)
    result = run("save", "m", str(edited), "--expected-version", "1", "--store", url)
    assert result.exit_code == 3
    assert "is at version 2, not 1" in result.output
    assert len(json.loads(run("history", "m", "--json", "--store", url).output)["versions"]) == 2


def test_unknown_map_or_version_exits_2(url: str) -> None:
    """Asking for a map or version that is not there exits 2 with a message."""
    missing = run("show", "nope", "--store", url)
    assert missing.exit_code == 2 and "no map named 'nope'" in missing.output
    run("save", "m", str(EXAMPLE), "--store", url)
    assert run("show", "m", "--version", "7", "--store", url).exit_code == 2
    assert run("diff", "m", "1", "9", "--store", url).exit_code == 2
    bad_url = run("list", "--store", "nosuch://x")
    assert bad_url.exit_code == 2 and "nosuch" in bad_url.output


def test_unreadable_file_is_not_saved(url: str, tmp_path: Path) -> None:
    """A file that is not a map exits 2 and the store stays empty."""
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert run("save", "m", str(bad), "--store", url).exit_code == 2
    assert "No maps in" in run("list", "--store", url).output


def test_delete_asks_first(url: str) -> None:
    """delete asks for confirmation; no keeps the map, --yes deletes without asking."""
    run("save", "m", str(EXAMPLE), "--store", url)
    kept = run("delete", "m", "--store", url, input="n\n")
    assert kept.exit_code == 1 and "Aborted" in kept.output
    assert run("show", "m", "--store", url).exit_code == 0
    deleted = run("delete", "m", "--yes", "--store", url)
    assert deleted.output == "deleted 'm' (1 version)\n"
    assert run("show", "m", "--store", url).exit_code == 2


def test_without_store_option_the_default_store_is_used(default_store: str) -> None:
    """No --store: $COPROD_TOC_STORE (here, the test's own SQLite file) is used."""
    run("save", "m", str(EXAMPLE))
    with ct.open_store() as store:
        assert store.url == default_store
        assert store.list() == ["m"]


def test_saving_an_unchanged_map_saves_nothing_unless_forced(url: str) -> None:
    """store save of a map equal to the latest version says so and adds no version;
    --force adds one anyway."""
    run("save", "m", str(EXAMPLE), "--store", url)
    again = run("save", "m", str(EXAMPLE), "--store", url)
    assert again.exit_code == 0
    assert again.output.startswith("'m' is unchanged since version 1")
    assert "--force" in again.output
    forced = run("save", "m", str(EXAMPLE), "--force", "--store", url)
    assert forced.output == f"saved 'm' as version 2 in {url}\n"


def test_an_evidence_only_change_is_saved_and_shown_in_the_diff(url: str, tmp_path: Path) -> None:
    """A map whose only change is its evidence is a new version, and diff names the record."""
    run("save", "m", str(EXAMPLE), "--store", url)
    toc = ct.load(EXAMPLE)
    toc.evidence.add(EvidenceItem(id="q-1", type="document", content="minutes"))
    path = tmp_path / "with-evidence.json"
    ct.dump(toc, path)
    assert run("save", "m", str(path), "--store", url).output.startswith("saved 'm' as version 2")
    assert run("diff", "m", "--store", url).output == (
        "map 'm', version 1 -> 2:\n+ evidence item q-1\n"
    )
    as_json = json.loads(run("diff", "m", "--json", "--store", url).output)
    assert as_json["evidence_added"] == [["items", "q-1"]]


def test_diff_of_a_map_with_one_version_says_there_is_nothing_to_compare(url: str) -> None:
    """store diff NAME when the map has one version says so instead of comparing it with
    itself."""
    run("save", "m", str(EXAMPLE), "--store", url)
    result = run("diff", "m", "--store", url)
    assert result.exit_code == 0
    assert result.output == "map 'm' has only one version: there is nothing to compare yet\n"
