"""How wide a label is in the diagram's font, and labels wrapped to a width in pixels.

The diagram asks for :data:`FONT_FAMILY`. ``font-widths.json`` holds each character's
advance width in the widest of those fonts (``scripts/measure-font-widths`` writes it), so a
label wrapped here fits its box whichever of them the reader's browser has. A character the
table lacks is drawn from some other font, or as an empty box, so it counts as wider than
any character the table holds (:data:`UNKNOWN`); the invisible joiners and selectors of
emoji sequences count as nothing.

Text is measured and broken in clusters (a letter with its marks, an emoji sequence, a
flag), never inside one, in a single pass that stops once the lines are full: linear in the
label, however long.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from functools import cache
from importlib.resources import files

from coprod_toc.backends.renderers._view import one_line

__all__ = ["ELLIPSIS", "FONT_FAMILY", "UNKNOWN", "clusters", "text_width", "wrap_to_width"]

#: The fonts the diagram's CSS asks for, in order; the widths are the widest of them.
FONT_FAMILY = '"Liberation Sans", Arial, Helvetica, "DejaVu Sans", sans-serif'

ELLIPSIS = "…"
_EM = 1000  # widths are in thousandths of an em
#: The width of a character the table lacks: more than the widest glyph of the fonts asked
#: for outside it (long arrows, 1.44 em) and than a colour emoji (1.3 em).
UNKNOWN = 1500

_ZWJ = "\u200d"


def _invisible(char: str) -> bool:
    """Joiners, variation selectors and tags: parts of a sequence that take no room."""
    code = ord(char)
    return (
        char == _ZWJ
        or 0xFE00 <= code <= 0xFE0F
        or 0xE0100 <= code <= 0xE01EF
        or 0xE0020 <= code <= 0xE007F
    )


def _regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _joins(cluster: str, char: str) -> bool:
    """Whether ``char`` belongs to the cluster before it rather than starting one."""
    if char < "\u0300":  # Latin letters and their kin: no marks, joiners or flags
        return False
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Mc", "Me"):
        return True
    if _invisible(char) or cluster.endswith(_ZWJ) or 0x1F3FB <= ord(char) <= 0x1F3FF:
        return True  # in an emoji sequence, or a skin-tone modifier
    return _regional(char) and len(cluster) == 1 and _regional(cluster)  # a flag's pair


def clusters(text: str) -> Iterator[str]:
    """``text`` as the reader sees its characters: a letter with its marks, an emoji
    sequence or a flag as one."""
    if text.isascii():  # the common case, one character each
        yield from text
        return
    cluster = ""
    for char in text:
        if cluster and _joins(cluster, char):
            cluster += char
            continue
        if cluster:
            yield cluster
        cluster = char
    if cluster:
        yield cluster


@cache
def _widths(bold: bool) -> dict[str, int]:
    source = files("coprod_toc.backends.renderers").joinpath("font-widths.json")
    table = json.loads(source.read_text(encoding="utf-8"))["bold" if bold else "regular"]
    return {chr(first + i): width for first, run in table for i, width in enumerate(run)}


def _width(cluster: str, table: dict[str, int]) -> int:
    total = 0
    for char in cluster:
        known = table.get(char)
        if known is not None:
            total += known
        elif not _invisible(char):
            total += UNKNOWN
    return total


def _chain(
    head: list[tuple[str, int]], rest: Iterator[str], table: dict[str, int]
) -> Iterator[tuple[str, int]]:
    """The clusters already measured, then the rest, measured as they come."""
    yield from head
    for cluster in rest:
        yield cluster, _width(cluster, table)


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width in pixels of ``text`` on one line in the diagram's font of ``size`` pixels."""
    table = _widths(bold)
    return sum(_width(cluster, table) for cluster in clusters(text)) * size / _EM


def wrap_to_width(
    text: str, width: float, size: float, *, bold: bool = False, max_lines: int | None = None
) -> tuple[list[str], bool]:
    """``text`` (made one visible line first) in lines no wider than ``width`` pixels, and
    whether it was cut: past ``max_lines`` lines the last one ends in "…" (at a word where
    the line's second half holds one).

    Lines break between words; a word wider than a line is broken between clusters.
    """
    table = _widths(bold)
    limit = width * _EM / size  # in thousandths of an em, as the table
    space = _width(" ", table)
    # Enough lines to know the text is cut: the rest is never measured.
    enough = len(text) + 1 if max_lines is None else max_lines + 1
    lines: list[str] = []
    line: list[str] = []  # the clusters (and spaces) of the line being filled
    used = 0

    def finish() -> None:
        nonlocal line, used
        lines.append("".join(line))
        line, used = [], 0

    for word in one_line(text).split(" "):
        if len(lines) >= enough:
            break
        # Measured only as far as a whole line: a longer word is broken wherever it starts.
        rest = clusters(word)
        head: list[tuple[str, int]] = []
        size_of_head = 0
        for cluster in rest:
            head.append((cluster, _width(cluster, table)))
            size_of_head += head[-1][1]
            if size_of_head > limit:
                break
        if size_of_head <= limit:  # the whole word, no wider than a line
            if line and used + space + size_of_head <= limit:
                line.append(" ")
                used += space
            elif line:
                finish()
            line.extend(cluster for cluster, _ in head)
            used += size_of_head
            continue
        if line:
            finish()
        for cluster, cluster_width in _chain(head, rest, table):
            if line and used + cluster_width > limit:
                finish()
                if len(lines) >= enough:
                    break
            line.append(cluster)
            used += cluster_width
    if line:
        finish()
    if max_lines is None or len(lines) <= max_lines:
        return lines or [""], False
    kept = lines[:max_lines]
    last = list(clusters(kept[-1]))
    room = limit - _width(ELLIPSIS, table)
    taken = sum(_width(cluster, table) for cluster in last)
    if taken > room:
        while last and taken > room:
            taken -= _width(last.pop(), table)
        text_left = "".join(last)
        space_at = text_left.rfind(" ")
        if space_at > len(text_left) // 2:  # end at a word when one ends in the second half
            text_left = text_left[:space_at]
        kept[-1] = text_left.rstrip() + ELLIPSIS
    else:
        kept[-1] = kept[-1].rstrip() + ELLIPSIS
    return kept, True
