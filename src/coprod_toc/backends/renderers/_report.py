"""The narrative of a map, as the Markdown and HTML renderers tell it.

Each section is here only when its data exists (see :class:`coprod_toc.analysis.Analyses`):
the split needs impacts and a map without loops; progress needs something to report. The
validation findings are always there, since "no problems found" is news.
"""

from __future__ import annotations

import attrs

from coprod_toc.analysis import Analyses, ProgressReport, SplitResult, ValidationReport
from coprod_toc.analysis.split import TABLE_COLUMNS, percent
from coprod_toc.backends.renderers._view import MapView
from coprod_toc.graph import TheoryOfChange
from coprod_toc.model import Assumption, Kind, Link, Node
from coprod_toc.plugins import get_plugin_manager  # the rules plugins add, too

__all__ = ["NO_EVIDENCE_YET", "SPLIT_COLUMNS", "Narrative", "percent"]

#: The split table's columns, as the analysis names them.
SPLIT_COLUMNS = TABLE_COLUMNS

#: Said once under a group of links none of which has evidence.
NO_EVIDENCE_YET = "No evidence is attached to these links yet."


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
    def of(cls, toc: TheoryOfChange, analyses: Analyses | None = None) -> Narrative:
        """The narrative of ``toc``, told with ``analyses`` (worked out here, with the active
        plugins' rules, when not given)."""
        if analyses is None:
            analyses = Analyses.of(toc, get_plugin_manager().extensions.rules)
        else:
            analyses = Analyses.given(analyses, toc)
        view = MapView.of(toc)
        outgoing: dict[str, list[Link]] = {node_id: [] for node_id in view.keys}
        incoming: dict[str, list[Link]] = {node_id: [] for node_id in view.keys}
        for link in view.links:
            outgoing[link.source].append(link)
            incoming[link.target].append(link)
        return cls(
            toc=toc,
            view=view,
            validation=analyses.validation,
            split=analyses.split,
            split_missing=analyses.split_missing,
            progress=analyses.progress,
            outgoing=outgoing,
            incoming=incoming,
            assumptions=tuple(toc.assumptions()),
        )

    @property
    def progress_missing(self) -> str:
        """Why there is no progress to tell, in one sentence (the section always shows)."""
        if self.split is None:
            return self.split_missing or "Progress cannot be worked out for this map yet."
        return (
            "Not started yet: every activity is still planned, and no outcome has an "
            "assessment or an indicator."
        )

    def links_lack_evidence(self, nodes: list[Node]) -> bool:
        """Whether these nodes have links and none of them carries evidence: then the
        report says so once (:data:`NO_EVIDENCE_YET`), not after every link."""
        links = [link for node in nodes for link in self.outgoing[node.id]]
        return bool(links) and not any(link.evidence for link in links)

    def nodes_of(self, nodes: tuple[Node, ...], kind: Kind) -> list[Node]:
        return [n for n in nodes if getattr(n, "kind", None) is kind]

    def node(self, node_id: str) -> Node:
        return self.toc.get(node_id)
