"""What a question's answers can evidence: one small class per use, found by name in
:data:`USES`.

A mapping entry names exactly one use (``indicator = "C1:valued"``, ``benefit =
"confidence"``…). Its class reads its own keys from the entry, checks them against the map,
and turns each answer into records through a :class:`Sink`. A new use is one new class
added to :data:`USES`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, ClassVar, Protocol

import attrs

from coprod_toc.evidence.measures import Instrument, Scale, Scored, normalise_label
from coprod_toc.evidence.records import (
    Benefit,
    BenefitDomain,
    EvidenceItem,
    EvidenceType,
    ItemResponse,
    ProcessFeedback,
    Recipient,
)
from coprod_toc.graph import TheoryOfChange
from coprod_toc.model import NodeType
from coprod_toc.surveys.mapping.spec import SpecReader

__all__ = [
    "USES",
    "Answer",
    "BenefitUse",
    "FeedbackUse",
    "IgnoreUse",
    "IndicatorUse",
    "MeasureUse",
    "QuoteUse",
    "Sink",
    "Use",
    "read_use",
]


@attrs.frozen
class Answer:
    """One mapped answer of one response, as a use sees it."""

    row: int
    #: The question's key in the table.
    column: str
    #: The question as people read it.
    text: str | None
    #: The answer as a label (a code replaced by its label when the file holds codes).
    label: str
    #: The answer read on the question's scale, when it has one.
    scored: Scored | None
    #: The respondent's pseudonym.
    person: str
    when: dt.date | None
    timepoint: str | None


_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")  # 1,000 and 12,500.5
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")  # 2,5 as much of Europe writes it
_LARGEST_ANSWER = 1e15


def answer_number(label: str) -> float | None:
    """The number an answer gives, or ``None``: digits with a decimal point; thousands
    separated by commas (``1,000``, which tools in the UK and US write); or a decimal comma
    (``2,5``). Nothing else (``1_000``, ``1e3``, ``NaN``, ``inf``) and nothing beyond 10^15."""
    text = label.strip()
    if _PLAIN_NUMBER.fullmatch(text):
        value = float(text)
    elif _THOUSANDS.fullmatch(text):
        value = float(text.replace(",", ""))
    elif _DECIMAL_COMMA.fullmatch(text):
        value = float(text.replace(",", "."))
    else:
        return None
    return value if abs(value) <= _LARGEST_ANSWER else None


class Sink(Protocol):
    """Where a use puts what it makes of an answer (the import run)."""

    retain_until: dt.date

    def add(self, record: Any, kind: str) -> None:
        """Keep an evidence record, counted in the report as ``kind``."""

    def new_id(self, prefix: str) -> str:
        """A record id not used yet in the map's evidence."""

    def tally(
        self, outcome: str, indicator: str, when: dt.date | None, value: float | bool
    ) -> None:
        """Count an answer towards an indicator's actual for the period of ``when``: a
        score, or (``bool``) whether it is one of the counted answers."""

    def item(self, instrument: str, response: ItemResponse) -> None:
        """One item of a measure, for the respondent's administration of ``instrument``."""

    def reject(self, row: int, column: str, reason: str) -> None:
        """An answer that cannot be used, and why."""


def _node(
    toc: TheoryOfChange, node_id: str, where: str, reader: SpecReader, kind: NodeType | None
) -> None:
    if node_id not in toc:
        raise reader.fail(where, f"the map has no node {node_id!r}")
    if kind is not None and toc[node_id].node_type is not kind:
        raise reader.fail(where, f"{node_id!r} is not an {kind.value}")


class Use:
    """What one question evidences. Subclasses set ``name`` (the mapping key that names the
    use and holds its target) and ``keys`` (the other keys they read)."""

    name: ClassVar[str] = ""
    keys: ClassVar[tuple[str, ...]] = ()
    #: The report's name for the records this use makes.
    kind: ClassVar[str] = ""

    @classmethod
    def read(
        cls,
        spec: dict[str, Any],
        where: str,
        reader: SpecReader,
        instruments: Mapping[str, Instrument],
    ) -> Use:
        """The use from a ``[[questions]]`` entry; ``where`` names the entry in errors."""
        raise NotImplementedError

    def nodes(self) -> tuple[str, ...]:
        """The map nodes this use writes to: each must exist when the mapping is applied."""
        return ()

    def check(self, toc: TheoryOfChange, where: str, reader: SpecReader) -> None:
        """Refuse a mapping naming nodes the map does not have (or of the wrong type)."""
        for node in self.nodes():
            _node(toc, node, f"{where}.{self.name}", reader, None)

    def scale(self) -> Scale | None:
        """The scale answers are read on when the entry names none."""
        return None

    def apply(self, answer: Answer, sink: Sink) -> bool:
        """Make records of one answer; ``True`` when something was kept."""
        raise NotImplementedError

    def missing(self, row: int, reason: str, sink: Sink) -> None:
        """An answer left blank or missing for a reason (``don't know``…)."""


@attrs.frozen
class IndicatorUse(Use):
    """Answers feed an outcome's indicator: the mean score per period, or with ``count``
    the share of answers that are one of those labels."""

    name: ClassVar[str] = "indicator"
    keys: ClassVar[tuple[str, ...]] = ("count",)
    kind: ClassVar[str] = "indicator actuals"

    outcome: str
    indicator: str
    count: frozenset[str] = frozenset()

    @classmethod
    def read(cls, spec, where, reader, instruments):  # type: ignore[no-untyped-def]
        target = spec["indicator"]
        if not isinstance(target, str) or ":" not in target:
            raise reader.fail(f"{where}.indicator", 'write it as "outcome_id:indicator_id"')
        outcome, indicator = target.split(":", 1)
        count = reader.strings(spec, "count", where) or ()
        return cls(outcome, indicator, frozenset(normalise_label(c) for c in count))

    def nodes(self) -> tuple[str, ...]:
        return (self.outcome,)

    def check(self, toc: TheoryOfChange, where: str, reader: SpecReader) -> None:
        path = f"{where}.indicator"
        _node(toc, self.outcome, path, reader, NodeType.OUTCOME)
        if self.indicator not in {i.id for i in toc[self.outcome].indicators}:  # type: ignore[union-attr]
            raise reader.fail(path, f"outcome {self.outcome!r} has no indicator {self.indicator!r}")

    def apply(self, answer: Answer, sink: Sink) -> bool:
        if self.count:
            value: float | bool = normalise_label(answer.label) in self.count
        elif answer.scored is not None and answer.scored.score is not None:
            value = float(answer.scored.score)
        else:
            number = answer_number(answer.label)
            if number is None:
                sink.reject(answer.row, answer.column, f"{answer.label!r} is not a number")
                return False
            value = number
        sink.tally(self.outcome, self.indicator, answer.when, value)
        return True


@attrs.frozen
class BenefitUse(Use):
    """Answers are a benefit of taking part, in one domain, for one kind of recipient."""

    name: ClassVar[str] = "benefit"
    keys: ClassVar[tuple[str, ...]] = ("recipient",)
    kind: ClassVar[str] = "benefits"

    domain: BenefitDomain
    recipient: Recipient = Recipient.INDIVIDUAL

    @classmethod
    def read(cls, spec, where, reader, instruments):  # type: ignore[no-untyped-def]
        target = spec["benefit"]
        try:
            domain = BenefitDomain(target)
        except ValueError:
            raise reader.fail(
                f"{where}.benefit",
                f"{target!r} is not one of {', '.join(d.value for d in BenefitDomain)}",
            ) from None
        recipient = reader.take(spec, "recipient", str, where, "individual")
        try:
            return cls(domain, Recipient(recipient))
        except ValueError:
            raise reader.fail(
                f"{where}.recipient",
                f"{recipient!r} is not one of {', '.join(r.value for r in Recipient)}",
            ) from None

    def apply(self, answer: Answer, sink: Sink) -> bool:
        sink.add(
            Benefit(
                id=sink.new_id("benefit"),
                recipient=self.recipient,
                domain=self.domain,
                description=answer.text,
                participant=answer.person,
                date=answer.when,
                score=None if answer.scored is None else answer.scored.score,
                answer=answer.label,
                timepoint=answer.timepoint,
                retain_until=sink.retain_until,
            ),
            self.kind,
        )
        return True


@attrs.frozen
class MeasureUse(Use):
    """Answers are one item of a measure (ONS4, UCLA-3, GSE, a licensed or custom one)."""

    name: ClassVar[str] = "measure"
    keys: ClassVar[tuple[str, ...]] = ("item",)
    kind: ClassVar[str] = "measures"

    instrument: Instrument
    item: str

    @classmethod
    def read(cls, spec, where, reader, instruments):  # type: ignore[no-untyped-def]
        code = spec["measure"]
        if not isinstance(code, str) or code not in instruments:
            raise reader.fail(
                f"{where}.measure", f"no measure {code!r} (known: {', '.join(sorted(instruments))})"
            )
        instrument = instruments[code]
        item = spec.get("item")
        if item not in instrument.items:
            raise reader.fail(
                f"{where}.item", f"{code} has the items {', '.join(instrument.items)}"
            )
        return cls(instrument, item)

    def scale(self) -> Scale | None:
        return self.instrument.scale

    def apply(self, answer: Answer, sink: Sink) -> bool:
        assert answer.scored is not None  # a measure always has a scale
        sink.item(
            self.instrument.code,
            ItemResponse(item=self.item, value=answer.scored.score, missing=answer.scored.missing),
        )
        return False  # the administration is made once the row's items are all read

    def missing(self, row: int, reason: str, sink: Sink) -> None:
        sink.item(self.instrument.code, ItemResponse(item=self.item, missing=reason))


@attrs.frozen
class FeedbackUse(Use):
    """Answers are feedback on how an activity went (a rating, what went well…)."""

    name: ClassVar[str] = "feedback"
    keys: ClassVar[tuple[str, ...]] = ("aspect", "principle")
    kind: ClassVar[str] = "feedback"

    activity: str
    aspect: str = "rating"
    principle: str | None = None

    @classmethod
    def read(cls, spec, where, reader, instruments):  # type: ignore[no-untyped-def]
        activity = spec["feedback"]
        if not isinstance(activity, str):
            raise reader.fail(f"{where}.feedback", "name the activity's id")
        return cls(
            activity,
            reader.take(spec, "aspect", str, where, "rating"),
            reader.take(spec, "principle", str, where),
        )

    def nodes(self) -> tuple[str, ...]:
        return (self.activity,)

    def check(self, toc: TheoryOfChange, where: str, reader: SpecReader) -> None:
        _node(toc, self.activity, f"{where}.feedback", reader, NodeType.ACTIVITY)

    def apply(self, answer: Answer, sink: Sink) -> bool:
        sink.add(
            ProcessFeedback(
                id=sink.new_id("feedback"),
                activity=self.activity,
                question=answer.text or answer.column,
                aspect=self.aspect,
                response=answer.label,
                rating=None if answer.scored is None else answer.scored.score,
                participant=answer.person,
                principle=self.principle,
                date=answer.when,
                retain_until=sink.retain_until,
            ),
            self.kind,
        )
        return True


@attrs.frozen
class QuoteUse(Use):
    """Answers are quotes that evidence nodes; ``split`` or ``options`` cut a cell holding
    several choices."""

    name: ClassVar[str] = "quote"
    keys: ClassVar[tuple[str, ...]] = ("split", "options")
    kind: ClassVar[str] = "quotes"

    targets: tuple[str, ...]
    split: str | None = None
    options: tuple[str, ...] = ()

    @classmethod
    def read(cls, spec, where, reader, instruments):  # type: ignore[no-untyped-def]
        target = spec["quote"]
        target = [target] if isinstance(target, str) else target
        if (
            not isinstance(target, list)
            or not target
            or not all(isinstance(t, str) for t in target)
        ):
            raise reader.fail(f"{where}.quote", "list the ids of the nodes the answers evidence")
        return cls(
            tuple(target),
            reader.take(spec, "split", str, where),
            reader.strings(spec, "options", where) or (),
        )

    def nodes(self) -> tuple[str, ...]:
        return self.targets

    def check(self, toc: TheoryOfChange, where: str, reader: SpecReader) -> None:
        for node in self.targets:
            _node(toc, node, f"{where}.quote", reader, None)

    def choices(self, raw: str) -> list[str]:
        """Choices in one cell: against the known options, longest first, when they are
        given (Google joins with ", " although options may hold commas); else on the
        separator."""
        if self.options:
            rest, found = raw, []
            for option in sorted(self.options, key=len, reverse=True):
                if option in rest:
                    found.append(option)
                    rest = rest.replace(option, "")
            leftover = rest.replace(self.split or ",", "").strip(" ,;")
            if leftover:
                found.append(leftover)  # an "Other" answer typed in
            return found
        if self.split:
            return [p.strip() for p in raw.split(self.split) if p.strip()]
        return [raw]

    def apply(self, answer: Answer, sink: Sink) -> bool:
        for part in self.choices(answer.label):
            sink.add(
                EvidenceItem(
                    id=sink.new_id("quote"),
                    type=EvidenceType.FORM_QUESTIONNAIRE,
                    date=answer.when,
                    participants=(answer.person,),
                    nodes=self.targets,
                    content=part,
                    source=answer.text or answer.column,
                    retain_until=sink.retain_until,
                ),
                self.kind,
            )
        return True


@attrs.frozen
class IgnoreUse(Use):
    """A question looked at and deliberately not used (``ignore = true``)."""

    name: ClassVar[str] = "ignore"

    @classmethod
    def read(cls, spec, where, reader, instruments):  # type: ignore[no-untyped-def]
        if spec["ignore"] is not True:
            raise reader.fail(f"{where}.ignore", "write ignore = true, or leave the question out")
        return cls()

    def apply(self, answer: Answer, sink: Sink) -> bool:
        return False


#: Every use a mapping entry may name, by the key that names it.
USES: dict[str, type[Use]] = {
    use.name: use
    for use in (IndicatorUse, BenefitUse, MeasureUse, FeedbackUse, QuoteUse, IgnoreUse)
}


def read_use(
    spec: dict[str, Any], where: str, reader: SpecReader, instruments: Mapping[str, Instrument]
) -> Use:
    """The one use a ``[[questions]]`` entry names, checked; unknown keys are refused."""
    named = [name for name in USES if name in spec]
    if len(named) != 1:
        raise reader.fail(
            where, f"say what the question evidences: exactly one of {', '.join(USES)}"
        )
    use = USES[named[0]]
    allowed = {"key", "text", "scale", "links", use.name, *use.keys}
    unknown = sorted(set(spec) - allowed)
    if unknown:
        raise reader.fail(
            f"{where}.{unknown[0]}",
            f"is not a key of a {use.name} question (keys: {', '.join(sorted(allowed))})",
        )
    return use.read(spec, where, reader, instruments)
