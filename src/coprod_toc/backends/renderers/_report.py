"""The narrative of a map, as the Markdown and HTML renderers tell it.

Each section is here only when its data exists: the split needs impacts and a map without
loops; progress needs something to report (an activity under way or done, an assessment,
an indicator). The validation findings are always there, since "no problems found" is news.
"""

from __future__ import annotations

import attrs

from coprod_toc.analysis import ProgressReport, SplitResult, ValidationReport, progress, split
from coprod_toc.analysis.validation import validate
from coprod_toc.backends.renderers._view import MapView
from coprod_toc.errors import CycleError
from coprod_toc.graph import TheoryOfChange
from coprod_toc.model import ActivityStatus, Assumption, Kind, Link, Node, Outcome
from coprod_toc.plugins import get_plugin_manager  # the rules plugins add, too

__all__ = ["Narrative", "percent"]


def percent(value: float | None) -> str:
    """``0.6406`` → ``64%``; ``None`` → ``–`` (nothing to divide)."""
    return "–" if value is None else f"{round(value * 100)}%"


@attrs.frozen
class Narrative:
    toc: TheoryOfChange
    view: MapView
    validation: ValidationReport
    split: SplitResult | None
    #: Why the split is missing, in one sentence (when it is).
    split_missing: str | None
    progress: ProgressReport | None
    outgoing: dict[str, list[Link]]
    incoming: dict[str, list[Link]]
    assumptions: tuple[Assumption, ...]

    @classmethod
    def of(cls, toc: TheoryOfChange) -> Narrative:
        view = MapView.of(toc)
        outgoing: dict[str, list[Link]] = {node_id: [] for node_id in view.keys}
        incoming: dict[str, list[Link]] = {node_id: [] for node_id in view.keys}
        for link in view.links:
            outgoing[link.source].append(link)
            incoming[link.target].append(link)
        result: SplitResult | None = None
        missing: str | None = None
        report: ProgressReport | None = None
        if not view.impacts:
            missing = "The split needs at least one impact; this map has none yet."
        else:
            try:
                result = split(toc)
                if _has_progress(view):
                    report = progress(toc)
            except CycleError:
                missing = "The split cannot be worked out while links go round in a loop."
        return cls(
            toc=toc,
            view=view,
            validation=validate(toc, get_plugin_manager().extensions.rules),
            split=result,
            split_missing=missing,
            progress=report,
            outgoing=outgoing,
            incoming=incoming,
            assumptions=tuple(toc.assumptions()),
        )

    def nodes_of(self, nodes: tuple[Node, ...], kind: Kind) -> list[Node]:
        return [n for n in nodes if getattr(n, "kind", None) is kind]

    def node(self, node_id: str) -> Node:
        return self.toc.get(node_id)


def _has_progress(view: MapView) -> bool:
    if any(a.status is not ActivityStatus.PLANNED for a in view.activities):
        return True
    return any(_outcome_has_progress(o) for o in view.outcomes)


def _outcome_has_progress(outcome: Outcome) -> bool:
    return bool(outcome.assessments or outcome.indicators)
