"""``coprod-toc map``: backwards mapping as a conversation in the terminal.

SCIE's steps in order — the problem, the two impacts, the outcomes towards each impact, the
activities behind each outcome, what else links to what — asking the library's own guiding
questions (:data:`coprod_toc.STEPS`), in plain or easy-read words. Which question comes next
is read off the map itself, so a session stopped anywhere (Ctrl-C, a closed terminal) goes
on where it stopped: the map is saved after every answer.

Output is plain lines in reading order: no colour, no cursor movement, so it works with a
screen reader and with ``TERM=dumb``. When standard input is not a terminal, answers are
read from it line by line, so a session can be scripted.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import attrs
import click
import networkx as nx

import coprod_toc as ct
from coprod_toc.analysis.mapping import STEPS, MappingStep, Step
from coprod_toc.analysis.validation import Finding
from coprod_toc.backends.renderers._view import visible
from coprod_toc.cli_common import EXIT_BAD_INPUT, EXIT_FINDINGS, validation_text
from coprod_toc.model import Activity, Kind, Node, NodeType

if TYPE_CHECKING:
    from coprod_toc.storage import Store

__all__ = ["WORDS", "Walkthrough", "map_command"]

_PROBLEM, _IMPACTS, _OUTCOMES, _ACTIVITIES, _REVIEW = STEPS

#: What the walk-through says, in plain words (the library's guiding questions) and in easy
#: read (short sentences, one idea each; the hard words are in the word list it starts with).
WORDS: dict[str, tuple[str, str]] = {
    "welcome": (
        "Backwards mapping, step by step. Type help at any question for what you can do.",
        "We will make our plan one step at a time. Type help if you need it.",
    ),
    "title": ("What is the project called?", "What is the project called?"),
    "problem": (_PROBLEM.questions[0], "What is wrong now? Say it in your own words."),
    "affected": (
        "Who is affected by it? (groups of people, separated by commas; Enter to skip)",
        "Who does it affect? Press Enter to skip.",
    ),
    "project-impact": (_IMPACTS.questions[0], "What big change should the project make?"),
    "coproduction-impact": (
        _IMPACTS.questions[1],
        "What big change comes from working together?",
    ),
    "towards": ("Outcomes towards {id}: {text}", "Now think about this impact: {text}"),
    "project-outcome": (
        "A project outcome that must come first (Enter when there are no more; or the "
        "number of an outcome already in the map):",
        "What must change first? Say one change. Press Enter when you have no more.",
    ),
    "coproduction-outcome": (
        "A co-production outcome that must come first (Enter when there are no more; or "
        "the number of an outcome already in the map):",
        "What change comes from working together? Say one change. Press Enter when you "
        "have no more.",
    ),
    "achievement": (
        "Can this change be seen in the short term, as an achievement? (yes or no)",
        "Will we see this change soon? Say yes or no.",
    ),
    "behind": ("Activities for {id}: {text}", "Now think about this change: {text}"),
    "project-activity": (
        "A project activity that brings it about (Enter when there are no more; or the "
        "number of an activity already in the map):",
        "What will the project do? Say one thing. Press Enter when you have no more.",
    ),
    "coproduction-activity": (
        "A co-production activity, done with people who draw on care (Enter when there are "
        "no more; or the number of an activity already in the map):",
        "What will we do together? Say one thing. Press Enter when you have no more.",
    ),
    "rung": (
        "How far up the ladder of co-production does it go? 1 (coercion) to 7 "
        "(co-production); Enter to skip",
        "How much do people share the power? Say a number from 1 to 7. Press Enter to skip.",
    ),
    "links": (
        "Does anything else lead to an outcome? Two ids, FROM TO: an activity or outcome, "
        "then the outcome it leads to, like A2 O1 (Enter when done):",
        "Does one thing lead to another? Say two names, like A2 O1. Press Enter when you "
        "have no more.",
    ),
    "nothing-behind": (
        "An outcome needs at least one activity behind it: give one, or type remove {id} "
        "to take the outcome out.",
        "This change needs something we do. Say one thing we will do.",
    ),
    "already-linked": ("{source} already leads to {target}.", "We have that link already."),
    "circle": (
        "{source} cannot lead to {target}: {target} already leads to {source}, and links "
        "cannot go round in a circle.",
        "That link would go round in a circle. Choose another.",
    ),
    "linked": ("{source} now leads to {target}.", "Done. {source} now leads to {target}."),
    "not-kept": (
        "That answer holds a character that cannot be kept (a control character): please "
        "type it again.",
        "We cannot keep that answer. Please type it again.",
    ),
    "which": (
        "Say which: {command} ID (type list to see the ids).",
        "Say which one. Type list to see them.",
    ),
    "say-something": (
        "Please write an answer, or type help.",
        "Please say something. You can also type help.",
    ),
    "no-such-number": (
        "There is no number {number}: choose from 1 to {count}, or write new words.",
        "There is no number {number}. Choose a number from 1 to {count}.",
    ),
    "nothing-numbered": (
        "There is nothing to choose by number yet: write the words.",
        "There is nothing to choose yet. Say it in words.",
    ),
    "twice": (
        "{id} already says that: give other words, or its number.",
        "We have that one already. It is {id}. Say something new.",
    ),
    "yes-or-no": ("Please answer yes or no.", "Please say yes or no."),
    "rung-range": ("Please give a number from 1 to 7, or press Enter.", "Please say 1 to 7."),
    "two-ids": (
        "Please give two ids from the list, FROM TO (like A2 O1), or press Enter.",
        "Please say two names from the list. Say them like this: A2 O1.",
    ),
    "saved": (
        "Saved. Run the same command to go on where you stopped.",
        "We saved your plan. Run the same command to go on.",
    ),
}

#: Each step's title and guidance in easy words (the plain ones are in ``STEPS``).
EASY_STEPS: dict[Step, str] = {
    Step.PROBLEM: "First we say what is wrong now.",
    Step.IMPACTS: "Next we say the big changes we want. Impact means the big change.",
    Step.OUTCOMES: "Next we say the changes that must come first. They are outcomes.",
    Step.ACTIVITIES: "Next we say what we will do for each change.",
    Step.REVIEW: "Last we check how things link up.",
}

#: The easy-read word list the walk-through starts with.
EASY_WORD_LIST = (
    "Word list.",
    "Impact means the big change we want at the end.",
    "An outcome is a change on the way to the impact.",
    "An achievement is a change that comes soon.",
    "Co-production means people work together as equals.",
)

HELP = """\
At any question you can type:
  back           undo your last answer
  list           every statement so far, with its id and number
  show ID        one statement and what it links to (show O2)
  rename ID      new words for a statement
  remove ID      take a statement out
  unlink ID ID   take out a link (unlink A2 O1)
  help           this list, and the step's guiding questions
  done           stop here: the map is saved, and the report written beside it
Press Enter on an empty line to finish a list."""


class _Stop(Exception):
    """The person typed done, or the answers ran out."""


class _Back(Exception):
    """The person typed back: undo the last change."""


class _Again(Exception):
    """The map changed under the question (a statement removed): work out what to ask."""


@attrs.define
class Walkthrough:
    """One session of backwards mapping over ``toc``. ``read`` gives the next line typed (or
    ``None`` when there are no more), ``say`` shows a line, ``save`` keeps the map."""

    toc: ct.TheoryOfChange
    read: Callable[[str], str | None]
    say: Callable[[str], None]
    save: Callable[[ct.TheoryOfChange], None]
    easy: bool = False
    #: The map before each change made in this session, for ``back``.
    _undo: list[ct.TheoryOfChange] = attrs.field(factory=list)
    _links_offered: bool = False
    _step_shown: Step | None = None
    _last_said: Finding | None = None

    # ------------------------------------------------------------------ words

    def words(self, key: str, **values: object) -> str:
        return WORDS[key][1 if self.easy else 0].format(**values)

    # ------------------------------------------------------------------ the session

    def run(self, *, new: bool = False) -> bool:
        """Walk through the steps until the map is complete or the person stops; returns
        whether they stopped before the end (done, or no more answers). A ``new`` map is
        first given its project's name."""
        self.say(self.words("welcome"))
        if self.easy:
            self.say("\n".join(EASY_WORD_LIST))
        while new:
            try:
                title = self.ask(self.words("title"))
            except _Stop:
                return True
            except (_Back, _Again):
                self.say("There is nothing to undo in this session.")
                continue
            assert title is not None
            self.toc.title = title
            self.save(self.toc)
            new = False
        while True:
            try:
                self._say_what_next()
                if not self._next():
                    return False
            except _Back:
                self._go_back()
            except _Again:
                continue
            except _Stop:
                return True

    def _next(self) -> bool:
        """Ask what the map needs next; False when nothing is left to ask."""
        toc = self.toc
        if toc.problem is None:
            return self._ask_problem()
        for kind in (Kind.PROJECT, Kind.COPRODUCTION):
            if not toc.impacts(kind):
                return self._ask_impact(kind)
        for impact in toc.impacts():
            reaching = [
                toc.get(n) for n in toc.predecessors(impact.id)
                if toc.get(n).node_type is NodeType.OUTCOME
            ]  # fmt: skip
            if not reaching:
                return self._ask_outcomes(impact.id, (Kind.PROJECT, Kind.COPRODUCTION))
            if impact.kind is Kind.COPRODUCTION and not self._coproduction_outcome_reaches(
                impact.id
            ):
                return self._ask_outcomes(impact.id, (Kind.COPRODUCTION,))
        for outcome in toc.outcomes():
            if not toc.activities_for(outcome.id):
                return self._ask_activities(outcome.id)
        if not self._links_offered:
            self._links_offered = True
            self._step(_REVIEW)
            self._ask_links()
            return True
        return False

    def _coproduction_outcome_reaches(self, impact_id: str) -> bool:
        toc = self.toc
        return any(
            toc.get(n).node_type is NodeType.OUTCOME
            and getattr(toc.get(n), "kind", None) is Kind.COPRODUCTION
            for n in nx.ancestors(toc.graph, impact_id)
        )

    def _step(self, step: MappingStep) -> None:
        """Name the step when the session reaches it, with its guidance."""
        if self._step_shown is step.step:
            return
        self._step_shown = step.step
        self.say("")
        if self.easy:
            self.say(EASY_STEPS[step.step])
        else:
            self.say(f"Step: {step.title}. {step.guidance}")

    # ------------------------------------------------------------------ each step

    def _ask_problem(self) -> bool:
        self._step(_PROBLEM)
        statement = self.ask(self.words("problem"))
        assert statement is not None
        self.change(lambda toc: toc.set_problem(statement))
        affected = self.ask(self.words("affected"), required=False)
        if affected:
            groups = [g.strip() for g in affected.split(",") if g.strip()]
            problem = self.toc.problem
            assert problem is not None
            problem_id = problem.id
            self.change(lambda toc: toc.update(problem_id, affected_groups=groups))
        return True

    def _ask_impact(self, kind: Kind) -> bool:
        self._step(_IMPACTS)
        key = "project-impact" if kind is Kind.PROJECT else "coproduction-impact"
        statement = self.ask(self.words(key), duplicates_of=NodeType.IMPACT)
        assert statement is not None
        self.change(lambda toc: toc.add_impact(statement, kind=kind))
        return True

    def _ask_outcomes(self, impact_id: str, kinds: tuple[Kind, ...]) -> bool:
        self._step(_OUTCOMES)
        impact = self.toc.get(impact_id)
        self.say("")
        self.say(self.words("towards", id=impact_id, text=impact.text))
        self._offer(NodeType.OUTCOME)
        added = 0
        for kind in kinds:
            key = "project-outcome" if kind is Kind.PROJECT else "coproduction-outcome"
            while True:
                # At least one outcome: the last list asks again if both were left empty.
                needed = added == 0 and kind is kinds[-1]
                answer = self._numbered(self.words(key), NodeType.OUTCOME, required=needed)
                if answer is None:
                    break
                if answer in self.toc:  # an outcome already in the map, by its number
                    if self._link(answer, impact_id):
                        added += 1
                    continue
                # Kept at once, so nothing typed is lost; the horizon is asked after.
                made = self.change(
                    partial(
                        ct.TheoryOfChange.add_outcome,
                        statement=answer,
                        kind=kind,
                        horizon="short",
                        leads_to=[impact_id],
                    )
                )
                if not self.ask_yes_no(self.words("achievement")):
                    self.change(partial(ct.TheoryOfChange.update, node_id=made, horizon="long"))
                added += 1
        return True

    def _ask_activities(self, outcome_id: str) -> bool:
        self._step(_ACTIVITIES)
        outcome = self.toc.get(outcome_id)
        self.say("")
        self.say(self.words("behind", id=outcome_id, text=outcome.text))
        self._offer(NodeType.ACTIVITY)
        added = 0
        for kind in (Kind.PROJECT, Kind.COPRODUCTION):
            key = "project-activity" if kind is Kind.PROJECT else "coproduction-activity"
            while True:
                answer = self._numbered(self.words(key), NodeType.ACTIVITY, required=False)
                if answer is None:
                    break
                if answer in self.toc:
                    if self._link(answer, outcome_id):
                        added += 1
                    continue
                made = self.change(
                    partial(
                        ct.TheoryOfChange.add_activity,
                        description=answer,
                        kind=kind,
                        contributes_to=[outcome_id],
                    )
                )
                rung = self._ask_rung() if kind is Kind.COPRODUCTION else None
                if rung is not None:
                    self.change(partial(ct.TheoryOfChange.update, node_id=made, ladder_rung=rung))
                added += 1
        if not added:  # nothing for this outcome: say what is missing, and ask again
            self.say(self.words("nothing-behind", id=outcome_id))
        return True

    def _link(self, source: str, target: str) -> bool:
        """Link two statements already in the map, unless the link is there or would go
        round in a circle (said, and nothing changed)."""
        if self.toc.has_link(source, target):
            self.say(self.words("already-linked", source=source, target=target))
            return False
        if source == target or nx.has_path(self.toc.graph, target, source):
            self.say(self.words("circle", source=source, target=target))
            return False
        if self.change(partial(ct.TheoryOfChange.link, source=source, target=target)) is None:
            return False
        self.say(self.words("linked", source=source, target=target))
        return True

    def _ask_rung(self) -> int | None:
        while True:
            answer = self.ask(self.words("rung"), required=False)
            if answer is None:
                return None
            if answer in ("1", "2", "3", "4", "5", "6", "7"):
                return int(answer)
            self.say(self.words("rung-range"))

    def _ask_links(self) -> None:
        self._show_list()
        while True:
            answer = self.ask(self.words("links"), required=False)
            if answer is None:
                return
            parts = [self._id_of(part) for part in answer.replace(",", " ").split()]
            if len(parts) != 2 or not all(parts):
                self.say(self.words("two-ids"))
                continue
            source, target = parts
            assert source is not None and target is not None
            self._link(source, target)

    def _id_of(self, text: str) -> str | None:
        """A statement's id as typed (``o2`` for ``O2``), if the map has it."""
        for candidate in (text, text.upper()):
            if candidate in self.toc:
                return candidate
        return None

    # ------------------------------------------------------------------ asking

    def ask(
        self,
        question: str,
        *,
        required: bool = True,
        duplicates_of: NodeType | None = None,
        numbers: list[str] | None = None,
    ) -> str | None:
        """Ask until the answer is usable: commands are carried out and the question asked
        again; an empty answer is ``None`` unless one is required; with ``numbers``, a
        number picks one of them (its id is returned)."""
        while True:
            line = self.read(question)
            if line is None:
                raise _Stop
            answer = " ".join(line.replace("\ufeff", "").split())
            if any(unicodedata.category(char) in ("Cc", "Cs") for char in answer):
                self.say(self.words("not-kept"))
                continue
            if not answer:
                if required:
                    self.say(self.words("say-something"))
                    continue
                return None
            if self._command(answer):
                continue
            if numbers is not None and answer.isascii() and answer.isdigit():
                number = int(answer[-12:]) if len(answer) > 12 else int(answer)
                if 1 <= number <= len(numbers):
                    return numbers[number - 1]
                key = "no-such-number" if numbers else "nothing-numbered"
                self.say(self.words(key, number=number, count=len(numbers)))
                continue
            if duplicates_of is not None:
                same = self._same_words(answer, duplicates_of)
                if same is not None:
                    self.say(self.words("twice", id=same))
                    continue
            return answer

    def ask_yes_no(self, question: str) -> bool:
        while True:
            answer = self.ask(question)
            assert answer is not None
            word = answer.lower()
            if word in ("y", "yes"):
                return True
            if word in ("n", "no"):
                return False
            self.say(self.words("yes-or-no"))

    def _numbered(self, question: str, kind: NodeType, *, required: bool) -> str | None:
        """A new statement of ``kind``, or one already in the map by its number (new ones
        join the end, so numbers never move during a list)."""
        existing = self._of_kind(kind)
        return self.ask(question, required=required, duplicates_of=kind, numbers=existing)

    def _of_kind(self, kind: NodeType) -> list[str]:
        return [n.id for n in self.toc.nodes() if n.node_type is kind]

    def _offer(self, kind: NodeType) -> None:
        """The statements of ``kind`` already in the map, by number, to link by number."""
        for number, node_id in enumerate(self._of_kind(kind), start=1):
            self.say(f"  {number}. {node_id}: {self.toc.get(node_id).text}")

    def _same_words(self, answer: str, kind: NodeType) -> str | None:
        wanted = answer.casefold()
        for node in self.toc.nodes():
            if node.node_type is kind and " ".join(node.text.split()).casefold() == wanted:
                return node.id
        return None

    # ------------------------------------------------------------------ commands

    def _command(self, answer: str) -> bool:
        """Carry out a command typed at a question; False when the answer is not one."""
        word, _, rest = answer.partition(" ")
        word, rest = word.lower(), rest.strip()
        if not rest:
            if word == "back":
                raise _Back
            if word == "done":
                raise _Stop
            if word == "help":
                self._help()
                return True
            if word == "list":
                self._show_list()
                return True
            if word in ("show", "rename", "remove", "unlink"):
                self.say(self.words("which", command=word))
                return True
        if word in ("show", "rename", "remove") and rest and " " not in rest:
            node_id = self._id_of(rest)
            if node_id is None:
                self.say(f"There is no {rest} in the map. Type list to see them.")
                return True
            getattr(self, f"_{word}")(node_id)
            return True
        if word == "unlink" and len(rest.split()) == 2:
            source, target = (self._id_of(part) for part in rest.split())
            if source is None or target is None or not self.toc.has_link(source, target):
                self.say(f"There is no link {rest} in the map. Type show ID to see its links.")
                return True
            self.change(partial(ct.TheoryOfChange.unlink, source=source, target=target))
            self.say(f"{source} no longer leads to {target}.")
            raise _Again
        return False

    def _help(self) -> None:
        self.say(HELP)
        step = ct.next_step(self.toc).step
        self.say(f"Step: {step.title}. {step.guidance}")
        for question in step.questions:
            self.say(f"  - {question}")

    def _show_list(self) -> None:
        """Every statement by its id; outcomes and activities also by the number the
        questions offer them under."""
        if not len(self.toc):
            self.say("Nothing in the map yet.")
        for node in self.toc.nodes():
            if node.node_type in (NodeType.PROBLEM, NodeType.IMPACT):
                self.say(f"  {node.id} ({_what(node)}): {node.text}")
        for kind in (NodeType.OUTCOME, NodeType.ACTIVITY):
            for number, node_id in enumerate(self._of_kind(kind), start=1):
                node = self.toc.get(node_id)
                self.say(f"  {number}. {node_id} ({_what(node)}): {node.text}")

    def _show(self, node_id: str) -> None:
        node = self.toc.get(node_id)
        self.say(f"{node_id} ({_what(node)}): {node.text}")
        for target in self.toc.successors(node_id):
            self.say(f"  leads to {target}: {self.toc.get(target).text}")
        for source in self.toc.predecessors(node_id):
            self.say(f"  comes from {source}: {self.toc.get(source).text}")

    def _rename(self, node_id: str) -> None:
        kind = self.toc.get(node_id).node_type
        text = self.ask(f"New words for {node_id}:", duplicates_of=kind)
        field = "description" if isinstance(self.toc.get(node_id), Activity) else "statement"

        def edit(toc: ct.TheoryOfChange) -> object:
            return toc.update(node_id, **{field: text})

        self.change(edit)
        self.say(f"{node_id} now says: {text}")

    def _remove(self, node_id: str) -> None:
        self.change(partial(ct.TheoryOfChange.remove, node_id=node_id))
        self.say(f"Took {node_id} out of the map.")
        raise _Again  # what is asked next may have been about it

    # ------------------------------------------------------------------ changing the map

    def change(self, edit: Callable[[ct.TheoryOfChange], Any]) -> Any:
        """Make one change and save the map: what ``back`` undoes. A change the map
        refuses is said, and nothing changes (``None`` is returned)."""
        before = self.toc.copy()
        try:
            made = edit(self.toc)
        except ct.CoprodTocError as exc:
            self.toc = before
            self.say(str(exc))
            return None
        self._undo.append(before)
        self.save(self.toc)
        return made

    def _go_back(self) -> None:
        self._links_offered = False  # the review comes again, whatever was undone
        if not self._undo:
            self.say("There is nothing to undo in this session.")
            return
        self.toc = self._undo.pop()
        self.save(self.toc)
        self.say("Undone: the map is as it was before your last answer.")

    def _say_what_next(self) -> None:
        """What the map still needs, in the words of coprod-toc validate (in easy words,
        the step it belongs to): said before each question when it has changed."""
        upcoming = ct.next_step(self.toc)
        first = upcoming.findings[0] if upcoming.findings else None
        if first == self._last_said:
            return
        self._last_said = first
        if first is None or upcoming.step.step is not self._step_shown:
            return  # a new step: its heading says what comes next
        if self.easy:
            self.say(f"Still to do. {EASY_STEPS[upcoming.step.step]}")
            return
        more = len(upcoming.findings) - 1
        tail = f" (and {more} more)" if more else ""
        self.say(f"Still to do: {first.message} [{first.code}]{tail}")


def _what(node: Node) -> str:
    kind = getattr(node, "kind", None)
    kind_words = {Kind.PROJECT: "project ", Kind.COPRODUCTION: "co-production "}
    return f"{kind_words.get(kind, '')}{node.node_type.value}"  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the command


def _reader() -> Callable[[str], str | None]:
    """Lines from the terminal, or from standard input when it is not one."""

    def read(question: str) -> str | None:
        click.echo(f"{question}\n> ", nl=False)
        line = sys.stdin.readline()
        if not line:
            click.echo("")
            return None
        if not sys.stdin.isatty():  # a script's answers: show them, as a terminal would
            click.echo(visible(line.rstrip("\n")))
        return line.rstrip("\n")

    return read


@click.command("map")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--store", "url", metavar="URL", default=None, help="Also keep each answer as a "
              "new version in this store (with --name).")  # fmt: skip
@click.option("--name", default=None, help="The map's name in the store.")
@click.option("--easy-read", is_flag=True, help="Ask in easy-read words.")
def map_command(file: str, url: str | None, name: str | None, easy_read: bool) -> None:
    """Build a map by backwards mapping, step by step: the problem, the impacts, the
    outcomes towards each, the activities behind each outcome, and what links to what.

    FILE (TOML) is saved after every answer, and the same command goes on where a session
    stopped. Commands at any question: back, list, show ID, rename ID, remove ID,
    unlink ID ID, help, done. Exits 0 when the map is complete and valid, 1 when you stop
    with things left to do, 2 for bad input.
    """
    path = _map_path(file)
    if (url is None) != (name is None):
        _bad("give --store and --name together")
    store = None
    if url is not None and name is not None:
        from coprod_toc.storage.store import check_map_name

        try:
            check_map_name(name)
            store = ct.open_store(url)
        except ct.CoprodTocError as exc:
            _bad(str(exc))
    try:
        toc, new = _starting_map(path, store, name)
        keeper = _Keeper(path, store, name, path.read_bytes() if path.exists() else None)
        walk = Walkthrough(toc, _reader(), click.echo, keeper.save, easy=easy_read)
        try:
            stopped = walk.run(new=new)
        except KeyboardInterrupt:
            stopped = True
            click.echo("")
        _finish(walk.toc, path, stopped, walk.words("saved"), keeper.saved)
    finally:
        if store is not None:
            store.close()


def _bad(message: str) -> NoReturn:
    click.echo(f"coprod-toc: {message}", err=True)
    sys.exit(EXIT_BAD_INPUT)


def _map_path(file: str) -> Path:
    """FILE, checked before anything is asked: a regular file (a link is followed to it) or
    a new .toml name in a folder that exists."""
    try:
        path = Path(file).resolve() if Path(file).is_symlink() else Path(file)
        if path.exists() and not path.is_file():
            _bad(f"{file} is not a regular file")
        if not path.exists():
            if path.suffix.lower() != ".toml":
                _bad(f"{file} is new: give a .toml name for the map")
            if not path.parent.is_dir():
                _bad(f"{file}: the folder {str(path.parent)!r} does not exist")
    except OSError as exc:
        _bad(f"cannot use {file}: {exc.strerror or exc}")
    return path


@attrs.define
class _Keeper:
    """Saves the map after every answer: FILE through the TOML writer, and a version in the
    store. Refuses to overwrite a FILE or store version someone else saved meanwhile."""

    path: Path
    store: Store | None
    name: str | None
    written: bytes | None
    version: int | None = None
    saved: bool = False

    def save(self, toc: ct.TheoryOfChange) -> None:
        try:
            now = self.path.read_bytes() if self.path.exists() else None
            if now != self.written:
                _bad(
                    f"{self.path} was changed by someone else during this session: nothing "
                    "more was saved. Run the command again to go on from their version"
                )
            ct.dump(toc, self.path)
            self.written = self.path.read_bytes()
            if self.store is not None and self.name is not None:
                if self.version is None:
                    self.version = _latest(self.store, self.name)
                self.version = self.store.save(
                    self.name, toc, expected_version=self.version, message="coprod-toc map",
                    if_changed=True,
                )  # fmt: skip
            self.saved = True
        except ct.ConflictError:
            _bad(
                f"{self.name!r} was saved in the store by someone else during this session: "
                "nothing more was saved there"
            )
        except (ct.CoprodTocError, OSError) as exc:
            _bad(f"cannot save the map: {exc}")


def _latest(store: Store, name: str) -> int:
    try:
        return store.history(name)[-1].version
    except ct.MapNotFoundError:
        return 0


def _starting_map(
    path: Path, store: Store | None, name: str | None
) -> tuple[ct.TheoryOfChange, bool]:
    """The map to go on with (the file's, else the store's latest, else a new one), and
    whether it is new (it has no name yet)."""
    stored = None
    if store is not None and name is not None:
        try:
            stored = store.load(name)
        except ct.MapNotFoundError:
            stored = None
        except ct.CoprodTocError as exc:
            _bad(str(exc))
    if path.exists():
        try:
            toc = ct.load(path)
        except (ct.CoprodTocError, OSError) as exc:
            _bad(f"cannot read {path}: {exc}")
        if stored is not None and stored != toc:
            _bad(
                f"{path} and the store's {name!r} differ: move {path} aside to go on from "
                f"the store, or save it there first (coprod-toc store save {name} {path})"
            )
        return toc, False
    if stored is not None:
        return stored, False
    return ct.TheoryOfChange(title="Untitled map"), True


def _finish(toc: ct.TheoryOfChange, path: Path, stopped: bool, saved: str, any_saved: bool) -> None:
    report = ct.validate(toc)
    complete = report.ok and not ct.next_step(toc, report).findings
    if not any_saved and not path.exists():
        click.echo("Nothing was saved: the map has no name yet.")
        sys.exit(EXIT_FINDINGS)
    click.echo("")
    click.echo(validation_text(toc, report))
    if len(toc):
        try:
            written = ct.export(toc, "html", path.with_suffix(".html"))
            click.echo(f"The report is in {written}.")
        except (ct.CoprodTocError, OSError) as exc:
            click.echo(f"coprod-toc: the report could not be written: {exc}", err=True)
    if stopped and not complete:
        click.echo(saved)
    sys.exit(0 if complete else EXIT_FINDINGS)
