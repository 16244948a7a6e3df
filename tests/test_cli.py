"""The coprod-toc command: output people understand, JSON for machines, exit codes 0/1/2."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from coprod_toc.cli import main
from tests.conftest import EXAMPLE

INCOMPLETE = """
title = "Half a map"
[problem]
statement = "why"
[[impacts]]
id = "I1"
kind = "project"
statement = "what"
[[impacts]]
id = "I2"
kind = "coproduction"
statement = "how"
[[outcomes]]
id = "O1"
kind = "coproduction"
statement = "step"
leads_to = ["I1", "I2"]
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def write(tmp_path: Path, text: str, name: str = "map.toml") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_valid_example_exits_zero_and_says_so(runner: CliRunner) -> None:
    """The day-centre example is reported complete, exit 0."""
    result = runner.invoke(main, ["validate", str(EXAMPLE)])
    assert result.exit_code == 0
    assert "The map is complete" in result.output
    assert "9 outcomes, 13 activities" in result.output


def test_errors_are_listed_in_plain_words_and_exit_one(runner: CliRunner, tmp_path: Path) -> None:
    """An outcome with no activity is explained, with the next step to take; exit 1."""
    result = runner.invoke(main, ["validate", write(tmp_path, INCOMPLETE)])
    assert result.exit_code == 1
    assert "1 thing must be fixed:" in result.output
    assert 'The outcome O1 "step" has no activity leading to it.' in result.output
    assert "Next step: the activities." in result.output


def test_warnings_alone_exit_zero(runner: CliRunner, tmp_path: Path) -> None:
    """A map whose only finding is a warning is valid."""
    text = (
        INCOMPLETE
        + '[[activities]]\nkind = "coproduction"\ndescription = "d"\n'
        + 'ladder_rung = 3\ncontributes_to = ["O1"]\n'
    )
    result = runner.invoke(main, ["validate", write(tmp_path, text)])
    assert result.exit_code == 0
    assert "1 thing worth checking:" in result.output
    assert "[low-ladder-rung]" in result.output


def test_json_output_is_machine_readable(runner: CliRunner, tmp_path: Path) -> None:
    """--json prints the report as data."""
    result = runner.invoke(main, ["validate", "--json", write(tmp_path, INCOMPLETE)])
    data = json.loads(result.output)
    assert result.exit_code == 1
    assert data["title"] == "Half a map" and data["ok"] is False
    assert [f["code"] for f in data["findings"]] == ["outcome-without-activity"]


def test_unreadable_file_exits_two_naming_file_and_field(runner: CliRunner, tmp_path: Path) -> None:
    """A bad document is reported with its file and field path on stderr; exit 2."""
    path = write(tmp_path, '[[impacts]]\nid = "I1"\nstatement = "s"\nkind = "x"\n')
    result = runner.invoke(main, ["validate", path])
    assert result.exit_code == 2
    assert f"cannot read the map: {path}: impacts[0].kind: must be one of" in result.stderr
    as_json = runner.invoke(main, ["validate", "--json", str(tmp_path / "missing.json")])
    assert as_json.exit_code == 2
    assert json.loads(as_json.output)["error"]["code"] == "bad-document"


def test_console_script_is_installed() -> None:
    """The real `coprod-toc` entry point runs the example."""
    # The script sits beside the interpreter running the tests, whatever PATH says.
    exe = shutil.which("coprod-toc", path=str(Path(sys.executable).parent)) or shutil.which(
        "coprod-toc"
    )
    assert exe is not None, "coprod-toc is not on PATH: install the package first"
    done = subprocess.run(
        [exe, "validate", str(EXAMPLE)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "The map is complete" in done.stdout


PEER = str(Path(__file__).resolve().parent.parent / "examples" / "peer-support.toml")
LOOP = """
[[outcomes]]
id = "O1"
kind = "project"
statement = "a"
leads_to = ["O2"]
[[outcomes]]
id = "O2"
kind = "project"
statement = "b"
leads_to = ["O1"]
"""


def test_split_prints_the_caveat_and_a_table(runner: CliRunner) -> None:
    """coprod-toc split shows the caveat, one row per impact, and every explanation."""
    result = runner.invoke(main, ["split", PEER])
    assert result.exit_code == 0
    assert "not a measured attribution" in result.output
    assert (
        "I1 A monthly peer-support group r…        67%      33%    71%   51% (27%-68%)         89%"
        in result.output
    )
    assert (
        "5 of 7 routes from an activity to this impact pass through co-production." in result.output
    )
    assert "Impact                             Activities Outcomes Routes" in result.output
    assert "No evidence: how much of that estimate rests on links" in result.output


def test_split_and_progress_as_json(runner: CliRunner) -> None:
    """--json gives the same figures as the library."""
    split = json.loads(runner.invoke(main, ["split", "--json", PEER]).output)
    assert split["impacts"][0]["routes"]["routes"] == 7
    progress = json.loads(runner.invoke(main, ["progress", "--json", PEER]).output)
    assert progress["activities"]["done"] == 2


def test_progress_prints_achievements_and_pathways(runner: CliRunner) -> None:
    """coprod-toc progress lists achievements, indicators and pathway roll-ups."""
    result = runner.invoke(main, ["progress", PEER])
    assert result.exit_code == 0
    assert "C1     achieved 2024-07-01" in result.output
    assert "Towards I1: 2 of 3 activities done, 1 in progress;" in result.output


@pytest.mark.parametrize("command", ["split", "progress"])
def test_circles_exit_one_with_the_reason(runner: CliRunner, tmp_path: Path, command: str) -> None:
    """A map with a circle cannot be split: exit 1 and say where the circle is."""
    result = runner.invoke(main, [command, write(tmp_path, LOOP)])
    assert result.exit_code == 1
    assert "links go round in a circle through O1, O2" in result.stderr


def test_verbose_says_what_the_library_decides() -> None:
    """-v logs the library's decisions (plugins loaded, how a file was read) to standard
    error; without it nothing is logged; -q keeps even warnings back."""
    survey = str(Path(__file__).parent.parent / "examples" / "survey" / "before.csv")
    loud = CliRunner().invoke(main, ["-v", "survey", "inspect", survey])
    assert loud.exit_code == 0
    assert "coprod-toc: " in loud.stderr and "read by the google-sheets importer" in loud.stderr
    plain = CliRunner().invoke(main, ["survey", "inspect", survey])
    assert "read by the" not in plain.stderr
    quiet = CliRunner().invoke(main, ["-q", "survey", "inspect", survey])
    assert quiet.exit_code == 0 and "read by the" not in quiet.stderr
