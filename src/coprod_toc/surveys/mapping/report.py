"""What applying a mapping did: counts, answers left blank, and every rejection."""

from __future__ import annotations

import csv
import os
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import attrs

from coprod_toc.errors import OutputError
from coprod_toc.plain import spreadsheet_text

__all__ = ["ImportReport", "Rejection"]


@attrs.frozen
class Rejection:
    """An answer or a row that was not imported, and why."""

    row: int
    column: str
    reason: str
    #: Whose answer it was (their pseudonym); ``None`` for someone who did not consent.
    participant: str | None = None


@attrs.define
class ImportReport:
    """What an import did: counts by kind, rejections, and what the reader noted."""

    source: str
    format: str
    responses: int = 0
    imported: int = 0
    records: dict[str, int] = attrs.field(factory=lambda: defaultdict(int))
    missing: dict[str, int] = attrs.field(factory=lambda: defaultdict(int))
    rejected: list[Rejection] = attrs.field(factory=list)
    notes: list[str] = attrs.field(factory=list)
    #: What the user should look at: a date order guessed, consent details not given.
    warnings: list[str] = attrs.field(factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "format": self.format,
            "responses": self.responses,
            "imported": self.imported,
            "records": dict(self.records),
            "missing": dict(self.missing),
            "rejected": [attrs.asdict(r) for r in self.rejected],
            "notes": self.notes,
            "warnings": self.warnings,
        }

    def write_rejections(self, path: str | os.PathLike[str]) -> Path:
        """Every rejection as CSV (row, column, reason, participant), written whole or not
        at all and readable by its owner only (reasons quote answers).

        :raises OutputError: the file cannot be written there.
        """
        target = Path(path)
        staged = self.stage_rejections(target)
        try:
            os.replace(staged, target)
        except OSError as exc:
            staged.unlink(missing_ok=True)
            raise OutputError(f"{str(target)!r}: cannot write: {exc.strerror}") from None
        return target

    def stage_rejections(self, target: Path) -> Path:
        """The rejections written to a temporary file beside ``target``, to be moved into
        place (``os.replace``) once the import is saved: a folder that cannot take the
        file is found out before anything is saved.

        :raises OutputError: the file cannot be written there.
        """
        if target.is_dir():
            raise OutputError(f"{str(target)!r} is a folder: name a file for the rejections")
        try:
            handle = tempfile.NamedTemporaryFile(  # noqa: SIM115  # closed below, kept on disk
                "w",
                newline="",
                encoding="utf-8",
                dir=target.parent,
                prefix=f".{target.name}.",
                delete=False,
            )  # made readable by its owner only
        except OSError as exc:
            raise OutputError(f"{str(target)!r}: cannot write: {exc.strerror}") from None
        with handle:
            writer = csv.writer(handle)
            # Whose each line is, so that a person erased from the store can be found here.
            writer.writerow(["row", "column", "reason", "participant"])
            for r in self.rejected:
                writer.writerow(
                    [r.row, _safe_cell(r.column), _safe_cell(r.reason), r.participant or ""]
                )
        return Path(handle.name)


_safe_cell = spreadsheet_text  # a spreadsheet would run a cell starting with = + - @
