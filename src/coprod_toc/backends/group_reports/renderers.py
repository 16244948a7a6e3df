"""The built-in group renderers: a group's annual report as HTML for a leadership team, as
an easy-read summary for the members, as Markdown, and its figures as JSON.

Each takes ``render(record, *, year, work_plan=None, **options)`` and shows what
:class:`~coprod_toc.backends.group_reports.view.AnnualReport` worked out, so all four
agree. HTML is escaped by Jinja2's autoescaping, Markdown by the map's Markdown escaper,
the chart by the standard library's XML escaper.
"""

from __future__ import annotations

import json
import re
from typing import Any, ClassVar

from coprod_toc.backends.group_reports.chart import year_on_year_svg
from coprod_toc.backends.group_reports.view import AnnualReport, CommitmentRow, number
from coprod_toc.backends.renderers._report import percent
from coprod_toc.backends.renderers._view import check_options, one_line
from coprod_toc.backends.renderers.easy_read import Page, Row, markdown_pages, paginate
from coprod_toc.backends.renderers.html import environment
from coprod_toc.backends.renderers.markdown import markdown_text
from coprod_toc.backends.renderers.pictograms import pictures_for
from coprod_toc.errors import RenderError
from coprod_toc.graph import TheoryOfChange
from coprod_toc.group.records import FeedbackStatus, GroupRecord

__all__ = [
    "GLOSSARY",
    "GroupEasyReadRenderer",
    "GroupHtmlRenderer",
    "GroupJsonRenderer",
    "GroupMarkdownRenderer",
]


class _GroupRenderer:
    """What every built-in group renderer does before it writes: check the options, and
    work out the year's report once."""

    #: The renderer's name (for messages) and the options it takes, with their defaults.
    name = ""
    options: ClassVar[dict[str, Any]] = {}

    def render(
        self,
        record: GroupRecord,
        *,
        year: int,
        work_plan: TheoryOfChange | None = None,
        **options: Any,
    ) -> str:
        settings = check_options(self.name, options, self.options)
        if not isinstance(record, GroupRecord):
            raise RenderError(f"the group renderer {self.name!r} takes a GroupRecord, not a map")
        return self.write(AnnualReport.of(record, year, work_plan), settings)

    def write(self, report: AnnualReport, settings: dict[str, Any]) -> str:
        raise NotImplementedError


class GroupHtmlRenderer(_GroupRenderer):
    name = "html"
    media_type = "text/html"
    suffix = ".html"
    description = (
        "A group's annual report for a leadership team: figures beside last year's with an "
        "accessible chart, workstreams, feedback loops, charter, work plan, the group's words."
    )

    def write(self, report: AnnualReport, settings: dict[str, Any]) -> str:
        import markupsafe

        chart = year_on_year_svg(report.chart, report.year_label, report.previous_label, "chart")
        template = environment().get_template("group-report.html.j2")
        return template.render(
            r=report, chart=markupsafe.Markup(chart), number=number, percent=percent
        )


class GroupMarkdownRenderer(_GroupRenderer):
    name = "markdown"
    media_type = "text/markdown"
    suffix = ".md"
    description = "A group's annual report as Markdown: the same sections as the HTML report."

    def write(self, report: AnnualReport, settings: dict[str, Any]) -> str:
        return _markdown(report)


#: A figure as the report writes it (``1,250.00``, ``+83%``, ``–``): nothing to escape.
_FIGURE = re.compile(r"[-+–]?[\d,]*\.?\d*%?|–")


def _cell(text: object) -> str:
    """A cell's or line's text on one line, escaped unless it is a figure."""
    line = one_line(str(text))
    return line if _FIGURE.fullmatch(line) else markdown_text(line)


def _table(head: tuple[str, ...], rows: list[tuple[object, ...]]) -> list[str]:
    """A table; columns of figures align right."""
    cells = [[_cell(c) for c in row] for row in rows]
    figures = [
        i > 0 and bool(cells) and all(_FIGURE.fullmatch(row[i]) for row in cells)
        for i in range(len(head))
    ]
    lines = ["| " + " | ".join(_cell(h) for h in head) + " |"]
    lines.append("|" + "|".join("---:" if right else "---" for right in figures) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in cells]
    return [*lines, ""]


def _markdown(r: AnnualReport) -> str:
    out = [f"# {markdown_text(one_line(r.group))}: annual report {r.year_label}", ""]
    meta = [markdown_text(one_line(r.organisation))] if r.organisation else []
    meta.append(r.period)
    out += [". ".join(meta) + ".", ""]
    for section in (_md_figures, _md_workstreams, _md_feedback, _md_charter, _md_work_plan):
        out += section(r)
    out += _md_own_words(r)
    return "\n".join(out).rstrip("\n") + "\n"


def _md_figures(r: AnnualReport) -> list[str]:
    out = ["## The year in figures", ""]
    out += [
        f"{r.year_label} beside {r.previous_label}; a change is “new” where "
        f"{r.previous_label} had none. Payments are shown only as totals.",
        "",
    ]
    out += _table(
        ("Figure", r.year_label, r.previous_label, "Change"),
        [(row.label, row.this, row.last, row.change) for row in r.key_figures],
    )
    if r.by_kind:
        out += _table(
            ("Engagements by kind", r.year_label, r.previous_label),
            [(row.label, row.this, row.last) for row in r.by_kind],
        )
    if isinstance(r.roles, str):
        why = r.roles.replace("withheld: ", "")
        return [*out, f"Members taking part by role are not shown ({why}).", ""]
    return out + _table(
        ("Members taking part, by role", r.year_label, r.previous_label),
        [(row.label, row.this, row.last) for row in r.roles],
    )


def _md_workstreams(r: AnnualReport) -> list[str]:
    out = ["## Workstreams", ""]
    if not r.workstreams:
        return [*out, "No engagement or feedback named a workstream this year.", ""]
    head = ("Workstream", "Hours given", "Feedback acted on", "Feedback told back")
    return out + _table(head, list(r.workstreams))


def _md_feedback(r: AnnualReport) -> list[str]:
    out = ["## You said, we did, we told you", ""]
    for heading, rows in (
        ("Loops closed this year", r.closed_loops),
        ("Still open at the year's end", r.open_loops),
    ):
        out += [f"### {heading}", ""]
        if not rows:
            out += ["None.", ""]
            continue
        out += _table(
            ("Item", "You said", "We did", "We told you"),
            [
                (
                    row.id,
                    f"{row.said} ({row.said_on})",
                    " – ".join(part for part in (row.did, row.status, row.reason) if part),
                    row.told_back,
                )
                for row in rows
            ],
        )
    return out


def _md_charter(r: AnnualReport) -> list[str]:
    out = ["## The charter", ""]
    c = r.charter
    if c is None:
        return [*out, "No charter was agreed by the end of the year.", ""]
    overdue = " (overdue)" if c.review_overdue else ""
    out += [
        f"Version {c.version}, agreed on {c.agreed_on} by {c.agreed_by} members. "
        f"Next review: {c.review_on}{overdue}.",
        "",
    ]
    if c.commitments:
        out += _table(
            ("Commitment", "Held", "Met"),
            [
                (f"At least {k.at_least} {k.what} engagements a year", k.held,
                 "Met" if k.met else "Not met")
                for k in c.commitments
            ],
        )  # fmt: skip
    for heading, items in (
        ("What we know", c.knowns),
        ("What we do not know yet", c.unknowns),
        ("What we aspire to", c.aspirations),
    ):
        if items:
            out += [f"### {heading}", "", *(f"- {_cell(i)}" for i in items), ""]
    return out


def _md_work_plan(r: AnnualReport) -> list[str]:
    out = ["## Work-plan progress", ""]
    w = r.work_plan
    if w is None:
        return [*out, _cell(r.work_plan_missing or "The group has no work plan on record."), ""]
    a, ach, share = w["activities"], w["achievements"], w["coproduction_share"]
    out += [
        f"{_cell(w['map'])}: activities {a['done']} done, {a['in_progress']} in progress, "
        f"{a['planned']} planned, of {a['total']}; achievements {ach['achieved']} "
        f"achieved of {ach['total']}. Co-production's share: "
        f"{percent(share['activities'])} of activities, {percent(share['outcomes'])} of "
        f"outcomes, about {percent(share['contribution'])} of the contribution.",
        "",
    ]
    return out + _table(
        ("Node", "Status", "Engagements", "Hours", "Feedback loops (closed)"),
        [
            (f"{n['id']}: {n['text']}", (n["status"] or "not assessed").replace("_", " "),
             n["engagements"], number(n["hours"]), f"{n['feedback']} ({n['closed']})")
            for n in w["nodes"]
        ],
    )  # fmt: skip


def _md_own_words(r: AnnualReport) -> list[str]:
    out = ["## In the group's words", ""]
    s = r.sections
    if s is None:
        return [*out, f"The group has not written its sections for {r.year_label} yet.", ""]
    for heading, items in (
        ("Good practice", s.good_practice),
        ("Areas for further development", s.development),
        ("Priorities for next year", s.priorities),
    ):
        if items:
            out += [f"### {heading}", "", *(f"- {_cell(i)}" for i in items), ""]
    for quote in s.quotes:
        by = f" — {_cell(quote.role)}" if quote.role else ""
        out += [f"> {_cell(quote.text)}{by}", ""]
    return out


class GroupJsonRenderer(_GroupRenderer):
    name = "json"
    media_type = "application/json"
    suffix = ".json"
    description = "A group's figures for a year beside the year before, with its work plan's."

    def write(self, report: AnnualReport, settings: dict[str, Any]) -> str:
        document = {"group": report.group, **report.figures, "work_plan": report.work_plan}
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- easy read

#: Words an easy-read group report may use, explained in easy words.
GLOSSARY = (
    ("Co-production", "Co-production means people work together as equals."),
    ("Charter", "Our charter is the list of promises we agreed."),
    ("Feedback", "Feedback is what you tell us."),
    ("Plan", "Our plan says what we want to do."),
)


def _times(count: int) -> str:
    return "once" if count == 1 else "twice" if count == 2 else f"{count} times"


def _met(count: int, when: str) -> str:
    return f"{when} we had no meetings." if count == 0 else f"{when} we met {_times(count)}."


#: What became of what the group said, in easy words.
_DONE = {
    FeedbackStatus.ADOPTED: "We did what you asked.",
    FeedbackStatus.PARTLY: "We did part of what you asked.",
    FeedbackStatus.DECLINED: "We did not do it.",
}

#: How many open items the easy-read report lists before it counts the rest.
_OPEN_SHOWN = 5


def _easy_pages(r: AnnualReport) -> list[Page]:
    # Why this is long: one page after another, each in the order a member reads it.
    f, last = r.figures, r.figures["previous"]
    cover = [
        Row("cover", f"This is our report for {r.year_label}."),
        Row("coproduction", "Co-production means we work together as equals."),
        Row("glossary", "Hard words are in the word list at the end."),
    ]
    paid = f["paid_opportunities"]
    year = [
        Row("activity", _met(f["meetings"], "This year")),
        Row("activity", _met(last["meetings"], "Last year")),
        Row("coproduction", f"{_things(f['members_active'], 'member')} took part this year."),
        Row("coproduction", f"Members gave {number(f['hours'])} hours of their time."),
        Row("project", f"The organisation paid members for {_things(paid, 'activity')}."),
    ]
    said: list[list[Row]] = []
    for row in r.closed_loops:
        group = [Row("coproduction", _sentence(row.said), "You said")]
        done = _DONE.get(row.state)
        if row.did or done:
            group.append(Row("activity", " ".join(filter(None, (done, _did(row.did)))), "We did"))
        if row.reason:
            group.append(Row("more", _sentence(row.reason), "Why"))
        group.append(Row("impact", f"We told you on {row.told_back}.", "We told you"))
        said.append(group)
    for row in r.open_loops[:_OPEN_SHOWN]:
        said.append([Row("more", _sentence(row.said), "We still owe you an answer")])
    if len(r.open_loops) > _OPEN_SHOWN:
        more = _things(len(r.open_loops) - _OPEN_SHOWN)
        said.append([Row("more", f"We owe you answers about {more} more.")])
    if not said:
        said.append([Row("more", "You gave us no feedback this year.")])
    pages = paginate(r.group, [[row] for row in cover])
    pages += paginate(f"Our year {r.year_label}", [[row] for row in year])
    pages += paginate("Your feedback", said)
    c = r.charter
    if c is not None:
        rows = [_promise(k) for k in c.commitments]
        if c.review_overdue:
            rows.append([Row("more", "It is time to look at our charter again.")])
        if rows:
            pages += paginate("Our charter", rows)
    w = r.work_plan
    if w is not None:
        a = w["activities"]
        plan = [
            Row("activity", f"Our plan has {_things(a['total'], 'job')}."),
            Row("impact", f"We finished {number(a['done'])} of them."),
            Row("coproduction", f"We are still working on {number(a['in_progress'])} of them."),
        ]
        pages += paginate("Our plan", [[row] for row in plan])
    s = r.sections
    if s is not None:
        own = [Row("impact", _sentence(t), "What went well") for t in s.good_practice]
        own += [Row("more", _sentence(t), "What we can do better") for t in s.development]
        own += [Row("outcome", _sentence(t), "What comes next") for t in s.priorities]
        if own:
            pages += paginate("In our words", [[row] for row in own])
    text = " ".join(f"{p.heading} {' '.join(row.text for row in p.rows)}" for p in pages).lower()
    words = [Row("glossary", f"{w}. {meaning}") for w, meaning in GLOSSARY if w.lower() in text]
    if words:
        pages += paginate("Word list", [[row] for row in words])
    return pages


def _did(text: str) -> str:
    return _sentence(text) if text else ""


def _promise(k: CommitmentRow) -> list[Row]:
    """A charter commitment and whether the year kept it, in easy words."""
    if k.what == "meeting":
        promise = f"We promised to meet at least {_times(k.at_least)} a year."
        held = _met(k.held, "This year")
    else:
        promise = f"We promised at least {_things(k.at_least, k.what + ' session')} a year."
        held = f"This year we had {k.held}."
    kept = "We kept our promise." if k.met else "We missed our promise."
    return [Row("split", promise), Row("impact" if k.met else "more", f"{held} {kept}")]


def _things(count: int, noun: str = "thing") -> str:
    if count == 1:
        return f"1 {noun}"
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{count} {plural}"


def _sentence(text: str) -> str:
    """The group's own words, on one line, ending as a sentence does."""
    line = one_line(text)
    return line if re.search(r"[.!?]$", line) else f"{line}."


class GroupEasyReadRenderer(_GroupRenderer):
    name = "easy-read"
    options: ClassVar[dict[str, Any]] = {"format": "html", "pictures": None}
    media_type = "text/html"
    suffix = ".html"
    description = (
        "A group's annual report in easy read for its members (HTML, or Markdown with "
        "format='markdown'): short sentences, a picture beside each, a word list."
    )

    def write(self, report: AnnualReport, settings: dict[str, Any]) -> str:
        pictures = pictures_for(settings["pictures"])
        pages = _easy_pages(report)
        if settings["format"] == "html":
            template = environment().get_template("easy-read.html.j2")
            return template.render(title=one_line(report.group), pages=pages, pictures=pictures)
        if settings["format"] == "markdown":
            return markdown_pages(pages, pictures)
        raise RenderError(
            f"the easy-read renderer's format is 'html' or 'markdown', not {settings['format']!r}"
        )
