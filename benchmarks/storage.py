"""How fast is the SQLite store, against raw sqlite3 writing and reading the same rows?

    python benchmarks/storage.py                 # about 100,000 nodes and 300,000 links
    python benchmarks/storage.py --nodes 20000

Floor: the stdlib ``sqlite3`` module inserting the very rows the store writes (same tables,
same pragmas, one transaction) into a fresh file, then selecting them back in order. The
store does that plus turning the map into rows and the rows back into a checked map.

Goals: save + load within 3x the floor; saving after a one-node edit at least 20x faster
than saving the whole map, also from a store opened afresh (as each web request and each
command does).

Then the example map after a 5,000-row survey import (a participant, a consent, a measure
and a benefit per person): a one-node edit saves at least 50x faster than the whole save,
and the version it adds is as small as the change (the file's growth is printed).

A store opened afresh finds what any store on the same database in this process loaded or
saved last. A map this process never loaded or saved (read from a file by a new process)
is compared record by record with the stored rows: that figure is printed too.
"""

from __future__ import annotations

import sqlite3
import tempfile
import threading
import time
from pathlib import Path

import coprod_toc as ct
from common import arguments, best_of_each, portfolio
from coprod_toc.backends.stores.sqlite import MIGRATIONS
from coprod_toc.storage.rows import CURRENT, RememberedMaps, RowChanges, plan_changes


def floor(folder: Path, rows: RowChanges, run: int) -> float:
    """Raw sqlite3: insert the rows a first save writes, then select them back."""
    conn = sqlite3.connect(folder / f"floor-{run}.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    for statement in MIGRATIONS[0].split(";"):
        if statement.strip():
            conn.execute(statement)
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO nodes VALUES (?, ?, ?, ?, ?, ?, ?)",
        (("m", r.id, r.type, r.body, r.position, 1, CURRENT) for r in rows.new_nodes),
    )
    conn.executemany(
        "INSERT INTO links VALUES (?, ?, ?, ?, ?, ?, ?)",
        (("m", r.source, r.target, r.body, r.position, 1, CURRENT) for r in rows.new_links),
    )
    conn.execute("COMMIT")
    conn.execute(
        "SELECT id, type, body, position FROM nodes WHERE map = 'm' AND valid_to > 1 "
        "AND valid_from <= 1 ORDER BY position"
    ).fetchall()
    conn.execute(
        "SELECT source, target, body, position FROM links WHERE map = 'm' AND valid_to > 1 "
        "AND valid_from <= 1 ORDER BY position"
    ).fetchall()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def main() -> None:
    args = arguments(__doc__.splitlines()[0], nodes=100_000)
    toc = portfolio(args.nodes, args.project_size)
    rows = plan_changes(toc, None, generation="g", version=1)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        runs = iter(range(1_000_000))

        def save_and_load() -> None:
            with ct.open_store(f"sqlite:///{folder / f'store-{next(runs)}.db'}") as store:
                store.save("map", toc)
                store.load("map")

        best = best_of_each(
            args.repeat, floor=lambda: floor(folder, rows, next(runs)), store=save_and_load
        )
        floor_s, both_s = best["floor"], best["store"]
        # In a threaded host the collector is never paused (another thread could see it
        # off): the same save + load with an idle thread alive.
        idle = threading.Event()
        other = threading.Thread(target=idle.wait)
        other.start()
        try:
            threaded = best_of_each(
                args.repeat, floor=lambda: floor(folder, rows, next(runs)), store=save_and_load
            )
        finally:
            idle.set()
            other.join()
        threaded_s, threaded_floor_s = threaded["store"], threaded["floor"]

        saves: list[float] = []
        edits: list[float] = []
        cold_edits: list[float] = []
        new_process_edits: list[float] = []
        for _ in range(args.repeat):
            path = folder / f"edit-{next(runs)}.db"
            with ct.open_store(f"sqlite:///{path}") as store:
                start = time.perf_counter()
                store.save("map", toc)
                saves.append(time.perf_counter() - start)
                edited = store.load("map")
                node = edited.outcomes()[len(edited.outcomes()) // 2]
                edited.update(node.id, statement=node.statement + " (revised)")
                start = time.perf_counter()
                store.save("map", edited, expected_version=1)
                edits.append(time.perf_counter() - start)
            # A store opened afresh (a web request): it finds what this process saved last.
            with ct.open_store(f"sqlite:///{path}") as store:
                edited.update(node.id, statement=node.statement + " (revised twice)")
                start = time.perf_counter()
                store.save("map", edited, expected_version=2)
                cold_edits.append(time.perf_counter() - start)
            # As a new process would: nothing remembered, every record compared.
            RememberedMaps._shared.clear()
            with ct.open_store(f"sqlite:///{path}") as store:
                edited.update(node.id, statement=node.statement + " (revised again)")
                start = time.perf_counter()
                store.save("map", edited, expected_version=3)
                new_process_edits.append(time.perf_counter() - start)
        save_s, edit_s, cold_s = min(saves), min(edits), min(cold_edits)
        new_s = min(new_process_edits)
        evidence_figures = _with_evidence(folder, args.repeat)

    print(
        f"{len(toc):,} nodes, {len(toc.links()):,} links: "
        f"{len(rows.new_nodes) + len(rows.new_links):,} rows"
    )
    print(f"floor (raw sqlite3 insert + select of the same rows): {floor_s:.3f} s")
    print(
        f"store save + load: {both_s:.3f} s = {both_s / floor_s:.2f}x the floor (goal: within 3x)"
    )
    print(
        "  the same with another thread alive (the collector on, collecting less often): "
        f"{threaded_s:.3f} s = {threaded_s / threaded_floor_s:.2f}x the floor"
    )
    print(f"save of the whole map:     {save_s:.3f} s")
    print(
        f"save after a one-node edit: {edit_s * 1000:.1f} ms = {save_s / edit_s:.0f}x faster "
        f"(goal: at least 20x)"
    )
    print(
        f"  the same from a store opened afresh: {cold_s * 1000:.1f} ms = "
        f"{save_s / cold_s:.0f}x faster (goal: at least 20x)"
    )
    print(
        f"  the same in a new process (nothing remembered): {new_s * 1000:.1f} ms = "
        f"{save_s / new_s:.1f}x faster (every record compared with the stored rows)"
    )
    print(evidence_figures)


def _imported_map(folder: Path, responses: int) -> ct.TheoryOfChange:
    """The example map after importing a survey of ``responses`` rows (the example's
    "before" survey, repeated with new people): a participant, a consent, a measure and a
    benefit per person."""
    examples = Path(__file__).parent.parent / "examples" / "survey"
    lines = (examples / "before.csv").read_text("utf-8").splitlines()
    rows = [line.split(",") for line in lines[1:]]
    body = []
    for n in range(responses):
        row = list(rows[n % len(rows)])
        row[1], row[2], row[3] = f"p{n}@example.org", f"P{n:05d}", "Yes"
        body.append(",".join(row))
    survey = folder / "survey.csv"
    survey.write_text("\n".join([lines[0], *body]) + "\n", "utf-8")
    toc = ct.example()
    ct.import_survey_evidence(
        survey, examples / "before.toml", into=toc, pseudonym_key=b"benchmark-key" * 3
    )
    return toc


def _with_evidence(folder: Path, repeat: int, responses: int = 5000) -> str:
    """The example map after a survey import of ``responses`` rows: whole save, one-node
    edit (warm and from a store opened afresh), and how much each version adds to the file."""
    toc = _imported_map(folder, responses)
    records = sum(1 for _ in toc.evidence.records())
    wholes, warm, fresh, growth, whole_size = [], [], [], [], 0
    for run in range(repeat):
        path = folder / f"evidence-{run}.db"
        url = f"sqlite:///{path}"
        with ct.open_store(url) as store:
            start = time.perf_counter()
            store.save("map", toc)
            wholes.append(time.perf_counter() - start)
            whole_size = _version_bytes(path, 1)
            edited = store.load("map")
            edited.update("O5", statement=f"Staff recruited ({run}).")
            start = time.perf_counter()
            store.save("map", edited)
            warm.append(time.perf_counter() - start)
            growth.append(_version_bytes(path, 2))
        with ct.open_store(url) as store:
            edited.update("O5", statement=f"Staff recruited and trained ({run}).")
            start = time.perf_counter()
            store.save("map", edited)
            fresh.append(time.perf_counter() - start)
    whole, edit, cold = min(wholes), min(warm), min(fresh)
    return (
        f"the example after a {responses:,}-row survey import ({records:,} evidence records): "
        f"whole save {whole * 1000:.0f} ms "
        f"({whole_size / 1e6:.1f} MB of rows); one-node edit {edit * 1000:.1f} ms = "
        f"{whole / edit:.0f}x faster (goal: at least 50x), from a store opened afresh "
        f"{cold * 1000:.1f} ms = {whole / cold:.0f}x; the edit's version stores "
        f"{min(growth):,} bytes (its header and changed rows)"
    )


def _version_bytes(path: Path, version: int) -> int:
    """What one version added to the store: its header and the rows it began."""
    with sqlite3.connect(path) as conn:
        header = conn.execute(
            "SELECT length(header) FROM versions WHERE version = ?", (version,)
        ).fetchone()[0]
        rows = sum(
            conn.execute(
                f"SELECT coalesce(sum(length(body)), 0) FROM {table} WHERE valid_from = ?",
                (version,),
            ).fetchone()[0]
            for table in ("nodes", "links", "evidence")
        )
    return int(header) + int(rows)


if __name__ == "__main__":
    main()
