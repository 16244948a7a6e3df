"""One erasure: a person erased through any store leaves every version equal to that version
erased in memory (evidence, responses, consent, logbook entries and the links citing them)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import coprod_toc as ct
from coprod_toc.evidence import Benefit, EvidenceItem, Participant
from tests.strategies import PEOPLE, TEXT, maps_with_evidence


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
        second.evidence.items[0] = attrs.evolve(item, content=data.draw(TEXT))
    second.evidence.add(Participant(id=data.draw(st.sampled_from(PEOPLE))))
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
            Participant(id=PEOPLE[0]),
            EvidenceItem(id="q-1", type="document", participants=[PEOPLE[0]]),
            EvidenceItem(id="g-1", type="group_conversation", participants=list(PEOPLE[:2])),
        ]
    )
    source, target = next(iter(toc.graph.edges))
    toc.update_link(source, target, evidence=("q-1", "g-1"))
    assert toc.erase_participant(PEOPLE[0]) == 4  # participant, q-1, g-1 changed, the link
    assert toc.get_link(source, target).evidence == ("g-1",)
    assert toc.evidence.items[0].participants == (PEOPLE[1],)


def _stores(folder: Path) -> list[str]:
    return _urls(folder)


def test_a_record_of_one_person_in_one_version_keeps_its_citation_in_the_others(
    tmp_path: Path,
) -> None:
    """q-1 is A's in version 1 and B's in version 2, cited by one link throughout: erasing
    A drops the citation from version 1 only (a table store splits the link's row)."""
    a, b = PEOPLE[0], PEOPLE[1]
    first = ct.example()
    first.evidence.add(EvidenceItem(id="q-1", type="document", participants=[a]))
    source, target = next(iter(first.graph.edges))
    first.update_link(source, target, evidence=("q-1",))
    second = first.copy()
    second.evidence.items[0] = attrs.evolve(second.evidence.items[0], participants=(b,))
    for url in _stores(tmp_path):
        with ct.open_store(url) as store:
            store.save("map", first)
            store.save("map", second)
            assert store.erase_participant(a) == 1
            assert store.load("map", 1).get_link(source, target).evidence == ()
            assert store.load("map", 2).get_link(source, target).evidence == ("q-1",), url


def test_a_name_written_with_quotes_and_backslashes_is_erased(tmp_path: Path) -> None:
    """Free-text participant fields may hold characters JSON escapes: the stores search for
    the name as it is stored, so erasure finds it."""
    odd = 'Jo "JJ" Smith\\2\t'
    toc = ct.example()
    toc.evidence.add(
        Benefit(id="b-1", recipient="individual", domain="confidence", participant=odd)
    )
    for url in _stores(tmp_path):
        with ct.open_store(url) as store:
            store.save("map", toc)
            assert store.erase_participant(odd) == 1, url
            assert store.load("map").evidence.benefits == []


def test_a_json_store_erases_leftovers_of_killed_saves_and_deletes(tmp_path: Path) -> None:
    """A temporary file a killed save left, or a deleted map's folder, holding the person,
    goes with the erasure."""
    folder = tmp_path / "maps"
    toc = ct.example()
    toc.evidence.add(Participant(id=PEOPLE[0]))
    with ct.open_store(f"json://{folder}") as store:
        store.save("map", toc)
        store.save("gone", toc)
    leftover = folder / "map" / ".tmp-killed"
    leftover.write_text(ct.dumps(toc))
    (folder / ".deleted-gone-1").mkdir()
    (folder / ".deleted-gone-1" / "00000001.json").write_text(ct.dumps(toc))
    with ct.open_store(f"json://{folder}") as store:
        store.erase_participant(PEOPLE[0])
    assert not leftover.exists() and not (folder / ".deleted-gone-1").exists()
    assert not [p for p in folder.rglob("*") if p.is_file() and PEOPLE[0] in p.read_text()]
