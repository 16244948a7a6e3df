# mypy cannot see through converter factories (the attrs plugin needs plain names), as in
# model.py: the validators and tests check the converted types instead.
# mypy: disable-error-code="misc"
"""The evidence behind a map: what people said, measured and agreed to (model layer, no I/O).

Participants appear only as pseudonyms. Every record says when it may be kept until
(``retain_until``); :meth:`Evidence.erase_participant` removes one person from all of them.
A map holds its evidence as ``toc.evidence``; the JSON format and every store keep it.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

import attrs

from coprod_toc.errors import FormatError, ModelError
from coprod_toc.fields import (
    as_amount,
    as_date,
    as_enum,
    as_flag,
    as_level,
    as_optional_text,
    as_required_date,
    as_strings,
    as_text,
    id_field,
)
from coprod_toc.plain import plain_record

__all__ = [
    "Benefit",
    "BenefitDomain",
    "ConsentMethod",
    "ConsentRecord",
    "Evidence",
    "EvidenceItem",
    "EvidenceType",
    "ItemResponse",
    "LogbookEntry",
    "MeasureAdministration",
    "Participant",
    "ProcessFeedback",
    "Recipient",
    "RejectedAnswer",
    "erasure_digest",
    "people_named",
    "record_document",
    "record_key",
    "record_keys",
    "without_evidence",
    "without_participant",
]


class BenefitDomain(enum.StrEnum):
    """The kinds of benefit people gain from co-production: feeling valued, confidence,
    independence, belonging, knowledge, other."""

    FEELING_VALUED = "feeling_valued"
    CONFIDENCE = "confidence"
    INDEPENDENCE = "independence"
    BELONGING = "belonging"
    KNOWLEDGE = "knowledge"
    OTHER = "other"


class Recipient(enum.StrEnum):
    """Who a benefit reached: an individual, a professional or the organisation."""

    INDIVIDUAL = "individual"
    PROFESSIONAL = "professional"
    ORGANISATION = "organisation"


class EvidenceType(enum.StrEnum):
    """What kind of evidence an item is: a group conversation, an interview, a logbook
    entry, a questionnaire, a measure's result or a document."""

    GROUP_CONVERSATION = "group_conversation"
    SEMI_STRUCTURED_INTERVIEW = "semi_structured_interview"
    STRUCTURED_INTERVIEW = "structured_interview"
    LOGBOOK_ENTRY = "logbook_entry"
    FORM_QUESTIONNAIRE = "form_questionnaire"
    MEASURE_RESULT = "measure_result"
    DOCUMENT = "document"


class ConsentMethod(enum.StrEnum):
    """How consent was given: written, verbal, in easy read, with support or by online form."""

    WRITTEN = "written"
    VERBAL = "verbal"
    EASY_READ = "easy_read"
    SUPPORTED = "supported"
    ONLINE_FORM = "online_form"


@attrs.frozen(kw_only=True)
class Participant:
    """A person taking part, by pseudonym only: no name or contact lives in the store."""

    id: str = id_field()
    role: str | None = attrs.field(default=None, converter=as_optional_text("role"))
    accessibility_needs: tuple[str, ...] = attrs.field(
        default=(), converter=as_strings("accessibility_needs")
    )
    retain_until: dt.date | None = attrs.field(default=None, converter=as_date("retain_until"))
    #: The host system's record of this person (its own id, never a name): erased with them.
    external_ref: str | None = attrs.field(default=None, converter=as_optional_text("external_ref"))


def _optional_method(value: object) -> ConsentMethod | None:
    return None if value is None else as_enum(ConsentMethod, "method")(value)


@attrs.frozen(kw_only=True)
class ConsentRecord:
    """Who agreed, when, to what, how, and what they were told (UK GDPR, Art. 9).

    A record holds only what was given: no ``purposes``, no ``condition`` or a ``method``
    of ``None`` mean they are not known (:attr:`gaps`), and validation says so
    (``consent-incomplete``) rather than anything being assumed.
    """

    participant: str = id_field()
    given_at: dt.date = attrs.field(converter=as_required_date("given_at"))
    purposes: tuple[str, ...] = attrs.field(default=(), converter=as_strings("purposes"))
    special_category: bool = attrs.field(default=True, converter=as_flag("special_category"))
    condition: str | None = attrs.field(default=None, converter=as_optional_text("condition"))
    method: ConsentMethod | None = attrs.field(
        default=ConsentMethod.WRITTEN, converter=_optional_method
    )
    info_version: str | None = attrs.field(default=None, converter=as_optional_text("info_version"))
    supports_used: tuple[str, ...] = attrs.field(default=(), converter=as_strings("supports_used"))
    consultee: str | None = attrs.field(default=None, converter=as_optional_text("consultee"))
    withdrawn_at: dt.date | None = attrs.field(default=None, converter=as_date("withdrawn_at"))
    review_due: dt.date | None = attrs.field(default=None, converter=as_date("review_due"))
    retain_until: dt.date | None = attrs.field(default=None, converter=as_date("retain_until"))

    @property
    def gaps(self) -> tuple[str, ...]:
        """What this record does not say that a consent record should."""
        gaps = []
        if not self.purposes:
            gaps.append("purposes")
        if self.special_category and self.condition is None:
            gaps.append("Article 9 condition")
        if self.method is None:
            gaps.append("method")
        return tuple(gaps)

    def covers(self, purpose: str, on: dt.date | None = None) -> bool:
        """Whether this consent, not withdrawn (by ``on``), covers ``purpose``."""
        withdrawn = self.withdrawn_at is not None and (on is None or self.withdrawn_at <= on)
        return purpose in self.purposes and not withdrawn


@attrs.frozen(kw_only=True)
class EvidenceItem:
    """A piece of evidence: a quote, a questionnaire answer, a document, linked to nodes."""

    id: str = id_field()
    type: EvidenceType = attrs.field(converter=as_enum(EvidenceType, "type"))
    date: dt.date | None = attrs.field(default=None, converter=as_date("date"))
    participants: tuple[str, ...] = attrs.field(default=(), converter=as_strings("participants"))
    nodes: tuple[str, ...] = attrs.field(default=(), converter=as_strings("nodes"))
    content: str | None = attrs.field(default=None, converter=as_optional_text("content"))
    confidence: int | None = attrs.field(default=None, converter=as_level("confidence", 1, 5))
    source: str | None = attrs.field(default=None, converter=as_optional_text("source"))
    retain_until: dt.date | None = attrs.field(default=None, converter=as_date("retain_until"))
    #: The host system's record this evidence came from (a session's or a document's id).
    external_ref: str | None = attrs.field(default=None, converter=as_optional_text("external_ref"))


@attrs.frozen(kw_only=True)
class LogbookEntry:
    """Spontaneous feedback, written down: when, about what, what was said, and whether it
    was read back to and confirmed by the person."""

    id: str = id_field()
    date: dt.date = attrs.field(converter=as_required_date("date"))
    subject: str = attrs.field(converter=as_text("subject"))
    note: str = attrs.field(converter=as_text("note"))
    channel: str | None = attrs.field(default=None, converter=as_optional_text("channel"))
    recorded_by: str | None = attrs.field(default=None, converter=as_optional_text("recorded_by"))
    participant: str | None = attrs.field(default=None, converter=as_optional_text("participant"))
    confirmed_with_person: bool = attrs.field(
        default=False, converter=as_flag("confirmed_with_person")
    )
    confirmed_at: dt.date | None = attrs.field(default=None, converter=as_date("confirmed_at"))
    confirmed_by: str | None = attrs.field(default=None, converter=as_optional_text("confirmed_by"))
    nodes: tuple[str, ...] = attrs.field(default=(), converter=as_strings("nodes"))
    retain_until: dt.date | None = attrs.field(default=None, converter=as_date("retain_until"))

    def __attrs_post_init__(self) -> None:
        if self.confirmed_with_person:
            if self.confirmed_at is None or self.confirmed_by is None:
                raise ModelError(
                    "a confirmed entry says when (confirmed_at) and by whom (confirmed_by)"
                )
            if self.confirmed_at < self.date:
                raise ModelError(
                    f"confirmed_at {self.confirmed_at} is before the entry's date {self.date}"
                )


@attrs.frozen(kw_only=True)
class Benefit:
    """A benefit of taking part, for one recipient, in one domain, with its answer."""

    id: str = id_field()
    recipient: Recipient = attrs.field(converter=as_enum(Recipient, "recipient"))
    domain: BenefitDomain = attrs.field(converter=as_enum(BenefitDomain, "domain"))
    description: str | None = attrs.field(default=None, converter=as_optional_text("description"))
    participant: str | None = attrs.field(default=None, converter=as_optional_text("participant"))
    date: dt.date | None = attrs.field(default=None, converter=as_date("date"))
    score: float | int | None = attrs.field(default=None, converter=as_amount("score"))
    answer: str | None = attrs.field(default=None, converter=as_optional_text("answer"))
    timepoint: str | None = attrs.field(default=None, converter=as_optional_text("timepoint"))
    evidence: tuple[str, ...] = attrs.field(default=(), converter=as_strings("evidence"))
    retain_until: dt.date | None = attrs.field(default=None, converter=as_date("retain_until"))


@attrs.frozen(kw_only=True)
class ProcessFeedback:
    """Feedback on how co-production went: a rating, what went well, what to improve."""

    id: str = id_field()
    activity: str | None = attrs.field(default=None, converter=as_optional_text("activity"))
    question: str = attrs.field(converter=as_text("question"))
    aspect: str = attrs.field(default="rating", converter=as_text("aspect"))
    response: str | None = attrs.field(default=None, converter=as_optional_text("response"))
    rating: float | int | None = attrs.field(default=None, converter=as_amount("rating"))
    participant: str | None = attrs.field(default=None, converter=as_optional_text("participant"))
    respondent_role: str | None = attrs.field(
        default=None, converter=as_optional_text("respondent_role")
    )
    principle: str | None = attrs.field(default=None, converter=as_optional_text("principle"))
    date: dt.date | None = attrs.field(default=None, converter=as_date("date"))
    retain_until: dt.date | None = attrs.field(default=None, converter=as_date("retain_until"))


@attrs.frozen(kw_only=True)
class ItemResponse:
    """One item of a measure: its score, or why there is none (``missing``)."""

    item: str = attrs.field(converter=as_text("item"))
    value: float | int | None = attrs.field(default=None, converter=as_amount("value"))
    missing: str | None = attrs.field(default=None, converter=as_optional_text("missing"))


def _row(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ModelError(f"row must be a row number (0 or more), not {value!r}")
    return value


def _any_text(name: str) -> Any:
    def convert(value: object) -> str:
        if not isinstance(value, str):
            raise ModelError(f"{name} must be a text, not {type(value).__name__}")
        return value

    return convert


def _responses(value: object) -> tuple[ItemResponse, ...]:
    """Answers as records, or as tables of their fields (read from a document)."""
    if not isinstance(value, list | tuple):
        raise ModelError(f"responses must be a list of answers, not {value!r}")
    items = []
    for i, item in enumerate(value):
        if isinstance(item, ItemResponse):
            items.append(item)
            continue
        if not isinstance(item, dict):
            raise ModelError(f"responses[{i}] must be a table of an answer's fields, not {item!r}")
        try:
            items.append(ItemResponse(**item))
        except ModelError as exc:
            raise ModelError(f"responses[{i}].{exc.message}") from None
        except TypeError as exc:  # a field ItemResponse does not have
            raise ModelError(f"responses[{i}]: {exc}") from None
    return tuple(items)


@attrs.frozen(kw_only=True)
class MeasureAdministration:
    """One person's answers to one instrument at one time point (baseline, follow-up…)."""

    id: str = id_field()
    participant: str = attrs.field(converter=as_text("participant"))
    instrument: str = attrs.field(converter=as_text("instrument"))
    timepoint: str = attrs.field(converter=as_text("timepoint"))
    date: dt.date | None = attrs.field(default=None, converter=as_date("date"))
    responses: tuple[ItemResponse, ...] = attrs.field(default=(), converter=_responses)
    administration_mode: str = attrs.field(default="self", converter=as_text("administration_mode"))
    retain_until: dt.date | None = attrs.field(default=None, converter=as_date("retain_until"))


@attrs.frozen(kw_only=True)
class RejectedAnswer:
    """An answer, or a whole response, a survey import could not use, and why: kept with
    the import (``source`` is its evidence item), pseudonymised and scrubbed as the answers
    are, so that it is kept, shown and erased like the rest of a person's evidence."""

    id: str = id_field()
    source: str = attrs.field(converter=as_text("source"))
    row: int = attrs.field(converter=_row)
    column: str = attrs.field(default="", converter=_any_text("column"))
    reason: str = attrs.field(converter=as_text("reason"))
    participant: str | None = attrs.field(default=None, converter=as_optional_text("participant"))
    retain_until: dt.date | None = attrs.field(default=None, converter=as_date("retain_until"))


# --------------------------------------------------------------------------- the collection

_Record = (
    Participant
    | ConsentRecord
    | EvidenceItem
    | LogbookEntry
    | Benefit
    | ProcessFeedback
    | MeasureAdministration
    | RejectedAnswer
)

#: Document section → record class, in the order the document lists them.
SECTIONS: dict[str, type[Any]] = {
    "participants": Participant,
    "consents": ConsentRecord,
    "items": EvidenceItem,
    "logbook": LogbookEntry,
    "benefits": Benefit,
    "feedback": ProcessFeedback,
    "measures": MeasureAdministration,
    "rejected": RejectedAnswer,
}


def record_document(record: Any) -> dict[str, Any]:
    """One evidence record as it appears in a document (fields at their default left out)."""
    return plain_record(record)


def _mentions(record: Any, person: str) -> bool:
    for name in ("id", "participant", "confirmed_by"):
        if getattr(record, name, None) == person and (
            name != "id" or isinstance(record, Participant)
        ):
            return True
    return False


def people_named(record: Any) -> set[str]:
    """The pseudonyms a record names: whose it is, who took part, who confirmed it."""
    named = {
        value
        for name in ("participant", "confirmed_by")
        if isinstance(value := getattr(record, name, None), str)
    }
    if isinstance(record, Participant):
        named.add(record.id)
    named.update(getattr(record, "participants", ()))
    return named


def erasure_digest(participant: str) -> str:
    """What a store keeps of a person it erased, to refuse their evidence coming back (a
    map loaded before the erasure, saved again; the same survey imported again): a digest
    of the pseudonym, not the pseudonym."""
    return hashlib.sha256(f"coprod-toc erased {participant}".encode()).hexdigest()


def without_participant(record: Any, participant: str) -> Any | None:
    """The record with one person erased: ``None`` when the record is theirs (or only
    theirs, for shared evidence), the record less them when it is shared with others, the
    record itself when it does not mention them.

    The one rule of erasure: the live map, every store and the storage kit apply it.
    """
    if _mentions(record, participant):
        return None
    participants = getattr(record, "participants", ())
    if participant in participants:
        others = tuple(p for p in participants if p != participant)
        return attrs.evolve(record, participants=others) if others else None
    return record


def without_evidence(cited: tuple[str, ...], gone: set[str]) -> tuple[str, ...]:
    """A link's evidence references less those to records that were erased (the same tuple
    when none of them went)."""
    if not gone or gone.isdisjoint(cited):
        return cited
    return tuple(e for e in cited if e not in gone)


def record_key(record: Any) -> str:
    """What names an evidence record within its section: its id; a consent, which has
    none, by its person and the date it was given (``R-…@2026-01-14``)."""
    if isinstance(record, ConsentRecord):
        return f"{record.participant}@{record.given_at.isoformat()}"
    return str(record.id)


def record_keys(records: Iterable[Any]) -> Iterator[tuple[str, Any]]:
    """``(key, record)`` for the records of one section, in order (see :func:`record_key`);
    a key met again is numbered (``#2``, ``#3``) so that no record hides another in a diff
    or a store."""
    seen: dict[str, int] = {}
    for record in records:
        key = record_key(record)
        count = seen.get(key, 0) + 1
        seen[key] = count
        yield (key if count == 1 else f"{key}#{count}"), record


@attrs.define(eq=True)
class Evidence:
    """Every evidence record of one map, by kind. Ids are unique within each kind."""

    sections: ClassVar[dict[str, type[Any]]] = SECTIONS

    participants: list[Participant] = attrs.field(factory=list)
    consents: list[ConsentRecord] = attrs.field(factory=list)
    items: list[EvidenceItem] = attrs.field(factory=list)
    logbook: list[LogbookEntry] = attrs.field(factory=list)
    benefits: list[Benefit] = attrs.field(factory=list)
    feedback: list[ProcessFeedback] = attrs.field(factory=list)
    measures: list[MeasureAdministration] = attrs.field(factory=list)
    rejected: list[RejectedAnswer] = attrs.field(factory=list)

    def __bool__(self) -> bool:
        return any(getattr(self, name) for name in SECTIONS)

    def records(self) -> Iterator[tuple[str, Any]]:
        for name in SECTIONS:
            for record in getattr(self, name):
                yield name, record

    def add(self, record: _Record) -> None:
        """Add one record to its section; a participant already present is kept as it is."""
        for name, cls in SECTIONS.items():
            if isinstance(record, cls):
                section = getattr(self, name)
                if isinstance(record, Participant) and any(p.id == record.id for p in section):
                    return
                section.append(record)
                return
        raise ModelError(f"not an evidence record: {record!r}")

    def extend(self, records: Iterable[_Record]) -> None:
        for record in records:
            self.add(record)

    def to_frame(self, section: str = "items") -> Any:
        """One section of the evidence (``items``, ``participants``, ``consents``…) as a
        pandas ``DataFrame``: a row per record, a column per field (as in the JSON form)."""
        if section not in SECTIONS:
            raise ModelError(
                f"evidence has no section {section!r}; its sections: {', '.join(SECTIONS)}"
            )
        from coprod_toc.plain import data_frame, plain_value

        columns = [field.name for field in attrs.fields(SECTIONS[section])]
        rows = (
            {name: plain_value(getattr(record, name)) for name in columns}
            for record in getattr(self, section)
        )
        return data_frame(rows, columns)

    def consent_for(self, participant: str, purpose: str, on: dt.date | None = None) -> bool:
        """Whether ``participant`` has an unwithdrawn consent covering ``purpose``."""
        return any(c.participant == participant and c.covers(purpose, on) for c in self.consents)

    def erase_participant(self, participant: str) -> int:
        """Remove one person from every record: their own records go, and they are taken out
        of shared evidence (a group conversation keeps the others). Returns how many records
        were removed or changed. (To erase them from a map, links included, use
        :meth:`TheoryOfChange.erase_participant`.)"""
        return self.erase(participant)[0]

    def erase(self, participant: str) -> tuple[int, set[str]]:
        """:meth:`erase_participant`, also returning the ids of the records that went (for
        the links that cite them)."""
        touched = 0
        gone: set[str] = set()
        for name in SECTIONS:
            kept = []
            for record in getattr(self, name):
                erased = without_participant(record, participant)
                if erased is not record:
                    touched += 1
                    if erased is None:
                        if name != "consents":
                            gone.add(record.id)
                        continue
                kept.append(erased)
            setattr(self, name, kept)
        return touched, gone

    def keyed(self) -> dict[tuple[str, str], Any]:
        """Every record by ``(section, key)`` (see :func:`record_keys`), in order."""
        return {
            (name, key): record
            for name in SECTIONS
            for key, record in record_keys(getattr(self, name))
        }

    def expired(self, today: dt.date) -> list[tuple[str, Any]]:
        """Records whose ``retain_until`` has passed: due for erasure."""
        return [
            (name, r)
            for name, r in self.records()
            if r.retain_until is not None and r.retain_until < today
        ]

    def copy(self) -> Evidence:
        return Evidence(**{name: list(getattr(self, name)) for name in SECTIONS})

    # ------------------------------------------------------------------ document

    def to_document(self) -> dict[str, Any]:
        return {
            name: [record_document(r) for r in getattr(self, name)]
            for name in SECTIONS
            if getattr(self, name)
        }

    @classmethod
    def from_document(cls, data: Any, path: str = "evidence") -> Evidence:
        """Read the ``evidence`` section of a document.

        :raises FormatError: naming the record and field that is wrong.
        """
        if not isinstance(data, dict):
            raise FormatError("must be a table of evidence sections", path=path)
        unknown = sorted(set(data) - set(SECTIONS))
        if unknown:
            raise FormatError(
                f"unknown section {unknown[0]!r} (expected one of: {', '.join(SECTIONS)})",
                path=path,
            )
        evidence = cls()
        for name, record_cls in SECTIONS.items():
            entries = data.get(name, [])
            if not isinstance(entries, list):
                raise FormatError("must be a list", path=f"{path}.{name}")
            known = {f.name for f in attrs.fields(record_cls)}
            for i, entry in enumerate(entries):
                where = f"{path}.{name}[{i}]"
                if not isinstance(entry, dict):
                    raise FormatError("must be a table", path=where)
                extra = sorted(set(entry) - known)
                if extra:
                    raise FormatError(f"unknown field {extra[0]!r}", path=where)
                try:
                    getattr(evidence, name).append(record_cls(**entry))
                except (ModelError, TypeError) as exc:
                    raise FormatError(str(exc), path=where) from None
        return evidence
