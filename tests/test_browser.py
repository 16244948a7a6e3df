"""The HTML report, the easy-read summary and the Mermaid output in a real headless Chromium.

Needs Debian's ``chromium`` and ``chromium-driver`` and the npm packages in package.json
(``npm ci``): ``scripts/install-browser-test-tools`` installs all three, and ``.ci/run`` calls
it. Without them these tests are skipped, unless ``COPROD_TOC_REQUIRE_BROWSER=1`` (set by
CI) makes that a failure.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import coprod_toc as ct
from coprod_toc.backends.renderers._view import one_line, shorten
from coprod_toc.testing import HOSTILE_LABELS, hostile_map, sample_group

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
MERMAID = ROOT / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
SCREENSHOTS = ROOT / "docs" / "images"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

#: The WCAG 2.2 A and AA rules (and axe's best practices) the pages must pass.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def _missing() -> list[str]:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    missing += [str(p.relative_to(ROOT)) for p in (AXE, MERMAID) if not p.exists()]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip install -e '.[test]')")
    return missing


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless Chromium driven through ChromeDriver, logging the page's console."""
    with chromium() as driver:
        yield driver


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium (skips the test, or fails it under CI, when it is missing)."""
    missing = _missing()
    if missing:
        message = f"browser tests need {', '.join(missing)}: run scripts/install-browser-test-tools"
        if os.environ.get("COPROD_TOC_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--window-size=1280,1600",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_script_timeout(120)
    try:
        yield driver
    finally:
        driver.quit()


def _open(browser: Any, path: Path, *, bypass_csp: bool = True) -> list[dict[str, Any]]:
    """Load ``path``; returns what the page wrote to the console while loading.

    The report's Content-Security-Policy forbids scripts; the tests switch it off so that
    only escaping stands between a label and the page.
    """
    browser.get_log("browser")  # drop earlier messages
    browser.execute_cdp_cmd("Page.setBypassCSP", {"enabled": bypass_csp})
    browser.get(path.as_uri())
    return list(browser.get_log("browser"))


def _axe(browser: Any) -> list[dict[str, Any]]:
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done(JSON.stringify(r.violations)), e => done(JSON.stringify([String(e)])));",
        AXE_TAGS,
    )
    violations: list[dict[str, Any]] = json.loads(result)
    return violations


def _describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v.get('id')}: {v.get('help')} at {[n.get('target') for n in v.get('nodes', [])][:5]}"
        if isinstance(v, dict)
        else str(v)
        for v in violations
    )


def _random_map() -> ct.TheoryOfChange:
    from benchmarks.common import build_map

    return build_map(200, seed=1)


def _wide_characters_map() -> ct.TheoryOfChange:
    """Labels of characters wider than most: long arrows, emoji, syllabics, accents."""
    toc = ct.TheoryOfChange(title="Wide characters")
    labels = [
        "⟶" * 40,
        "A ⟶ B ⟶ C ⟶ D ⟶ E ⟶ F ⟶ G ⟶ H",
        "ᙱ" * 40,
        "😴" * 40,
        "We feel 🙂… 👍… good " * 4,
        "e\u0301" * 60,
        "中" * 300,
        "🇬🇧" * 30,
    ]
    impact = toc.add_impact(labels[0], kind="project", id="I1")
    for number, label in enumerate(labels[1:], start=1):
        outcome = toc.add_outcome(label, kind="coproduction", horizon="short", id=f"O{number}")
        toc.link(outcome, impact)
    return toc


PAGES = {
    "report-day-centre": (ct.example, "html"),
    "report-wide-characters": (_wide_characters_map, "html"),
    "report-hostile": (hostile_map, "html"),
    "report-200-nodes": (_random_map, "html"),
    "easy-read-day-centre": (ct.example, "easy-read"),
    "easy-read-hostile": (hostile_map, "easy-read"),
}


#: A co-production group's annual report and its easy-read version: the example group with
#: its work plan, and the conformance kit's sample with the tricky labels.
GROUP_PAGES = {
    "group-report-example": ("html", True),
    "group-report-hostile": ("html", False),
    "group-easy-read-example": ("easy-read", True),
    "group-easy-read-hostile": ("easy-read", False),
}
EVERY_PAGE = sorted([*PAGES, *GROUP_PAGES])


def _group_page(folder: Path, name: str, renderer: str, example: bool) -> Path:
    from coprod_toc.group import load_group

    if example:
        record = load_group(ROOT / "examples" / "group.toml")
        plan = ct.load(ROOT / "examples" / "work-plan.toml")
    else:
        record, plan = sample_group(), hostile_map()
    return ct.export(record, renderer, folder / f"{name}.html", year=2023, work_plan=plan)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pages")
    written = {
        name: _group_page(folder, name, renderer, example)
        for name, (renderer, example) in GROUP_PAGES.items()
    }
    for name, (make, renderer) in PAGES.items():
        toc = make()
        if name.startswith("report-day-centre"):
            toc.update("K4", status="in_progress")  # so the progress section is there too
        path = folder / f"{name}.html"
        ct.export(toc, renderer, path)
        written[name] = path
    return written


@pytest.mark.parametrize("page", EVERY_PAGE)
def test_page_opens_without_console_errors_or_label_scripts(
    browser: Any, pages: dict[str, Path], page: str
) -> None:
    """The page loads with no console error and no script from a label ever runs."""
    messages = _open(browser, pages[page])
    errors = [m for m in messages if m.get("level") == "SEVERE"]
    assert errors == []
    assert browser.execute_script("return window.__coprod_toc_pwned === undefined") is True
    assert browser.execute_script("return document.scripts.length") == 0


@pytest.mark.parametrize("page", EVERY_PAGE)
def test_axe_core_finds_no_violations(browser: Any, pages: dict[str, Path], page: str) -> None:
    """axe-core, injected into the page, reports no WCAG 2.2 A/AA or best-practice violation."""
    _open(browser, pages[page])
    violations = _axe(browser)
    assert violations == [], _describe(violations)


def _shown_as_text(browser: Any, labels: list[str]) -> None:
    shown = " ".join(browser.execute_script("return document.body.innerText").split())
    for label in labels:
        words = " ".join(one_line(label).split())
        if len(words) > 500:  # the very long labels: their start
            words = words[:60].strip()
        assert words in shown, label


def test_hostile_labels_show_as_text_in_the_report(browser: Any, pages: dict[str, Path]) -> None:
    """Every hostile label appears in the report as the text it is (or its start, if long)."""
    _open(browser, pages["report-hostile"])
    _shown_as_text(browser, list(HOSTILE_LABELS))


def test_hostile_labels_show_as_text_in_easy_read(browser: Any, pages: dict[str, Path]) -> None:
    """Every statement of the hostile map appears in the easy-read summary as text."""
    _open(browser, pages["easy-read-hostile"])
    _shown_as_text(browser, [node.text for node in hostile_map().nodes()])


def test_report_keyboard_reaches_the_skip_link_then_the_sections(
    browser: Any, pages: dict[str, Path]
) -> None:
    """Tab first reaches "Skip to the report"; the diagram's view can take focus to scroll."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    _open(browser, pages["report-day-centre"])
    ActionChains(browser).send_keys(Keys.TAB).perform()
    assert browser.execute_script("return document.activeElement.textContent") == (
        "Skip to the report"
    )
    focusable = browser.execute_script(
        "return document.querySelector('figure.diagram .diagram-view').tabIndex"
    )
    assert focusable == 0


def test_report_prints_without_the_navigation(browser: Any, pages: dict[str, Path]) -> None:
    """In print, the skip link and navigation are hidden and the diagram is not clipped."""
    _open(browser, pages["report-day-centre"])
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        hidden = browser.execute_script(
            "return getComputedStyle(document.querySelector('nav')).display"
        )
        overflow = browser.execute_script(
            "return getComputedStyle(document.querySelector('figure.diagram .diagram-view')).overflow"
        )
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert hidden == "none"
    assert overflow == "visible"


#: A laptop's window and a phone's screen, in CSS pixels.
WIDTHS = {"1280px": 1280, "390px": 390}


@contextmanager
def _window_width(browser: Any, width: int) -> Iterator[None]:
    """The page laid out as in a window ``width`` pixels wide (a phone's, when narrow)."""
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 1000, "deviceScaleFactor": 1, "mobile": width < 600},
    )
    try:
        yield
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


#: Where the diagram's figure and its view sit, and how wide the page and the view scroll.
_DIAGRAM_FIT = """
const figure = document.querySelector('figure.diagram');
const view = figure.querySelector('.diagram-view');
const box = figure.getBoundingClientRect();
return {page: document.documentElement.scrollWidth, window: window.innerWidth,
        left: box.left, right: box.right,
        viewScroll: view.scrollWidth, viewWidth: view.clientWidth,
        svg: figure.querySelector('svg').getBoundingClientRect().width};
"""

#: Each box whose text's bounding box is not inside its rectangle (SVG units).
_LABELS_OUTSIDE = """
const outside = [];
for (const box of document.querySelectorAll('svg .box')) {
  const rect = box.querySelector('rect');
  const [x, y, w, h] = ['x', 'y', 'width', 'height'].map(a => Number(rect.getAttribute(a)));
  const text = box.querySelector('text').getBBox();
  if (text.x < x || text.y < y || text.x + text.width > x + w || text.y + text.height > y + h) {
    outside.push(box.dataset.node);
  }
}
return [document.querySelectorAll('svg .box').length, outside];
"""


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("page", ["report-day-centre", "report-hostile", "report-200-nodes"])
def test_the_diagram_fits_the_window_without_sideways_scrolling(
    browser: Any, pages: dict[str, Path], page: str, width: str
) -> None:
    """Every box is in view: the figure sits inside the window, neither the page nor the
    diagram's view scrolls sideways, and the drawing is no wider than its view."""
    with _window_width(browser, WIDTHS[width]):
        _open(browser, pages[page])
        fit = browser.execute_script(_DIAGRAM_FIT)
    assert fit["page"] <= fit["window"], fit
    assert fit["left"] >= 0 and fit["right"] <= fit["window"], fit
    assert fit["viewScroll"] <= fit["viewWidth"], fit
    assert fit["svg"] <= fit["viewWidth"] + 0.5, fit


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize(
    "page", ["report-day-centre", "report-hostile", "report-200-nodes", "report-wide-characters"]
)
def test_every_label_stays_inside_its_box(
    browser: Any, pages: dict[str, Path], page: str, width: str
) -> None:
    """The bounding box of each box's text, as Chromium lays it out in the diagram's font,
    lies within the box's rectangle: wrapped with measured widths, never running past."""
    with _window_width(browser, WIDTHS[width]):
        _open(browser, pages[page])
        count, outside = browser.execute_script(_LABELS_OUTSIDE)
    assert count > 0
    assert outside == []


def test_the_diagram_opens_full_size_and_fits_again(browser: Any, pages: dict[str, Path]) -> None:
    """ "Show it full size" draws the diagram at its own width, scrolling within its view
    (not the page); "Fit it to the page" brings back the fitted drawing."""
    from selenium.webdriver.common.by import By

    with _window_width(browser, 390):
        _open(browser, pages["report-day-centre"])
        natural = float(
            browser.find_element(By.CSS_SELECTOR, "figure.diagram svg").get_attribute("width")
        )
        browser.find_element(By.LINK_TEXT, "Show it full size").click()
        full = browser.execute_script(_DIAGRAM_FIT)
        browser.find_element(By.LINK_TEXT, "Fit it to the page").click()
        fitted = browser.execute_script(_DIAGRAM_FIT)
    assert full["svg"] == pytest.approx(natural)
    assert full["viewScroll"] > full["viewWidth"]  # the view scrolls sideways…
    assert full["page"] <= full["window"]  # …and the page does not
    assert fitted["svg"] <= fitted["viewWidth"] + 0.5


def test_printing_the_full_size_diagram_fits_it_to_the_paper(
    browser: Any, pages: dict[str, Path]
) -> None:
    """Printed after "Show it full size", the diagram is fitted again, not a clipped frame."""
    _open(browser, pages["report-day-centre"])
    browser.get(pages["report-day-centre"].as_uri() + "#diagram")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        fit = browser.execute_script(_DIAGRAM_FIT)
        links = browser.execute_script(
            "return [...document.querySelectorAll('.diagram .full-size, .diagram .fit-size')]"
            ".map(e => getComputedStyle(e).display)"
        )
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert fit["svg"] <= fit["viewWidth"] + 0.5
    assert set(links) == {"none"}


@pytest.mark.parametrize(("width", "offered"), [(1280, True), (1920, False)])
def test_full_size_is_offered_only_when_the_window_is_narrower(
    browser: Any, pages: dict[str, Path], width: int, offered: bool
) -> None:
    with _window_width(browser, width):
        _open(browser, pages["report-day-centre"])
        shown = browser.execute_script(
            "return getComputedStyle(document.querySelector('.diagram .full-size')).display"
        )
    assert (shown != "none") == offered


def test_on_a_phone_the_split_table_shows_every_column_in_its_rows(
    browser: Any, pages: dict[str, Path]
) -> None:
    """Each row becomes a block whose cells name their columns: nothing hides sideways."""
    from coprod_toc.backends.renderers._report import SPLIT_COLUMNS

    with _window_width(browser, 390):
        _open(browser, pages["report-day-centre"])
        table = browser.execute_script(
            "const t = document.querySelector('table.stacks'); const w = t.closest('.table-wrap');"
            "return {scroll: w.scrollWidth, width: w.clientWidth,"
            " named: [...t.querySelectorAll('tbody tr:first-child td')].map("
            "  td => getComputedStyle(td, '::before').content)}"
        )
    assert table["scroll"] <= table["width"]
    assert table["named"] == [f'"{name}: "' for name, _ in SPLIT_COLUMNS]


def test_a_box_cut_short_links_to_its_whole_text(browser: Any, pages: dict[str, Path]) -> None:
    """A box whose statement ends in "…" is a link, named by the whole statement, to the
    statement's entry in "The map in words"."""
    _open(browser, pages["report-hostile"])
    links = browser.execute_script(
        "return [...document.querySelectorAll('svg a.box-link')].map(a => "
        "[a.getAttribute('href'), a.querySelector('.box').getAttribute('aria-label'), "
        "a.querySelector('text').textContent])"
    )
    assert links
    for href, name, shown in links:
        node = href.removeprefix("#node-")
        assert browser.execute_script(f"return document.getElementById('node-{node}') !== null")
        assert shown.endswith("…")
        assert len(name) > len(shown)


_HOST_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Casework: services</title>
<style>body {{ font-family: serif; }} .meta {{ color: rgb(0, 128, 0); }}
table {{ border: 3px solid rgb(0, 0, 255); }} h2 {{ color: rgb(255, 0, 0); }}
li {{ margin-left: 99px; }} .box {{ outline: 4px solid rgb(255, 0, 0); }}</style></head>
<body><header><h1>Casework</h1></header>
<main><h2>Two services</h2>{first}{second}
<p class="meta" id="host-meta">The host's own text.</p>
<table id="host-table"><tr><td>The host's own table</td></tr></table></main></body></html>
"""


@pytest.fixture(scope="module")
def host_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A host application's page holding two maps' reports as fragments, boxes linking to
    the host's records."""
    day_centre = ct.example()
    for node in day_centre.nodes():
        day_centre.update(node.id, external_ref=f"day-centre/{node.id}")
    page = _HOST_PAGE.format(
        first=ct.render(day_centre, "html", fragment=True, node_href="/records/{external_ref}"),
        second=ct.render(hostile_map(), "html", fragment=True),
    )
    path = tmp_path_factory.mktemp("host") / "services.html"
    path.write_text(page, encoding="utf-8")
    return path


def test_two_report_fragments_share_a_host_page(browser: Any, host_page: Path) -> None:
    """Ids stay unique, axe-core finds no violation in the whole page, and the reports'
    styles and the host's do not reach each other."""
    _open(browser, host_page)
    ids = browser.execute_script("return [...document.querySelectorAll('[id]')].map(e => e.id)")
    assert len(ids) == len(set(ids))
    assert _axe(browser) == []
    styles = browser.execute_script(
        "const style = s => getComputedStyle(document.querySelector(s));"
        "return {hostMeta: style('#host-meta').color,"
        " hostTable: style('#host-table').borderCollapse,"
        " reportMeta: style('.coprod-toc-report .meta').color,"
        " reportTitle: style('.coprod-toc-report .report-title').color,"
        " reportItem: style('.coprod-toc-report li').marginLeft,"
        " reportTable: style('.coprod-toc-report table').borderTopWidth,"
        " badge: style('.coprod-toc-report .badge.project').backgroundColor}"
    )
    assert styles["hostMeta"] == "rgb(0, 128, 0)"
    assert styles["hostTable"] == "separate"  # the report's table rules stay inside it
    assert styles["reportMeta"] == "rgb(74, 74, 74)"
    # …nor do the host's element styles reach into the report.
    assert styles["reportTitle"] == "rgb(26, 26, 26)"
    assert styles["reportItem"] == "0px"
    assert styles["reportTable"] == "0px"
    assert styles["badge"] == "rgb(227, 237, 249)"


def test_boxes_and_words_link_to_the_host_records(browser: Any, host_page: Path) -> None:
    _open(browser, host_page)
    links = browser.execute_script(
        "return [...document.querySelectorAll('a[href^=\"/records/\"]')]"
        ".map(a => a.getAttribute('href'))"
    )
    # Every node of the day-centre map: once for its box, once in the map in words.
    assert sorted(set(links)) == sorted(
        f"/records/day-centre%2F{n.id}" for n in ct.example().nodes()
    )
    assert len(links) == 2 * len(ct.example().nodes())


def test_screenshots_for_the_docs(browser: Any, pages: dict[str, Path]) -> None:
    """Screenshots of the report (in a laptop's window and on a phone) and of the easy-read
    summary, linked from docs/rendering.md."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for page, name, width in (
        ("report-day-centre", "report.png", 1280),
        ("report-day-centre", "report-phone.png", 390),
        ("easy-read-day-centre", "easy-read.png", 1280),
    ):
        with _window_width(browser, width):
            _open(browser, pages[page])
            if page.startswith("report"):  # the diagram, not the banner
                browser.execute_script("document.getElementById('map').scrollIntoView()")
            target = SCREENSHOTS / name
            assert browser.save_screenshot(str(target))
        assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --------------------------------------------------------------------------- mermaid


def _mermaid_svg(browser: Any, tmp_path: Path, text: str) -> str:
    blank = tmp_path / "blank.html"
    blank.write_text(
        '<!DOCTYPE html><html lang="en"><meta charset="utf-8"><title>Mermaid</title>'
        f'<script src="{MERMAID.as_uri()}"></script><body></body></html>'
    )
    _open(browser, blank)
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "mermaid.initialize({startOnLoad: false, securityLevel: 'strict', maxTextSize: 10000000});"
        "mermaid.parse(arguments[0])"
        ".then(() => mermaid.render('diagram', arguments[0]))"
        ".then(r => done({svg: r.svg}), e => done({error: String(e && e.message || e)}));",
        text,
    )
    assert "error" not in result, result.get("error")
    svg: str = result["svg"]
    return svg


@pytest.mark.parametrize("make", [ct.example, hostile_map], ids=["day-centre", "hostile"])
def test_mermaid_parses_and_draws_every_label_as_text(
    browser: Any, tmp_path: Path, make: Any
) -> None:
    """Mermaid itself parses the output and draws each label as text, no markup added."""
    toc = make()
    svg = _mermaid_svg(browser, tmp_path, ct.render(toc, "mermaid"))
    browser.execute_script("document.body.innerHTML = arguments[0];", svg)
    assert browser.execute_script("return document.body.querySelectorAll('script').length") == 0
    assert browser.execute_script("return window.__coprod_toc_pwned === undefined") is True
    shown = " ".join(browser.execute_script("return document.body.textContent").split())
    for node in toc.nodes():
        words = " ".join(shorten(node.text, 160).split())
        assert words in shown, words
