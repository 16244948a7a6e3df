"""Everything a report shows beside the map, worked out once: validation, the split and
progress. ``ct.render`` and ``ct.export`` build it with the active plugins' rules and hand it
to the renderers and exporters that show it, so a report that writes several files (HTML,
easy read) validates the map once, not once per file."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import attrs

from coprod_toc.analysis.validation import Rule, ValidationReport, validate
from coprod_toc.errors import CycleError, RenderError
from coprod_toc.graph import TheoryOfChange
from coprod_toc.model import ActivityStatus

if TYPE_CHECKING:
    from coprod_toc.analysis.progress import ProgressReport
    from coprod_toc.analysis.split import SplitResult

__all__ = ["Analyses"]


@attrs.frozen
class Analyses:
    """The analyses of one map (``toc``), as it was when they were worked out. ``split``
    and ``progress`` are ``None`` when the map cannot have them yet; ``split_missing`` then
    says why, in one sentence."""

    toc: TheoryOfChange = attrs.field(eq=False, repr=False)
    validation: ValidationReport
    split: SplitResult | None = None
    split_missing: str | None = None
    progress: ProgressReport | None = None

    @classmethod
    def of(cls, toc: TheoryOfChange, rules: Iterable[Rule] | None = None) -> Analyses:
        """Validate ``toc`` with ``rules`` (the built-in ones when not given), and work out
        the split and, when anything has started or been assessed, progress."""
        # Imported here: a program that only validates never loads the split's sweep.
        from coprod_toc.analysis.progress import progress
        from coprod_toc.analysis.split import split

        validation = validate(toc, rules)
        if not toc.impacts():
            return cls(toc, validation, split_missing=_NO_IMPACT)
        try:
            result = split(toc)
            report = progress(toc) if _has_progress(toc) else None
        except CycleError:
            return cls(toc, validation, split_missing=_LOOP)
        return cls(toc, validation, split=result, progress=report)

    @staticmethod
    def given(value: object, toc: TheoryOfChange) -> Analyses:
        """``value`` when it is the analyses of ``toc``, as a renderer or exporter is given
        them; else a RenderError saying what to pass (another map's findings must never show
        as this one's)."""
        if not isinstance(value, Analyses):
            raise RenderError(
                f"analyses must be the map's Analyses (ct.api.analyse(toc)), "
                f"not {type(value).__name__}"
            )
        if value.toc is not toc:
            raise RenderError(
                "these analyses are of another map: work them out for the map rendered "
                "(ct.api.analyse(toc))"
            )
        return value


_NO_IMPACT = "The split needs at least one impact; this map has none yet."
_LOOP = "The split cannot be worked out while links go round in a loop."


def _has_progress(toc: TheoryOfChange) -> bool:
    if any(a.status is not ActivityStatus.PLANNED for a in toc.activities()):
        return True
    return any(o.assessments or o.indicators for o in toc.outcomes())
