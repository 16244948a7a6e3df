"""Built-in plugin: the easy-read summary, in HTML (default) or Markdown.

For people with learning disabilities who take part in the assessment itself. It follows the
easy-read rules that ``coprod_toc.easy_read_lint`` checks: short sentences, one idea each,
a picture beside each statement, a glossary for the words that must stay, text of at least
14 pt, and no more than 24 pages (long maps are summarised, saying how many more there are).

Each statement uses the node's ``easy_read`` wording, then an outcome's ``i_statement``, and
only then its statement as written. The renderer's own sentences pass the lint; a
statement without easy-read wording may not, and the lint says where.
"""

from __future__ import annotations

from typing import Any

import attrs

from coprod_toc.analysis import SplitResult
from coprod_toc.backends.renderers._report import Narrative
from coprod_toc.backends.renderers._view import check_options, one_line
from coprod_toc.backends.renderers.html import environment
from coprod_toc.backends.renderers.markdown import markdown_text
from coprod_toc.backends.renderers.pictograms import Picture, pictures_for
from coprod_toc.errors import RenderError
from coprod_toc.graph import TheoryOfChange
from coprod_toc.model import Kind, Node, Outcome

__all__ = [
    "GLOSSARY",
    "EasyReadRenderer",
    "Page",
    "Row",
    "easy_words",
    "markdown_pages",
    "paginate",
]

#: Statements on one page, and how many a section may show before it summarises.
ROWS_PER_PAGE = 5
SECTION_ROWS = {"impacts": 10, "outcomes": 30, "activities": 30}
SPLIT_IMPACTS = 5

#: The words that must stay, explained in easy words.
GLOSSARY: tuple[tuple[str, str], ...] = (
    ("Impact", "Impact means the big change we want at the end."),
    ("Outcome", "An outcome is a change on the way to the impact."),
    ("Achievement", "An achievement is a change that comes soon."),
    ("Co-production", "Co-production means people work together as equals."),
)


def easy_words(node: Node) -> str:
    """What the easy-read summary says for ``node``: its easy-read wording if it has one."""
    easy = getattr(node, "easy_read", None)
    if easy:
        return one_line(easy)
    if isinstance(node, Outcome) and node.i_statement:
        return one_line(node.i_statement)
    return one_line(node.text)


@attrs.frozen
class Row:
    picture: str
    text: str
    #: A small heading above the row (``Working together``), or empty.
    label: str = ""


@attrs.frozen
class Page:
    heading: str
    rows: tuple[Row, ...]


_KIND_LABELS = {Kind.PROJECT: "The project", Kind.COPRODUCTION: "Working together"}
_KIND_PICTURES = {Kind.PROJECT: "project", Kind.COPRODUCTION: "coproduction"}


def _node_rows(nodes: list[Node], limit: int, noun: str) -> list[Row]:
    rows = []
    shown = nodes if len(nodes) <= limit else nodes[: limit - 1]
    for node in shown:
        kind: Kind = node.kind  # type: ignore[union-attr]
        rows.append(Row(_KIND_PICTURES[kind], easy_words(node), _KIND_LABELS[kind]))
    if len(shown) < len(nodes):
        more = len(nodes) - len(shown)
        rows.append(Row("more", f"There are {more} more {noun}. The full report has them all."))
    return rows


def share_words(share: float) -> str:
    """A share in words a reader need not count: ``0.64`` → ``most of it``."""
    whole = round(share * 100)
    if whole <= 0:
        return "none of it"
    if whole >= 100:
        return "all of it"
    for below, words in ((20, "a little of it"), (40, "some of it"), (61, "about half of it")):
        if whole < below:
            return words
    return "most of it" if whole <= 90 else "nearly all of it"


def _split_groups(result: SplitResult, narrative: Narrative) -> list[list[Row]]:
    """One group of rows per impact, kept on one page, then what the numbers are."""
    groups = []
    impacts = result.impacts[:SPLIT_IMPACTS]
    for item in impacts:
        c = item.contribution
        rows = [Row("impact", easy_words(narrative.node(item.impact)), "For this impact")]
        rows.append(Row("coproduction", f"Working together gives {share_words(c.coproduction)}."))
        rows.append(Row("project", f"The project gives {share_words(c.project)}."))
        if c.other >= 0.05:
            rows.append(Row("more", f"Other things give {share_words(c.other)}."))
        groups.append(rows)
    closing = []
    if len(result.impacts) > len(impacts):
        more = len(result.impacts) - len(impacts)
        closing.append(Row("more", f"There are {more} more impacts. The full report has them all."))
    closing.append(Row("split", "The group agreed these numbers. They are a best guess."))
    groups.append(closing)
    return groups


def _pages(narrative: Narrative) -> list[Page]:
    view = narrative.view
    sections: list[tuple[str, list[Row]]] = [
        (
            one_line(view.title),
            [
                Row("cover", "This is an easy-read summary of our plan."),
                Row("impact", "The plan shows the change we want to make."),
                Row("coproduction", "It shows what we do together."),
                Row("glossary", "Hard words are in the word list at the end."),
            ],
        )
    ]
    problem = view.problem
    if problem is not None:
        sections.append(("What is wrong now", [Row("problem", easy_words(problem))]))
    if view.impacts:
        rows = _node_rows(list(view.impacts), SECTION_ROWS["impacts"], "impacts")
        sections.append(("The impact we want", rows))
    if view.outcomes:
        rows = _node_rows(list(view.outcomes), SECTION_ROWS["outcomes"], "outcomes")
        sections.append(("Outcomes on the way", rows))
    if view.activities:
        rows = _node_rows(list(view.activities), SECTION_ROWS["activities"], "activities")
        sections.append(("What we do", rows))
    # Rows of a section in groups that stay on one page (an impact with its shares).
    grouped: list[tuple[str, list[list[Row]]]] = [
        (heading, [rows[i : i + 1] for i in range(len(rows))]) for heading, rows in sections
    ]
    if narrative.split is not None:
        split_groups = _split_groups(narrative.split, narrative)
        grouped.append(("How much working together helps", split_groups))
    pages = [page for heading, groups in grouped for page in paginate(heading, groups)]
    # The word list explains only the words the summary uses.
    said = " ".join(
        f"{page.heading} {' '.join(row.text for row in page.rows)}" for page in pages
    ).lower()
    words = [Row("glossary", f"{w}. {meaning}") for w, meaning in GLOSSARY if w.lower() in said]
    if words:
        pages += paginate("Word list", [[row] for row in words])
    return pages


def paginate(heading: str, groups: list[list[Row]]) -> list[Page]:
    """Pages of at most ROWS_PER_PAGE rows; a group is never split across two pages."""
    pages: list[list[Row]] = [[]]
    for group in groups:
        if pages[-1] and len(pages[-1]) + len(group) > ROWS_PER_PAGE:
            pages.append([])
        pages[-1].extend(group)
    return [
        Page(heading if index == 0 else f"{heading}, part {index + 1}", tuple(rows))
        for index, rows in enumerate(pages)
    ]


class EasyReadRenderer:
    media_type = "text/html"
    suffix = ".html"
    description = (
        "An easy-read summary (HTML, or Markdown with format='markdown'): short sentences, "
        "a picture beside each, a word list, 14 pt text or larger, at most 24 pages."
    )

    uses_analyses = True  # ct.render passes the map's validation, split and progress

    def render(self, toc: TheoryOfChange, **options: Any) -> str:
        settings = check_options(
            "easy-read", options, {"format": "html", "pictures": None, "analyses": None}
        )
        pictures = pictures_for(settings["pictures"])
        pages = _pages(Narrative.of(toc, settings["analyses"]))
        if settings["format"] == "html":
            template = environment().get_template("easy-read.html.j2")
            return template.render(title=one_line(toc.title), pages=pages, pictures=pictures)
        if settings["format"] == "markdown":
            return markdown_pages(pages, pictures)
        raise RenderError(
            f"the easy-read renderer's format is 'html' or 'markdown', not {settings['format']!r}"
        )


def markdown_pages(pages: list[Page], pictures: dict[str, Picture]) -> str:
    out: list[str] = []
    for number, page in enumerate(pages, start=1):
        if number > 1:
            out += ["", "---", ""]
        level = "#" if number == 1 else "##"
        out += [f"{level} {markdown_text(page.heading)}", ""]
        for row in page.rows:
            picture = pictures[row.picture]
            source = picture.path or picture.data_url
            if row.label:
                out += [f"**{markdown_text(row.label)}**", ""]
            # A picture beside each statement; its words are the statement, so no alt text.
            target = source.replace("<", "%3C").replace(">", "%3E")
            out += [f"![](<{target}>)", ""]
            out += [markdown_text(row.text), ""]
        out.append(f"Page {number}")
    return "\n".join(out) + "\n"
