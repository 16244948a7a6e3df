"""How fast is the SQLite store, against raw sqlite3 writing and reading the same rows?

    python benchmarks/storage.py                 # about 100,000 nodes and 300,000 links
    python benchmarks/storage.py --nodes 20000

Floor: the stdlib ``sqlite3`` module inserting the very rows the store writes (same tables,
same pragmas, one transaction) into a fresh file, then selecting them back in order. The
store does that plus turning the map into rows and the rows back into a checked map.

Goals: save + load within 3x the floor; saving after a one-node edit at least 20x faster
than saving the whole map.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from pathlib import Path

import coprod_toc as ct
from common import arguments, best_of_each, portfolio
from coprod_toc.backends.sqlite import MIGRATIONS
from coprod_toc.format.rows import CURRENT, plan_changes


def floor(folder: Path, rows: ct.format.rows.RowChanges, run: int) -> float:
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

        saves: list[float] = []
        edits: list[float] = []
        cold_edits: list[float] = []
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
            # A store opened afresh has not seen the map: it compares with the stored rows.
            with ct.open_store(f"sqlite:///{path}") as store:
                edited.update(node.id, statement=node.statement + " (revised twice)")
                start = time.perf_counter()
                store.save("map", edited, expected_version=2)
                cold_edits.append(time.perf_counter() - start)
        save_s, edit_s, cold_s = min(saves), min(edits), min(cold_edits)

    print(
        f"{len(toc):,} nodes, {len(toc.links()):,} links: "
        f"{len(rows.new_nodes) + len(rows.new_links):,} rows"
    )
    print(f"floor (raw sqlite3 insert + select of the same rows): {floor_s:.3f} s")
    print(
        f"store save + load: {both_s:.3f} s = {both_s / floor_s:.2f}x the floor (goal: within 3x)"
    )
    print(f"save of the whole map:     {save_s:.3f} s")
    print(
        f"save after a one-node edit: {edit_s * 1000:.1f} ms = {save_s / edit_s:.0f}x faster "
        f"(goal: at least 20x)"
    )
    print(
        f"  the same from a store opened afresh: {cold_s * 1000:.1f} ms = "
        f"{save_s / cold_s:.1f}x faster (it reads the stored rows to compare)"
    )


if __name__ == "__main__":
    main()
