"""What a store must survive: processes killed mid-save, and processes saving at once."""

from __future__ import annotations

import gc
import multiprocessing
import os
import random
import signal
import sqlite3
import time
from pathlib import Path
from typing import Any

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


def _forked() -> None:
    """In a forked child: leave the parent's objects (a whole test session's) to the
    collector's permanent generation, so collections walk only the child's own."""
    gc.freeze()


def _keep_saving(url: str, first: int, ready: multiprocessing.synchronize.Event) -> None:
    _forked()
    with ct.open_store(url) as store:
        ready.set()
        k = first
        while True:
            store.save("map", _big_map(k), message=str(k))
            k += 1


def _seconds_per_save(url: str) -> float:
    """How long saving one large map takes here, in a store beside the one under test."""
    scheme, _, path = url.partition("://")
    spare = f"{scheme}://{path}.calibration"
    with ct.open_store(spare) as store:
        start = time.perf_counter()
        for k in range(2):
            store.save("map", _big_map(k))
        return (time.perf_counter() - start) / 2


@pytest.mark.parametrize("scheme", ["sqlite", "json"])
def test_a_killed_save_never_leaves_a_broken_map(tmp_path: Path, scheme: str) -> None:
    """SIGKILL at random moments while saving large maps: the store always loads a complete
    version, the old or the new, and its history matches what loads."""
    url = (
        f"sqlite:///{tmp_path / 'maps.db'}" if scheme == "sqlite" else f"json://{tmp_path / 'maps'}"
    )
    context = multiprocessing.get_context("fork")  # starts in milliseconds: many kills
    rng = random.Random(2026)
    # Kill within a window a few saves long, measured now: on a busy machine saves are slower
    # and the window grows with them, so kills still land both between and inside saves.
    window = max(0.4, 2.5 * _seconds_per_save(url))
    first = 0
    for _ in range(KILLS):
        ready = context.Event()
        writer = context.Process(target=_keep_saving, args=(url, first, ready))
        writer.start()
        assert ready.wait(30)
        time.sleep(rng.uniform(0.0, window))
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
    assert first >= KILLS // 4, "the writer should have saved between many kills"


# Random kills land mostly while a map is being turned into rows or text; these put the kill
# exactly where a save is most fragile.


def _die(*_args: object, **_kwargs: object) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


class _HalfWriter:
    """A file that writes half of what it is given, then the process dies."""

    def __init__(self, path: object, mode: str) -> None:
        self._file = open(path, mode)  # noqa: SIM115

    def __enter__(self) -> _HalfWriter:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._file.close()

    def write(self, data: bytes) -> None:
        self._file.write(data[: len(data) // 2])
        self._file.flush()
        _die()


class _DiesAfterNodes(sqlite3.Connection):
    """A connection whose process dies once a save has written its nodes, before its links."""

    def executemany(self, sql: str, rows: Any) -> sqlite3.Cursor:  # type: ignore[override]
        cursor = super().executemany(sql, rows)
        if sql.startswith("INSERT INTO nodes"):
            _die()
        return cursor


def _save_and_die(url: str, fault: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _forked()
    from coprod_toc.backends.stores import json_files, sqlite

    if fault == "json-half-written":
        monkeypatch.setattr(json_files, "open", _HalfWriter, raising=False)
    elif fault == "json-before-rename":
        monkeypatch.setattr(json_files.os, "link", _die)
    elif fault == "json-before-cleanup":
        monkeypatch.setattr(json_files.Path, "unlink", _die)
    elif fault == "sqlite-mid-transaction":
        connect = sqlite3.connect
        monkeypatch.setattr(
            sqlite.sqlite3, "connect", lambda *a, **k: connect(*a, factory=_DiesAfterNodes, **k)
        )
    with ct.open_store(url) as store:
        store.save("map", _big_map(1))


@pytest.mark.parametrize(
    ("fault", "survives_as"),
    [
        ("json-half-written", 1),
        ("json-before-rename", 1),
        ("json-before-cleanup", 2),  # the new version was complete: it is the latest
        ("sqlite-mid-transaction", 1),
    ],
)
def test_a_save_killed_at_its_most_fragile_point(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: str, survives_as: int
) -> None:
    """Killed mid-write, before the rename, or mid-transaction: the store loads the complete
    old version (or the complete new one), and the next save works."""
    url = (
        f"json://{tmp_path / 'maps'}"
        if fault.startswith("json")
        else f"sqlite:///{tmp_path / 'm.db'}"
    )
    with ct.open_store(url) as store:
        store.save("map", _big_map(0))
    writer = multiprocessing.get_context("fork").Process(
        target=_save_and_die, args=(url, fault, monkeypatch)
    )
    writer.start()
    writer.join()
    assert writer.exitcode == -signal.SIGKILL
    with ct.open_store(url) as store:
        assert [v.version for v in store.history("map")] == list(range(1, survives_as + 1))
        assert store.load("map") == _big_map(survives_as - 1)
        assert store.save("map", _big_map(5)) == survives_as + 1
        assert store.load("map") == _big_map(5)


@pytest.mark.parametrize("scheme", ["sqlite", "json"])
def test_concurrent_saves_commit_or_conflict(tmp_path: Path, scheme: str) -> None:
    """4 processes each save 100 times with expected versions: nothing is lost or doubled."""
    url = (
        f"sqlite:///{tmp_path / 'maps.db'}" if scheme == "sqlite" else f"json://{tmp_path / 'maps'}"
    )
    committed, conflicts = check_concurrent_saves(url, processes=4, saves=100)
    assert committed >= 100  # each round, someone wins
    assert committed + conflicts == 400
