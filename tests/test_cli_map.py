"""``coprod-toc map``: the backwards-mapping walk-through, driven through a real
pseudo-terminal as a person at a keyboard would, and by a script on standard input."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pexpect
import pytest
from click.testing import CliRunner

import coprod_toc as ct
from coprod_toc.cli import main
from coprod_toc.cli_map import EASY_STEPS, EASY_WORD_LIST, WORDS

COMMAND = str(Path(sys.executable).parent / "coprod-toc")

# The SCIE day-centre example's statements (shared/examples/day-centre.md).
PROBLEM = (
    "People with learning disabilities don't have a place to go to make friends, learn new "
    "things, have a good time, and feel valued."
)
I1 = "Create a day centre for people with learning disabilities."
I2 = (
    "Make the day centre how people would like it to be, matching their needs and "
    "preferences, so that more people will be happy to use it."
)
O2 = "A detailed plan for all activities to be offered by the day centre."
C1 = "Individuals make decisions on the plan, making sure activities address people's needs."
A1 = "A series of meetings to create a detailed plan for all activities offered by the day centre."
K4 = (
    "The co-production group takes part in all planning meetings and helps decide all "
    "activities to be delivered by the day centre."
)

#: (what the walk-through asks, the answer): the day centre's first impact end to end, with
#: the co-production impact its co-production outcome also serves.
SESSION = [
    ("What is the project called?", "Day centre"),
    ("What is the problem", PROBLEM),
    ("Who is affected", "people with learning disabilities, families"),
    ("(project impact)", I1),
    ("(co-production impact)", I2),
    ("A project outcome", O2),
    ("achievement", "yes"),
    ("A project outcome", ""),
    ("A co-production outcome", C1),
    ("achievement", "yes"),
    ("A co-production outcome", ""),
    ("A project outcome", ""),  # towards I2: none of the project's
    ("A co-production outcome", "2"),  # C1, already in the map, by its number
    ("A co-production outcome", ""),
    ("A project activity", A1),
    ("A project activity", ""),
    ("A co-production activity", K4),
    ("ladder of co-production", "6"),
    ("A co-production activity", ""),
    ("A project activity", ""),  # for C1
    ("A co-production activity", "2"),  # K4, by its number
    ("A co-production activity", ""),
    ("Does anything else lead", ""),
]


def _spawn(*args: str, cwd: Path) -> pexpect.spawn:
    env = {**os.environ, "TERM": "dumb", "COLUMNS": "100"}
    return pexpect.spawn(COMMAND, list(args), cwd=str(cwd), env=env, encoding="utf-8", timeout=30)


def _answer(child: pexpect.spawn, steps: list[tuple[str, str]]) -> None:
    for asked, reply in steps:
        child.expect_exact(asked)
        child.expect_exact("> ")
        child.sendline(reply)


def _finished(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus is not None
    return child.exitstatus


def test_a_session_in_a_terminal_builds_the_first_impact_end_to_end(tmp_path: Path) -> None:
    child = _spawn("map", "day-centre.toml", cwd=tmp_path)
    _answer(child, SESSION)
    child.expect_exact("The map is complete")
    assert _finished(child) == 0
    toc = ct.load(tmp_path / "day-centre.toml")
    assert ct.validate(toc).ok and not ct.next_step(toc).findings
    assert [i.statement for i in toc.impacts()] == [I1, I2]
    assert toc.successors("O2") == ["I1", "I2"]  # C1 serves both impacts
    assert toc.activities_for("O2") == ["A2"]
    assert toc.activity("A2").ladder_rung == 6
    assert toc.problem is not None and toc.problem.affected_groups == (
        "people with learning disabilities",
        "families",
    )
    assert (tmp_path / "day-centre.html").is_file()  # the report, beside the map


def test_a_session_killed_after_the_third_answer_resumes_where_it_stopped(
    tmp_path: Path,
) -> None:
    child = _spawn("map", "day-centre.toml", cwd=tmp_path)
    _answer(child, SESSION[:3])
    child.expect_exact("(project impact)")
    child.kill(signal.SIGKILL)  # no goodbye: as a closed terminal would
    child.close(force=True)
    kept = ct.load(tmp_path / "day-centre.toml")
    assert kept.title == "Day centre" and kept.problem is not None
    child = _spawn("map", "day-centre.toml", cwd=tmp_path)
    _answer(child, SESSION[3:])  # straight on to the impacts: nothing asked twice
    assert _finished(child) == 0
    assert ct.validate(ct.load(tmp_path / "day-centre.toml")).ok


def test_ctrl_c_stops_with_everything_saved(tmp_path: Path) -> None:
    child = _spawn("map", "m.toml", cwd=tmp_path)
    _answer(child, SESSION[:4])
    child.expect_exact("(co-production impact)")
    child.sendintr()
    child.expect_exact("Run the same command to go on")
    assert _finished(child) == 1
    assert [i.statement for i in ct.load(tmp_path / "m.toml").impacts()] == [I1]


def test_bad_answers_are_asked_again_with_a_reason(tmp_path: Path) -> None:
    child = _spawn("map", "m.toml", cwd=tmp_path)
    _answer(child, SESSION[:1])
    child.expect_exact("What is the problem")
    child.sendline("")  # empty
    child.expect_exact("Please write an answer, or type help.")
    _answer(child, [("What is the problem", PROBLEM), *SESSION[2:8]])
    child.expect_exact("A co-production outcome")
    child.sendline(O2.upper())  # the same words as O1, in other letters
    child.expect_exact("O1 already says that: give other words, or its number.")
    child.sendline("7")  # no such number
    child.expect_exact("There is no number 7: choose from 1 to 1, or write new words.")
    child.sendline("done")
    assert _finished(child) == 1
    assert len(ct.load(tmp_path / "m.toml").outcomes()) == 1


def test_the_easy_read_wording_passes_the_easy_read_lint() -> None:
    sample = {"id": "I1", "text": "We make friends.", "number": 9, "count": 2}
    sample |= {"source": "A2", "target": "O1", "command": "show"}
    said = [easy.format(**sample) for _, easy in WORDS.values()]
    said += list(EASY_STEPS.values())
    text = "\n\n".join([*said, "## Word list", *EASY_WORD_LIST[1:]])
    assert ct.easy_read_lint(text) == []


def test_easy_read_asks_in_easy_words_in_a_terminal(tmp_path: Path) -> None:
    child = _spawn("map", "m.toml", "--easy-read", cwd=tmp_path)
    child.expect_exact("Impact means the big change we want at the end.")
    _answer(child, [("What is the project called?", "Our club")])
    child.expect_exact("First we say what is wrong now.")
    child.expect_exact("What is wrong now? Say it in your own words.")
    child.sendline("done")
    assert _finished(child) == 1


# --------------------------------------------------------------------------- scripted


def _script(tmp_path: Path, answers: list[str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["map", str(tmp_path / "m.toml"), *args], input="\n".join(answers) + "\n"
    )
    return result.exit_code, result.output


def test_a_script_on_standard_input_builds_the_map(tmp_path: Path) -> None:
    code, output = _script(tmp_path, [reply for _, reply in SESSION])
    assert code == 0, output
    assert "The map is complete" in output
    assert ct.validate(ct.load(tmp_path / "m.toml")).ok


def test_commands_list_show_rename_remove_back_and_done(tmp_path: Path) -> None:
    answers = [reply for _, reply in SESSION[:6]]  # up to O1
    answers += [
        "yes",
        "list",
        "show O1",
        "rename O1",
        "A plan for every activity.",
        "remove I2",
        "back",  # the removal undone
        "help",
        "done",
    ]
    code, output = _script(tmp_path, answers)
    assert code == 1
    assert "1. O1 (project outcome): " + O2 in output  # list
    assert "O1 (project outcome): " + O2 in output and "leads to I1" in output  # show
    assert "O1 now says: A plan for every activity." in output  # rename
    assert "Took I2 out of the map." in output and "Undone" in output  # remove, back
    assert "rename ID      new words for a statement" in output  # help
    toc = ct.load(tmp_path / "m.toml")
    assert toc.outcome("O1").statement == "A plan for every activity."
    assert [i.id for i in toc.impacts()] == ["I1", "I2"]


def test_the_answers_running_out_stops_with_findings(tmp_path: Path) -> None:
    code, output = _script(tmp_path, [reply for _, reply in SESSION[:5]])
    assert code == 1
    assert "[impact-not-reached]" in output  # in the words of coprod-toc validate
    assert "Run the same command to go on" in output


def test_each_answer_is_a_new_version_in_a_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'maps.db'}"
    code, _ = _script(
        tmp_path, [reply for _, reply in SESSION], "--store", url, "--name", "day-centre"
    )
    assert code == 0
    with ct.open_store(url) as store:
        # One version per answer that changed the map: the name, the problem, who it
        # affects, the two impacts, two outcomes, two activities and one's rung, and two
        # links made by number.
        assert len(store.history("day-centre")) == 12
        assert store.load("day-centre") == ct.load(tmp_path / "m.toml")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--store", "memory://"), "give --store and --name together"),
        (("--store", "nope://x", "--name", "m"), "nope"),
    ],
)
def test_bad_options_are_exit_2(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    code, output = _script(tmp_path, [], *args)
    assert code == 2 and message in output


def test_an_unreadable_map_or_a_new_file_not_toml_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "m.toml").write_text("title = [", "utf-8")
    assert _script(tmp_path, [])[0] == 2
    result = CliRunner().invoke(main, ["map", str(tmp_path / "new.json")], input="X\n")
    assert result.exit_code == 2 and "give a .toml name" in result.output


def test_the_recorded_session_in_the_docs_is_what_a_session_prints(tmp_path: Path) -> None:
    """docs/cli.md shows a session as a terminal shows it today."""
    child = _spawn("map", "day-centre.toml", cwd=tmp_path)
    child.logfile_read = transcript = _Transcript()
    _answer(child, SESSION)
    assert _finished(child) == 0
    path = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
    page = path.read_text("utf-8")
    head, rest = page.split("$ coprod-toc map day-centre.toml\n", 1)
    recorded, tail = rest.split("```", 1)
    fresh = transcript.text().rstrip("\n") + "\n"
    if os.environ.get("COPROD_TOC_REGEN_DOCS") == "1":
        path.write_text(f"{head}$ coprod-toc map day-centre.toml\n{fresh}```{tail}", "utf-8")
    assert fresh == recorded, "docs/cli.md is stale: rerun with COPROD_TOC_REGEN_DOCS=1"


class _Transcript:
    """What a terminal shows, as text: pexpect writes it here as it reads it."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def flush(self) -> None:
        pass

    def text(self) -> str:
        return "".join(self.parts).replace("\r\n", "\n").replace("\r", "")


# --------------------------------------------------------------------------- hostile answers


def _until_outcomes() -> list[str]:
    return [reply for _, reply in SESSION[:5]]


def test_a_number_already_linked_is_said_not_a_crash(tmp_path: Path) -> None:
    code, output = _script(tmp_path, [*_until_outcomes(), O2, "yes", "1", "done"])
    assert code == 1 and "Traceback" not in output
    assert "O1 already leads to I1." in output


def test_control_characters_and_odd_digits_are_asked_again(tmp_path: Path) -> None:
    answers = ["T", "A\x01B", "A problem.", "", "I one", "I two", "²", "Out A", "yes", "done"]
    code, output = _script(tmp_path, answers)
    assert code == 1 and "Traceback" not in output
    assert "cannot be kept (a control character)" in output
    assert ct.load(tmp_path / "m.toml").outcome("O1").statement == "²"  # words, not a number


def test_removing_what_is_being_asked_about_moves_on(tmp_path: Path) -> None:
    """With the impact being asked about gone, the map needs a project impact again: that
    is asked next."""
    code, output = _script(tmp_path, [*_until_outcomes(), "remove I1", "A new impact.", "done"])
    assert code == 1 and "Traceback" not in output
    assert "Took I1 out of the map." in output
    toc = ct.load(tmp_path / "m.toml")
    assert [i.statement for i in toc.impacts()] == [I2, "A new impact."]


def test_links_that_go_round_are_refused_and_a_link_can_be_taken_out(tmp_path: Path) -> None:
    answers = [reply for _, reply in SESSION[:-1]]
    answers += ["O1 O2", "O2 O1", "unlink O1 O2", "", ""]
    code, output = _script(tmp_path, answers)
    assert "O1 now leads to O2." in output
    assert "O2 cannot lead to O1" in output
    assert "O1 no longer leads to O2." in output
    assert code == 0, output
    assert not ct.load(tmp_path / "m.toml").has_link("O1", "O2")


def test_the_statement_typed_is_kept_before_its_follow_up_question(tmp_path: Path) -> None:
    code, _ = _script(tmp_path, [*_until_outcomes(), O2])  # the answers end at "achievement?"
    assert code == 1
    assert ct.load(tmp_path / "m.toml").outcome("O1").statement == O2


def test_back_at_the_follow_up_question_takes_back_that_statement(tmp_path: Path) -> None:
    code, _ = _script(tmp_path, [*_until_outcomes(), O2, "back", "done"])
    assert code == 1
    toc = ct.load(tmp_path / "m.toml")
    assert not toc.outcomes() and len(toc.impacts()) == 2


def test_a_map_file_changed_by_someone_else_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    child = _spawn("map", "m.toml", cwd=tmp_path)
    _answer(child, SESSION[:2])
    child.expect_exact("Who is affected")
    other = ct.load(path)
    other.title = "Someone else's"
    ct.dump(other, path)
    child.expect_exact("> ")
    child.sendline("families")
    child.expect_exact("was changed by someone else")
    assert _finished(child) == 2
    assert ct.load(path).title == "Someone else's"


def test_a_file_older_than_the_store_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'maps.db'}"
    ct.dump(ct.TheoryOfChange(title="Old"), tmp_path / "m.toml")
    with ct.open_store(url) as store:
        store.save("cafe", ct.TheoryOfChange(title="Newer"))
    code, output = _script(tmp_path, [], "--store", url, "--name", "cafe")
    assert code == 2 and "differ" in output


def test_a_store_map_goes_on_when_there_is_no_file_yet(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'maps.db'}"
    with ct.open_store(url) as store:
        store.save("cafe", ct.TheoryOfChange(title="From the store"))
    code, output = _script(tmp_path, ["A problem.", "done"], "--store", url, "--name", "cafe")
    assert code == 1, output
    assert ct.load(tmp_path / "m.toml").title == "From the store"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--store", "memory://", "--name", "../x"), "cannot name a map"),
        (("--store", "memory://", "--name", ""), "cannot name a map"),
    ],
)
def test_a_bad_name_is_refused_before_anything_is_asked(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    code, output = _script(tmp_path, ["T"], *args)
    assert code == 2 and message in output and "What is the project called?" not in output


def test_a_new_file_in_a_missing_folder_is_refused_at_once(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["map", str(tmp_path / "no" / "m.toml")], input="T\n")
    assert result.exit_code == 2 and "does not exist" in result.output


def test_a_link_to_a_map_file_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.toml"
    ct.dump(ct.TheoryOfChange(title="Real"), real)
    (tmp_path / "m.toml").symlink_to(real)
    _script(tmp_path, ["A problem.", "done"])
    assert (tmp_path / "m.toml").is_symlink()
    assert ct.load(real).problem is not None


def test_ctrl_c_on_a_complete_map_is_exit_0(tmp_path: Path) -> None:
    _script(tmp_path, [reply for _, reply in SESSION])
    child = _spawn("map", "m.toml", cwd=tmp_path)
    child.expect_exact("Does anything else lead")
    child.sendintr()
    assert _finished(child) == 0


def test_ctrl_c_at_the_first_question_makes_nothing(tmp_path: Path) -> None:
    child = _spawn("map", "m.toml", cwd=tmp_path)
    child.expect_exact("What is the project called?")
    child.sendintr()
    child.expect_exact("Nothing was saved")
    assert _finished(child) == 1
    assert not (tmp_path / "m.toml").exists()
