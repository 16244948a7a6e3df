"""The canonical JSON format and the TOML authoring form: lossless, versioned, schema-valid,
and clear about what is wrong with a bad document."""

from __future__ import annotations

import gc
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import coprod_toc as ct
from coprod_toc.format import from_document, to_document
from tests.strategies import maps

VALIDATOR = jsonschema.Draft202012Validator(
    ct.schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)


def doc(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"format": "coprod-toc", "version": 1, "title": "t"}
    return base | overrides


def read_error(document: Any) -> str:
    with pytest.raises(ct.FormatError) as caught:
        ct.loads(json.dumps(document))
    return str(caught.value)


def test_schema_is_a_valid_json_schema() -> None:
    """The shipped schema file is itself a correct draft 2020-12 schema."""
    jsonschema.Draft202012Validator.check_schema(ct.schema())


def test_day_centre_round_trips_through_json(day_centre: ct.TheoryOfChange) -> None:
    """dumps then loads gives an equal map, and dumping it again gives the same text."""
    text = ct.dumps(day_centre)
    again = ct.loads(text)
    assert again == day_centre
    assert ct.dumps(again) == text


def test_written_document_names_its_format_and_version(day_centre: ct.TheoryOfChange) -> None:
    """Documents say what they are, so readers can refuse what they do not know."""
    data = json.loads(ct.dumps(day_centre))
    assert (data["format"], data["version"]) == ("coprod-toc", 1)
    VALIDATOR.validate(data)


@given(maps())
def test_random_maps_round_trip_losslessly(toc: ct.TheoryOfChange) -> None:
    """Any map survives dumps/loads unchanged, node order and link payloads included."""
    text = ct.dumps(toc)
    again = ct.loads(text)
    assert again == toc
    assert [n.id for n in again.nodes()] == [n.id for n in toc.nodes()]
    assert ct.dumps(again) == text


@given(maps())
def test_every_written_document_validates_against_the_schema(toc: ct.TheoryOfChange) -> None:
    """What dumps writes always conforms to the shipped JSON Schema."""
    VALIDATOR.validate(json.loads(ct.dumps(toc)))


def test_links_with_a_payload_are_written_as_objects(small_map: ct.TheoryOfChange) -> None:
    """A bare id for a plain link; an object when it carries level, rationale or evidence."""
    small_map.update_link("K1", "C1", level=3, rationale="the group decides", evidence=["log-4"])
    data = to_document(small_map)
    k1 = next(a for a in data["activities"] if a["id"] == "K1")
    a1 = next(a for a in data["activities"] if a["id"] == "A1")
    assert k1["contributes_to"] == [
        {"to": "C1", "level": 3, "rationale": "the group decides", "evidence": ["log-4"]}
    ]
    assert a1["contributes_to"] == ["O1"]


def test_toml_authoring_form_may_leave_out_header_ids_and_addresses() -> None:
    """The TOML form is forgiving: no header, ids generated, the problem addresses every impact."""
    toc = ct.loads(
        """
title = "Hand written"
[problem]
statement = "why"
[[impacts]]
id = "I1"
kind = "co-production"
statement = "what"
[[outcomes]]
kind = "coproduction"
statement = "step"
leads_to = ["I1"]
[[activities]]
kind = "coproduction"
description = "do"
contributes_to = ["O1"]
start = 2025-02-01
""",
        format="toml",
    )
    assert [n.id for n in toc.nodes()] == ["P1", "I1", "O1", "A1"]
    assert toc.successors("P1") == ["I1"]
    assert str(toc.get("A1").start) == "2025-02-01"  # type: ignore[union-attr]
    assert ct.validate(toc).ok


def test_generated_ids_do_not_collide_with_ids_written_later() -> None:
    """An outcome without id does not take 'O1' when a later outcome spells out 'O1'."""
    toc = from_document(
        doc(
            outcomes=[
                {"kind": "project", "statement": "a"},
                {"id": "O1", "kind": "project", "statement": "b"},
            ]
        )
    )
    assert [n.id for n in toc.nodes()] == ["O2", "O1"]


def test_load_picks_the_format_from_the_file_name(
    tmp_path: Path, day_centre: ct.TheoryOfChange
) -> None:
    """dump writes JSON; load reads .json and .toml files alike."""
    target = tmp_path / "map.json"
    ct.dump(day_centre, target)
    assert ct.load(target) == day_centre


# --------------------------------------------------------------------------- bad input


def test_unknown_link_target_names_the_field_path() -> None:
    """The error says exactly where: outcomes[3].leads_to[0]: unknown node 'o9'."""
    outcomes = [{"id": f"o{i}", "kind": "project", "statement": "s"} for i in range(3)]
    outcomes.append({"id": "o3", "kind": "project", "statement": "s", "leads_to": ["o9"]})
    assert read_error(doc(outcomes=outcomes)) == "outcomes[3].leads_to[0]: unknown node 'o9'"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            doc(impacts=[{"id": "I1", "statement": "s", "kind": "partner"}]),
            "impacts[0].kind: must be one of 'project', 'coproduction', not 'partner'",
        ),
        (
            doc(impacts=[{"id": "I1", "statement": "s"}]),
            "impacts[0]: missing required field 'kind'",
        ),
        (
            doc(impacts=[{"id": "I1", "statement": "s", "kind": "project", "colour": "red"}]),
            "impacts[0].colour: unknown field 'colour'",
        ),
        (doc(impacts={"id": "I1"}), "impacts: expected a list, found an object"),
        (
            doc(outcomes=[{"id": "O1", "kind": "project", "statement": "s", "leads_to": "I1"}]),
            "outcomes[0].leads_to: expected a list of node ids, found a text",
        ),
        (
            doc(
                impacts=[{"id": "I1", "statement": "s", "kind": "project"}],
                activities=[
                    {"id": "A1", "kind": "project", "description": "d", "contributes_to": ["I1"]}
                ],
            ),
            "activities[0].contributes_to[0]: an activity cannot link to an impact",
        ),
        (
            doc(
                impacts=[{"id": "X", "statement": "s", "kind": "project"}],
                outcomes=[{"id": "X", "statement": "s", "kind": "project"}],
            ),
            "outcomes[0].id: node id 'X' is already used",
        ),
        (
            doc(activities=[{"id": "A1", "kind": "project", "description": "d", "ladder_rung": 9}]),
            "activities[0].ladder_rung: must be a whole number from 1 to 7, not 9",
        ),
        (
            doc(
                outcomes=[
                    {
                        "id": "O1",
                        "kind": "project",
                        "statement": "s",
                        "indicators": [{"id": "N1", "description": "d", "baseline": [1]}],
                    }
                ]
            ),
            "outcomes[0].indicators[0].baseline: must be a number or a text",
        ),
        (
            doc(
                outcomes=[
                    {"id": "O1", "kind": "project", "statement": "s", "leads_to": [{"level": 2}]}
                ]
            ),
            "outcomes[0].leads_to[0]: missing required field 'to'",
        ),
        ({"title": "t"}, "not a coprod-toc document: the field 'format'"),
        (doc(format="other-tool"), "format: expected 'coprod-toc', found 'other-tool'"),
        (doc(version=2), "version: document version 2 is newer than this library reads"),
        (doc(version="1"), "version: expected a whole number, found a text"),
        ([1, 2], "expected a document object, found a list"),
        (
            doc(assumptions=[{"text": "x", "attached_to": ["nope"]}]),
            "assumptions[0]: unknown node 'nope'",
        ),
    ],
)
def test_malformed_documents_get_a_clear_error(document: Any, message: str) -> None:
    """Each kind of mistake is reported with its field path, never a deep traceback."""
    assert read_error(document).startswith(message)


@pytest.mark.parametrize(
    ("text", "fmt", "message"),
    [
        ('{"format": ', "json", "not valid JSON: Expecting value (line 1, column 12)"),
        ('{"format": NaN}', "json", "not valid JSON: NaN is not a number JSON allows"),
        ("[" * 100_000 + "]" * 100_000, "json", "not valid JSON: nested too deeply"),
        ("title = ", "toml", "not valid TOML"),
        (b"\xff\xfe{}", None, "not UTF-8 text"),
    ],
)
def test_unparseable_text_gets_a_clear_error(text: str | bytes, fmt: Any, message: str) -> None:
    """Broken JSON or TOML is a FormatError, not a parser's exception."""
    with pytest.raises(ct.FormatError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        ct.loads(text, format=fmt)


def test_file_errors_name_the_file(tmp_path: Path) -> None:
    """Errors from load start with the file's name; a missing file is a FormatError too."""
    bad = tmp_path / "bad.toml"
    bad.write_text('[[impacts]]\nid = "I1"\nstatement = "s"\nkind = "x"\n')
    with pytest.raises(ct.FormatError) as caught:
        ct.load(bad)
    assert str(caught.value).startswith(f"{bad}: impacts[0].kind:")
    assert caught.value.source == str(bad) and caught.value.path == "impacts[0].kind"
    with pytest.raises(ct.FormatError, match="cannot read the file"):
        ct.load(tmp_path / "missing.json")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
KEYS = st.sampled_from(
    [
        "id",
        "statement",
        "description",
        "kind",
        "horizon",
        "leads_to",
        "contributes_to",
        "to",
        "level",
        "indicators",
        "actuals",
        "attached_to",
        "status",
        "start",
        "ladder_rung",
        "addresses",
        "text",
    ]
)
NODE = st.dictionaries(
    KEYS, JSON_VALUES | st.sampled_from(["I1", "O1", "project", "short"]), max_size=6
)
DOCUMENTS = st.fixed_dictionaries(
    {"format": st.just("coprod-toc"), "version": st.just(1)},
    optional={
        "title": JSON_VALUES,
        "problem": NODE,
        "impacts": st.lists(NODE, max_size=3),
        "outcomes": st.lists(NODE, max_size=3),
        "activities": st.lists(NODE, max_size=3),
        "assumptions": st.lists(NODE, max_size=2),
    },
)


@given(DOCUMENTS | JSON_VALUES)
def test_bad_input_never_crashes(document: Any) -> None:
    """Whatever JSON arrives, the reader returns a map or raises FormatError, nothing else."""
    try:
        toc = from_document(document)
    except ct.FormatError as exc:
        assert str(exc)
    else:
        assert ct.loads(ct.dumps(toc)) == toc


# --------------------------------------------------------------------------- the collector


def _wide_map(outcomes: int) -> ct.TheoryOfChange:
    toc = ct.TheoryOfChange("Wide")
    impact = toc.add_impact("Impact", kind="project", id="I")
    toc.link_many([(toc.add_outcome("O", kind="project"), impact, {}) for _ in range(outcomes)])
    return toc


def test_a_large_map_read_goes_straight_to_the_oldest_generation() -> None:
    """A large map just read is long-lived: the young collections do not walk it again."""
    text = ct.dumps(_wide_map(10_000))
    toc = ct.loads(text)
    record = toc.get("O1")
    assert not any(o is record for o in gc.get_objects(generation=0))
    assert not any(o is record for o in gc.get_objects(generation=1))
    assert any(o is record for o in gc.get_objects(generation=2))
    assert gc.isenabled()


def test_a_small_map_read_leaves_the_programs_young_objects_young() -> None:
    """Only large blocks move objects: a small read leaves the collector's generations be."""
    gc.collect()
    young: list[list[object]] = [[]]
    ct.loads(ct.dumps(ct.example()))
    assert not any(o is young for o in gc.get_objects(generation=2))


def test_reading_leaves_the_programs_own_collector_settings() -> None:
    """Objects the program froze stay frozen, and a collector it switched off stays off."""
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        ct.loads(ct.dumps(ct.example()))
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
    gc.disable()
    try:
        ct.loads(ct.dumps(ct.example()))
        assert not gc.isenabled()
    finally:
        gc.enable()


_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
)


@given(_JSON_VALUES)
def test_stored_rows_are_the_standard_compact_json(value: Any) -> None:
    """Rows hold exactly what the json module writes with compact separators, UTF-8 as is."""
    from coprod_toc.storage.rows import compact_json as _json

    expected = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    assert _json(value) == expected


def test_stored_rows_refuse_what_json_cannot_hold() -> None:
    """NaN, infinity and objects JSON has no form for are refused, as json.dumps refuses them."""
    from coprod_toc.storage.rows import compact_json as _json

    for value in (float("nan"), float("inf"), {"a": [float("-inf")]}):
        with pytest.raises(ValueError, match="not JSON compliant"):
            _json(value)
    with pytest.raises(TypeError):
        _json({"a": object()})


@settings(max_examples=300)
@given(
    st.one_of(
        st.text(max_size=200),
        DOCUMENTS.map(lambda d: json.dumps(d)),
        st.integers(min_value=4301, max_value=6000).map(
            lambda digits: '{"format": "coprod-toc", "version": 1, "title": ' + "9" * digits + "}"
        ),
    ),
    st.sampled_from(["json", "toml"]),
)
def test_any_text_is_a_map_or_the_librarys_own_error(text: str, fmt: str) -> None:
    """Arbitrary JSON or TOML text (control characters, surrogates, numbers of thousands of
    digits included): loads gives a map or raises one of the library's own errors."""
    try:
        ct.loads(text, format=fmt)  # type: ignore[arg-type]
    except ct.CoprodTocError as exc:
        assert str(exc)
