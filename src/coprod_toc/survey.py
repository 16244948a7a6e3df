"""The neutral table every survey importer produces, and pseudonymisation.

Whatever the survey tool and its header layers, an import becomes the same shape: a list of
:class:`SurveyQuestion` (one per answer column: ``key``, ``text``, ``sub_item``, the labels of
its codes) and a stream of :class:`SurveyResponse` (one per respondent row: ``row``,
``respondent_key``, ``submitted_at``, the values). :meth:`SurveyTable.answers` flattens it into
the long table of ``respondent_key, question_key, question_text, sub_item, value_raw,
value_label, submitted_at``, so the mapping onto outcomes never sees a vendor's layout.

A table streams: it reads its file again each time it is iterated, so a million rows take no
more memory than a thousand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import NamedTuple

import attrs

from coprod_toc.errors import FormatError, ModelError

__all__ = [
    "RawResponse",
    "SurveyAnswer",
    "SurveyQuestion",
    "SurveyResponse",
    "SurveyTable",
    "parse_timestamp",
    "pseudonym",
    "pseudonymise",
]


def _optional_str(value: object) -> str | None:
    return None if value is None else str(value)


@attrs.frozen(kw_only=True)
class SurveyAnswer:
    """One answer by one respondent to one question (or one sub-item of it)."""

    respondent_key: str = attrs.field(converter=str)
    question_key: str = attrs.field(converter=str)
    question_text: str | None = attrs.field(default=None, converter=_optional_str)
    sub_item: str | None = attrs.field(default=None, converter=_optional_str)
    value_raw: str | None = attrs.field(default=None, converter=_optional_str)
    value_label: str | None = attrs.field(default=None, converter=_optional_str)
    submitted_at: dt.datetime | None = None
    row: int | None = None


def _labels(value: Mapping[str, str] | None) -> Mapping[str, str]:
    return dict(value or {})


@attrs.frozen(kw_only=True)
class SurveyQuestion:
    """One column of answers.

    ``key`` is stable and unique in the table (the tool's variable code where it has one);
    ``text`` is the question as people read it; ``sub_item`` the statement of a grid row or
    the option of a checkbox column. ``labels`` maps the file's codes to their labels when
    the file holds codes. ``separator`` is set when one cell holds several choices.
    """

    key: str
    text: str | None = None
    sub_item: str | None = None
    labels: Mapping[str, str] = attrs.field(factory=dict, converter=_labels)
    separator: str | None = None
    column: int | None = None

    def label(self, raw: str) -> str | None:
        """The label of a value: from ``labels`` for codes, the value itself otherwise."""
        if self.labels:
            return self.labels.get(raw)
        return raw

    def split(self, raw: str) -> list[str]:
        """The choices in one cell (just the cell when the question takes one)."""
        if self.separator is None:
            return [raw]
        return [part.strip() for part in raw.split(self.separator) if part.strip()]


class SurveyResponse(NamedTuple):
    """One respondent's row: where it was in the file, who, when, and one value per question.

    ``submitted_raw`` keeps the timestamp as the file wrote it; ``complete`` is ``False`` for
    a response the tool marks unfinished, ``None`` when the tool does not say.
    """

    row: int
    respondent_key: str
    submitted_raw: str | None
    #: One per question; a blank cell is ``""`` (or ``None`` from a spreadsheet).
    values: tuple[str | None, ...]
    complete: bool | None = None
    submitted_at: dt.datetime | None = None


#: A response as a row source may give it: a plain tuple in :class:`SurveyResponse`'s field
#: order (a ``SurveyResponse`` is one), so a reader's hot loop builds no object per row.
RawResponse = tuple[int, str, str | None, tuple[str | None, ...], bool | None, dt.datetime | None]


# --------------------------------------------------------------------------- timestamps

_NUMERIC = re.compile(
    r"(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})"
    r"(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([AaPp]\.?[Mm]\.?)?)?"
    r"(?:\s*(?:Z|[A-Za-z]{1,5}|(?:GMT|UTC)?[+-]\d{1,2}(?::?\d{2})?))?"
)


def _numeric_parts(raw: str) -> re.Match[str] | None:
    return _NUMERIC.fullmatch(raw.strip())


def parse_timestamp(raw: str | None, *, dayfirst: bool = True) -> dt.datetime | None:
    """A survey timestamp as a naive local datetime, or ``None`` for a blank.

    Reads ISO 8601 (with or without an offset, which is dropped: the time stays as the tool
    wrote it) and the numeric forms tools and spreadsheets write (``14/01/2026 10:02``,
    ``1/14/2026 2:54:44 PM``, ``2022/06/22 11:07:29 AM AST``). ``dayfirst`` decides
    ``03/04/2026``. Raises ``ValueError`` for anything else.
    """
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    if text[4:5] == "-":  # ISO 8601 starts YYYY-
        try:
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
        except ValueError:
            pass
    match = _numeric_parts(text)
    if match is None:
        raise ValueError(f"not a date and time: {raw!r}")
    first, second, third, hour, minute, second_s, half = match.groups()
    if len(first) == 4:
        year, month, day = int(first), int(second), int(third)
    else:
        year = int(third) + (2000 if len(third) == 2 else 0)
        day, month = (int(first), int(second)) if dayfirst else (int(second), int(first))
    hours = int(hour or 0)
    if half:
        if not 1 <= hours <= 12:
            raise ValueError(f"not a date and time: {raw!r}")
        hours = hours % 12 + (12 if half[0] in "Pp" else 0)
    return dt.datetime(year, month, day, hours, int(minute or 0), int(second_s or 0))


class _DateOrder:
    """Day-first or month-first, decided once per file from the dates it holds.

    A date whose first number is above 12 proves day-first; one whose second is above 12
    proves month-first. With no proof either way the file is read day-first (UK). The
    decision is made on the rows read before the first answer is given out (the first
    ``window``); a later row that contradicts it is an error naming that row.
    """

    def __init__(self, source: str, dayfirst: bool | None) -> None:
        self.source = source
        self.fixed = dayfirst
        self.dayfirst = True if dayfirst is None else dayfirst
        self.proof: int | None = None
        #: Each timestamp text read so far, and what it was read as.
        self.parsed: dict[str, dt.datetime | None] = {}
        self.settled = False  # decided: later rows may confirm the order, never change it

    def observe(self, raw: str | None, row: int) -> None:
        if self.fixed is not None or not raw or raw in self.parsed:
            return  # a text already read was already observed
        match = _numeric_parts(raw)
        if match is None or len(match.group(1)) == 4:
            return
        first, second = int(match.group(1)), int(match.group(2))
        says = True if first > 12 else False if second > 12 else None
        if says is None:
            return
        if self.proof is None and not self.settled:
            self.proof, self.dayfirst = row, says
        elif self.proof is None and says != self.dayfirst:
            raise FormatError(
                f"row {row}: the date {raw!r} is month-first, but the rows before it were "
                "read day-first; pass dayfirst=False",
                source=self.source,
            )
        elif says != self.dayfirst:
            order = "day-first" if self.dayfirst else "month-first"
            raise FormatError(
                f"row {row}: the date {raw!r} cannot be {order}, as row {self.proof} showed "
                f"the file's dates to be; pass dayfirst=True or dayfirst=False",
                source=self.source,
            )

    def parse(self, raw: str | None, row: int) -> dt.datetime | None:
        if not raw:
            return None
        # Many responses share a timestamp's text (minutes, or dates alone): read each once.
        cached = self.parsed.get(raw)
        if cached is not None:
            return cached
        try:
            parsed = parse_timestamp(raw, dayfirst=self.dayfirst)
        except ValueError:
            raise FormatError(
                f"row {row}: {raw!r} is not a date and time", source=self.source
            ) from None
        if len(self.parsed) > 100_000:
            self.parsed.clear()
        self.parsed[raw] = parsed
        return parsed


# --------------------------------------------------------------------------- pseudonyms


#: The shortest key a pseudonym may be made with: shorter ones can be guessed.
MIN_KEY_BYTES = 16


def _keyed_hash(key: bytes) -> hashlib.blake2b:
    """Keyed BLAKE2b, 8 bytes out: a MAC by design (RFC 7693), and several times faster per
    respondent than HMAC-SHA256. Keys over BLAKE2b's 64 bytes are hashed down first."""
    if not isinstance(key, bytes) or len(key) < MIN_KEY_BYTES:
        raise ModelError(f"a pseudonym key must be at least {MIN_KEY_BYTES} bytes")
    if len(key) > hashlib.blake2b.MAX_KEY_SIZE:
        key = hashlib.blake2b(key).digest()
    return hashlib.blake2b(key=key, digest_size=8, person=b"coprod-toc")


def pseudonym(respondent: str, key: bytes) -> str:
    """The pseudonym of one respondent key: ``R-`` and 16 hex digits of a keyed hash.

    :raises ModelError: the key is shorter than 16 bytes.
    """
    return _pseudonymiser(key)(respondent)


def _pseudonymiser(key: bytes) -> Callable[[str], str]:
    """:func:`pseudonym` for many respondents: the keyed state is made once and copied."""
    keyed = _keyed_hash(key)

    def pseudonym_of(respondent: str) -> str:
        mac = keyed.copy()
        mac.update(respondent.encode("utf-8"))
        return "R-" + mac.hexdigest()

    return pseudonym_of


# --------------------------------------------------------------------------- the table

#: Responses read ahead to decide a file's date order before the first is given out.
DATE_WINDOW = 5000


def _notes(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _questions(value: Iterable[SurveyQuestion]) -> tuple[SurveyQuestion, ...]:
    return tuple(value)


def _rows(
    value: Callable[[], Iterable[RawResponse]] | Sequence[RawResponse],
) -> Callable[[], Iterable[RawResponse]]:
    if callable(value):
        return value
    held = tuple(value)
    return lambda: held


@attrs.frozen(kw_only=True)
class SurveyTable:
    """The answers read from one file, with where they came from.

    ``rows`` is a function that reads the responses afresh (or a list of them): each a
    :class:`SurveyResponse` or a plain tuple in its field order (:data:`RawResponse`), its
    ``submitted_at`` left ``None`` for the table to read from ``submitted_raw``.
    ``pseudonymised`` tells whether respondent keys are replaced by pseudonyms, ``notes``
    what the reader decided (encoding, delimiter, date order, columns left out).
    """

    source: str
    format: str
    questions: tuple[SurveyQuestion, ...] = attrs.field(converter=_questions)
    rows: Callable[[], Iterable[RawResponse]] = attrs.field(converter=_rows, repr=False)
    notes: tuple[str, ...] = attrs.field(default=(), converter=_notes)
    dayfirst: bool | None = None
    pseudonymised: bool = False
    pseudonym_key: bytes | None = attrs.field(default=None, repr=False)

    def responses(self) -> Iterator[SurveyResponse]:
        """Every response in file order, timestamps read, respondents pseudonymised if asked.

        :raises FormatError: a row the reader cannot read, or a date that contradicts the
            file's date order; the message names the row.
        """
        order = _DateOrder(self.source, self.dayfirst)
        stream = iter(self.rows())
        ahead = list(itertools.islice(stream, DATE_WINDOW))
        for response in ahead:
            order.observe(response[2], response[0])
        order.settled = True
        key = self.pseudonym_key
        rename = _pseudonymiser(key) if key is not None else None
        check = len(ahead) == DATE_WINDOW  # only rows past the window can still contradict
        read, parse, observe = order.parsed.get, order.parse, order.observe
        for row, person, raw, values, complete, _ in itertools.chain(ahead, stream):
            at = read(raw) if raw else None  # most timestamps repeat: read each text once
            if at is None and raw:
                if check:  # a text already read was already observed
                    observe(raw, row)
                at = parse(raw, row)
            yield SurveyResponse(
                row, rename(person) if rename else person, raw, values, complete, at
            )

    def answers(self) -> Iterator[SurveyAnswer]:
        """The long table: one answer per filled cell, one per choice in a multi-choice cell."""
        questions = self.questions
        for response in self.responses():
            for question, raw in zip(questions, response.values, strict=True):
                if not raw:
                    continue
                for value in question.split(raw):
                    yield SurveyAnswer(
                        respondent_key=response.respondent_key,
                        question_key=question.key,
                        question_text=question.text,
                        sub_item=value if question.separator else question.sub_item,
                        value_raw=value,
                        value_label=question.label(value),
                        submitted_at=response.submitted_at,
                        row=response.row,
                    )

    @classmethod
    def from_answers(
        cls, answers: Iterable[SurveyAnswer], *, source: str, format: str
    ) -> SurveyTable:
        """A table from answers already in the long shape (one per respondent and question),
        for importers of tools that export that way. Answers of one respondent at one time
        become one response, in the order they first appear."""
        questions: dict[tuple[str, str | None], SurveyQuestion] = {}
        people: dict[tuple[str, dt.datetime | None], dict[tuple[str, str | None], str | None]] = {}
        rows: dict[tuple[str, dt.datetime | None], int] = {}
        for number, answer in enumerate(answers, start=1):
            column = (answer.question_key, answer.sub_item)
            if column not in questions:
                key = answer.question_key + (f"[{answer.sub_item}]" if answer.sub_item else "")
                questions[column] = SurveyQuestion(
                    key=key, text=answer.question_text, sub_item=answer.sub_item
                )
            person = (answer.respondent_key, answer.submitted_at)
            rows.setdefault(person, answer.row or number)
            people.setdefault(person, {})[column] = answer.value_raw
        columns = list(questions)
        responses = [
            SurveyResponse(
                row=rows[person],
                respondent_key=person[0],
                submitted_raw=person[1].isoformat(sep=" ") if person[1] else None,
                values=tuple(values.get(c) for c in columns),
            )
            for person, values in people.items()
        ]
        return cls(source=source, format=format, questions=questions.values(), rows=responses)

    def question(self, key: str) -> SurveyQuestion:
        """The question with this key, or with this exact text when no key matches."""
        for question in self.questions:
            if question.key == key:
                return question
        matches = [q for q in self.questions if q.text == key and q.sub_item is None]
        if len(matches) == 1:
            return matches[0]
        known = ", ".join(q.key for q in self.questions[:20])
        raise FormatError(f"no question {key!r} (questions: {known}…)", source=self.source)

    def respondents(self) -> list[str]:
        """Respondent keys in the order they first appear."""
        return list(dict.fromkeys(r.respondent_key for r in self.responses()))

    def count(self) -> int:
        """How many responses the file holds."""
        return sum(1 for _ in self.rows())


def pseudonymise(table: SurveyTable, key: bytes | None = None) -> SurveyTable:
    """Replace every respondent key by a keyed hash (BLAKE2b), ``R-`` and 16 hex digits.

    With the same ``key``, the same person gets the same pseudonym in every import, so
    before-and-after answers can be paired; keep the key apart from the data. Without a key a
    random one is used and thrown away with the table: pseudonyms then hold only within it.

    :raises ModelError: the key is shorter than 16 bytes.
    """
    if table.pseudonymised:
        return table
    key = key if key is not None else os.urandom(32)
    _keyed_hash(key)  # a bad key fails here, not at the first response
    return attrs.evolve(table, pseudonymised=True, pseudonym_key=key)
