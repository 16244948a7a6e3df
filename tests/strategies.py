"""Hypothesis strategies: random small maps built only through the public API."""

from __future__ import annotations

from hypothesis import strategies as st

import coprod_toc as ct
from coprod_toc.evidence import Benefit, ConsentRecord, EvidenceItem, LogbookEntry, Participant
from coprod_toc.model import AchievementStatus, Assessment, AssumptionType, BreakdownItem, Measure

KINDS = st.sampled_from(["project", "coproduction"])
HORIZONS = st.sampled_from(["short", "medium", "long"])
# Printable text with something visible in it: statements must not be blank.
TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip() != "")
OPTIONAL_TEXT = st.none() | TEXT
LEVELS = st.none() | st.integers(0, 4)
VALUES = (
    st.none() | st.integers(-1000, 1000) | st.floats(allow_nan=False, allow_infinity=False) | TEXT
)


@st.composite
def maps(draw: st.DrawFn, max_nodes: int = 6, with_details: bool = True) -> ct.TheoryOfChange:
    """A random map: any allowed links (possibly incomplete, possibly with cycles)."""
    toc = ct.TheoryOfChange(title=draw(TEXT), external_ref=draw(OPTIONAL_TEXT))
    if draw(st.booleans()):
        toc.set_problem(
            draw(TEXT),
            affected_groups=draw(st.lists(TEXT, max_size=2)),
            easy_read=draw(OPTIONAL_TEXT) if with_details else None,
        )
    impacts = [
        toc.add_impact(
            draw(TEXT),
            kind=draw(KINDS),
            other_factors_level=draw(LEVELS) if with_details else None,
            easy_read=draw(OPTIONAL_TEXT) if with_details else None,
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    outcomes = []
    for _ in range(draw(st.integers(0, max_nodes))):
        indicators = []
        if with_details and draw(st.booleans()):
            indicators.append(
                ct.Indicator(
                    id="N1",
                    description=draw(TEXT),
                    measure=draw(st.sampled_from(list(Measure))),
                    ascending=draw(st.booleans()),
                    baseline=draw(VALUES),
                    target=draw(VALUES),
                    actuals=[
                        ct.Actual(period=p, value=v)
                        for p, v in draw(
                            st.lists(
                                st.tuples(TEXT, VALUES.filter(lambda v: v is not None)), max_size=2
                            )
                        )
                    ],
                )
            )
        outcomes.append(
            toc.add_outcome(
                draw(TEXT),
                kind=draw(KINDS),
                horizon=draw(HORIZONS),
                indicators=indicators,
                i_statement=draw(OPTIONAL_TEXT) if with_details else None,
                easy_read=draw(OPTIONAL_TEXT) if with_details else None,
            )
        )
    activities = [
        toc.add_activity(
            draw(TEXT),
            kind=draw(KINDS),
            ladder_rung=draw(st.none() | st.integers(1, 7)),
            status=draw(st.sampled_from(list(ct.ActivityStatus))),
            effort=draw(st.none() | st.integers(0, 100)) if with_details else None,
            easy_read=draw(OPTIONAL_TEXT) if with_details else None,
        )
        for _ in range(draw(st.integers(0, max_nodes)))
    ]
    shorts = [o for o in outcomes if toc.get(o).horizon is ct.Horizon.SHORT]  # type: ignore[union-attr]
    if shorts and draw(st.booleans()):
        cited = draw(st.lists(st.sampled_from(activities), max_size=2)) if activities else []
        assessment = Assessment(
            date=draw(st.dates()),
            status=draw(st.sampled_from(list(AchievementStatus))),
            note=draw(OPTIONAL_TEXT),
            breakdown=[
                BreakdownItem(activity=a, role=draw(OPTIONAL_TEXT), level=draw(LEVELS))
                for a in cited
            ],
            evidence=draw(st.lists(TEXT, max_size=1)),
        )
        toc.update(draw(st.sampled_from(shorts)), assessments=[assessment])
    candidates = (
        [(o, i) for o in outcomes for i in impacts]
        + [(a, o) for a in activities for o in outcomes]
        + [
            (o1, o2)
            for o1 in outcomes
            for o2 in outcomes
            if o1 != o2 and toc.get(o1).horizon.rank <= toc.get(o2).horizon.rank  # type: ignore[union-attr]
        ]
    )
    for source, target in (
        draw(st.lists(st.sampled_from(candidates), unique=True)) if candidates else []
    ):
        if with_details and draw(st.booleans()):
            toc.link(
                source,
                target,
                level=draw(LEVELS),
                rationale=draw(OPTIONAL_TEXT),
                evidence=draw(st.lists(TEXT, max_size=2)),
            )
        else:
            toc.link(source, target)
    if with_details and len(toc) and draw(st.booleans()):
        node = draw(st.sampled_from([n.id for n in toc.nodes()]))
        toc.add_assumption(draw(TEXT), node, type=draw(st.sampled_from(list(AssumptionType))))
    return toc


PEOPLE = ("R-0000000000000001", "R-0000000000000002", "R-0000000000000003")


@st.composite
def maps_with_evidence(draw: st.DrawFn) -> ct.TheoryOfChange:
    """A random map with evidence from up to three people, some of it shared, and links
    citing evidence items by id."""
    toc = draw(maps(max_nodes=4))
    people = draw(st.lists(st.sampled_from(PEOPLE), unique=True, max_size=3))
    some = st.lists(st.sampled_from(PEOPLE), unique=True, max_size=3)
    for person in people:
        toc.evidence.add(Participant(id=person))
        if draw(st.booleans()):
            toc.evidence.add(
                ConsentRecord(participant=person, given_at=draw(st.dates()), purposes=["x"])
            )
        if draw(st.booleans()):
            toc.evidence.add(
                Benefit(
                    id=f"b-{person[-1]}", recipient="individual", domain="confidence",
                    participant=person, score=draw(st.integers(1, 5)),
                )
            )  # fmt: skip
        if draw(st.booleans()):
            toc.evidence.add(
                LogbookEntry(
                    id=f"l-{person[-1]}", date="2026-01-01", subject="s", note=draw(TEXT),
                    participant=person,
                )
            )  # fmt: skip
    items = []
    for i in range(draw(st.integers(0, 4))):
        items.append(f"q-{i}")
        toc.evidence.add(
            EvidenceItem(
                id=f"q-{i}", type="form_questionnaire", participants=draw(some),
                content=draw(OPTIONAL_TEXT),
            )
        )  # fmt: skip
    cited = [*items, "b-1", "b-2", "l-3", "elsewhere"]
    for source, target in list(toc.graph.edges):
        if draw(st.booleans()):
            toc.update_link(
                source, target, evidence=draw(st.lists(st.sampled_from(cited), unique=True))
            )
    return toc
