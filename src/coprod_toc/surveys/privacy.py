"""Personal data in a table an importer built without the kit: the host's safety net.

Tables built by the kit (:func:`coprod_toc.surveys.kit.build_table`) have had personal data
handled as their rows were read. A third-party importer may build its table another way;
``ct.import_survey`` then passes it through :func:`protect`, which applies the same rule
(:mod:`coprod_toc.surveys.personal`): questions whose key, text or sub-item name personal
data are left out, their names gathered, and every answer scrubbed.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from coprod_toc.surveys.personal import PersonalKind, Scrubber, personal_kind
from coprod_toc.surveys.table import RawResponse, SurveyTable

__all__ = ["protect"]


def protect(table: SurveyTable) -> SurveyTable:
    """``table`` with its personal questions left out and its answers scrubbed; the table
    itself when it was built that way already (``scrubbed``)."""
    if table.scrubbed:
        return table
    kinds = [personal_kind(q.key, q.text, q.sub_item) for q in table.questions]
    kept = [i for i, kind in enumerate(kinds) if kind is None]
    names = [i for i, kind in enumerate(kinds) if kind is PersonalKind.NAME]
    left_out = [
        q.text or q.key for q, kind in zip(table.questions, kinds, strict=True) if kind is not None
    ]
    source = table.rows
    gathered: list[Scrubber] = []

    def scrubber() -> Scrubber:
        if not gathered:
            found = {r[3][i] for r in source() for i in names if r[3][i]} if names else set()
            gathered.append(Scrubber(found))
        return gathered[0]

    def rows() -> Iterator[RawResponse]:
        scrub = scrubber()
        for response in source():
            values = tuple(response[3][i] for i in kept)
            values = scrub.scrub_row(values) or values
            yield (*response[:3], values, *response[4:])

    notes = [f"left out personal data: {', '.join(left_out)}"] if left_out else []
    return attrs.evolve(
        table,
        questions=[table.questions[i] for i in kept],
        rows=rows,
        notes=(*table.notes, *notes),
        left_out=(*table.left_out, *left_out),
        scrubbed=True,
    )
