"""From a tool's columns to the neutral table: the part every importer shares.

An importer says what each column is (:class:`Column`): the respondent's identifier, the
submission time, a completion flag, personal data, the tool's own bookkeeping, or a
question. :func:`build_table` does the rest the same way for every tool: rows past the
headers become responses, blank rows are skipped, columns of personal data are left out
and personal data is scrubbed from every answer (one rule for every tool:
:mod:`coprod_toc.surveys.personal`).
"""

from __future__ import annotations

import enum
import itertools
import operator
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import attrs

from coprod_toc.errors import FormatError
from coprod_toc.surveys.kit.rows import Rows
from coprod_toc.surveys.personal import PersonalKind, Scrubber, personal_kind
from coprod_toc.surveys.table import RawResponse, SurveyQuestion, SurveyTable

__all__ = [
    "Column",
    "Role",
    "build_table",
    "choose_respondent",
    "header_cells",
    "personal_role",
    "question_column",
    "slug",
    "unique_key",
    "unique_keys",
]


class Role(enum.Enum):
    RESPONDENT = "respondent"  # identifies the person; becomes the (pseudonymised) key
    SUBMITTED = "submitted"  # when the response was completed
    STARTED = "started"  # when the respondent started: helps tell the file's date order
    COMPLETE = "complete"  # a flag: the tool's "finished" column
    PERSONAL = "personal"  # names, e-mail, IP, location: left out unless asked for
    NAME = "name"  # personal, and also scrubbed from the row's free text
    META = "meta"  # the tool's bookkeeping
    QUESTION = "question"


@attrs.frozen
class Column:
    """One column of a file: where it is, its header, what it holds."""

    index: int
    header: str
    role: Role
    question: SurveyQuestion | None = None


def question_column(
    index: int, header: str, key: str, text: str | None, sub_item: str | None = None, **more: Any
) -> Column:
    """A column of answers to one question (or one sub-item of it)."""
    question = SurveyQuestion(key=key, text=text, sub_item=sub_item, column=index + 1, **more)
    return Column(index, header, Role.QUESTION, question)


def choose_respondent(columns: list[Column], wanted: str | None, source: str) -> list[Column]:
    """Make the column headed (or keyed) ``wanted`` the respondent's identifier.

    The user names it when the tool's own id is per submission but the survey asked for a
    participant code, so that before and after answers can be paired.
    """
    if wanted is None:
        return columns
    chosen = [
        c for c in columns
        if wanted in (c.header, c.question.key if c.question else None)
    ]  # fmt: skip
    if not chosen:
        headers = ", ".join(c.header for c in columns[:30])
        raise FormatError(
            f"no column {wanted!r} to identify respondents (columns: {headers})", source=source
        )
    index = chosen[0].index
    return [
        Column(c.index, c.header, Role.RESPONDENT)
        if c.index == index
        else (Column(c.index, c.header, Role.PERSONAL) if c.role is Role.RESPONDENT else c)
        for c in columns
    ]


def slug(text: str, limit: int = 48) -> str:
    """A short, stable key from a question's text: lower case letters, digits and ``_``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")
    return words[:limit].rstrip("_") or "q"


def unique_keys(keys: Iterable[str]) -> list[str]:
    """Keys made unique by position: the second ``q`` becomes ``q_2``, the third ``q_3``."""
    seen: dict[str, int] = {}
    taken = set()
    result = []
    for key in keys:
        count = seen.get(key, 0) + 1
        seen[key] = count
        candidate = key if count == 1 else f"{key}_{count}"
        while candidate in taken:
            count += 1
            candidate = f"{key}_{count}"
        taken.add(candidate)
        result.append(candidate)
    return result


def header_cells(row: Sequence[str | None]) -> list[str]:
    """A header row as stripped texts ('' for empty cells), without a leading BOM."""
    cells = [(c or "").strip() for c in row]
    if cells and cells[0].startswith("\ufeff"):
        cells[0] = cells[0][1:]
    return cells


def personal_role(*headings: str | None) -> Role | None:
    """NAME or PERSONAL for a column whose heading(s) say it holds a person's details (see
    :func:`coprod_toc.surveys.personal.personal_kind`), else ``None``."""
    kind = personal_kind(*headings)
    if kind is None:
        return None
    return Role.NAME if kind is PersonalKind.NAME else Role.PERSONAL


def _scientific(key: str) -> bool:
    return bool(re.fullmatch(r"\d(?:\.\d+)?E\+\d+", key, re.IGNORECASE))


def _classified(columns: Sequence[Column]) -> list[Column]:
    """The importer's columns with the one personal-data rule applied: a question whose
    heading, key, text or sub-item names personal data is personal, whatever the tool; and
    unnamed columns after the last named one (a trailing delimiter) are dropped."""
    named = [c.index for c in columns if c.header or (c.question and c.question.text)]
    last = max(named, default=-1)
    out = []
    for column in columns:
        if column.role is Role.QUESTION and column.index > last:
            continue
        if column.role is Role.QUESTION and column.question is not None:
            asked = column.question
            role = personal_role(column.header, asked.key, asked.text, asked.sub_item)
            if role is not None:
                column = Column(column.index, _shown(column), role)
        out.append(column)
    return out


def _shown(column: Column) -> str:
    """How notes name a column: its question's text and sub-item, else its header."""
    asked = column.question
    if asked is not None and asked.text:
        return f"{asked.text} [{asked.sub_item}]" if asked.sub_item else asked.text
    return column.header


#: Rows scrubbed of personal data together (see Scrubber.scrub_rows).
SCRUB_BLOCK = 256

#: A file whose first this-many rows fill in no name column skips the pass that gathers
#: every row's names first (the survey did not ask for names): a later row's own names are
#: still scrubbed from it (see docs/evidence.md).
NAMES_PASS_LIMIT = 1000


def build_table(
    rows: Rows,
    *,
    format: str,
    header_rows: int,
    columns: Sequence[Column],
    complete: Callable[[str | None], bool | None] | None = None,
    keep_personal: bool = False,
    dayfirst: bool | None = None,
    notes: Iterable[str] = (),
    skip: Callable[[list[str | None]], bool] | None = None,
) -> SurveyTable:
    """The neutral table for a file whose columns the importer has classified.

    Personal data is handled here, the same for every importer: columns whose headings name
    personal data (:func:`coprod_toc.surveys.personal.personal_kind`) are left out like the
    importer's own personal columns, and every answer is scrubbed of e-mail addresses,
    phone numbers, IP addresses, postcodes, NHS and National Insurance numbers and the
    names found in the file's name columns (any row's: people name each other). With
    ``keep_personal`` the personal columns become questions too and nothing is scrubbed
    (the caller asked for names or e-mail addresses).
    """
    # Why this is long: the importer kit's one table builder, and the hot path of every import:
    # its closures share local names that a split into functions would turn into lookups per row.
    columns = _classified(columns)
    by_role: dict[Role, list[Column]] = {role: [] for role in Role}
    for column in columns:
        by_role[column.role].append(column)
    personal = sorted(by_role[Role.PERSONAL] + by_role[Role.NAME], key=lambda c: c.index)
    questions = [c for c in by_role[Role.QUESTION] if c.question is not None]
    keys_taken = {c.question.key for c in questions if c.question}
    if keep_personal:
        questions += [
            question_column(c.index, c.header, unique_key(c.header, keys_taken), c.header)
            for c in personal
        ]
        questions.sort(key=lambda c: c.index)
    if not questions:
        raise FormatError("the file has no question columns", source=rows.source)
    keys = [c.question.key for c in questions if c.question]
    if len(set(keys)) != len(keys):
        raise FormatError(f"question keys repeat: {keys}", source=rows.source)
    # Several identifier columns are tried in order: the first filled one names the person
    # (MS Forms: the e-mail address unless the form is anonymous, then the ID).
    respondents = [c.index for c in by_role[Role.RESPONDENT]]
    submitted = by_role[Role.SUBMITTED][0].index if by_role[Role.SUBMITTED] else None
    started = by_role[Role.STARTED][0].index if by_role[Role.STARTED] else None
    flag = by_role[Role.COMPLETE][0].index if by_role[Role.COMPLETE] and complete else None
    names = [c.index for c in by_role[Role.NAME]]
    width = max(c.index for c in columns) + 1
    pick, name_cells = _picker([c.index for c in questions]), _picker(names)
    source = rows.source
    gathered: list[Scrubber] = []

    def scrubber() -> Scrubber:
        # Names from every row, not only the respondent's own: people name each other. One
        # pass over the name columns, the first time the responses are read; a large file
        # whose first rows name nobody skips it (the survey did not collect names).
        if not gathered:
            found: set[str | None] = set()
            for count, cells in enumerate(rows.cells(names, header_rows)):
                if count == NAMES_PASS_LIMIT and not any(found):
                    break
                found.update(cells)
            gathered.append(Scrubber(found))
        return gathered[0]

    def raw(own_names: bool = False) -> Iterator[RawResponse]:
        # The hot loop of every import: plain tuples in SurveyResponse's field order (the
        # table finishes each response), and no per-row work a file does not need.
        finished = complete if flag is not None else None
        flag_at = flag if flag is not None else 0
        # One identifier column (most tools): read inline, not through _first_respondent.
        only = respondents[0] if len(respondents) == 1 else None
        for number, cells in itertools.islice(rows.open(), header_rows, None):
            if len(cells) != width:
                cells = _fit(cells, width, number, source)
            if not any(cells) or (skip is not None and skip(cells)):
                continue
            if only is not None:
                key = (cells[only] or "").strip()
                if key[:1] in "aA" and key.lower() == "anonymous":
                    key = ""
            else:
                key = _first_respondent(cells, respondents)
            # Blank cells stay "" (or None from a spreadsheet): cheaper than rewriting them.
            values = pick(cells)
            if own_names and any(name_cells(cells)):
                # No pass gathered names: this row's own are scrubbed from it at least.
                values = Scrubber(name_cells(cells)).scrub_row(values) or values
            yield (
                number,
                key or f"row-{number}",
                (cells[submitted] or None) if submitted is not None else None,
                values,
                finished(cells[flag_at]) if finished is not None else None,
                None,
                (cells[started] or None) if started is not None else None,
            )

    def responses() -> Iterator[RawResponse]:
        if keep_personal:
            yield from raw()
            return
        scrub = scrubber()
        # Rows are scrubbed a block at a time: a few scans per block rather than per row.
        stream = raw(own_names=bool(names) and not scrub.names)
        while block := list(itertools.islice(stream, SCRUB_BLOCK)):
            cleaned = scrub.scrub_rows([response[3] for response in block])
            for response, values in zip(block, cleaned, strict=True):
                if values is not None:
                    response = (*response[:3], values, *response[4:])
                yield response

    left_out = [] if keep_personal else [_header(c) for c in personal]
    sample = [
        (cells[respondents[0]] or "").strip()
        for _, cells in itertools.islice(rows.open(), header_rows, header_rows + 1000)
        if respondents and len(cells) > respondents[0]
    ]
    warnings = []
    if any(_scientific(k) for k in sample):
        warnings.append(
            "some respondent ids look like numbers a spreadsheet rewrote (such as "
            f"{next(k for k in sample if _scientific(k))}); they may no longer be unique: "
            "export again without opening the file in Excel"
        )
    return SurveyTable(
        source=source,
        format=format,
        questions=[c.question for c in questions if c.question],
        rows=responses,
        notes=(
            *rows.notes,
            *notes,
            *([f"left out personal data: {', '.join(left_out)}"] if left_out else []),
        ),
        warnings=warnings,
        dayfirst=dayfirst,
        epoch=rows.epoch,
        scrubbed=True,
        left_out=left_out,
        encoding=rows.encoding,
        delimiter=rows.delimiter,
    )


def _fit(cells: list[str | None], width: int, number: int, source: str) -> list[str | None]:
    """A row as wide as the header: short rows padded (writers drop trailing blanks); a row
    with answers past the last column is an error, as its answers may be shifted."""
    if len(cells) < width:
        return cells + [None] * (width - len(cells))
    if any(cells[width:]):
        raise FormatError(
            f"row {number} has {len(cells)} cells but the header has {width} columns: an "
            "answer holding a delimiter or a line break may have lost its quotes",
            source=source,
        )
    return cells[:width]


def _picker(indices: list[int]) -> Callable[[list[str | None]], tuple[str | None, ...]]:
    """The cells at ``indices`` of a row, as a tuple (itemgetter gives a bare cell for one)."""
    if not indices:
        return lambda cells: ()
    if len(indices) == 1:
        only = indices[0]
        return lambda cells: (cells[only],)
    return operator.itemgetter(*indices)


def _first_respondent(cells: list[str | None], respondents: list[int]) -> str:
    """The first filled identifier of a row ("" when none is, or all say anonymous)."""
    for index in respondents:
        key = (cells[index] or "").strip()
        if key and key.lower() != "anonymous":
            return key
    return ""


def _header(column: Column) -> str:
    return column.header or f"column {column.index + 1}"


def unique_key(header: str, taken: set[str]) -> str:
    key = base = slug(header)
    count = 1
    while key in taken:
        count += 1
        key = f"{base}_{count}"
    taken.add(key)
    return key
