"""How analyses show in a Jupyter notebook: small HTML of their own (``_repr_html_``),
every value escaped. The whole report in a notebook is
``IPython.display.HTML(ct.render(toc, "html", fragment=True))``."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coprod_toc.analysis.progress import ProgressReport
    from coprod_toc.analysis.split import SplitResult
    from coprod_toc.analysis.validation import ValidationReport

__all__ = ["progress_html", "split_html", "validation_html"]


def _items(lines: Iterable[str]) -> str:
    return "<ul>" + "".join(f"<li>{line}</li>" for line in lines) + "</ul>"


def validation_html(report: ValidationReport) -> str:
    if not report.findings:
        return (
            "<p>No problems found: every outcome has activities behind it and leads to an "
            "impact.</p>"
        )
    count = len(report.findings)
    head = f"{count} finding{'' if count == 1 else 's'}; " + (
        "none of them is an error."
        if report.ok
        else "errors must be fixed before the map is complete."
    )
    return f"<p>{escape(head)}</p>" + _items(
        f"<strong>{escape(f.severity.value.capitalize())}:</strong> {escape(f.message)} "
        f"<code>{escape(f.code)}</code>"
        for f in report.findings
    )


def split_html(result: SplitResult) -> str:
    from coprod_toc.analysis.split import TABLE_COLUMNS

    measures = [result.activities.explanation, result.outcomes.explanation]
    if result.effort is not None:
        measures.append(result.effort.explanation)
    head = "".join(f"<th>{escape(name)}</th>" for name, _ in TABLE_COLUMNS)
    rows = "".join(
        f"<tr><th>{escape(item.impact)} {escape(item.statement)}</th>"
        + "".join(f"<td>{escape(cell)}</td>" for cell in item.table_cells())
        + "</tr>"
        for item in result.impacts
    )
    return (
        f"<p><strong>Please note:</strong> {escape(result.caveat)}</p>"
        + _items(escape(line) for line in measures)
        + f"<table><thead><tr><th>Impact</th>{head}</tr></thead><tbody>{rows}</tbody></table>"
        + _items(f"<strong>{escape(n)}</strong>: {escape(m)}." for n, m in TABLE_COLUMNS)
    )


def progress_html(report: ProgressReport) -> str:
    lines = [f"Activities: {report.activities.explain()}."]
    lines += [p.explanation for p in report.pathways]
    lines += [a.explanation for a in report.achievements]
    lines += [i.explanation for i in report.indicators]
    return _items(escape(line) for line in lines)
