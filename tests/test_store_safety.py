"""What a store must survive: processes killed mid-save, and processes saving at once."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from pathlib import Path

import pytest

import coprod_toc as ct
from coprod_toc.testing import check_concurrent_saves

KILLS = 100


_PADDING = " and more" * 100  # long statements: a save spends its time writing


def _big_map(k: int) -> ct.TheoryOfChange:
    """Map number ``k``: about 1,500 nodes whose every statement names k, so each save
    rewrites every row (or the whole file) — about 1.5 MB."""
    toc = ct.TheoryOfChange(title=f"crash map {k}")
    toc.set_problem(f"problem {k}", id="P")
    impacts = [
        toc.add_impact(f"impact {i} of map {k}", kind="project", id=f"I{i}") for i in range(10)
    ]
    outcomes = [
        toc.add_outcome(
            f"outcome {i} of map {k}{_PADDING}",
            kind="coproduction",
            leads_to=[impacts[i % 10]],
            id=f"O{i}",
        )
        for i in range(600)
    ]
    for i in range(900):
        toc.add_activity(
            f"activity {i} of map {k}{_PADDING}",
            kind="project",
            contributes_to=[outcomes[i % 600], outcomes[(i * 7 + 1) % 600]],
            id=f"A{i}",
        )
    return toc


def _keep_saving(url: str, first: int, ready: multiprocessing.synchronize.Event) -> None:
    with ct.open_store(url) as store:
        ready.set()
        k = first
        while True:
            store.save("map", _big_map(k), message=str(k))
            k += 1


@pytest.mark.parametrize("scheme", ["sqlite", "json"])
def test_a_killed_save_never_leaves_a_broken_map(tmp_path: Path, scheme: str) -> None:
    """SIGKILL at random moments while saving large maps: the store always loads a complete
    version, the old or the new, and its history matches what loads."""
    url = (
        f"sqlite:///{tmp_path / 'maps.db'}" if scheme == "sqlite" else f"json://{tmp_path / 'maps'}"
    )
    context = multiprocessing.get_context("fork")  # starts in milliseconds: many kills
    rng = random.Random(2026)
    first = 0
    for _ in range(KILLS):
        ready = context.Event()
        writer = context.Process(target=_keep_saving, args=(url, first, ready))
        writer.start()
        assert ready.wait(30)
        time.sleep(rng.uniform(0.0, 0.4))
        assert writer.is_alive(), "the writer failed on its own"
        os.kill(writer.pid, signal.SIGKILL)  # type: ignore[arg-type]
        writer.join()
        with ct.open_store(url) as store:
            if "map" not in store.list():
                continue  # killed before its first save finished: nothing was saved
            history = store.history("map")
            latest = store.load("map")
            k = int(latest.title.rsplit(" ", 1)[1])
            assert latest == _big_map(k)
            assert history[-1].message == str(k)
            assert [v.version for v in history] == list(range(1, len(history) + 1))
            first = k + 1
    assert first > KILLS, "the writer should have saved several maps between kills"
    if scheme == "json":  # each save cut off mid-write left its temporary file behind
        interrupted = len(list((tmp_path / "maps" / "map").glob(".tmp-*")))
        assert interrupted >= KILLS // 10, f"only {interrupted} kills landed mid-write"


@pytest.mark.parametrize("scheme", ["sqlite", "json"])
def test_concurrent_saves_commit_or_conflict(tmp_path: Path, scheme: str) -> None:
    """4 processes each save 100 times with expected versions: nothing is lost or doubled."""
    url = (
        f"sqlite:///{tmp_path / 'maps.db'}" if scheme == "sqlite" else f"json://{tmp_path / 'maps'}"
    )
    committed, conflicts = check_concurrent_saves(url, processes=4, saves=100)
    assert committed >= 100  # each round, someone wins
    assert committed + conflicts == 400
