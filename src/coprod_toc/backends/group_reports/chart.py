"""The year-on-year chart of an annual report: an inline SVG of paired horizontal bars.

Accessible by construction: the SVG is an image with a title and a description naming
every value (``role="img"``), each bar carries its value as text, and the two years differ
in fill *and* pattern (solid against hatched, named in a legend), never in colour alone.
The report puts the same figures in a table beside it. Labels are escaped with the
standard library's XML escaper.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from coprod_toc.backends.group_reports.view import number

__all__ = ["year_on_year_svg"]

_WIDTH = 640
_LABEL_WIDTH = 190
_BAR_SPACE = 360
_BAR = 18
_GAP = 16
_TOP = 40
_INK = "#1a1a1a"
_THIS = "#1f4e79"  # 8.6:1 on white


def year_on_year_svg(
    series: Sequence[tuple[str, float, float]], this_label: str, last_label: str, ident: str
) -> str:
    """The chart of ``series`` (what, this year, last year). ``ident`` makes the ids of
    its title, description and pattern unique in the page."""
    largest = max([1.0, *(max(now, before) for _, now, before in series)])
    scale = _BAR_SPACE / largest
    height = _TOP + len(series) * (2 * _BAR + _GAP) + 8
    described = "; ".join(
        f"{what}: {number(now)} in {this_label}, {number(before)} in {last_label}"
        for what, now, before in series
    )
    title = f"{this_label} beside {last_label}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {height}" '
        f'width="{_WIDTH}" height="{height}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-family="Arial, sans-serif" '
        'font-size="14">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(described)}.</desc>',
        "<defs>",
        f'<pattern id="{ident}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">',
        f'<rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" '
        f'stroke="{_THIS}" stroke-width="2"/>',
        "</pattern>",
        "</defs>",
        # The legend: a swatch of each fill, named.
        f'<rect x="{_LABEL_WIDTH}" y="8" width="16" height="16" fill="{_THIS}"/>',
        f'<text x="{_LABEL_WIDTH + 22}" y="21" fill="{_INK}">{escape(this_label)} (solid)</text>',
        f'<rect x="{_LABEL_WIDTH + 180}" y="8" width="16" height="16" '
        f'fill="url(#{ident}-hatch)" stroke="{_THIS}"/>',
        f'<text x="{_LABEL_WIDTH + 202}" y="21" fill="{_INK}">'
        f"{escape(last_label)} (hatched)</text>",
    ]
    y = _TOP
    for what, now, before in series:
        parts.append(
            f'<text x="{_LABEL_WIDTH - 8}" y="{y + _BAR + 4}" text-anchor="end" '
            f'fill="{_INK}">{escape(what)}</text>'
        )
        for value, fill, label in (
            (now, _THIS, this_label),
            (before, f"url(#{ident}-hatch)", last_label),
        ):
            width = max(value * scale, 1)
            parts.append(
                f'<rect x="{_LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{_BAR}" '
                f'fill="{fill}" stroke="{_THIS}"><title>{escape(label)}: '
                f"{escape(number(value))}</title></rect>"
            )
            parts.append(
                f'<text x="{_LABEL_WIDTH + width + 6:.1f}" y="{y + _BAR - 4}" '
                f'fill="{_INK}">{escape(number(value))}</text>'
            )
            y += _BAR
        y += _GAP
    parts.append("</svg>")
    return "\n".join(parts)
