"""Simple built-in pictures for the easy-read summary, and the user's own in their place.

Each picture is a small SVG drawn with a few thick shapes, high contrast, no text. A user
replaces any of them with their own image file (``pictures={"impact": "star.png"}``).
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

import attrs

from coprod_toc.errors import RenderError

__all__ = ["PICTURE_NAMES", "Picture", "pictures_for"]

_INK = "#1a1a1a"
_WARM = "#f2a900"
_COOL = "#4a90d9"


def _svg(body: str) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="96" height="96" '
        f'fill="none" stroke="{_INK}" stroke-width="3" stroke-linecap="round" '
        f'stroke-linejoin="round">{body}</svg>'
    )


def _person(x: float, colour: str) -> str:
    return (
        f'<circle cx="{x}" cy="20" r="7" fill="{colour}"/>'
        f'<path d="M{x - 11},52 V38 a11,11 0 0 1 22,0 V52" fill="{colour}"/>'
    )


# name: (what the picture shows, for people who cannot see it; the SVG)
_BUILT_IN: dict[str, tuple[str, str]] = {
    "cover": (
        "a signpost",
        _svg(
            f'<path d="M32,60 V6"/><path d="M32,12 H54 L60,18 L54,24 H32 z" fill="{_COOL}"/>'
            f'<path d="M32,30 H10 L4,36 L10,42 H32 z" fill="{_WARM}"/>'
        ),
    ),
    "problem": (
        "a sad face",
        _svg(
            f'<circle cx="32" cy="32" r="26" fill="{_COOL}"/>'
            f'<circle cx="23" cy="26" r="3" fill="{_INK}"/>'
            f'<circle cx="41" cy="26" r="3" fill="{_INK}"/>'
            '<path d="M21,46 Q32,36 43,46"/>'
        ),
    ),
    "impact": (
        "a star",
        _svg(
            f'<path d="M32,5 L39.6,22.6 L58.6,24.3 L44.2,36.9 L48.5,55.6 L32,45.8 L15.5,55.6 '
            f'L19.8,36.9 L5.4,24.3 L24.4,22.6 z" fill="{_WARM}"/>'
        ),
    ),
    "outcome": (
        "a flag",
        _svg(f'<path d="M14,60 V6"/><path d="M14,8 H52 L44,20 L52,32 H14" fill="{_WARM}"/>'),
    ),
    "activity": (
        "a calendar",
        _svg(
            f'<rect x="8" y="12" width="48" height="44" rx="4" fill="{_COOL}"/>'
            '<path d="M8,24 H56 M20,6 V16 M44,6 V16"/>'
            f'<path d="M20,36 L28,44 L44,30" stroke-width="4"/>'
        ),
    ),
    "coproduction": (
        "two people side by side",
        _svg(_person(20, _WARM) + _person(44, _COOL)),
    ),
    "project": (
        "a building",
        _svg(
            f'<path d="M8,58 V26 L32,8 L56,26 V58 z" fill="{_COOL}"/>'
            '<rect x="26" y="38" width="12" height="20" fill="#ffffff"/>'
        ),
    ),
    "split": (
        "a circle in two parts",
        _svg(
            f'<circle cx="32" cy="32" r="26" fill="{_COOL}"/>'
            f'<path d="M32,32 V6 A26,26 0 0 1 56.7,40 z" fill="{_WARM}"/>'
        ),
    ),
    "glossary": (
        "an open book",
        _svg(
            '<path d="M32,14 C24,8 14,8 6,10 V54 C14,52 24,52 32,58 C40,52 50,52 58,54 V10 '
            f'C50,8 40,8 32,14 z" fill="{_COOL}"/><path d="M32,14 V58"/>'
        ),
    ),
    "more": (
        "three dots",
        _svg(
            f'<circle cx="14" cy="32" r="5" fill="{_INK}"/><circle cx="32" cy="32" r="5" '
            f'fill="{_INK}"/><circle cx="50" cy="32" r="5" fill="{_INK}"/>'
        ),
    ),
}

#: The pictures the easy-read summary uses; each can be replaced.
PICTURE_NAMES: tuple[str, ...] = tuple(_BUILT_IN)

_MEDIA_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}


@attrs.frozen
class Picture:
    """One picture: what it shows (its text alternative) and where it comes from."""

    description: str
    #: A ``data:`` URL holding the image itself, so the page needs nothing else.
    data_url: str
    #: The user's file as they named it (Markdown links to it), or None for a built-in.
    path: str | None = None


def _data_url(media_type: str, data: bytes) -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def pictures_for(replacements: object) -> dict[str, Picture]:
    """Every picture, built in or the user's own from ``{name: file path}``.

    :raises RenderError: an unknown picture name, a file that cannot be read, or a file
        type a browser cannot show.
    """
    if replacements is None:
        replacements = {}
    if not isinstance(replacements, dict):
        raise RenderError(
            f"pictures must be a dict of picture name to file path, not {replacements!r}"
        )
    unknown = sorted(set(replacements) - set(_BUILT_IN))
    if unknown:
        raise RenderError(
            f"no picture called {', '.join(map(repr, unknown))}; "
            f"the pictures are {', '.join(PICTURE_NAMES)}"
        )
    chosen = {}
    for name, (description, svg) in _BUILT_IN.items():
        if name in replacements:
            chosen[name] = _user_picture(name, description, replacements[name])
        else:
            chosen[name] = Picture(description, _data_url("image/svg+xml", svg.encode()))
    return chosen


def _user_picture(name: str, description: str, value: object) -> Picture:
    if not isinstance(value, str | os.PathLike):
        raise RenderError(f"picture {name!r} must be a file path, not {value!r}")
    path = Path(value)
    media_type = _MEDIA_TYPES.get(path.suffix.lower())
    if media_type is None:
        raise RenderError(
            f"picture {name!r}: {str(path)!r} is not an image a browser shows "
            f"({', '.join(sorted(_MEDIA_TYPES))})"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RenderError(f"picture {name!r}: cannot read {str(path)!r}: {exc.strerror}") from None
    return Picture(description, _data_url(media_type, data), os.fspath(value))
