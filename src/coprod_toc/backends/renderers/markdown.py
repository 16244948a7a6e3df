"""Built-in plugin: the map as a Markdown narrative (with its Mermaid diagram for GitHub).

The story follows backwards mapping: the problem, the two impacts, outcomes and activities
each in their project and co-production parts, what links to what, then validation
findings, the split and progress when they exist.

Escaping: every character Markdown could read as syntax is backslash-escaped, and ``<``,
``>`` and ``&`` become HTML entities (GitHub and most viewers pass raw HTML through), so a
label shows as the text it is. Line breaks inside a label become spaces.
"""

from __future__ import annotations

import re
from typing import Any

from coprod_toc.backends.renderers._report import (
    NO_EVIDENCE_YET,
    SPLIT_COLUMNS,
    Narrative,
)
from coprod_toc.backends.renderers._view import check_options, kind_name, node_caption, one_line
from coprod_toc.backends.renderers.mermaid import MermaidRenderer
from coprod_toc.errors import RenderError
from coprod_toc.graph import TheoryOfChange
from coprod_toc.model import Kind, Link, Node, Outcome

__all__ = ["MarkdownRenderer", "markdown_text"]

# Inline syntax anywhere in a line; block syntax (lists, headings, quotes) only at its start.
_INLINE = re.compile(r"([\\`*_\[\]!|~])")
_LINE_START = re.compile(r"^(\d*)([#>+=.)-])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def markdown_text(text: str) -> str:
    """``text`` as Markdown inline text that shows exactly that text, on one line."""
    escaped = _INLINE.sub(r"\\\1", one_line(text))
    escaped = "".join(_HTML.get(char, char) for char in escaped)
    return _LINE_START.sub(r"\1\\\2", escaped)


def _node_ref(node: Node) -> str:
    return f"**{markdown_text(node.id)}** {markdown_text(node.text)}"


def _link_line(link: Link, narrative: Narrative) -> str:
    """The link's target and what the group recorded about the link, on one line."""
    other = narrative.node(link.target)
    parts = [f"{markdown_text(other.id)} ({markdown_text(other.text)})"]
    if link.level is not None:
        parts.append(f"level {link.level} of 4")
    if link.rationale:
        parts.append(f"why: {markdown_text(link.rationale)}")
    if link.evidence:
        parts.append(f"evidence: {', '.join(markdown_text(e) for e in link.evidence)}")
    return "; ".join(parts)


class MarkdownRenderer:
    media_type = "text/markdown"
    suffix = ".md"
    description = (
        "The narrative in Markdown: problem, impacts, outcomes and activities in their two "
        "parts, links, findings, and the split and progress when present."
    )

    uses_analyses = True  # ct.render passes the map's validation, split and progress

    def render(self, toc: TheoryOfChange, **options: Any) -> str:
        settings = check_options("markdown", options, {"diagram": True, "analyses": None})
        if not isinstance(settings["diagram"], bool):
            raise RenderError(
                f"the markdown renderer's diagram is true or false, not {settings['diagram']!r}"
            )
        narrative = Narrative.of(toc, settings["analyses"])
        view = narrative.view
        out: list[str] = [f"# {markdown_text(view.title)}", ""]
        out.append(
            f"A Theory of Change built by backwards mapping: {markdown_text(toc.summary())}."
        )
        if settings["diagram"] and len(view):
            out += ["", "```mermaid", MermaidRenderer().render(toc).rstrip("\n"), "```"]

        out += ["", "## The problem", ""]
        problem = view.problem
        if problem is None:
            out.append("No problem statement yet.")
        else:
            out.append(markdown_text(problem.text))
            context = getattr(problem, "context", None)
            if context:
                out += ["", f"Context: {markdown_text(context)}"]
            groups = getattr(problem, "affected_groups", ())
            if groups:
                who = ", ".join(markdown_text(g) for g in groups)
                out += ["", f"Who is affected: {who}."]
            links = narrative.outgoing[problem.id]
            if links:
                out.append("")
                out += [f"- Addressed by {_link_line(link, narrative)}" for link in links]
                if narrative.links_lack_evidence([problem]):
                    out += ["", NO_EVIDENCE_YET]

        out += ["", "## Impact", ""]
        if not view.impacts:
            out.append("No impact yet.")
        for impact in view.impacts:
            out.append(f"- {kind_name(impact.kind)} impact {_node_ref(impact)}")

        for heading, nodes in (("Outcomes", view.outcomes), ("Activities", view.activities)):
            out += ["", f"## {heading}"]
            for kind in Kind:
                members = narrative.nodes_of(nodes, kind)
                out += ["", f"### {kind_name(kind)} {heading.lower()}", ""]
                if not members:
                    out.append(f"No {kind_name(kind).lower()} {heading.lower()}.")
                for node in members:
                    out += self._node_item(node, narrative)
                if narrative.links_lack_evidence(members):
                    out += ["", NO_EVIDENCE_YET]

        if narrative.assumptions:
            out += ["", "## Assumptions and enablers", ""]
            for assumption in narrative.assumptions:
                where = " → ".join(markdown_text(part) for part in assumption.attached_to)
                out.append(
                    f"- {markdown_text(assumption.text)} ({assumption.type.value}, "
                    f"{assumption.status.value}; on {where})"
                )

        out += ["", "## Validation", ""]
        findings = narrative.validation.findings
        if not findings:
            out.append("No problems found: every outcome has activities and reaches an impact.")
        for finding in findings:
            out.append(
                f"- **{finding.severity.value}** {markdown_text(finding.message)} "
                f"(`{finding.code}`)"
            )

        out += ["", "## The split between project and co-production", ""]
        out += self._split(narrative)
        out += ["", "## Progress", ""]
        if narrative.progress is None:
            out.append(markdown_text(narrative.progress_missing))
        else:
            out += self._progress(narrative)
        return "\n".join(out) + "\n"

    def _node_item(self, node: Node, narrative: Narrative) -> list[str]:
        caption = node_caption(node)
        lines = [f"- {_node_ref(node)} — {caption.lower()}"]
        if isinstance(node, Outcome) and node.i_statement:
            lines.append(f"  - In our words: {markdown_text(node.i_statement)}")
        for link in narrative.outgoing[node.id]:
            lines.append(f"  - Leads to {_link_line(link, narrative)}")
        return lines

    def _split(self, narrative: Narrative) -> list[str]:
        result = narrative.split
        if result is None:
            return [markdown_text(narrative.split_missing or "")]
        lines = [f"> {markdown_text(result.caveat)}", ""]
        lines.append(f"- {markdown_text(result.activities.explanation)}")
        lines.append(f"- {markdown_text(result.outcomes.explanation)}")
        if result.effort is not None:
            lines.append(f"- {markdown_text(result.effort.explanation)}")
        lines += [
            "",
            "| Impact | " + " | ".join(name for name, _ in SPLIT_COLUMNS) + " |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for item in result.impacts:
            lines.append(
                f"| {markdown_text(item.impact)} {markdown_text(item.statement)} | "
                + " | ".join(item.table_cells())
                + " |"
            )
        lines.append("")
        lines += [f"- **{name}**: {meaning}." for name, meaning in SPLIT_COLUMNS]
        for item in result.impacts:
            lines += ["", f"### {markdown_text(item.impact)} {markdown_text(item.statement)}", ""]
            for measure in (item.activities, item.outcomes, item.effort, item.routes):
                if measure is not None:
                    lines.append(f"- {markdown_text(measure.explanation)}")
            lines.append(f"- {markdown_text(item.contribution.explanation)}")
            lines.append(f"- {markdown_text(item.contribution.unevidenced_explanation)}")
        if result.findings:
            lines += ["", "Worth checking:", ""]
            lines += [f"- {markdown_text(f.message)} (`{f.code}`)" for f in result.findings]
        return lines

    def _progress(self, narrative: Narrative) -> list[str]:
        report = narrative.progress
        assert report is not None
        lines = [f"- Activities: {markdown_text(report.activities.explain())}."]
        for pathway in report.pathways:
            lines.append(f"- {markdown_text(pathway.explanation)}")
        if report.achievements:
            lines += ["", "### Achievements", ""]
            for achievement in report.achievements:
                lines.append(f"- {markdown_text(achievement.explanation)}")
        if report.indicators:
            lines += ["", "### Indicators", ""]
            for indicator in report.indicators:
                lines.append(f"- {markdown_text(indicator.explanation)}")
        return lines
