"""Renderers: mermaid, dot, svg, markdown, html and easy-read, and how they escape labels."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import coprod_toc as ct
from coprod_toc.analysis import CAVEAT
from coprod_toc.backends.renderers._view import one_line, visible, wrap
from coprod_toc.backends.renderers.easy_read import GLOSSARY, easy_words
from coprod_toc.backends.renderers.graphviz import dot_string
from coprod_toc.backends.renderers.markdown import markdown_text
from coprod_toc.backends.renderers.mermaid import mermaid_text
from coprod_toc.testing import HOSTILE_LABELS, RendererContract, hostile_map
from tests.strategies import maps

NEEDS_DOT = pytest.mark.skipif(
    shutil.which("dot") is None, reason="Graphviz's dot is not installed (apt-get install graphviz)"
)


class TestMermaidContract(RendererContract):
    renderer_name = "mermaid"


class TestDotContract(RendererContract):
    renderer_name = "dot"


class TestSvgContract(RendererContract):
    renderer_name = "svg"


@NEEDS_DOT
class TestGraphvizSvgContract(RendererContract):
    renderer_name = "graphviz-svg"


class TestMarkdownContract(RendererContract):
    renderer_name = "markdown"


class TestHtmlContract(RendererContract):
    renderer_name = "html"


class TestEasyReadContract(RendererContract):
    renderer_name = "easy-read"


ALL_FORMATS = ["mermaid", "dot", "svg", "markdown", "html", "easy-read"]


def test_there_are_at_least_forty_hostile_labels() -> None:
    """The hostile list is long enough to mean something, and has no repeats."""
    assert len(HOSTILE_LABELS) >= 40
    assert len(set(HOSTILE_LABELS)) == len(HOSTILE_LABELS)


# --------------------------------------------------------------------------- mermaid

# A node line: a generated name, an opening shape, a quoted label, the closing shape.
_MERMAID_NODE = re.compile(r'^ {8}n\d+(\["|\(\["|\[/")([^"]*)("\]|"\]\)|"/\])$')
_MERMAID_SAFE_LABEL = re.compile(r"^[^\"\[\]{}()<>`;|#&%\n]*(#\d+;[^\"\[\]{}<>`;|#&%\n]*)*$")


def test_mermaid_labels_hold_no_syntax() -> None:
    """Every hostile label becomes one quoted label line with all syntax written as codes."""
    text = ct.render(hostile_map(), "mermaid")
    node_lines = [line for line in text.splitlines() if re.match(r"^ {8}n\d+", line)]
    assert len(node_lines) == len(hostile_map().nodes())
    for line in node_lines:
        match = _MERMAID_NODE.match(line)
        assert match, line
        label = match.group(2).replace("(", "").replace(")", "")
        assert _MERMAID_SAFE_LABEL.match(label), line


def test_mermaid_entity_codes_spell_the_label() -> None:
    """Decoding the #NN; codes gives back the label as shown (one line, visible)."""
    for label in HOSTILE_LABELS:
        encoded = mermaid_text(label, limit=10_000)
        decoded = re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), encoded)
        assert decoded == one_line(label)


def test_mermaid_user_ids_never_become_node_names() -> None:
    """A node whose id is a Mermaid keyword ('end') is still drawn under a generated name."""
    toc = ct.TheoryOfChange(title="Keywords")
    impact = toc.add_impact("Impact", kind="project", id="end")
    toc.add_outcome("Outcome", kind="project", leads_to=[impact], id="subgraph")
    text = ct.render(toc, "mermaid")
    assert "end[" not in text and "subgraph[" not in text
    assert "    n2 --> n1" in text


def test_mermaid_tells_kinds_apart_by_shape_and_words() -> None:
    """Project nodes are rectangles, co-production nodes rounded, and each label says which."""
    text = ct.render(ct.example(), "mermaid")
    assert '["Project impact: Create a day centre' in text
    assert '(["Co-production impact: Make the day centre' in text


# --------------------------------------------------------------------------- dot and svg


@NEEDS_DOT
def test_dot_of_hostile_labels_is_accepted_by_graphviz_and_shows_them_as_text() -> None:
    """The real dot program reads the DOT, and the SVG it draws has every label line as text."""
    toc = hostile_map()
    done = subprocess.run(
        ["dot", "-Tsvg"], input=ct.render(toc, "dot").encode(), capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr.decode()
    root = ET.fromstring(done.stdout)
    texts = {"".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")}
    for node in toc.nodes():
        for line in wrap(node.text, 32, 5):
            # dot collapses runs of spaces; compare the words.
            assert " ".join(line.split()) in {" ".join(t.split()) for t in texts}, line


def test_dot_string_escapes_what_dot_reads_as_syntax() -> None:
    """Quotes, backslashes (\\N, \\G escapes) and HTML entities are escaped."""
    assert dot_string('say "hi"') == 'say \\"hi\\"'
    assert dot_string("\\N") == "\\\\N"
    assert dot_string("&lt;") == "&amp;lt;"


@NEEDS_DOT
def test_graphviz_svg_renders_the_example() -> None:
    """The graphviz-svg format draws the map through Graphviz."""
    svg = ct.render(ct.example(), "graphviz-svg")
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"


def test_graphviz_svg_without_graphviz_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When the dot program is missing the error names Graphviz and how to get it, and the
    built-in svg that needs nothing more."""
    monkeypatch.setenv("PATH", "")  # no program can be found
    with pytest.raises(ct.RenderError, match=r"Graphviz.*apt-get install graphviz.*'svg'"):
        ct.render(ct.example(), "graphviz-svg")


def test_svg_is_the_reports_diagram_standing_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """The svg format needs no Graphviz: the report's own layout, with its styles inside,
    every box and arrow of the map, and links to host records when asked."""
    monkeypatch.setenv("PATH", "")  # no Graphviz to be found
    toc = ct.example()
    toc.update("K1", external_ref="7")
    svg = ct.render(toc, "svg", node_href="/groups/{external_ref}")
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    assert root.find(f"{ns}style") is not None
    boxes = [g for g in root.iter(f"{ns}g") if "box" in g.get("class", "").split()]
    assert sorted(g.get("data-node") for g in boxes) == sorted(n.id for n in toc.nodes())
    assert len(root.find(f"{ns}g[@class='edges']")) == len(toc.links())
    links = [a.get("href") for a in root.iter(f"{ns}a")]
    assert links == ["/groups/7"]


# --------------------------------------------------------------------------- markdown


def test_markdown_tells_the_story_in_backwards_mapping_order() -> None:
    """Problem, impact, outcomes and activities in their two parts, then validation and split."""
    text = ct.render(ct.example(), "markdown", diagram=False)
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings[:10] == [
        "# Day centre for people with learning disabilities",
        "## The problem",
        "## Impact",
        "## Outcomes",
        "### Project outcomes",
        "### Co-production outcomes",
        "## Activities",
        "### Project activities",
        "### Co-production activities",
        "## Validation",
    ]
    assert "## The split between project and co-production" in text
    assert CAVEAT in text
    assert "## Progress\n\nNot started yet:" in text  # the section is there, saying so


def test_markdown_lists_every_link() -> None:
    """Each link appears as a line under its source ('Addressed by' for the problem's)."""
    toc = ct.example()
    text = ct.render(toc, "markdown", diagram=False)
    assert text.count("Leads to ") + text.count("Addressed by ") == len(toc.links())


def test_markdown_shows_progress_when_there_is_some() -> None:
    """An activity under way brings the progress section."""
    toc = ct.example()
    toc.update("A4", status="done")
    assert "## Progress" in ct.render(toc, "markdown")


def test_markdown_includes_the_mermaid_diagram_by_default() -> None:
    """GitHub draws the diagram from a mermaid code block."""
    text = ct.render(ct.example(), "markdown")
    assert "```mermaid\nflowchart RL" in text


@pytest.mark.parametrize("label", HOSTILE_LABELS)
def test_markdown_text_holds_no_markup(label: str) -> None:
    """No raw HTML, no unescaped emphasis, link or code syntax, and one line."""
    text = markdown_text(label)
    assert "\n" not in text and "<" not in text and ">" not in text
    assert re.search(r"(?<!\\)[`*_\[\]|~!]", text) is None
    assert not re.match(r"^(\d*)[#>+=.)-]", text)


# --------------------------------------------------------------------------- html


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.handlers += [name for name, _ in attrs if name.startswith("on")]


@pytest.mark.parametrize("name", ["html", "easy-read"])
def test_html_of_hostile_labels_has_no_script_and_no_handlers(name: str) -> None:
    """Hostile labels add no element and no event handler to the page."""
    markup = _Markup()
    markup.feed(ct.render(hostile_map(), name))
    assert "script" not in markup.tags
    assert "iframe" not in markup.tags and "object" not in markup.tags
    assert markup.handlers == []


def test_html_report_has_every_section_and_every_node_and_link() -> None:
    """The report holds the diagram, the map in words (every node, every link), validation,
    the split with its caveat, and progress when present."""
    toc = ct.example()
    toc.update("K4", status="in_progress")
    html = ct.render(toc, "html")
    for heading in ("The map", "The map in words", "Validation", "Progress"):
        assert f">{heading}</h2>" in html
    assert "The split between project and co-production</h2>" in html
    assert CAVEAT in html
    for node in toc.nodes():
        assert f'<li id="node-{node.id}">' in html
    assert html.count("<li>Leads to ") + html.count("<li>Addressed by ") == len(toc.links())
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org", "")


def test_html_report_leaves_out_sections_without_data() -> None:
    """An empty map has no diagram and no split table; its progress section says why."""
    html = ct.render(ct.TheoryOfChange(title="Empty"), "html")
    assert "<svg" not in html
    assert "needs at least one impact" in html
    progress = html[html.index(">Progress</h2>") :]
    assert "needs at least one impact" in progress


def test_html_report_shows_control_characters_as_symbols() -> None:
    """A NUL or escape character (which no map text may hold; the renderer does not rely on
    it) is shown, not dropped or passed through."""
    assert visible("a\x00b\x1bc") == "a\u2400b\u241bc"
    html = ct.render(hostile_map(), "html")
    assert "\x00" not in html and "\x1b" not in html


def test_html_report_isolates_right_to_left_text() -> None:
    """User text sits in <bdi>, so a right-to-left label cannot reorder the page."""
    html = ct.render(hostile_map(), "html")
    assert "<bdi>مرحبا بالعالم</bdi>" in html


# --------------------------------------------------------------------------- easy read


def test_easy_read_of_the_example_passes_its_own_lint() -> None:
    """The day-centre summary, HTML and Markdown, breaks no easy-read rule."""
    toc = ct.example()
    assert ct.easy_read_lint(ct.render(toc, "easy-read")) == []
    assert ct.easy_read_lint(ct.render(toc, "easy-read", format="markdown")) == []


def test_easy_read_uses_easy_wording_first() -> None:
    """A node's easy_read wording wins; an outcome's I-statement comes next; then the text."""
    toc = ct.example()
    assert (
        easy_words(toc.get("I1")) == "We open a day centre for people with learning disabilities."
    )
    toc.update("C1", easy_read=None, i_statement="I help decide the plan.")
    assert easy_words(toc.get("C1")) == "I help decide the plan."
    toc.update("C1", i_statement=None)
    assert easy_words(toc.get("C1")) == toc.get("C1").text


def test_easy_read_has_a_picture_beside_every_statement() -> None:
    """Each statement row holds an image."""
    html = ct.render(ct.example(), "easy-read")
    rows = re.findall(r'<div class="row">(.*?)</div>', html, re.S)
    assert rows and all("<img " in row for row in rows)


def test_easy_read_explains_the_hard_words_it_uses() -> None:
    """The word list explains impact, outcome and co-production, which the summary says."""
    html = ct.render(ct.example(), "easy-read")
    for word, meaning in GLOSSARY:
        assert (meaning in html) == (word != "Achievement")


def test_easy_read_of_a_huge_map_stays_within_24_pages() -> None:
    """A map of hundreds of nodes is summarised, saying how many more there are."""
    toc = ct.TheoryOfChange(title="Big")
    impacts = [toc.add_impact(f"Impact {i}.", kind="project") for i in range(12)]
    outcomes = [
        toc.add_outcome(f"Outcome {i}.", kind="coproduction", leads_to=[impacts[i % 12]])
        for i in range(200)
    ]
    for i in range(300):
        toc.add_activity(f"Activity {i}.", kind="project", contributes_to=[outcomes[i % 200]])
    html = ct.render(toc, "easy-read")
    assert html.count('<section class="page"') <= 24
    assert "There are 171 more outcomes." in html
    assert [f for f in ct.easy_read_lint(html) if f.code == "too-many-pages"] == []


def test_easy_read_pictures_can_be_replaced(tmp_path: Path) -> None:
    """A user's own picture file replaces a built-in one, embedded in the HTML."""
    picture = tmp_path / "star.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 16)
    html = ct.render(ct.example(), "easy-read", pictures={"impact": picture})
    assert "data:image/png;base64," in html
    markdown = ct.render(ct.example(), "easy-read", format="markdown", pictures={"impact": picture})
    assert f"![](<{picture}>)" in markdown


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"pictures": {"unicorn": "x.png"}}, "no picture called 'unicorn'"),
        ({"pictures": {"impact": "missing.png"}}, "cannot read 'missing.png'"),
        ({"pictures": {"impact": "notes.txt"}}, "not an image"),
        ({"format": "pdf"}, "'html' or 'markdown'"),
    ],
)
def test_easy_read_bad_options_are_clear_errors(options: dict[str, object], message: str) -> None:
    """Unknown pictures, unreadable files and formats give a RenderError that says why."""
    with pytest.raises(ct.RenderError, match=re.escape(message)):
        ct.render(ct.example(), "easy-read", **options)


# --------------------------------------------------------------------------- the lint


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (
            "This sentence has many more than fifteen words in it so it is far too long.",
            "long-sentence",
        ),
        ("We meet on Monday, and we plan the week.", "more-than-one-idea"),
        ("We meet; we plan.", "more-than-one-idea"),
        ("The plan was approved by the group.", "passive-voice"),
        ("Ask the NHS for help.", "acronym"),
        ("Do not be late.", "negative-instruction"),
        ("The impact is big.", "not-in-glossary"),
    ],
)
def test_lint_finds_each_rule(text: str, code: str) -> None:
    """Each easy-read rule has a finding with its own code."""
    assert code in [f.code for f in ct.easy_read_lint(text)]


def test_lint_passes_easy_text() -> None:
    """Short active sentences with one idea each pass."""
    assert ct.easy_read_lint("We meet on Monday.\nWe plan the week together.") == []


def test_lint_accepts_hard_words_explained_in_a_word_list() -> None:
    """A hard word is fine once a glossary (word list) explains it."""
    text = "The impact is big.\n\n## Word list\n\nImpact means the big change."
    assert ct.easy_read_lint(text) == []


def test_lint_checks_font_size_and_pages_in_html() -> None:
    """HTML with text under 14 pt, or more than 24 pages, is flagged."""
    small = "<html><style>p { font-size: 12px }</style><p>We meet.</p></html>"
    assert [f.code for f in ct.easy_read_lint(small)] == ["small-text"]
    pages = "<html>" + '<section class="page"><p>We meet.</p></section>' * 25 + "</html>"
    assert [f.code for f in ct.easy_read_lint(pages)] == ["too-many-pages"]


def test_lint_names_the_line() -> None:
    """Findings carry the line where the sentence starts."""
    findings = ct.easy_read_lint("We meet.\n\nDo not run.")
    assert [(f.line, f.code) for f in findings] == [(3, "negative-instruction")]


@given(st.text(max_size=300))
@settings(max_examples=200, deadline=None)
def test_lint_never_crashes(text: str) -> None:
    """Any text gives a list of findings, never an exception."""
    assert isinstance(ct.easy_read_lint(text), list)


# --------------------------------------------------------------------------- every renderer


@given(maps(max_nodes=5))
@settings(max_examples=40, deadline=None)
def test_every_format_renders_any_map(toc: ct.TheoryOfChange) -> None:
    """Random maps (incomplete, with loops, odd text) render in every format without error."""
    for name in ALL_FORMATS:
        assert ct.render(toc, name)


@pytest.mark.parametrize("name", ALL_FORMATS)
def test_unknown_option_names_the_known_ones(name: str) -> None:
    """A misspelt option is a RenderError that lists the renderer's options."""
    with pytest.raises(ct.RenderError, match="has no option 'colour'"):
        ct.render(ct.example(), name, colour="red")


@pytest.mark.parametrize("name", ["mermaid", "dot"])
def test_label_length_must_be_sensible(name: str) -> None:
    """label_length below 20 or not a whole number is refused."""
    with pytest.raises(ct.RenderError, match="label_length"):
        ct.render(ct.example(), name, label_length=5)


@NEEDS_DOT
def test_a_very_long_title_still_makes_a_diagram_graphviz_reads() -> None:
    """A 20,000-character title with quotes and braces: the DOT caption is wrapped and cut
    like a box's label, escaped, and Graphviz draws it (it refuses quoted strings over
    16,384 characters)."""
    toc = ct.example()
    toc.title = "x" * 20_000 + ' " } digraph { evil'
    text = ct.render(toc, "dot")
    caption = text.splitlines()[1]
    assert len(caption) < 400 and "evil" not in caption
    drawn = subprocess.run(["dot", "-Tsvg"], input=text.encode(), capture_output=True, check=False)
    assert drawn.returncode == 0, drawn.stderr


def test_the_map_in_words_says_no_evidence_once_per_section_and_nothing_after_a_statement() -> None:
    toc = ct.example()
    for text in (ct.render(toc, "html"), ct.render(toc, "markdown", diagram=False)):
        assert "no evidence attached;" not in text and "; no evidence attached" not in text
        assert ".;" not in text and ".:" not in text
    html = ct.render(toc, "html")
    sections = html.count("<h4>") + 1  # each kind of outcome and activity, and the problem
    assert html.count("No evidence is attached to these links yet.") <= sections


def test_what_the_group_recorded_about_a_link_comes_before_the_statement() -> None:
    toc = ct.example()
    source, target = toc.links()[5].source, toc.links()[5].target
    toc.update_link(source, target, level=3, rationale="Because it helps.", evidence=["q-1"])
    html = ct.render(toc, "html")
    expected = (
        f'<a href="#node-{target}">{target}</a> (contribution level 3 of 4; why: '
        f"<bdi>Because it helps.</bdi>; evidence: <bdi>q-1</bdi>): <bdi>"
    )
    assert expected in html


def test_the_progress_section_is_always_there() -> None:
    html = ct.render(ct.example(), "html")
    assert 'href="#progress"' in html
    assert "Not started yet: every activity is still planned" in html


@pytest.mark.parametrize(
    ("share", "words"),
    [
        (0.0, "none of it"),
        (0.004, "none of it"),
        (0.1, "a little of it"),
        (0.25, "some of it"),
        (0.5, "about half of it"),
        (0.6, "about half of it"),
        (0.64, "most of it"),
        (0.9, "most of it"),
        (0.95, "nearly all of it"),
        (1.0, "all of it"),
    ],
)
def test_easy_read_tells_shares_in_words(share: float, words: str) -> None:
    from coprod_toc.backends.renderers.easy_read import share_words

    assert share_words(share) == words


def test_easy_read_keeps_each_impacts_shares_on_one_page() -> None:
    text = ct.render(ct.example(), "easy-read", format="markdown")
    pages = text.split("\n---\n")
    for page in pages:
        if "gives" in page:
            assert "For this impact" in page
            assert page.count("For this impact") == page.count("Working together gives")
    assert "in 10 parts" not in text


def test_easy_read_word_list_explains_only_words_it_uses() -> None:
    text = ct.render(ct.example(), "easy-read", format="markdown")
    word_list = text[text.index("## Word list") :]
    assert "Achievement" not in word_list  # the summary never says it
    assert "Impact. Impact means" in word_list
    assert ct.easy_read_lint(ct.render(ct.example(), "easy-read")) == []


def test_the_split_tables_explain_each_measure_in_a_line() -> None:
    from html import unescape

    from coprod_toc.backends.renderers._report import SPLIT_COLUMNS

    html = ct.render(ct.example(), "html")
    markdown = ct.render(ct.example(), "markdown", diagram=False)
    for name, meaning in SPLIT_COLUMNS:
        said = f"{meaning[0].upper()}{meaning[1:]}."
        assert f"<dt>{name}</dt><dd>{said}</dd>" in unescape(html)
        assert f"- **{name}**: {meaning}." in markdown


def _crossings_by_hand(orders: list[list[Any]], pairs: list[tuple[str, str]]) -> int:
    import itertools

    place = {n.id: i for nodes in orders for i, n in enumerate(nodes)}
    column = {n.id: c for c, nodes in enumerate(orders) for n in nodes}
    return sum(
        1
        for (a, b), (c, d) in itertools.combinations(pairs, 2)
        if column[a] == column[c] and (place[a] - place[c]) * (place[b] - place[d]) < 0
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_diagram_crosses_fewer_arrows_and_counts_them_right(seed: int) -> None:
    """The sweeps never add crossings, and the count (a Fenwick tree) agrees with a count
    of every pair of arrows."""
    from benchmarks.common import build_map

    from coprod_toc.backends.renderers._view import MapView
    from coprod_toc.backends.renderers.layout import (
        arrows_between_columns,
        crossings,
        fewer_crossings,
        first_order,
    )

    for toc in (ct.example(), build_map(200, seed=seed)):
        view = MapView.of(toc)
        first = first_order(view)
        pairs = arrows_between_columns(first, view.links)
        best = fewer_crossings(first, pairs)
        assert crossings(first, pairs) == _crossings_by_hand(first, pairs)
        assert crossings(best, pairs) == _crossings_by_hand(best, pairs)
        assert crossings(best, pairs) <= crossings(first, pairs)
        assert [sorted(n.id for n in c) for c in best] == [sorted(n.id for n in c) for c in first]


def test_the_day_centre_diagram_starts_from_40_crossings() -> None:
    """The first ordering alone crosses 40 arrows, as the report did before the sweeps."""
    from coprod_toc.backends.renderers._view import MapView
    from coprod_toc.backends.renderers.layout import (
        arrows_between_columns,
        crossings,
        first_order,
    )

    view = MapView.of(ct.example())
    first = first_order(view)
    assert crossings(first, arrows_between_columns(first, view.links)) == 40


@NEEDS_DOT
@pytest.mark.parametrize(
    ("nodes", "seed"), [(0, 0), (200, 1), (200, 2), (200, 3), (400, 1), (400, 2), (400, 3)]
)
def test_the_diagram_crosses_about_as_few_arrows_as_graphviz(nodes: int, seed: int) -> None:
    """Counted the same way on dot's layout of our dot output: on the day-centre map (0
    nodes here) no more crossings than dot, on the random maps at most 10% (or 3) more."""
    from benchmarks.common import build_map
    from benchmarks.crossings import allowed, graphviz, ours

    toc = build_map(nodes, seed=seed) if nodes else ct.example()
    count, _ = ours(toc)
    dot_count, _ = graphviz(toc)
    assert count <= (allowed(dot_count) if nodes else dot_count)


def _boxes(toc: ct.TheoryOfChange) -> tuple[dict[str, Any], Any]:
    from coprod_toc.backends.renderers._view import MapView
    from coprod_toc.backends.renderers.layout import lay_out

    layout = lay_out(MapView.of(toc))
    return {box.node_id: box for box in layout.boxes}, layout


def _outcome_links(toc: ct.TheoryOfChange) -> list[Any]:
    outcomes = {node.id for node in toc.outcomes()}
    return [link for link in toc.links() if link.source in outcomes and link.target in outcomes]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_an_outcome_stands_right_of_the_outcomes_it_leads_to(seed: int) -> None:
    """Every arrow from one outcome to another points left, like every other arrow: none
    loops back into the outcomes column."""
    from benchmarks.common import build_map

    toc = build_map(200, seed=seed) if seed else ct.example()
    boxes, _ = _boxes(toc)
    links = _outcome_links(toc)
    assert links
    for link in links:
        source, target = boxes[link.source], boxes[link.target]
        assert target.x + target.width < source.x, link


def test_outcomes_in_a_cycle_still_get_lanes() -> None:
    """A cycle of outcomes (a validation finding) is cut, not followed for ever."""
    from coprod_toc.backends.renderers._view import MapView
    from coprod_toc.backends.renderers.layout import lay_out, outcome_ranks

    toc = ct.TheoryOfChange(title="Cycle")
    for name in "ABC":
        toc.add_outcome(name, kind="project", horizon="short", id=name)
    toc.link("A", "B")
    toc.link("B", "C")
    toc.link("C", "A")
    ranks = outcome_ranks(MapView.of(toc))
    assert sorted(ranks) == ["A", "B", "C"]
    assert sorted(ranks.values()) == [0, 1, 2]
    assert len(lay_out(MapView.of(toc)).edges) == 3


def _runs(path: str) -> list[tuple[float, float, float]]:
    """The straight runs of an arrow's path: (y, from x, to x) for each "H" after a point."""
    tokens = re.findall(r"[MCH]|-?\d+(?:\.\d+)?", path)
    runs = []
    x = y = 0.0
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token == "M":
            x, y = float(tokens[i + 1]), float(tokens[i + 2].lstrip(","))
            i += 3
        elif token == "C":
            x, y = float(tokens[i + 5]), float(tokens[i + 6])
            i += 7
        elif token == "H":
            runs.append((y, min(x, float(tokens[i + 1])), max(x, float(tokens[i + 1]))))
            x = float(tokens[i + 1])
            i += 2
        else:
            i += 1
    return runs


@pytest.mark.parametrize("seed", [0, 1])
def test_no_straight_run_of_an_arrow_passes_through_a_box(seed: int) -> None:
    """Arrows cross the outcomes' lanes only along their own end's band: no straight run
    of any arrow lies across a box it does not start or end at."""
    from benchmarks.common import build_map

    from coprod_toc.backends.renderers.layout import arrow

    toc = build_map(200, seed=seed) if seed else ct.example()
    boxes, _ = _boxes(toc)
    for link in toc.links():
        ends = {link.source, link.target}
        for y, left, right in _runs(arrow(boxes[link.source], boxes[link.target])):
            for box in boxes.values():
                if box.node_id in ends:
                    continue
                across = left < box.x + box.width and box.x < right
                assert not (across and box.y < y < box.y + box.height), (link, box.node_id)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400), st.integers(min_value=60, max_value=400))
def test_wrapped_lines_fit_their_width_and_keep_every_word(text: str, width: int) -> None:
    """Each wrapped line measures no wider than the width; uncut, the lines hold the
    whole text; cut, the last line ends in "…"."""
    from coprod_toc.backends.renderers.measure import text_width, wrap_to_width

    lines, cut = wrap_to_width(text, width, 13, max_lines=6)
    assert all(text_width(line, 13) <= width + 1e-9 for line in lines)
    if cut:
        assert len(lines) == 6 and lines[-1].endswith("…")
    else:
        assert "".join(" ".join(lines).split()) == "".join(one_line(text).split())


def test_a_long_label_is_measured_only_as_far_as_its_lines_reach(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A million characters with no space (Chinese or Japanese text has none) cost no more
    than the eight lines kept: wrapping stays linear in what it shows."""
    from coprod_toc.backends.renderers import measure

    measured = 0
    width_of = measure._width

    def counting(cluster: str, table: dict[str, int]) -> int:
        nonlocal measured
        measured += 1
        return width_of(cluster, table)

    monkeypatch.setattr(measure, "_width", counting)
    lines, cut = measure.wrap_to_width("中" * 1_000_000, 182, 13, max_lines=8)
    assert cut and len(lines) == 8
    assert measured < 200


@pytest.mark.parametrize(
    "text",
    ["🇬🇧" * 30, "e\u0301" * 80, "👩\u200d👩\u200d👧\u200d👦" * 20, "स्वतंत्रता" * 12, "👍🏽" * 30],
)
def test_wrapping_never_splits_what_a_reader_sees_as_one_character(text: str) -> None:
    """Flags, accented letters, emoji sequences and conjuncts stay whole across lines."""
    from coprod_toc.backends.renderers.measure import clusters, wrap_to_width

    lines, _ = wrap_to_width(text, 120, 13)
    assert len(lines) > 1
    assert [c for line in lines for c in clusters(line)] == list(clusters(text))


def test_a_character_missing_from_the_widths_counts_wider_than_any_there() -> None:
    from coprod_toc.backends.renderers.measure import UNKNOWN, text_width

    assert text_width("⟶", 13) == UNKNOWN * 13 / 1000 > 1.44 * 13
    assert text_width("e\u0301", 13) == text_width("e", 13)  # an accent takes no room


def test_a_long_chain_of_outcomes_shares_the_last_lane() -> None:
    """The diagram does not widen without end: a chain of ten outcomes uses four lanes."""
    from coprod_toc.backends.renderers.layout import BOX_WIDTH, MAX_LANES

    toc = ct.TheoryOfChange(title="Chain")
    impact = toc.add_impact("Impact", kind="project", id="I")
    previous = impact
    for number in range(10):
        outcome = toc.add_outcome("step", kind="project", horizon="long", id=f"O{number}")
        toc.link(outcome, previous)
        previous = outcome
    boxes, _ = _boxes(toc)
    lanes = {box.x for box in boxes.values() if box.node_id.startswith("O")}
    assert len(lanes) == MAX_LANES
    assert max(lanes) - min(lanes) < MAX_LANES * (BOX_WIDTH + 100)


def test_an_arrow_closing_a_cycle_of_outcomes_passes_through_no_box() -> None:
    """It leaves its source leftwards, like every arrow, and runs along its target's band."""
    from coprod_toc.backends.renderers.layout import arrow

    toc = ct.TheoryOfChange(title="Cycle")
    impact = toc.add_impact("I", kind="project")
    for name in "ABC":
        toc.add_outcome(name, kind="project", horizon="medium", id=name)
    toc.link("A", "B")
    toc.link("B", "C")
    toc.link("C", "A")
    toc.link("A", impact)
    boxes, _ = _boxes(toc)
    for link in toc.links():
        source, target = boxes[link.source], boxes[link.target]
        path = arrow(source, target)
        assert path.startswith(f"M{source.x:.0f},"), (link, path)
        for y, left, right in _runs(path):
            for box in boxes.values():
                if box.node_id not in (link.source, link.target):
                    across = left < box.x + box.width and box.x < right
                    assert not (across and box.y < y < box.y + box.height), (link, box.node_id)


def test_a_cut_statement_ends_at_a_word() -> None:
    from coprod_toc.backends.renderers.measure import wrap_to_width

    lines, cut = wrap_to_width("many small words " * 40, 182, 13, max_lines=3)
    assert cut
    assert lines[-1].endswith("…")
    assert lines[-1][:-1].split()[-1] in {"many", "small", "words"}


def test_a_long_id_leaves_room_to_say_what_the_box_is() -> None:
    toc = ct.TheoryOfChange(title="Long id")
    toc.add_impact(
        "An impact", kind="project", id="OUTCOME-STAFF-TRAINING-2025-Q1-NORTHERN-LOCALITY"
    )
    boxes, _ = _boxes(toc)
    (box,) = boxes.values()
    assert box.caption[0].endswith("…")
    assert "Project impact" in " ".join(box.caption)
    assert box.cut


def test_the_report_asks_for_the_fonts_its_labels_were_measured_in() -> None:
    from coprod_toc.backends.renderers.measure import FONT_FAMILY

    html = ct.render(ct.example(), "html")
    assert f"font-family: {FONT_FAMILY};" in html


def test_every_box_shows_its_node_id_first() -> None:
    """So "O1" in the text finds its box: each box's first line starts with its id."""
    boxes, _ = _boxes(ct.example())
    for node_id, box in boxes.items():
        assert box.caption[0].startswith(f"{node_id} · ")
        assert not box.cut


# --------------------------------------------------------------------------- html for a host page


def test_a_fragment_is_one_element_with_its_own_prefixed_ids() -> None:
    fragment = ct.render(ct.example(), "html", fragment=True, id_prefix="dc-")
    assert fragment.startswith('<div class="coprod-toc-report" id="dc-report">')
    for whole_document in ("<html", "<head", "<body", "Content-Security-Policy", "<h1"):
        assert whole_document not in fragment
    ids = re.findall(r' id="([^"]*)"', fragment)
    assert ids and all(i.startswith("dc-") for i in ids)
    assert len(ids) == len(set(ids))
    for target in re.findall(r'href="#([^"]*)"', fragment):
        assert target in ids
    assert 'marker-end="url(#dc-arrow)"' in fragment


def test_two_maps_get_different_prefixes_by_default() -> None:
    first = ct.render(ct.example(), "html", fragment=True)
    other = ct.example()
    other.title = "Another service"
    second = ct.render(other, "html", fragment=True)
    assert set(re.findall(r' id="([^"]*)"', first)).isdisjoint(re.findall(r' id="([^"]*)"', second))


def test_every_style_of_a_fragment_is_scoped_under_its_root_class() -> None:
    fragment = ct.render(ct.example(), "html", fragment=True)
    css = fragment[fragment.index("<style>") + 7 : fragment.index("</style>")]
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    selectors = re.findall(r"(?:^|})\s*([^{}@]+?)\s*\{", css)
    assert selectors
    for group in selectors:
        for selector in re.split(r",(?![^()]*\))", group):  # commas outside :is(…)
            selector = selector.strip()
            if selector and not selector.startswith(("from", "to")):
                assert selector.startswith((".coprod-toc-report", ".coprod-toc-diagram")), selector


@pytest.mark.parametrize("prefix", ["", "1x", "a b", "x" * 42, 7])
def test_a_bad_id_prefix_is_refused(prefix: object) -> None:
    with pytest.raises(ct.RenderError, match="id_prefix"):
        ct.render(ct.example(), "html", fragment=True, id_prefix=prefix)


def test_node_href_links_only_nodes_it_has_a_url_for() -> None:
    toc = ct.example()
    toc.update("A1", external_ref="sessions/1 & 2")
    toc.update("A2", external_ref="")  # empty: no link
    html = ct.render(toc, "html", node_href="/records/{external_ref}")
    assert html.count('href="/records/sessions%2F1%20%26%202"') == 2  # box and words
    assert "/records/" not in html.replace("/records/sessions%2F1%20%26%202", "")
    by_function = ct.render(toc, "html", node_href=lambda n: f"/n/{n.id}" if n.id == "K1" else None)
    assert by_function.count('href="/n/K1"') == 2


@pytest.mark.parametrize(
    ("node_href", "message"),
    [
        ("/x/{name}", "names only"),
        ("/x/{", "not a URL template"),
        ("/x/{}", "names only"),
        ("/x/{0}", "names only"),
        ("{id:>99999999}", "names only"),
        ("{id!r}", "names only"),
        ("{id:{kind}}", "names only"),
        ("{id.__class__}", "names only"),
        (lambda n: "https://x/\x01", "no control character"),
        (lambda n: "http://[::1", "node_href gave"),
        (lambda n: "   ", "never empty"),
        (lambda n: "javascript:alert(1)", "never a script"),
        (lambda n: " \tjavascript:alert(1)", "no control character"),
        (lambda n: "  javascript:alert(1)", "never a script"),
        (lambda n: 42, "not a URL"),
        (lambda n: 1 / 0, "node_href failed"),
        (42, "a URL template or a function"),
    ],
)
def test_a_bad_node_href_is_a_render_error(node_href: object, message: str) -> None:
    with pytest.raises(ct.RenderError, match=message):
        ct.render(ct.example(), "html", node_href=node_href)
