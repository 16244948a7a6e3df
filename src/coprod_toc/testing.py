"""The conformance kit: reusable pytest test classes for plugin authors.

Subclass the contract for your kind of backend in your own test suite, name the subclass
``Test…`` so pytest collects it, and say which backend to test::

    from coprod_toc.testing import ExporterContract

    class TestKumuExporter(ExporterContract):
        exporter_name = "kumu"

Every built-in backend passes these same classes. The kit needs pytest (``pip install
coprod-toc[test]``). The sample maps it uses are in :func:`sample_maps`.
"""

from __future__ import annotations

import json
import multiprocessing
import queue
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import attrs
import pytest

import coprod_toc as ct
from coprod_toc.api import analyse
from coprod_toc.errors import ErasedPersonError, GroupNotFoundError
from coprod_toc.evidence import (
    Benefit,
    ConsentRecord,
    EvidenceItem,
    LogbookEntry,
    MeasureAdministration,
    Participant,
)
from coprod_toc.group import GroupRecord
from coprod_toc.model import BreakdownItem
from coprod_toc.plugins import get_plugin_manager
from coprod_toc.storage import Store
from coprod_toc.surveys import SurveyTable

__all__ = [
    "HOSTILE_LABELS",
    "PERSONAL_ANSWERS",
    "PERSONAL_QUESTIONS",
    "ExporterContract",
    "GroupRendererContract",
    "MapImporterContract",
    "RendererContract",
    "StoreContract",
    "SurveyImporterContract",
    "check_concurrent_saves",
    "check_importer_privacy",
    "check_read_or_refused",
    "damaged_json",
    "hostile_map",
    "json_values",
    "sample_group",
    "sample_maps",
]

#: Labels that break naive writers: markup, quotes, formulas, line breaks, other scripts.
TRICKY_TEXT = (
    '<script>alert("x")</script> & "quotes" \'single\'',
    '=HYPERLINK("http://example.invalid") +1 -1 @SUM(A1)',
    "Line one\nline two\r\n\ttabbed | pipe [brackets] {braces} `ticks` # hash ; semi",
    "Ünïcödé — ✓ ☃ 中文 العربية 🙂",
    "x" * 2000,
)


#: Labels every renderer must show as text: markup and script for HTML and SVG, Mermaid and
#: DOT syntax, Markdown, formulas, quotes, line breaks, control and direction characters,
#: right-to-left scripts, emoji, and text far too long for a box.
HOSTILE_LABELS: tuple[str, ...] = (
    *TRICKY_TEXT,
    "<script>window.__coprod_toc_pwned = 1</script>",
    '<img src=x onerror="window.__coprod_toc_pwned = 1">',
    '<svg onload="window.__coprod_toc_pwned = 1"></svg>',
    "javascript:window.__coprod_toc_pwned = 1",
    '"><script>window.__coprod_toc_pwned = 1</script>',
    "</title></style></textarea><b>bold?</b>",
    "<!-- comment --> <![CDATA[ x ]]>",
    "&amp; &lt;b&gt; &#60;i&#62; &nbsp;",
    "{{ 7 * 7 }} {% if true %}template{% endif %} ${7*7}",
    'Tom\'s "quoted" `code` ``double``',
    "back\\slash \\n \\N \\G \\l \\r",
    "A --> B; C -.-> D; E ==> F",
    "end",
    "subgraph x\nend",
    'node["label"] --> other(["round"])',
    'click n1 callback "javascript:alert(1)"',
    "%%{init: {'theme': 'dark'}}%%",
    "classDef evil fill:#f00; class n1 evil",
    "A[text] B(text) C{text} D>text] E((text))",
    "#quot; #35; #9829; #lt;",
    'digraph { a -> b } ]; node [shape=none label="x"',
    "x [label=<<b>html</b>>]",
    "} subgraph cluster_evil { label=evil",
    "\\N is the node name, \\L left",
    "# Heading\n- list item\n1. numbered\n> quote",
    "**bold** _em_ [link](http://example.invalid) ![img](x.png)",
    "| col | col |\n|---|---|",
    "=1+1",
    "+SUM(1,2)",
    "-2+3",
    "@cmd",
    "\ttab\tseparated\tvalues",
    "carriage\rreturn",
    "\x7fdelete and \x85next line, the controls a text may hold",
    "\u202eright-to-left override\u202c and \u2066isolate\u2069",
    "שלום עולם — Hebrew",
    "مرحبا بالعالم",
    "👩‍👩‍👧‍👦 family, 🏳️‍🌈 flag, 🙂",
    "zero\u200bwidth\u200djoiner\ufeffbom",
    "Ｆｕｌｌｗｉｄｔｈ ＜script＞",
    "word " * 400,
    "supercalifragilistic" * 40,
)


def hostile_map() -> ct.TheoryOfChange:
    """A complete map whose every statement, rationale and the title is a hostile label."""
    labels = HOSTILE_LABELS
    toc = ct.TheoryOfChange(title=labels[0])
    toc.set_problem(labels[1], context=labels[2])
    impacts = [
        toc.add_impact(labels[3], kind="project"),
        toc.add_impact(labels[4], kind="coproduction"),
    ]
    rest = labels[5:]
    half = len(rest) // 2
    outcomes = []
    for index, label in enumerate(rest[:half]):
        kind = "coproduction" if index % 2 else "project"
        outcomes.append(toc.add_outcome(label, kind=kind, leads_to=[impacts[index % 2]]))
    for index, label in enumerate(rest[half:]):
        kind = "project" if index % 2 else "coproduction"
        activity = toc.add_activity(label, kind=kind, contributes_to=[outcomes[index % half]])
        toc.update_link(activity, outcomes[index % half], rationale=label, level=index % 5)
    return toc


def _evidence_of(*people: str) -> list[Any]:
    """Evidence records of several people: participant, consent, a benefit, a measure."""
    records: list[Any] = []
    for number, person in enumerate(people, start=1):
        records += [
            Participant(id=person, role="lived_experience", retain_until="2030-01-01"),
            ConsentRecord(
                participant=person,
                given_at="2026-01-14",
                purposes=["evaluation"],
                condition="explicit consent",
                retain_until="2030-01-01",
            ),
            Benefit(
                id=f"benefit-{number}",
                recipient="individual",
                domain="confidence",
                participant=person,
                answer="Very confident",
                score=4,
                retain_until="2030-01-01",
            ),
            MeasureAdministration(
                id=f"measure-{number}",
                participant=person,
                instrument="ucla3",
                timepoint="baseline",
                responses=[{"item": "companionship", "value": 2}],
                retain_until="2030-01-01",
            ),
        ]
    records.append(
        EvidenceItem(
            id="group-1",
            type="group_conversation",
            participants=people,
            nodes=["C1"],
            content="The group chose the activities.",
        )
    )
    return records


def sample_maps() -> dict[str, ct.TheoryOfChange]:
    """Maps every backend must handle: the worked example with every optional field set, an
    empty map, a map of hostile labels, and an incomplete map with a cycle."""
    full = ct.example("day-centre")
    full.external_ref = "host:project/1"
    full.update(
        "K4",
        ladder_rung=7,
        status="in_progress",
        start="2024-01-08",
        end="2024-06-28",
        participant_roles=["lived experience", "staff"],
        effort=12.5,
    )
    full.update(
        "C1",
        horizon="short",
        i_statement="I help decide what the day centre does.",
        indicators=[
            ct.Indicator(
                id="N1",
                description="Decisions made by the group",
                measure="unit",
                baseline=0,
                target=10,
                actuals=[ct.Actual(period="2024-Q1", value=4)],
            )
        ],
    )
    full.update_link("K4", "C1", level=4, rationale="The group decides.", evidence=["log-12"])
    full.add_assumption("People feel safe to speak in meetings.", ("K4", "C1"), type="enabler")

    tricky = ct.TheoryOfChange(title=TRICKY_TEXT[0])
    tricky.set_problem(TRICKY_TEXT[2], context=TRICKY_TEXT[3])
    impact = tricky.add_impact(TRICKY_TEXT[1], kind="coproduction")
    outcome = tricky.add_outcome(TRICKY_TEXT[3], kind="coproduction", leads_to=[impact])
    tricky.add_activity(TRICKY_TEXT[4], kind="project", contributes_to=[outcome])
    tricky.add_activity(TRICKY_TEXT[0], kind="coproduction", contributes_to=[outcome])
    tricky.update_link(tricky.activities()[1].id, outcome, rationale=TRICKY_TEXT[1])

    broken = ct.TheoryOfChange(title="Unfinished, with a loop")
    first = broken.add_outcome("First", kind="project")
    second = broken.add_outcome("Second", kind="coproduction", leads_to=[first])
    broken.link(first, second)
    broken.add_activity("Not linked yet", kind="coproduction", ladder_rung=2)

    return {
        "full": full,
        "empty": ct.TheoryOfChange(title="Empty"),
        "tricky": tricky,
        "broken": broken,
    }


SAMPLE_NAMES = sorted(sample_maps())


# --------------------------------------------------------------------------- storage


def sample_group() -> GroupRecord:
    """A co-production group's record over two years, with every kind of entry and the
    tricky labels in its free text: what the group-record contracts save and render."""
    # Why this is long: it is one group file, written out as a support lead would.
    from coprod_toc.group import loads_group

    tricky = json.dumps(TRICKY_TEXT[0])
    return loads_group(
        f"""
[group]
name = "Advisory group {TRICKY_TEXT[0].replace('"', "'")}"
lead = "Engagement lead"

[[members]]
code = "M01"
role = "lived_experience"
joined = 2022-01-10

[[members]]
code = "M02"
role = "unpaid_carer"
joined = 2022-01-10

[[members]]
code = "M03"
role = "lived_experience"
joined = 2023-02-01

[[engagements]]
date = 2022-03-01
kind = "meeting"
title = {tricky}
members = ["M01", "M02"]
paid = true
hours = 2
payment = 40

[[engagements]]
date = 2023-03-01
kind = "meeting"
title = {json.dumps('=HYPERLINK("http://x")')}
workstream = "Website"
members = ["M01", "M02", "M03"]
paid = true
hours = 2.5
payment = 50.0

[[engagements]]
date = 2023-06-01
kind = "workstream"
title = {json.dumps('Review | of "pages" [x]')}
workstream = "Website"
members = ["M03"]

[[feedback]]
id = "F1"
date = 2023-03-01
said = {tricky}
workstream = "Website"
did = "Changed the pages"
did_on = 2023-04-01
told_back_on = 2023-04-15
status = "adopted"

[[feedback]]
id = "F2"
date = 2023-05-01
said = "Pay on the day"
status = "declined"
reason = "Finance rules"
told_back_on = 2023-05-20

[[feedback]]
id = "F3"
date = 2023-09-01
said = "More meetings in the evening"

[[charter]]
version = 1
agreed_on = 2022-01-20
agreed_by = ["M01", "M02"]
review_on = 2024-01-20
knowns = ["Three meetings a year"]
unknowns = ["Where we meet"]
aspirations = [{tricky}]
commitments = [{{ what = "meeting", at_least = 3, per = "year" }}]

[report]
year = 2023
good_practice = ["Papers sent a week ahead"]
development = ["Evening meetings"]
priorities = ["Recruit two members"]
quotes = [{{ text = {tricky}, role = "Head of embedding" }}]
""",
        source="sample_group",
    )


class StoreContract:
    """What every storage backend must do. Set ``store_url``, or override the ``store``
    fixture to hand out a fresh, empty store per test (e.g. a new database schema).

    A store that keeps no group records (the base class's group methods) sets
    ``keeps_groups = False``: the contract then checks that each says so clearly."""

    store_url: ClassVar[str] = ""
    keeps_groups: ClassVar[bool] = True

    #: The tests that only a store keeping group records can pass.
    _GROUP_TESTS: ClassVar[tuple[str, ...]] = (
        "test_group_record_versions_load_back_equal",
        "test_groups_and_maps_are_kept_apart",
        "test_group_if_changed_and_conflicts",
        "test_missing_groups_and_versions_are_group_not_found",
        "test_bad_group_names_and_records_are_refused",
        "test_erasing_a_member_reaches_every_version",
        "test_delete_group_removes_every_version",
        "test_bad_group_arguments_are_store_errors",
    )

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.keeps_groups:  # not collected at all: they do not apply
            for name in cls._GROUP_TESTS:
                setattr(cls, name, None)

    @pytest.fixture
    def store(self) -> Iterator[Store]:
        with ct.open_store(self.store_url) as store:
            yield store

    def test_a_closed_store_refuses_every_call(self, store: Store) -> None:
        """After close() (safe to call twice), saving, loading and listing raise StoreError."""
        store.save("kept", sample_maps()["full"])
        store.close()
        store.close()
        for call in (
            lambda: store.save("kept", sample_maps()["full"]),
            lambda: store.load("kept"),
            store.list,
            lambda: store.history("kept"),
            store.list_groups,
            lambda: store.load_group("kept"),
        ):
            with pytest.raises(ct.StoreError, match="is closed"):
                call()

    @pytest.mark.parametrize("sample", SAMPLE_NAMES)
    def test_saved_map_loads_back_equal(self, store: Store, sample: str) -> None:
        """Every sample map survives save and load unchanged."""
        toc = sample_maps()[sample]
        assert store.save(sample, toc) == 1
        assert store.load(sample) == toc

    def test_evidence_is_kept_and_erasure_reaches_every_version(self, store: Store) -> None:
        """A map's evidence is stored with it; erasing a person rewrites every version that
        held them and leaves the others' evidence and the maps as they were."""
        toc = sample_maps()["full"]
        toc.evidence.extend(_evidence_of("R-0000000000000001", "R-0000000000000002"))
        store.save("map", toc)
        toc.update("O5", statement="Staff recruited and trained.")
        store.save("map", toc)
        assert store.load("map", version=1).evidence == toc.evidence
        assert store.erase_participant("R-0000000000000001") == 2
        for version in (1, 2):
            kept = store.load("map", version=version)
            assert "R-0000000000000001" not in ct.dumps(kept)
            assert [p.id for p in kept.evidence.participants] == ["R-0000000000000002"]
        assert store.load("map").get("O5").text == "Staff recruited and trained."
        assert store.erase_participant("R-0000000000000001") == 0

    def test_erasure_removes_link_references_to_what_went(self, store: Store) -> None:
        """After erasure through the store, no link in any version cites a record that went,
        and each version equals that version erased in memory."""
        toc = sample_maps()["full"]
        toc.evidence.extend(_evidence_of("R-0000000000000001", "R-0000000000000002"))
        toc.evidence.add(
            EvidenceItem(id="q-1", type="form_questionnaire", participants=["R-0000000000000001"])
        )
        source, target = next(iter(toc.graph.edges))
        toc.update_link(source, target, evidence=("q-1", "benefit-1", "benefit-2", "other"))
        store.save("map", toc)
        toc.update("O5", statement="Staff recruited and trained.")
        store.save("map", toc)
        expected = [store.load("map", version) for version in (1, 2)]
        for erased in expected:
            erased.erase_participant("R-0000000000000001")
        store.erase_participant("R-0000000000000001")
        for version, erased in enumerate(expected, start=1):
            loaded = store.load("map", version)
            assert loaded.get_link(source, target).evidence == ("benefit-2", "other")
            assert ct.dumps(loaded) == ct.dumps(erased), f"version {version}"

    def test_a_map_loaded_before_an_erasure_cannot_bring_the_person_back(
        self, store: Store
    ) -> None:
        """Saving a map that still holds an erased person is an ErasedPersonError and saves
        nothing; the map loaded again saves as usual."""
        toc = sample_maps()["full"]
        toc.evidence.extend(_evidence_of("R-0000000000000001", "R-0000000000000002"))
        store.save("map", toc)
        stale = store.load("map")
        assert store.erase_participant("R-0000000000000001") == 1
        stale.update("O5", statement="Staff recruited and trained.")
        with pytest.raises(ErasedPersonError) as caught:
            store.save("map", stale, expected_version=1)
        assert caught.value.person == "R-0000000000000001"
        assert [v.version for v in store.history("map")] == [1]
        fresh = store.load("map")
        fresh.update("O5", statement="Staff recruited and trained.")
        assert store.save("map", fresh, expected_version=1) == 2
        assert "R-0000000000000001" not in ct.dumps(store.load("map"))

    def test_if_changed_saves_only_a_changed_map(self, store: Store) -> None:
        """save(if_changed=True) returns the latest version without writing when the map
        equals it (evidence included), and saves when anything differs."""
        toc = sample_maps()["full"]
        toc.evidence.extend(_evidence_of("R-0000000000000001"))
        assert store.save("map", toc, if_changed=True) == 1
        assert store.save("map", store.load("map"), if_changed=True) == 1
        assert store.save("map", toc, expected_version=1, if_changed=True) == 1
        with pytest.raises(ct.ConflictError):
            store.save("map", toc, expected_version=0, if_changed=True)
        toc.evidence.participants.pop()
        assert store.save("map", toc, if_changed=True) == 2
        assert [v.version for v in store.history("map")] == [1, 2]
        assert store.save("map", toc) == 3  # without the option, every save is a version

    def test_diff_names_evidence_changes(self, store: Store) -> None:
        """diff() lists evidence records added, removed and changed between versions."""
        toc = sample_maps()["full"]
        toc.evidence.extend(_evidence_of("R-0000000000000001"))
        store.save("map", toc)
        toc.evidence.benefits[0] = attrs.evolve(toc.evidence.benefits[0], score=5)
        toc.evidence.measures.clear()
        toc.evidence.add(LogbookEntry(id="L1", date="2026-02-01", subject="x", note="y"))
        store.save("map", toc)
        change = store.diff("map", 1, 2)
        assert change.evidence_added == (("logbook", "L1"),)
        assert change.evidence_removed == (("measures", "measure-1"),)
        assert [(c.key, list(c.fields)) for c in change.evidence_changed] == [
            (("benefits", "benefit-1"), ["score"])
        ]

    def test_versions_count_up_from_one(self, store: Store) -> None:
        """Each save makes the next version; old versions stay loadable."""
        toc = sample_maps()["full"]
        assert store.save("map", toc, message="first") == 1
        toc.update("O5", statement="Staff recruited and trained.")
        assert store.save("map", toc) == 2
        assert store.load("map").get("O5").text == "Staff recruited and trained."
        assert store.load("map", version=1).get("O5").text == "Staff recruited."

    def test_loaded_map_is_a_copy(self, store: Store) -> None:
        """Changing a loaded or a saved map never changes what is stored."""
        toc = sample_maps()["full"]
        store.save("map", toc)
        toc.remove("K4")
        store.load("map").remove("K5")
        assert "K4" in store.load("map") and "K5" in store.load("map")

    def test_stale_save_is_a_conflict_and_saves_nothing(self, store: Store) -> None:
        """Saving from an old version raises ConflictError: no lost updates."""
        toc = sample_maps()["full"]
        store.save("map", toc, expected_version=0)
        store.save("map", toc, expected_version=1)
        with pytest.raises(ct.ConflictError) as caught:
            store.save("map", sample_maps()["empty"], expected_version=1)
        assert (caught.value.expected, caught.value.actual) == (1, 2)
        assert [v.version for v in store.history("map")] == [1, 2]
        with pytest.raises(ct.ConflictError):
            store.save("map", toc, expected_version=0)  # 0 means "a new map"

    def test_list_and_history(self, store: Store) -> None:
        """list() gives sorted names; history() every version, oldest first."""
        store.save("b-map", sample_maps()["empty"])
        store.save("a-map", sample_maps()["full"], message="first draft")
        store.save("a-map", sample_maps()["full"])
        assert store.list() == ["a-map", "b-map"]
        history = store.history("a-map")
        assert [(v.name, v.version) for v in history] == [("a-map", 1), ("a-map", 2)]
        assert history[0].message == "first draft"
        assert history[0].title == sample_maps()["full"].title
        assert history[0].saved_at.tzinfo is not None
        assert history[0].saved_at <= history[1].saved_at

    def test_missing_maps_and_versions_are_map_not_found(self, store: Store) -> None:
        """Unknown names and versions raise MapNotFoundError (a KeyError)."""
        store.save("map", sample_maps()["empty"])
        for call in (
            lambda: store.load("nope"),
            lambda: store.load("map", version=2),
            lambda: store.load("map", version=0),
            lambda: store.history("nope"),
            lambda: store.delete("nope"),
        ):
            with pytest.raises(ct.MapNotFoundError):
                call()

    def test_delete_removes_every_version(self, store: Store) -> None:
        """After delete the name is free again and starts at version 1."""
        store.save("map", sample_maps()["full"])
        store.save("map", sample_maps()["full"])
        store.delete("map")
        assert store.list() == []
        assert store.save("map", sample_maps()["empty"]) == 1

    @pytest.mark.parametrize("name", ["", "../escape", "has space", ".hidden", "x" * 129, 5])
    def test_bad_names_are_refused(self, store: Store, name: Any) -> None:
        """Names that are unsafe as file names or keys raise StoreError and save nothing."""
        with pytest.raises(ct.StoreError):
            store.save(name, sample_maps()["empty"])
        assert store.list() == []

    def test_everything_the_model_holds_survives(self, store: Store) -> None:
        """Title, reference, levels, evidence, assessments and assumptions all come back."""
        toc = ct.example()
        toc.external_ref = "case-system/42"
        out = toc.outcomes()[0].id
        acts = toc.activities_for(out)
        toc.update_link(acts[0], out, level=3, rationale="agreed at the group", evidence=("e1",))
        toc.assess(
            out, status="partly", date="2026-03-01", breakdown=[BreakdownItem(activity=acts[0])]
        )
        toc.add_assumption("The venue stays open", out, type="enabler")
        store.save("full", toc)
        assert ct.dumps(store.load("full")) == ct.dumps(toc)

    def test_a_sequence_of_edits_keeps_every_version(self, store: Store) -> None:
        """Edit, remove, re-add, relink and reorder: each version loads exactly as saved."""
        toc = sample_maps()["full"]
        saved = [ct.dumps(toc)]
        store.save("map", toc)
        for edit in _EDITS:
            edit(toc)
            store.save("map", toc)
            saved.append(ct.dumps(toc))
        for version, text in enumerate(saved, start=1):
            assert ct.dumps(store.load("map", version)) == text, f"version {version}"

    def test_diff_names_what_changed(self, store: Store) -> None:
        """diff() between two versions lists nodes and links added, removed and changed."""
        toc = sample_maps()["full"]
        store.save("map", toc)
        toc.update("O5", statement="Staff recruited and trained.")
        toc.remove("K4")
        new = toc.add_outcome("Volunteers join", kind="coproduction", horizon="short")
        store.save("map", toc)
        change = store.diff("map", 1, 2)
        assert change.nodes_added == (new,)
        assert "K4" in change.nodes_removed
        assert [(c.key, list(c.fields)) for c in change.nodes_changed] == [("O5", ["statement"])]
        assert change.links_removed and not change.links_added
        assert not store.diff("map", 2, 2)
        assert store.diff("map", 1).nodes_added == (new,)
        with pytest.raises(ct.MapNotFoundError):
            store.diff("map", 1, 3)

    # ------------------------------------------------------------------ group records

    def test_a_store_without_groups_says_so(self, store: Store) -> None:
        """A store that keeps no group records refuses each group call with a StoreError
        saying so; one that keeps them lists none at first."""
        if self.keeps_groups:
            assert store.list_groups() == []
            return
        for call in (
            lambda: store.save_group("g", sample_group()),
            lambda: store.load_group("g"),
            store.list_groups,
            lambda: store.group_history("g"),
            lambda: store.delete_group("g"),
            lambda: store.erase_member("g", "M01"),
        ):
            with pytest.raises(ct.StoreError, match="keeps no group records"):
                call()

    def test_group_record_versions_load_back_equal(self, store: Store) -> None:
        """Each save of a group record is a new version, from 1, loading back equal, with
        the group's name as its title and the message kept."""
        record = sample_group()
        fewer = attrs.evolve(record, feedback=record.feedback[:1])
        assert store.save_group("advisory", record) == 1
        assert store.save_group("advisory", fewer, message="trimmed") == 2
        assert store.load_group("advisory") == fewer
        assert store.load_group("advisory", 1) == record
        history = store.group_history("advisory")
        assert [(v.version, v.title, v.message) for v in history] == [
            (1, record.group.name, None),
            (2, record.group.name, "trimmed"),
        ]
        assert store.list_groups() == ["advisory"]

    def test_groups_and_maps_are_kept_apart(self, store: Store) -> None:
        """A group and a map of the same name are two records; neither lists the other."""
        store.save("same", sample_maps()["full"])
        store.save_group("same", sample_group())
        assert store.list() == ["same"] and store.list_groups() == ["same"]
        store.delete_group("same")
        assert store.load("same") == sample_maps()["full"]

    def test_group_if_changed_and_conflicts(self, store: Store) -> None:
        """An unchanged record saves nothing with if_changed; a save from a stale version
        is a ConflictError and saves nothing."""
        record = sample_group()
        store.save_group("g", record)
        assert store.save_group("g", record, if_changed=True) == 1
        with pytest.raises(ct.ConflictError):
            store.save_group("g", record, expected_version=0)
        assert [v.version for v in store.group_history("g")] == [1]

    def test_missing_groups_and_versions_are_group_not_found(self, store: Store) -> None:
        """Loading, listing the history of, deleting or erasing from an unknown group, or
        an unknown version, raises GroupNotFoundError."""
        store.save_group("g", sample_group())
        for call in (
            lambda: store.load_group("nope"),
            lambda: store.load_group("g", 2),
            lambda: store.load_group("g", 0),
            lambda: store.group_history("nope"),
            lambda: store.delete_group("nope"),
            lambda: store.erase_member("nope", "M01"),
        ):
            with pytest.raises(GroupNotFoundError):
                call()

    def test_bad_group_names_and_records_are_refused(self, store: Store) -> None:
        """A name no map could have, or something not a GroupRecord, is a StoreError."""
        with pytest.raises(ct.StoreError):
            store.save_group("../x", sample_group())
        with pytest.raises(ct.StoreError):
            store.save_group("g", sample_maps()["full"])  # type: ignore[arg-type]

    def test_erasing_a_member_reaches_every_version(self, store: Store) -> None:
        """Erasing a member rewrites every version that named them (their entry, their
        engagements, their charter agreement), keeps the others, and refuses a record
        loaded before the erasure."""
        record = sample_group()
        store.save_group("g", record)
        store.save_group("g", attrs.evolve(record, feedback=()))
        assert store.erase_member("g", "M02") == 2
        for version in (1, 2):
            kept = store.load_group("g", version)
            assert not kept.names_member("M02")
            assert [m.code for m in kept.members] == ["M01", "M03"]
        assert store.load_group("g", 1).feedback == record.feedback
        with pytest.raises(ErasedPersonError):
            store.save_group("g", record)
        assert store.erase_member("g", "M02") == 0
        store.delete_group("g")  # the erasure outlives the record
        with pytest.raises(ErasedPersonError):
            store.save_group("g", record)

    def test_bad_group_arguments_are_store_errors(self, store: Store) -> None:
        """A version that is no number, a message that is no text, a code that is none:
        each a StoreError (a version no store could hold names no version)."""
        store.save_group("g", sample_group())
        number: Any = 5  # what a caller without type checks may pass
        with pytest.raises(ct.StoreError):
            store.save_group("g", sample_group(), expected_version=True)
        with pytest.raises(ct.StoreError):
            store.save_group("g", sample_group(), message=number)
        with pytest.raises(ct.StoreError):
            store.erase_member("g", number)
        with pytest.raises(GroupNotFoundError):
            store.load_group("g", 10**30)

    def test_delete_group_removes_every_version(self, store: Store) -> None:
        """After delete_group, the group is gone from the list and cannot be loaded."""
        store.save_group("g", sample_group())
        store.save_group("g", sample_group(), message="again")
        store.delete_group("g")
        assert store.list_groups() == []
        with pytest.raises(GroupNotFoundError):
            store.load_group("g", 1)

    def test_close_twice_is_safe(self, store: Store) -> None:
        """close() may be called more than once."""
        store.close()
        store.close()


def _relink_all(toc: ct.TheoryOfChange) -> None:
    for link in toc.links():
        toc.update_link(link.source, link.target, level=1)


def _reorder(toc: ct.TheoryOfChange) -> None:
    """Remove the first outcome and add it back: it moves to the end of the map's order."""
    first = toc.outcomes()[0]
    outgoing = [(t, toc.get_link(first.id, t)) for t in toc.successors(first.id)]
    incoming = [(s, toc.get_link(s, first.id)) for s in toc.predecessors(first.id)]
    toc.remove(first.id)
    toc.add(first)
    for target, link in outgoing:
        toc.link(first.id, target, level=link.level, evidence=link.evidence)
    for source, link in incoming:
        toc.link(source, first.id, level=link.level, evidence=link.evidence)


_EDITS = (
    lambda toc: toc.update("O5", statement="Staff recruited and trained."),
    lambda toc: toc.remove("K4"),
    lambda toc: toc.add_activity("New work", kind="coproduction", contributes_to=["O5"]),
    _relink_all,
    _reorder,
    lambda toc: setattr(toc, "title", "Renamed"),
    lambda toc: None,  # saving an unchanged map still makes a version
)


# --------------------------------------------------------------------------- concurrency


def check_concurrent_saves(
    url: str, *, processes: int = 4, saves: int = 100, name: str = "contended"
) -> tuple[int, int]:
    """Have ``processes`` processes each save map ``name`` ``saves`` times, each save naming
    the version it read just before (as an editor would), all against the store at ``url``.

    Asserts that every save either committed or raised :class:`ConflictError`, that no two
    saves made the same version, and that the history holds exactly the committed saves,
    each with the content its process saved. Returns ``(committed, conflicts)``.
    """
    with ct.open_store(url) as store:
        store.save(name, _contended_map("start"), message="start")
    context = multiprocessing.get_context("spawn")  # fresh processes: no shared connections
    barrier = context.Barrier(processes)
    results = context.Queue()
    workers = [
        context.Process(target=_save_repeatedly, args=(url, name, worker, saves, barrier, results))
        for worker in range(processes)
    ]
    for worker in workers:
        worker.start()
    outcomes = []
    try:
        for _ in workers:
            outcomes.append(results.get(timeout=600))
    except queue.Empty:
        raise AssertionError("a saving process neither finished nor failed in time") from None
    finally:
        for worker in workers:
            worker.join(timeout=60)
    failures = [o for o in outcomes if isinstance(o, str)]
    assert not failures, "\n".join(failures)
    committed = {version: message for _, done, _ in outcomes for version, message in done}
    made = sum(len(done) for _, done, _ in outcomes)
    conflicts = sum(count for _, _, count in outcomes)
    assert made == len(committed), "two saves were given the same version"
    assert made + conflicts == processes * saves
    with ct.open_store(url) as store:
        history = store.history(name)
        assert [v.version for v in history] == list(range(1, made + 2))
        assert {v.version: v.message for v in history[1:]} == committed
        for version, message in list(committed.items())[:: max(1, made // 10)]:
            assert store.load(name, version) == _contended_map(message)
    return made, conflicts


def _contended_map(label: str) -> ct.TheoryOfChange:
    toc = sample_maps()["full"]
    toc.title = label
    return toc


def _save_repeatedly(
    url: str, name: str, worker: int, saves: int, barrier: Any, results: Any
) -> None:
    try:
        done: list[tuple[int, str]] = []
        conflicts = 0
        with ct.open_store(url) as store:
            barrier.wait()
            for i in range(saves):
                latest = store.history(name)[-1].version
                message = f"worker {worker} save {i}"
                try:
                    version = store.save(
                        name, _contended_map(message), expected_version=latest, message=message
                    )
                except ct.ConflictError:
                    conflicts += 1
                else:
                    done.append((version, message))
        results.put((worker, done, conflicts))
    except BaseException as exc:  # reported to the parent, which fails the test with it
        results.put(f"worker {worker}: {type(exc).__name__}: {exc}")


# --------------------------------------------------------------------------- renderers


class RendererContract:
    """What every renderer must do. Set ``renderer_name``."""

    renderer_name: ClassVar[str] = ""

    def test_is_registered_with_its_metadata(self) -> None:
        """The renderer is found by name and says its media type, suffix and purpose."""
        entry = get_plugin_manager().extensions.renderers[self.renderer_name]
        renderer = entry.implementation
        assert isinstance(renderer.media_type, str) and "/" in renderer.media_type
        assert renderer.suffix.startswith(".")
        assert renderer.description

    @pytest.mark.parametrize("sample", SAMPLE_NAMES)
    def test_renders_every_sample(self, sample: str) -> None:
        """Complete, empty, hostile and broken maps all render to text."""
        output = ct.render(sample_maps()[sample], self.renderer_name)
        assert isinstance(output, str) and len(output) > 0

    @pytest.mark.parametrize("sample", SAMPLE_NAMES)
    def test_given_analyses_are_shown_as_worked_out(self, sample: str) -> None:
        """A renderer that uses analyses shows the ones it is given, the same as those
        ct.render works out; one that does not is never passed them."""
        toc = sample_maps()[sample]
        entry = get_plugin_manager().extensions.renderers[self.renderer_name]
        if not getattr(entry.implementation, "uses_analyses", False):
            return
        given = ct.render(toc, self.renderer_name, analyses=analyse(toc))
        assert given == ct.render(toc, self.renderer_name)

    @pytest.mark.parametrize("sample", SAMPLE_NAMES)
    def test_same_map_gives_the_same_output(self, sample: str) -> None:
        """Output depends only on the map: twice, or from a copy, it is identical."""
        toc = sample_maps()[sample]
        assert ct.render(toc, self.renderer_name) == ct.render(toc.copy(), self.renderer_name)

    def test_unknown_option_is_refused(self) -> None:
        """An option the renderer does not know is an error, never silently ignored."""
        with pytest.raises(ct.CoprodTocError):
            ct.render(sample_maps()["full"], self.renderer_name, no_such_option=True)

    def test_exports_to_a_file(self, tmp_path: Path) -> None:
        """ct.export writes the rendered output to a file."""
        toc = sample_maps()["full"]
        path = ct.export(toc, self.renderer_name, tmp_path / "out")
        assert path.read_bytes() == ct.render(toc, self.renderer_name).encode("utf-8")


class GroupRendererContract:
    """What every group renderer (a group's annual report) must do. Set
    ``group_renderer_name``."""

    group_renderer_name: ClassVar[str] = ""

    def test_is_registered_with_its_metadata(self) -> None:
        """The group renderer is found by name and says its media type, suffix and purpose."""
        entry = get_plugin_manager().extensions.group_renderers[self.group_renderer_name]
        renderer = entry.implementation
        assert isinstance(renderer.media_type, str) and "/" in renderer.media_type
        assert renderer.suffix.startswith(".")
        assert renderer.description

    @pytest.mark.parametrize("year", [2022, 2023, 2030])
    def test_renders_a_year_with_and_without_a_work_plan(self, year: int) -> None:
        """A year with engagements, the first year, and a year with nothing at all render
        to text, with or without the group's work plan."""
        for work_plan in (None, sample_maps()["full"]):
            output = ct.render(
                sample_group(), self.group_renderer_name, year=year, work_plan=work_plan
            )
            assert isinstance(output, str) and output.strip()

    def test_names_no_member(self) -> None:
        """Members appear as counts, never by their codes."""
        output = ct.render(sample_group(), self.group_renderer_name, year=2023)
        for member in sample_group().members:
            assert member.code not in output

    def test_same_record_gives_the_same_output(self) -> None:
        """Output depends only on the record, the year and the work plan."""
        first = ct.render(sample_group(), self.group_renderer_name, year=2023)
        assert first == ct.render(sample_group(), self.group_renderer_name, year=2023)

    def test_unknown_option_is_refused(self) -> None:
        """An option the renderer does not know is an error, never silently ignored."""
        with pytest.raises(ct.CoprodTocError):
            ct.render(sample_group(), self.group_renderer_name, year=2023, no_such_option=True)

    def test_exports_to_a_file(self, tmp_path: Path) -> None:
        """ct.export writes the rendered report to a file."""
        path = ct.export(sample_group(), self.group_renderer_name, tmp_path / "out", year=2023)
        expected = ct.render(sample_group(), self.group_renderer_name, year=2023)
        assert path.read_bytes() == expected.encode("utf-8")


# --------------------------------------------------------------------------- exporters


class ExporterContract:
    """What every exporter must do. Set ``exporter_name``."""

    exporter_name: ClassVar[str] = ""

    def test_is_registered_with_its_metadata(self) -> None:
        """The exporter is found by name and says its suffix and purpose."""
        exporter = get_plugin_manager().extensions.exporters[self.exporter_name].implementation
        assert exporter.suffix.startswith(".")
        assert exporter.description

    @pytest.mark.parametrize("sample", SAMPLE_NAMES)
    def test_exports_every_sample(self, tmp_path: Path, sample: str) -> None:
        """Complete, empty, hostile and broken maps all export to a non-empty file."""
        path = ct.export(sample_maps()[sample], self.exporter_name, tmp_path / "out")
        assert path.stat().st_size > 0
        assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no temporary file left

    def test_same_map_gives_the_same_file(self, tmp_path: Path) -> None:
        """The bytes written depend only on the map."""
        toc = sample_maps()["full"]
        first = ct.export(toc, self.exporter_name, tmp_path / "one").read_bytes()
        second = ct.export(toc.copy(), self.exporter_name, tmp_path / "two").read_bytes()
        assert first == second

    def test_replaces_an_existing_file(self, tmp_path: Path) -> None:
        """Exporting over a file replaces it whole."""
        target = tmp_path / "out"
        target.write_bytes(b"old" * 10_000)
        ct.export(sample_maps()["empty"], self.exporter_name, target)
        assert b"oldold" not in target.read_bytes()

    def test_failure_leaves_the_previous_file_intact(self, tmp_path: Path) -> None:
        """A refused export (unknown option) leaves the old file as it was, and no litter."""
        target = tmp_path / "out"
        target.write_bytes(b"previous")
        with pytest.raises(ct.CoprodTocError):
            ct.export(sample_maps()["full"], self.exporter_name, target, no_such_option=True)
        assert target.read_bytes() == b"previous"
        assert [p.name for p in tmp_path.iterdir()] == ["out"]

    def test_missing_folder_is_a_clear_error(self, tmp_path: Path) -> None:
        """A destination in a folder that does not exist raises a library error."""
        with pytest.raises(ct.CoprodTocError, match="does not exist"):
            ct.export(sample_maps()["full"], self.exporter_name, tmp_path / "no" / "out")


# --------------------------------------------------------------------------- survey importers


class SurveyImporterContract:
    """What every survey importer must do. Set ``importer_name`` and override the
    ``sample_files`` fixture to return files your importer reads, with their respondent
    keys in ``respondents`` (to check that they are pseudonymised)."""

    importer_name: ClassVar[str] = ""
    respondents: ClassVar[tuple[str, ...]] = ()

    @pytest.fixture
    def sample_files(self, tmp_path: Path) -> list[Path]:
        raise NotImplementedError("override sample_files to return example exports")

    def _importer(self) -> Any:
        return get_plugin_manager().extensions.importers[self.importer_name].implementation

    def test_is_registered_with_a_description(self) -> None:
        """The importer is found by name and says what it reads."""
        assert self._importer().description

    def test_detects_its_own_files(self, sample_files: list[Path]) -> None:
        """detect() says yes to every sample file."""
        for path in sample_files:
            assert self._importer().detect(path, path.read_bytes()[: 64 * 1024]), path.name

    def test_does_not_claim_other_files(self, tmp_path: Path) -> None:
        """detect() says no to a coprod-toc map and to random bytes."""
        map_file = tmp_path / "map.json"
        map_file.write_text(ct.dumps(sample_maps()["full"]))
        noise = tmp_path / "noise.bin"
        noise.write_bytes(bytes(range(256)) * 8)
        for path in (map_file, noise):
            assert not self._importer().detect(path, path.read_bytes()[: 64 * 1024]), path.name

    def test_reads_answers_into_the_long_table(self, sample_files: list[Path]) -> None:
        """Every answer has a respondent and a question; the table names this format."""
        for path in sample_files:
            table = ct.import_survey(path, format=self.importer_name)
            answers = list(table.answers())
            assert isinstance(table, SurveyTable) and answers
            assert table.format == self.importer_name
            assert all(a.respondent_key and a.question_key for a in answers)

    def test_auto_detection_picks_this_importer(self, sample_files: list[Path]) -> None:
        """format="auto" finds this importer for its own files."""
        for path in sample_files:
            assert ct.import_survey(path).format == self.importer_name

    def test_respondents_are_pseudonymised_by_default(self, sample_files: list[Path]) -> None:
        """No respondent key from the file survives an import unless asked for."""
        for path in sample_files:
            table = ct.import_survey(path, format=self.importer_name)
            assert table.pseudonymised
            assert not set(self.respondents) & set(table.respondents())
            raw = ct.import_survey(path, format=self.importer_name, pseudonymise_respondents=False)
            assert set(raw.respondents()) <= set(self.respondents) or not self.respondents

    def test_personal_data_never_survives_an_import(self, tmp_path: Path) -> None:
        """A file in the importer's own layout with personal questions and personal free
        text keeps none of it (see :func:`check_importer_privacy`)."""
        check_importer_privacy(self.importer_name, tmp_path)

    def test_garbage_is_a_format_error(self, tmp_path: Path) -> None:
        """A file of noise raises FormatError, never another exception."""
        noise = tmp_path / "noise.csv"
        noise.write_bytes(b"\x00\xff\xfe" * 100 + json.dumps({"a": 1}).encode())
        with pytest.raises(ct.FormatError):
            ct.import_survey(noise, format=self.importer_name)


# --------------------------------------------------------------------------- map importers


class MapImporterContract:
    """What every map importer must do. Set ``importer_name``, and override the
    ``sample_files`` fixture to return files in the importer's format.

    When the format has an exporter too, set ``exporter_name``: every sample map is then
    exported and read back, and must come back equal to :meth:`carried` of the original
    (override it to drop what the format cannot hold, and say so in your docs).
    """

    importer_name: ClassVar[str] = ""
    exporter_name: ClassVar[str | None] = None

    @pytest.fixture
    def sample_files(self, tmp_path: Path) -> list[Path]:
        raise NotImplementedError("override sample_files to return files in your format")

    def carried(self, toc: ct.TheoryOfChange) -> ct.TheoryOfChange:
        """What of ``toc`` the format carries (all of it, unless overridden)."""
        return toc

    def _importer(self) -> Any:
        return get_plugin_manager().extensions.map_importers[self.importer_name].implementation

    def test_is_registered_with_a_description_and_suffixes(self) -> None:
        """The importer is found by name and says what it reads and the files' suffixes."""
        importer = self._importer()
        assert importer.description
        assert importer.suffixes and all(s.startswith(".") for s in importer.suffixes)

    def test_detects_its_own_files(self, sample_files: list[Path]) -> None:
        """detect() says yes to every sample file."""
        for path in sample_files:
            assert self._importer().detect(path, path.read_bytes()[: 64 * 1024]), path.name

    def test_does_not_claim_other_files(self, tmp_path: Path) -> None:
        """detect() says no to random bytes, a CSV table and a JSON file of another shape."""
        noise = tmp_path / "noise.bin"
        noise.write_bytes(bytes(range(256)) * 8)
        table = tmp_path / "table.csv"
        table.write_text("id,name\n1,x\n")
        other = tmp_path / "other.json"
        other.write_text(json.dumps({"items": [{"id": 1}]}))
        for path in (noise, table, other):
            assert not self._importer().detect(path, path.read_bytes()[: 64 * 1024]), path.name

    def test_reads_a_map_and_says_what_it_read(self, sample_files: list[Path]) -> None:
        """Each sample gives a MapImport naming this format and its file, with notes that
        each say where in the file they come from."""
        for path in sample_files:
            result = ct.import_map(path, format=self.importer_name)
            assert isinstance(result.toc, ct.TheoryOfChange)
            assert result.format == self.importer_name and result.source == str(path)
            assert all(note.code and note.message for note in result.notes)
            json.dumps(result.to_dict())  # the report is plain data

    def test_auto_detection_picks_this_importer(self, sample_files: list[Path]) -> None:
        """format="auto" finds this importer for its own files."""
        for path in sample_files:
            assert ct.import_map(path).format == self.importer_name

    def test_garbage_is_a_format_error_naming_the_file(self, tmp_path: Path) -> None:
        """Noise, an empty file and a cut-off sample raise FormatError naming the file."""
        suffix = self._importer().suffixes[0]
        noise = tmp_path / f"noise{suffix}"
        noise.write_bytes(b"\x00\xff\xfe" * 100 + b'{"a": 1}')
        empty = tmp_path / f"empty{suffix}"
        empty.write_bytes(b"")
        for path in (noise, empty):
            with pytest.raises(ct.FormatError, match=path.name):
                ct.import_map(path, format=self.importer_name)

    def test_a_cut_off_file_is_read_or_refused_by_name(
        self, sample_files: list[Path], tmp_path: Path
    ) -> None:
        """A sample cut in half is read (formats of lines may allow it) or raises
        FormatError naming the file; never another error."""
        for path in sample_files:
            cut = tmp_path / f"cut-{path.name}"  # never beside the sample: it may be a repo's
            data = path.read_bytes()
            cut.write_bytes(data[: len(data) // 2])
            try:
                ct.import_map(cut, format=self.importer_name)
            except ct.FormatError as exc:
                assert cut.name in str(exc)

    @pytest.mark.parametrize("sample", SAMPLE_NAMES)
    def test_export_then_import_gives_an_equal_map(self, tmp_path: Path, sample: str) -> None:
        """With an exporter of the same format: what it writes reads back equal."""
        if self.exporter_name is None:
            pytest.skip("this format has no exporter")
        toc = sample_maps()[sample]
        extensions = get_plugin_manager().extensions
        writer = extensions.exporters.get(self.exporter_name) or extensions.renderers.get(
            self.exporter_name
        )
        assert writer is not None, f"no exporter or renderer {self.exporter_name!r}"
        path = ct.export(toc, self.exporter_name, tmp_path / f"map{writer.implementation.suffix}")
        back = ct.import_map(path, format=self.importer_name).toc
        assert ct.dumps(back) == ct.dumps(self.carried(toc))
        assert back == self.carried(toc)


# --------------------------------------------------------------------------- privacy

#: Questions a survey may ask that collect personal data: their columns are left out.
PERSONAL_QUESTIONS = (
    "Full name", "Email address", "Phone number", "Postcode", "Date of birth",
    "Home address", "NHS number", "IP address",
)  # fmt: skip
#: Questions whose answers are kept (the last is free text, where people write anything).
OTHER_QUESTIONS = ("How was the session?", "Anything else you want to tell us?")
#: Three respondents' answers to ``PERSONAL_QUESTIONS + OTHER_QUESTIONS``: each names the
#: others and gives contact details in the free text.
PERSONAL_ANSWERS = (
    ("Sam Taylor", "sam.taylor@example.org", "07700 900123", "SW1A 1AA", "14/02/1980",
     "1 High Street, Leeds", "943 476 5919", "192.168.1.20", "Good",
     "Ask Priya Shah about it, or ring me on 020 7946 0018."),
    ("Priya Shah", "priya@example.net", "+44 7700 900456", "M1 1AE", "01/03/1975",
     "2 Low Road, York", "401 023 2137", "10.1.2.3", "Very good",
     "Sam's idea was great; email me at priya.s@example.net or visit LS1 4DY."),
    ("Olu Adeyemi", "olu@example.com", "0161 496 0000", "EC1A 1BB", "22/11/1990",
     "3 Mill Lane, Hull", "485 777 3456", "2001:db8::7", "Fair",
     "Taylor and Adeyemi ran it; my NHS number is 943 476 5919, my IP 203.0.113.9."),
)  # fmt: skip
#: Everything of the answers above that must not survive a default import.
PERSONAL_TRACES = (
    "Sam", "Taylor", "Priya", "Shah", "Olu", "Adeyemi", "example.org", "example.net",
    "example.com", "07700", "7946", "0161", "SW1A", "M1 1AE", "EC1A", "LS1 4DY", "1980",
    "1975", "1990", "High Street", "Low Road", "Mill Lane", "943 476", "401 023", "485 777",
    "192.168", "10.1.2.3", "2001:db8", "203.0.113",
)  # fmt: skip
_PLACEHOLDERS = (
    "[name removed]", "[phone removed]", "[email removed]", "[IP address removed]",
    "[postcode removed]", "[NHS number removed]",
)  # fmt: skip


# --------------------------------------------------------------------------- damaged JSON


def json_values(keys: tuple[str, ...]) -> Any:
    """A hypothesis strategy of any JSON value, its objects keyed mostly by ``keys`` (the
    names a format uses), so random documents come near the shape a reader expects."""
    from hypothesis import strategies as st

    return st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.sampled_from(keys) | st.text(max_size=4), children, max_size=5)
        ),
        max_leaves=30,
    )


def damaged_json(document: Any, data: Any, values: Any) -> bytes:
    """``document`` as JSON bytes with one to three parts deleted or replaced by a value
    drawn from ``values``, and perhaps cut off; ``data`` is hypothesis's ``st.data()``."""
    from hypothesis import strategies as st

    document = json.loads(json.dumps(document))  # a copy to damage
    for _ in range(data.draw(st.integers(1, 3))):
        places = list(_places(document))
        if not places:  # everything deleted already
            break
        container, key = data.draw(st.sampled_from(places))
        if data.draw(st.booleans()):
            del container[key]
        else:
            container[key] = data.draw(values)
    raw = json.dumps(document).encode()
    if data.draw(st.booleans()):
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    return raw


def _places(value: Any) -> Iterator[tuple[Any, Any]]:
    """Every (container, key) of a JSON value, so any part of it can be damaged."""
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        yield value, key
        if isinstance(item, dict | list):
            yield from _places(item)


def check_read_or_refused(format: str, data: bytes) -> None:
    """Importing ``data`` as ``format`` gives a MapImport or a FormatError naming the file:
    never another error."""
    from coprod_toc.exchange import MapImport

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "damaged.json"
        path.write_bytes(data)
        try:
            result = ct.import_map(path, format=format)
        except ct.FormatError as exc:
            assert "damaged.json" in str(exc)
            return
    assert isinstance(result, MapImport)
    json.dumps(result.to_dict())


def check_importer_privacy(importer_name: str, folder: Path) -> SurveyTable:
    """Prove that an importer keeps nothing personal: write a file in its own layout
    (``write_example``) with personal questions and personal free text, import it with the
    default options, and check that no personal column became a question and no name,
    contact detail or identifier is left in any answer; the scrubbed free text says what
    was removed. Returns the table read.

    :raises AssertionError: naming what survived.
    """
    importer = get_plugin_manager().extensions.importers[importer_name].implementation
    writer = getattr(importer, "write_example", None)
    assert writer is not None, f"the {importer_name} importer has no write_example"
    path = writer(
        folder / f"{importer_name}-personal",
        PERSONAL_QUESTIONS + OTHER_QUESTIONS,
        PERSONAL_ANSWERS,
    )
    table = ct.import_survey(path, format=importer_name)
    assert ct.import_survey(path).format == importer_name, "the example is not detected as written"
    responses = list(table.responses())
    assert len(responses) == len(PERSONAL_ANSWERS)
    asked = {q.text for q in table.questions} | {q.sub_item for q in table.questions}
    kept_questions = sorted(set(PERSONAL_QUESTIONS) & asked)
    assert not kept_questions, f"{importer_name} kept personal columns: {kept_questions}"
    assert len(table.questions) == len(OTHER_QUESTIONS), [q.key for q in table.questions]
    # Answers and questions; respondent keys are pseudonyms (hex, which may hold any digits).
    kept = repr(table.questions) + repr([r.values for r in responses])
    assert not any(r.respondent_key.startswith(("Sam", "Priya", "Olu")) for r in responses)
    leaks = [trace for trace in PERSONAL_TRACES if trace in kept]
    assert not leaks, f"{importer_name} kept personal data: {leaks}"
    free_text = " ".join(value for r in responses for value in r.values if value)
    for placeholder in _PLACEHOLDERS:
        assert placeholder in free_text, f"{importer_name}: no {placeholder} in {free_text!r}"
    return table
