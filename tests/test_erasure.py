"""One erasure: a person erased through any store leaves every version equal to that version
erased in memory (evidence, responses, consent, logbook entries and the links citing them)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import coprod_toc as ct
from tests.strategies import PEOPLE, maps_with_evidence


def _urls(folder: Path) -> list[str]:
    return [
        "memory://",
        "sqlite:///:memory:",
        f"sqlite:///{folder / 'maps.db'}",
        f"json://{folder / 'maps'}",
    ]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=maps_with_evidence(), person=st.sampled_from(PEOPLE), data=st.data())
def test_erasing_through_any_store_equals_erasing_in_memory(
    first: ct.TheoryOfChange, person: str, data: st.DataObject
) -> None:
    """For each store: two versions saved, a person erased; each version loads equal to the
    map erased in memory, and none of them mentions the person."""
    second = first.copy()
    if second.evidence.items:
        item = second.evidence.items[0]
        second.evidence.items[0] = attrs.evolve(item, content=data.draw(st.text(max_size=5)))
    second.evidence.add(ct.Participant(id=data.draw(st.sampled_from(PEOPLE))))
    expected = [first.copy(), second.copy()]
    for toc in expected:
        toc.erase_participant(person)
    with tempfile.TemporaryDirectory() as folder:
        for url in _urls(Path(folder)):
            with ct.open_store(url) as store:
                store.save("map", first)
                store.save("map", second)
                store.erase_participant(person)
                for version, erased in enumerate(expected, start=1):
                    loaded = store.load("map", version)
                    assert loaded == erased, (url, version)
                    assert person not in ct.dumps(loaded)


def test_erasing_a_map_in_memory_removes_links_to_what_went() -> None:
    """The live map: the person's records go, shared ones keep the others, and links stop
    citing the records that went."""
    toc = ct.example()
    toc.evidence.extend(
        [
            ct.Participant(id=PEOPLE[0]),
            ct.EvidenceItem(id="q-1", type="document", participants=[PEOPLE[0]]),
            ct.EvidenceItem(id="g-1", type="group_conversation", participants=list(PEOPLE[:2])),
        ]
    )
    source, target = next(iter(toc.graph.edges))
    toc.update_link(source, target, evidence=("q-1", "g-1"))
    assert toc.erase_participant(PEOPLE[0]) == 4  # participant, q-1, g-1 changed, the link
    assert toc.get_link(source, target).evidence == ("g-1",)
    assert toc.evidence.items[0].participants == (PEOPLE[1],)
