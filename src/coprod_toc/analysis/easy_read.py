"""Easy-read rules as a lint: where a text breaks them, line by line.

The rules (``docs/rendering.md`` lists them with their sources): sentences of 15 words at
most; one idea per sentence; active voice; no acronyms; no negative instructions; hard words
explained in a glossary; text of at least 14 pt; no more than 24 pages.

``easy_read_lint`` reads plain text, Markdown, or HTML (recognised by its first tag). In
HTML it also checks font sizes in the page's styles and counts pages (``class="page"``); in
Markdown and plain text a page ends at a line of ``---``. The sentence rules are heuristics
over words and punctuation: they find what a careful reader would flag, not every case.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import attrs

__all__ = [
    "GLOSSARY_WORDS",
    "MAX_PAGES",
    "MAX_WORDS",
    "MIN_POINTS",
    "EasyReadFinding",
    "easy_read_lint",
]

MAX_WORDS = 15
MAX_PAGES = 24
MIN_POINTS = 14.0

#: Words that must stay in a Theory of Change summary, so a glossary must explain them.
GLOSSARY_WORDS: tuple[str, ...] = ("impact", "outcome", "co-production", "achievement")

#: Short capitalised words that are not acronyms.
_NOT_ACRONYMS = frozenset({"I", "A", "OK", "TV"})

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_ACRONYM = re.compile(r"\b[A-Z]{2,}s?\b")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# Joins that put a second idea into a sentence.
_SECOND_IDEA = re.compile(
    r";|\s[–—]\s|,\s+(?:and|but|or|so|because|which|while|whereas|although)\b"
    r"|\b(?:because|although|whereas|unless|however|therefore)\b",
    re.IGNORECASE,
)
_PASSIVE = re.compile(
    r"\b(?:is|are|was|were|be|been|being)\s+(?:\w+ed|made|done|given|taken|seen|known|built|"
    r"held|kept|told|found|paid|run|won|set|sent|met|chosen|written|shown)\b",
    re.IGNORECASE,
)
_NEGATIVE_ORDER = re.compile(r"^(?:do not|don't|never|must not|mustn't)\b", re.IGNORECASE)
_FONT_SIZE = re.compile(r"font-size\s*:\s*([\d.]+)\s*(pt|px|rem|em)\b", re.IGNORECASE)
_PAGE_CLASS = re.compile(
    r"""<[a-z]+\b[^>]*\bclass\s*=\s*["'](?:[^"']*\s)?page(?:\s[^"']*)?["']""", re.IGNORECASE
)
_GLOSSARY_HEADING = re.compile(r"\b(?:hard words|glossary|word list)\b", re.IGNORECASE)
_MARKDOWN = (
    (re.compile(r"!\[[^\]]*\]\((?:<[^>]*>|[^)]*)\)"), ""),  # pictures
    (re.compile(r"<[^>]+>"), " "),  # inline HTML
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links keep their words
    (re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)"), ""),
    (re.compile(r"[*_`|]+"), " "),
    (re.compile(r"\\(.)"), r"\1"),
)


@attrs.frozen
class EasyReadFinding:
    """One place where a text breaks an easy-read rule."""

    code: str
    line: int
    text: str
    message: str

    def to_dict(self) -> dict[str, object]:
        return attrs.asdict(self)

    def __str__(self) -> str:
        return f"line {self.line}: {self.message} [{self.code}]"


def easy_read_lint(text: str) -> list[EasyReadFinding]:
    """Every place where ``text`` (plain text, Markdown or HTML) breaks an easy-read rule.

    An empty list means the text follows every rule this lint checks.
    """
    if not isinstance(text, str):
        raise TypeError(f"easy_read_lint needs a str, not {type(text).__name__}")
    findings: list[EasyReadFinding] = []
    if re.match(r"\s*<(?:!doctype|html|body|main|section|p|div|h[1-6])\b", text, re.IGNORECASE):
        blocks = _html_blocks(text)
        pages = len(_PAGE_CLASS.findall(text)) or 1
        findings += _font_findings(text)
    else:
        blocks = _text_blocks(text)
        pages = 1 + sum(1 for line in text.splitlines() if line.strip() == "---")
    for line, block in blocks:
        for sentence in _sentences(block):
            findings += _sentence_findings(line, sentence)
    findings += _glossary_findings(blocks)
    if pages > MAX_PAGES:
        findings.append(
            EasyReadFinding(
                "too-many-pages",
                1,
                "",
                f"{pages} pages; an easy-read document has no more than {MAX_PAGES}",
            )
        )
    return sorted(findings, key=lambda f: f.line)


def _sentences(block: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(" ".join(block.split())) if s.strip()]


def _sentence_findings(line: int, sentence: str) -> list[EasyReadFinding]:
    found = []
    words = _WORD.findall(sentence)
    if len(words) > MAX_WORDS:
        found.append(
            EasyReadFinding(
                "long-sentence",
                line,
                sentence,
                f"{len(words)} words; keep sentences to {MAX_WORDS} words or fewer",
            )
        )
    if _SECOND_IDEA.search(sentence):
        found.append(
            EasyReadFinding(
                "more-than-one-idea", line, sentence, "more than one idea; split the sentence"
            )
        )
    if _PASSIVE.search(sentence):
        found.append(
            EasyReadFinding("passive-voice", line, sentence, "passive voice; say who does what")
        )
    acronyms = sorted({a for a in _ACRONYM.findall(sentence) if a.rstrip("s") not in _NOT_ACRONYMS})
    if acronyms:
        found.append(
            EasyReadFinding(
                "acronym", line, sentence, f"acronym {', '.join(acronyms)}; write the words out"
            )
        )
    if _NEGATIVE_ORDER.match(sentence):
        found.append(
            EasyReadFinding(
                "negative-instruction", line, sentence, "a negative instruction; say what to do"
            )
        )
    return found


def _glossary_findings(blocks: list[tuple[int, str]]) -> list[EasyReadFinding]:
    """Each glossary word used in the text must be explained after a glossary heading."""
    glossary_at = next((i for i, (_, b) in enumerate(blocks) if _GLOSSARY_HEADING.search(b)), None)
    body = blocks if glossary_at is None else blocks[:glossary_at]
    explained = "" if glossary_at is None else " ".join(b for _, b in blocks[glossary_at:]).lower()
    found = []
    for word in GLOSSARY_WORDS:
        pattern = re.compile(rf"\b{re.escape(word)}", re.IGNORECASE)
        first = next((line for line, block in body if pattern.search(block)), None)
        if first is not None and not re.search(rf"\b{re.escape(word)}", explained):
            found.append(
                EasyReadFinding(
                    "not-in-glossary",
                    first,
                    word,
                    f"the hard word {word!r} is used but not explained in a glossary",
                )
            )
    return found


def _font_findings(html: str) -> list[EasyReadFinding]:
    found = []
    for match in _FONT_SIZE.finditer(html):
        size, unit = float(match.group(1)), match.group(2).lower()
        points = {"pt": size, "px": size * 0.75, "rem": size * 12, "em": size * 12}[unit]
        if points < MIN_POINTS:
            line = html.count("\n", 0, match.start()) + 1
            found.append(
                EasyReadFinding(
                    "small-text",
                    line,
                    match.group(0),
                    f"text of {points:g} pt; easy read needs at least {MIN_POINTS:g} pt",
                )
            )
    return found


def _text_blocks(text: str) -> list[tuple[int, str]]:
    blocks = []
    in_fence = False
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw.lstrip().startswith("```"):
            in_fence = not in_fence
            continue
        if in_fence or raw.strip() in ("", "---"):
            continue
        line = raw
        for pattern, replacement in _MARKDOWN:
            line = pattern.sub(replacement, line)
        if line.strip():
            blocks.append((number, line))
    return blocks


_BLOCK_TAGS = frozenset(
    {
        "p",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "dt",
        "dd",
        "td",
        "th",
        "caption",
        "figcaption",
        "blockquote",
        "title",
        "div",
        "section",
    }
)
_SKIP_TAGS = frozenset({"script", "style", "svg", "head"})


class _Blocks(HTMLParser):
    """The text of each block element, with the line it starts on."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[int, str]] = []
        self._parts: list[str] = []
        self._line = 1
        self._skipping = 0

    def _flush(self) -> None:
        text = " ".join("".join(self._parts).split())
        if text:
            self.blocks.append((self._line, text))
        self._parts = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS or tag == "br":
            self._flush()
            self._line = self.getpos()[0]

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            if not self._parts:
                self._line = self.getpos()[0]
            self._parts.append(data)


def _html_blocks(html: str) -> list[tuple[int, str]]:
    parser = _Blocks()
    parser.feed(html)
    parser.close()
    parser._flush()
    return parser.blocks
