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
import itertools
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

import attrs

from coprod_toc.errors import FormatError
from coprod_toc.surveys.dates import DateOrder, TimestampReader, decide_date_order
from coprod_toc.surveys.pseudonyms import check_key, pseudonymiser
from coprod_toc.surveys.source import SurveyFile

__all__ = [
    "MISSING_ANSWERS",
    "RawResponse",
    "SurveyAnswer",
    "SurveyQuestion",
    "SurveyResponse",
    "SurveyTable",
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
    #: One per question; a blank cell is ``""`` (or ``None`` from a spreadsheet, or for an
    #: answer that means "no answer", such as ``NA``).
    values: tuple[str | None, ...]
    complete: bool | None = None
    submitted_at: dt.datetime | None = None
    #: When the respondent started, where the tool says (as written, and as read).
    started_raw: str | None = None
    started_at: dt.datetime | None = None


#: A response as a row source may give it: a plain tuple of :class:`SurveyResponse`'s first
#: seven fields (``row, respondent_key, submitted_raw, values, complete, submitted_at,
#: started_raw``; ``submitted_at`` left ``None`` for the table to read), so a reader's hot
#: loop builds no object per row. Tuples of the first six fields are accepted too.
RawResponse = tuple[
    int, str, str | None, tuple[str | None, ...], bool | None, dt.datetime | None, str | None
]

#: Answers that mean "no answer" by default: what R, SPSS, Excel and survey tools write.
MISSING_ANSWERS = frozenset(
    {"NA", "N/A", "n/a", "#N/A", "NULL", "-99", "-999", ".", "(blank)", "Not answered"}
)


# --------------------------------------------------------------------------- the table

#: Responses read ahead to decide a file's date order before the first is given out.
DATE_WINDOW = 5000


def _notes(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _markers(value: Iterable[str]) -> frozenset[str]:
    return frozenset(value)


def _questions(value: Iterable[SurveyQuestion]) -> tuple[SurveyQuestion, ...]:
    return tuple(value)


def _rows(
    value: Callable[[], Iterable[RawResponse]] | Sequence[RawResponse | SurveyResponse],
) -> Callable[[], Iterable[RawResponse]]:
    if callable(value):
        return value
    held: tuple[Any, ...] = tuple(value)
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
    #: The date order the user gave; ``None`` to decide it from the file (``date_order``).
    dayfirst: bool | None = None
    pseudonymised: bool = False
    pseudonym_key: bytes | None = attrs.field(default=None, repr=False)
    #: What the user should look at: a guessed date order, ids a spreadsheet rewrote.
    warnings: tuple[str, ...] = attrs.field(default=(), converter=_notes)
    #: A digest of the file's bytes, when known (else made from ``origin`` when asked for,
    #: see :meth:`identity`): the same file imported twice is recognised by it.
    fingerprint: str | None = None
    #: The file the table was read from (``ct.import_survey`` sets it).
    origin: SurveyFile | None = attrs.field(default=None, repr=False, eq=False)
    #: Answers that mean "no answer": given out as ``None``, never as an answer.
    missing: frozenset[str] = attrs.field(default=MISSING_ANSWERS, converter=_markers)
    #: How the file's dates are read, once decided (:meth:`with_date_order`).
    date_order: DateOrder | None = None
    #: The day a spreadsheet counts serial dates from; ``None`` for text files.
    epoch: dt.datetime | None = None
    #: Whether personal data was handled as the table was built: personal columns left out
    #: (or kept on request) and free text scrubbed. The host does it for tables that were not.
    scrubbed: bool = False
    #: The headings of the columns left out as personal data.
    left_out: tuple[str, ...] = attrs.field(default=(), converter=_notes)
    #: How a text file was read (``None`` for a spreadsheet, or when the reader does not say).
    encoding: str | None = None
    delimiter: str | None = None

    def identity(self) -> str | None:
        """What tells this file from any other: its fingerprint, made from its bytes on
        first use (a whole read of the file, so only when it is needed)."""
        if self.fingerprint is not None:
            return self.fingerprint
        return None if self.origin is None else self.origin.fingerprint

    def _raw(self) -> Iterator[RawResponse]:
        """The row source's tuples, each with its start time (older sources give six
        fields: the seventh is then ``None``)."""
        stream = iter(self.rows())
        first = next(stream, None)
        if first is None:
            return
        if len(first) == 7:
            yield first
            yield from stream
            return
        for response in itertools.chain((first,), stream):
            started = response[6] if len(response) > 6 else None
            yield (*response[:6], started)

    def with_date_order(self) -> SurveyTable:
        """The table with its date order decided (see :mod:`coprod_toc.surveys.dates`): from
        the first rows when they prove it, else from every row; the notes say how, and a
        guess is also a warning.

        :raises FormatError: dates that prove both orders.
        """
        if self.date_order is not None:
            return self
        if self.dayfirst is not None:
            order = DateOrder(self.dayfirst, "given")
        else:
            window = list(itertools.islice(self._raw(), DATE_WINDOW))
            order = decide_date_order(
                ((r[0], r[6], r[2]) for r in window), source=self.source, epoch=self.epoch
            )
            if order.rule not in ("proof", "unambiguous") and len(window) == DATE_WINDOW:
                order = decide_date_order(
                    ((r[0], r[6], r[2]) for r in self._raw()), source=self.source, epoch=self.epoch
                )
        return attrs.evolve(
            self,
            date_order=order,
            notes=(*self.notes, order.describe()),
            warnings=(*self.warnings, order.note) if order.note else self.warnings,
        )

    def responses(self) -> Iterator[SurveyResponse]:
        """Every response in file order: timestamps read in the file's date order, answers
        that mean "no answer" given as ``None``, respondents pseudonymised if asked.

        :raises FormatError: a row the reader cannot read, or a date that contradicts the
            file's date order; the message names the row.
        """
        order = self.date_order or self.with_date_order().date_order
        assert order is not None
        reader = TimestampReader(order, self.source, self.epoch)
        seen, read = reader.seen.get, reader.read
        key = self.pseudonym_key
        rename = pseudonymiser(key) if key is not None else None
        markers = self.missing
        blank_markers = markers.isdisjoint
        new = tuple.__new__
        for row, person, raw, values, complete, _, started in self._raw():
            # Most timestamps repeat (minutes, or dates alone): each text is read once.
            at = (seen(raw) or read(raw, row)) if raw else None
            start = (seen(started) or read(started, row)) if started else None
            if not blank_markers(values):
                values = tuple(None if v in markers else v for v in values)
            yield new(
                SurveyResponse,
                (row, rename(person) if rename else person, raw, values, complete, at,
                 started, start),
            )  # fmt: skip

    def to_frame(self) -> Any:
        """The answers (:meth:`answers`, the long table) as a pandas ``DataFrame``."""
        from coprod_toc.plain import data_frame

        columns = [field.name for field in attrs.fields(SurveyAnswer)]
        return data_frame((attrs.asdict(answer) for answer in self.answers()), columns)

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
        more = "…" if len(self.questions) > 20 else ""
        raise FormatError(f"no question {key!r} (questions: {known}{more})", source=self.source)

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
    check_key(key)  # a bad key fails here, not at the first response
    return attrs.evolve(table, pseudonymised=True, pseudonym_key=key)
