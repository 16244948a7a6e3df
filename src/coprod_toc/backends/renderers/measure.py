"""How wide a label is in the diagram's font, and labels wrapped to a width in pixels.

The diagram asks for :data:`FONT_FAMILY`. ``font-widths.json`` holds each character's
advance width in the widest of those fonts (``scripts/measure-font-widths`` writes it), so a
label wrapped here fits its box whichever of them the reader's browser has. A character the
table lacks counts as a full em, or more for a wide one (ideographs, emoji: drawn from
another font, up to a third wider), and a combining mark as nothing.
"""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from importlib.resources import files

from coprod_toc.backends.renderers._view import one_line

__all__ = ["ELLIPSIS", "FONT_FAMILY", "text_width", "wrap_to_width"]

#: The fonts the diagram's CSS asks for, in order; the widths are the widest of them.
FONT_FAMILY = '"Liberation Sans", Arial, Helvetica, "DejaVu Sans", sans-serif'

ELLIPSIS = "…"
_EM = 1000  # widths are in thousandths of an em
_WIDE = 1350  # East Asian wide and full-width characters, emoji among them


@cache
def _widths(bold: bool) -> dict[str, int]:
    source = files("coprod_toc.backends.renderers").joinpath("font-widths.json")
    table = json.loads(source.read_text(encoding="utf-8"))["bold" if bold else "regular"]
    return {chr(first + i): width for first, run in table for i, width in enumerate(run)}


def _width(char: str, table: dict[str, int]) -> int:
    known = table.get(char)
    if known is not None:
        return known
    if unicodedata.combining(char):
        return 0
    return _WIDE if unicodedata.east_asian_width(char) in ("W", "F") else _EM


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width in pixels of ``text`` on one line in the diagram's font of ``size`` pixels."""
    table = _widths(bold)
    return sum(_width(char, table) for char in text) * size / _EM


def wrap_to_width(
    text: str, width: float, size: float, *, bold: bool = False, max_lines: int | None = None
) -> tuple[list[str], bool]:
    """``text`` (made one visible line first) in lines no wider than ``width`` pixels, and
    whether it was cut: past ``max_lines`` lines the last one ends in "…".

    Lines break between words; a word wider than a line is broken between characters.
    """
    table = _widths(bold)
    limit = width * _EM / size  # in thousandths of an em, as the table
    space = _width(" ", table)
    lines: list[str] = []
    line: list[str] = []
    used = 0
    for word in one_line(text).split(" "):
        size_of_word = sum(_width(char, table) for char in word)
        if line and used + space + size_of_word <= limit:
            line.append(word)
            used += space + size_of_word
            continue
        if line:
            lines.append(" ".join(line))
        line, used = [], 0
        while size_of_word > limit:  # a word longer than a line: break it where it overflows
            taken, piece = 0, 0
            while piece < len(word) and taken + _width(word[piece], table) <= limit:
                taken += _width(word[piece], table)
                piece += 1
            piece = max(piece, 1)  # a line holds at least one character
            lines.append(word[:piece])
            word = word[piece:]
            size_of_word = sum(_width(char, table) for char in word)
        if word:
            line, used = [word], size_of_word
    if line:
        lines.append(" ".join(line))
    if max_lines is None or len(lines) <= max_lines:
        return lines or [""], False
    kept = lines[:max_lines]
    last = kept[-1]
    room = limit - _width(ELLIPSIS, table)
    if sum(_width(char, table) for char in last) > room:
        while last and sum(_width(char, table) for char in last) > room:
            last = last[:-1]
        space = last.rfind(" ")
        if space > len(last) // 2:  # end at a word when one ends in the line's second half
            last = last[:space]
    kept[-1] = last.rstrip() + ELLIPSIS
    return kept, True
