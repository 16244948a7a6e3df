"""The mapping file: which survey question evidences what, and applying it to a map.

A mapping (TOML, see ``docs/evidence.md``) says, per question, whether its answers are an
indicator of an outcome, a benefit in one of the five domains, an item of a measure,
feedback on an activity, or quotes that evidence nodes. :func:`apply_mapping` streams a
survey table through it into the map's evidence: records per person (pseudonyms only),
consent checked first, indicator actuals per period, evidence ids on the links named.
Every answer that cannot be used is reported as a :class:`Rejection`; nothing is dropped
silently.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import tomllib
from collections import defaultdict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs

from coprod_toc.errors import FormatError, ModelError
from coprod_toc.evidence import (
    Benefit,
    BenefitDomain,
    ConsentMethod,
    ConsentRecord,
    EvidenceItem,
    EvidenceType,
    ItemResponse,
    MeasureAdministration,
    Participant,
    ProcessFeedback,
    Recipient,
)
from coprod_toc.graph import TheoryOfChange
from coprod_toc.measures import (
    INSTRUMENTS,
    SCALES,
    Instrument,
    Scale,
    custom_instrument,
    licensed_instrument,
    normalise_label,
)
from coprod_toc.model import Actual, NodeType, Outcome
from coprod_toc.survey import SurveyResponse, SurveyTable

__all__ = [
    "ImportReport",
    "QuestionMap",
    "Rejection",
    "SurveyMapping",
    "apply_mapping",
    "load_mapping",
]

#: Fewer answers than this and a percentage indicator is withheld (small-group disclosure).
SUPPRESS_BELOW = 10
_USES = ("indicator", "benefit", "measure", "feedback", "quote")


@attrs.frozen
class Rejection:
    """An answer or a row that was not imported, and why."""

    row: int
    column: str
    reason: str


@attrs.frozen(kw_only=True)
class QuestionMap:
    """What one question evidences. ``use`` is one of indicator, benefit, measure,
    feedback, quote; ``target`` the outcome:indicator, domain, instrument, activity or
    node ids it is about."""

    question: str
    use: str
    target: Any
    scale: Scale | None = None
    item: str | None = None
    count: frozenset[str] = frozenset()
    recipient: Recipient = Recipient.INDIVIDUAL
    aspect: str = "rating"
    principle: str | None = None
    links: tuple[tuple[str, str], ...] = ()
    split: str | None = None
    options: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class SurveyMapping:
    """A whole mapping file, checked."""

    source: str
    questions: tuple[QuestionMap, ...]
    purposes: tuple[str, ...]
    consent_question: str | None
    consent_yes: frozenset[str]
    consent_recorded: bool
    condition: str | None
    method: ConsentMethod
    info_version: str | None
    retain_until: dt.date
    timepoint: str | None
    timepoint_question: str | None
    timepoints: Mapping[str, str]
    period: str
    role: str | None
    include_incomplete: bool
    instruments: Mapping[str, Instrument]
    importer: Mapping[str, Any]


# --------------------------------------------------------------------------- reading


class _Reader:
    def __init__(self, data: dict[str, Any], source: str) -> None:
        self.data, self.source = data, source

    def fail(self, path: str, problem: str) -> FormatError:
        return FormatError(problem, path=path, source=self.source)

    def take(
        self,
        table: dict[str, Any],
        name: str,
        kind: type | tuple[type, ...],
        path: str,
        default: Any = None,
    ) -> Any:
        value = table.get(name, default)
        if value is not None and not isinstance(value, kind):
            raise self.fail(
                f"{path}.{name}" if path else name, f"has the wrong type ({type(value).__name__})"
            )
        return value

    def table(self, name: str) -> dict[str, Any]:
        value: dict[str, Any] = self.take(self.data, name, dict, "", {})
        return value


def _scale(reader: _Reader, scales: dict[str, Scale], name: Any, path: str) -> Scale | None:
    if name is None:
        return None
    if not isinstance(name, str) or name not in scales:
        raise reader.fail(path, f"no scale {name!r} (scales: {', '.join(sorted(scales))})")
    return scales[name]


def _read_table_file(path: Path, reader: _Reader, where: str) -> dict[int, float]:
    """A licensed instrument's conversion table: CSV rows of raw score, metric score."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = [r for r in csv.reader(handle) if r]
    except OSError as exc:
        raise reader.fail(where, f"cannot read the table {str(path)!r}: {exc.strerror}") from None
    table = {}
    for number, row in enumerate(rows, start=1):
        try:
            table[int(row[0])] = float(row[1])
        except (ValueError, IndexError):
            if number == 1:
                continue  # a header row
            raise reader.fail(
                where, f"{path.name} row {number}: expected raw score, metric score"
            ) from None
    return table


def load_mapping(path: str | Path, toc: TheoryOfChange | None = None) -> SurveyMapping:
    """Read and check a mapping file. With ``toc``, every node id it names must exist.

    :raises FormatError: naming the file and the entry that is wrong.
    """
    path = Path(path)
    source = str(path)
    try:
        data = tomllib.loads(path.read_text("utf-8-sig"))
    except OSError as exc:
        raise FormatError(
            f"cannot read the mapping: {exc.strerror or exc}", source=source
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise FormatError(f"not valid TOML: {exc}", source=source) from None
    reader = _Reader(data, source)
    unknown = sorted(
        set(data) - {"survey", "consent", "scales", "instruments", "questions", "importer"}
    )
    if unknown:
        raise reader.fail(
            unknown[0],
            "unknown section (expected survey, consent, scales, instruments, questions, importer)",
        )

    scales = dict(SCALES)
    for name, spec in reader.table("scales").items():
        where = f"scales.{name}"
        if not isinstance(spec, dict):
            raise reader.fail(where, "must be a table with labels (and scores)")
        labels = reader.take(spec, "labels", list, where)
        if not labels or not all(isinstance(x, str) for x in labels):
            raise reader.fail(
                f"{where}.labels", "must be a list of the answer labels, lowest first"
            )
        scores = reader.take(spec, "scores", list, where)
        try:
            scales[name] = Scale(
                name=name, labels=tuple(labels), scores=tuple(scores) if scores else None
            )
        except ModelError as exc:
            raise reader.fail(where, str(exc)) from None

    instruments = dict(INSTRUMENTS)
    for code, spec in reader.table("instruments").items():
        where = f"instruments.{code}"
        if not isinstance(spec, dict):
            raise reader.fail(where, "must be a table")
        threshold = reader.take(spec, "threshold", (int, float), where)
        try:
            if code in ("swemwbs", "wemwbs"):
                file = reader.take(spec, "table", str, where)
                if file is None:
                    raise reader.fail(
                        where, f'{code} is licensed: name your scoring table (table = "…csv")'
                    )
                table = _read_table_file(path.parent / file, reader, f"{where}.table")
                instruments[code] = licensed_instrument(code, table, threshold=threshold)
            else:
                items = reader.take(spec, "items", list, where)
                if not items:
                    raise reader.fail(where, "a custom measure lists its items")
                scale = _scale(reader, scales, spec.get("scale"), f"{where}.scale")
                if scale is None:
                    raise reader.fail(where, "a custom measure names its scale")
                instruments[code] = custom_instrument(
                    code,
                    [str(i) for i in items],
                    scale,
                    score=reader.take(spec, "score", str, where, "sum"),
                    higher_is_better=reader.take(spec, "higher_is_better", bool, where, True),
                    threshold=float(threshold if threshold is not None else 1),
                )
        except ModelError as exc:
            raise reader.fail(where, str(exc)) from None

    survey = reader.table("survey")
    consent = reader.table("consent")
    retain = reader.take(survey, "retain_until", (dt.date, str), "survey")
    if retain is None:
        raise reader.fail(
            "survey.retain_until", "say how long the answers may be kept (a date, YYYY-MM-DD)"
        )
    try:
        retain_until = retain if isinstance(retain, dt.date) else dt.date.fromisoformat(retain)
    except ValueError:
        raise reader.fail("survey.retain_until", f"{retain!r} is not a date (YYYY-MM-DD)") from None
    consent_question = reader.take(consent, "question", str, "consent")
    recorded = reader.take(consent, "recorded", bool, "consent", False)
    if consent_question is None and not recorded:
        raise reader.fail(
            "consent",
            "say how consent was given: question = the consent question, or recorded = true "
            "when it was recorded outside the survey",
        )
    purposes = reader.take(consent, "purposes", list, "consent", ["evaluation"])
    method = reader.take(consent, "method", str, "consent", "online_form")
    try:
        method_value = ConsentMethod(method)
    except ValueError:
        raise reader.fail(
            "consent.method",
            f"{method!r} is not one of {', '.join(m.value for m in ConsentMethod)}",
        ) from None

    questions = []
    for i, spec in enumerate(reader.take(data, "questions", list, "", [])):
        where = f"questions[{i}]"
        if not isinstance(spec, dict):
            raise reader.fail(where, "must be a table")
        question = spec.get("key", spec.get("text"))
        if not isinstance(question, str):
            raise reader.fail(where, 'name the question: key = "…" (or text = "…")')
        uses = [u for u in _USES if u in spec]
        if len(uses) != 1:
            raise reader.fail(
                where, f"say what the question evidences: exactly one of {', '.join(_USES)}"
            )
        use = uses[0]
        target = spec[use]
        scale = _scale(reader, scales, spec.get("scale"), f"{where}.scale")
        if use == "indicator":
            if not isinstance(target, str) or ":" not in target:
                raise reader.fail(f"{where}.indicator", 'write it as "outcome_id:indicator_id"')
            outcome, indicator = target.split(":", 1)
            if toc is not None:
                _check_indicator(reader, toc, outcome, indicator, f"{where}.indicator")
        elif use == "benefit":
            try:
                target = BenefitDomain(target)
            except ValueError:
                raise reader.fail(
                    f"{where}.benefit",
                    f"{target!r} is not one of {', '.join(d.value for d in BenefitDomain)}",
                ) from None
        elif use == "measure":
            if target not in instruments:
                raise reader.fail(
                    f"{where}.measure",
                    f"no measure {target!r} (known: {', '.join(sorted(instruments))})",
                )
            item = spec.get("item")
            if item not in instruments[target].items:
                raise reader.fail(
                    f"{where}.item",
                    f"{target} has the items {', '.join(instruments[target].items)}",
                )
            scale = scale or instruments[target].scale
        elif use == "feedback":
            if not isinstance(target, str):
                raise reader.fail(f"{where}.feedback", "name the activity's id")
            if toc is not None:
                _check_node(reader, toc, target, f"{where}.feedback", NodeType.ACTIVITY)
        elif use == "quote":
            target = [target] if isinstance(target, str) else target
            if not isinstance(target, list) or not all(isinstance(t, str) for t in target):
                raise reader.fail(
                    f"{where}.quote", "list the ids of the nodes the answers evidence"
                )
            if toc is not None:
                for node in target:
                    _check_node(reader, toc, node, f"{where}.quote", None)
            target = tuple(target)
        links = reader.take(spec, "links", list, where, [])
        checked_links = []
        for link in links:
            if not (
                isinstance(link, list) and len(link) == 2 and all(isinstance(x, str) for x in link)
            ):
                raise reader.fail(f"{where}.links", "list links as [source, target] pairs")
            if toc is not None and not toc.graph.has_edge(*link):
                raise reader.fail(f"{where}.links", f"the map has no link {link[0]} → {link[1]}")
            checked_links.append((link[0], link[1]))
        if use == "indicator" and scale is None and "count" not in spec:
            scale = None  # numbers are read as they are
        count = reader.take(spec, "count", list, where, [])
        recipient = reader.take(spec, "recipient", str, where, "individual")
        try:
            recipient_value = Recipient(recipient)
        except ValueError:
            raise reader.fail(
                f"{where}.recipient",
                f"{recipient!r} is not one of individual, professional, organisation",
            ) from None
        questions.append(
            QuestionMap(
                question=question,
                use=use,
                target=target,
                scale=scale,
                item=spec.get("item"),
                count=frozenset(normalise_label(str(c)) for c in count),
                recipient=recipient_value,
                aspect=reader.take(spec, "aspect", str, where, "rating"),
                principle=reader.take(spec, "principle", str, where),
                links=tuple(checked_links),
                split=reader.take(spec, "split", str, where),
                options=tuple(str(o) for o in reader.take(spec, "options", list, where, [])),
            )
        )
    if not questions:
        raise reader.fail("questions", "map at least one question ([[questions]])")
    period = reader.take(survey, "period", str, "survey", "month")
    return SurveyMapping(
        source=source,
        questions=tuple(questions),
        purposes=tuple(str(p) for p in purposes),
        consent_question=consent_question,
        consent_yes=frozenset(
            normalise_label(str(y)) for y in reader.take(consent, "yes", list, "consent", ["Yes"])
        ),
        consent_recorded=recorded,
        condition=reader.take(consent, "condition", str, "consent", "explicit consent"),
        method=method_value,
        info_version=reader.take(consent, "info_version", str, "consent"),
        retain_until=retain_until,
        timepoint=reader.take(survey, "timepoint", str, "survey"),
        timepoint_question=reader.take(survey, "timepoint_question", str, "survey"),
        timepoints=reader.take(survey, "timepoints", dict, "survey", {}),
        period=period,
        role=reader.take(survey, "role", str, "survey"),
        include_incomplete=reader.take(survey, "include_incomplete", bool, "survey", False),
        instruments=instruments,
        importer=reader.table("importer"),
    )


def _check_node(
    reader: _Reader, toc: TheoryOfChange, node_id: str, where: str, kind: NodeType | None
) -> None:
    if node_id not in toc:
        raise reader.fail(where, f"the map has no node {node_id!r}")
    if kind is not None and toc[node_id].node_type is not kind:
        raise reader.fail(where, f"{node_id!r} is not an {kind.value}")


def _check_indicator(
    reader: _Reader, toc: TheoryOfChange, outcome: str, indicator: str, where: str
) -> None:
    _check_node(reader, toc, outcome, where, NodeType.OUTCOME)
    if indicator not in {i.id for i in toc[outcome].indicators}:  # type: ignore[union-attr]
        raise reader.fail(where, f"outcome {outcome!r} has no indicator {indicator!r}")


# --------------------------------------------------------------------------- applying


@attrs.define
class ImportReport:
    """What an import did: counts by kind, rejections, and what the reader noted."""

    source: str
    format: str
    responses: int = 0
    imported: int = 0
    records: dict[str, int] = attrs.field(factory=lambda: defaultdict(int))
    missing: dict[str, int] = attrs.field(factory=lambda: defaultdict(int))
    rejected: list[Rejection] = attrs.field(factory=list)
    notes: list[str] = attrs.field(factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "format": self.format,
            "responses": self.responses,
            "imported": self.imported,
            "records": dict(self.records),
            "missing": dict(self.missing),
            "rejected": [attrs.asdict(r) for r in self.rejected],
            "notes": self.notes,
        }

    def write_rejections(self, path: str | Path) -> Path:
        """Every rejection as CSV: row, column, reason."""
        target = Path(path)
        with target.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["row", "column", "reason"])
            for r in self.rejected:
                writer.writerow([r.row, _safe_cell(r.column), _safe_cell(r.reason)])
        return target


def _safe_cell(text: str) -> str:
    # A spreadsheet would run a cell starting with = + - @ as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _split(raw: str, question: QuestionMap) -> list[str]:
    """Choices in one cell: against the known options, longest first, when they are given
    (Google joins with ", " although options may hold commas); else on the separator."""
    if question.options:
        rest, found = raw, []
        for option in sorted(question.options, key=len, reverse=True):
            if option in rest:
                found.append(option)
                rest = rest.replace(option, "")
        leftover = rest.replace(question.split or ",", "").strip(" ,;")
        if leftover:
            found.append(leftover)  # an "Other" answer typed in
        return found
    if question.split:
        return [p.strip() for p in raw.split(question.split) if p.strip()]
    return [raw]


def _period(mapping: SurveyMapping, when: dt.date | None) -> str | None:
    if mapping.period not in ("month", "quarter"):
        return mapping.period
    if when is None:
        return None
    if mapping.period == "month":
        return f"{when.year}-{when.month:02d}"
    return f"{when.year}-Q{(when.month - 1) // 3 + 1}"


def _fingerprint(path: str) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError:
        digest.update(path.encode())
    return digest.hexdigest()[:16]


def apply_mapping(
    toc: TheoryOfChange,
    table: SurveyTable,
    mapping: SurveyMapping,
    *,
    progress: Callable[[int], None] | None = None,
    allow_reimport: bool = False,
) -> ImportReport:
    """Add a survey's evidence to ``toc`` as ``mapping`` says; return what happened.

    The map changes only when the whole file was read: an error part-way leaves it as it was.

    :raises FormatError: a mapped question the table does not have, a file imported
        before (``allow_reimport=True`` to import it again), or a row the reader cannot read.
    """
    if not table.pseudonymised:
        raise FormatError(
            "respondents must be pseudonymised before their answers are stored", source=table.source
        )
    for question in mapping.questions:
        _check_node_ids(toc, question, mapping.source)
    positions = [_position(table, q.question) for q in mapping.questions]
    consent_at = _position(table, mapping.consent_question) if mapping.consent_question else None
    timepoint_at = (
        _position(table, mapping.timepoint_question) if mapping.timepoint_question else None
    )
    import_id = f"import-{_fingerprint(table.source)}"
    if not allow_reimport and any(item.id == import_id for item in toc.evidence.items):
        raise FormatError("this file was imported into the map before", source=table.source)

    work = toc.evidence.copy()
    report = ImportReport(source=table.source, format=table.format, notes=list(table.notes))
    keep = mapping.retain_until
    tallies: dict[tuple[str, str, str | None], list[float | bool]] = defaultdict(list)
    evidence_for_links: set[tuple[str, str]] = set()
    counter = len(list(work.records()))

    def new_id(prefix: str) -> str:
        nonlocal counter
        counter += 1
        return f"{prefix}-{counter}"

    for response in table.responses():
        report.responses += 1
        if progress is not None and report.responses % 1000 == 0:
            progress(1000)
        row = response.row
        if response.complete is False and not mapping.include_incomplete:
            report.rejected.append(
                Rejection(row, "", "the survey tool marks this response unfinished")
            )
            continue
        person = response.respondent_key
        when = response.submitted_at.date() if response.submitted_at else None
        if consent_at is not None:
            answer = response.values[consent_at]
            if answer is None or normalise_label(answer) not in mapping.consent_yes:
                report.rejected.append(
                    Rejection(
                        row, table.questions[consent_at].key, "no consent to use these answers"
                    )
                )
                continue
        timepoint = mapping.timepoint
        if timepoint_at is not None:
            raw = response.values[timepoint_at]
            timepoint = mapping.timepoints.get(raw or "", raw) if raw else None
        added = _apply_row(
            work,
            mapping,
            table,
            response,
            positions,
            person,
            when,
            timepoint,
            keep,
            report,
            tallies,
            evidence_for_links,
            new_id,
        )
        if added:
            report.imported += 1
            work.add(Participant(id=person, role=mapping.role, retain_until=keep))
            if not any(c.participant == person for c in work.consents):
                work.add(
                    ConsentRecord(
                        participant=person,
                        given_at=when or dt.date.today(),
                        purposes=mapping.purposes,
                        special_category=True,
                        condition=mapping.condition,
                        method=mapping.method,
                        info_version=mapping.info_version,
                        retain_until=keep,
                    )
                )
    _finish(toc, work, mapping, report, tallies, evidence_for_links, import_id, table, keep)
    return report


def _check_node_ids(toc: TheoryOfChange, question: QuestionMap, source: str) -> None:
    ids: list[str] = []
    if question.use == "indicator":
        ids = [question.target.split(":", 1)[0]]
    elif question.use == "feedback":
        ids = [question.target]
    elif question.use == "quote":
        ids = list(question.target)
    missing = [i for i in ids if i not in toc]
    if missing:
        raise FormatError(
            f"the mapping names {missing[0]!r}, which the map does not have", source=source
        )


def _position(table: SurveyTable, name: str) -> int:
    question = table.question(name)
    return table.questions.index(question)


def _apply_row(
    work: Any,
    mapping: SurveyMapping,
    table: SurveyTable,
    response: SurveyResponse,
    positions: list[int],
    person: str,
    when: dt.date | None,
    timepoint: str | None,
    keep: dt.date,
    report: ImportReport,
    tallies: dict[tuple[str, str, str | None], list[float | bool]],
    evidence_for_links: set[tuple[str, str]],
    new_id: Callable[[str], str],
) -> bool:
    added = False
    measures: dict[str, list[ItemResponse]] = defaultdict(list)
    for question, position in zip(mapping.questions, positions, strict=True):
        raw = response.values[position]
        column = table.questions[position].key
        if raw is None or not raw.strip():
            report.missing[question.question] += 1
            if question.use == "measure":
                measures[question.target].append(ItemResponse(item=question.item, missing="blank"))
            continue
        label = table.questions[position].label(raw) or raw
        try:
            scored = question.scale.read(label) if question.scale is not None else None
        except ModelError as exc:
            report.rejected.append(Rejection(response.row, column, str(exc)))
            continue
        if scored is not None and scored.score is None and question.use != "measure":
            report.missing[f"{question.question}: {scored.missing}"] += 1
            continue
        use = question.use
        if use == "indicator":
            outcome, indicator = question.target.split(":", 1)
            if question.count:
                value: float | bool = normalise_label(label) in question.count
            elif scored is not None:
                value = float(scored.score)  # type: ignore[arg-type]
            else:
                try:
                    value = float(label.replace(",", "."))
                except ValueError:
                    report.rejected.append(
                        Rejection(response.row, column, f"{raw!r} is not a number")
                    )
                    continue
            tallies[(outcome, indicator, _period(mapping, when))].append(value)
        elif use == "benefit":
            work.add(
                Benefit(
                    id=new_id("benefit"),
                    recipient=question.recipient,
                    domain=question.target,
                    description=table.questions[position].text,
                    participant=person,
                    date=when,
                    score=None if scored is None else scored.score,
                    answer=label,
                    timepoint=timepoint,
                    retain_until=keep,
                )
            )
            report.records["benefits"] += 1
        elif use == "measure":
            assert scored is not None
            measures[question.target].append(
                ItemResponse(item=question.item, value=scored.score, missing=scored.missing)
            )
        elif use == "feedback":
            work.add(
                ProcessFeedback(
                    id=new_id("feedback"),
                    activity=question.target,
                    question=table.questions[position].text or column,
                    aspect=question.aspect,
                    response=label,
                    rating=None if scored is None else scored.score,
                    participant=person,
                    principle=question.principle,
                    date=when,
                    retain_until=keep,
                )
            )
            report.records["feedback"] += 1
        elif use == "quote":
            for part in _split(label, question):
                work.add(
                    EvidenceItem(
                        id=new_id("quote"),
                        type=EvidenceType.FORM_QUESTIONNAIRE,
                        date=when,
                        participants=(person,),
                        nodes=question.target,
                        content=part,
                        source=table.questions[position].text or column,
                        retain_until=keep,
                    )
                )
                report.records["quotes"] += 1
        evidence_for_links.update(question.links)
        added = True
    for code, responses in measures.items():
        if all(r.value is None for r in responses):
            continue
        if timepoint is None:
            report.rejected.append(
                Rejection(response.row, "", f"no time point for the {code} answers")
            )
            continue
        work.add(
            MeasureAdministration(
                id=new_id("measure"),
                participant=person,
                instrument=code,
                timepoint=timepoint,
                date=when,
                responses=tuple(responses),
                retain_until=keep,
            )
        )
        report.records["measures"] += 1
        added = True
    return added


def _finish(
    toc: TheoryOfChange,
    work: Any,
    mapping: SurveyMapping,
    report: ImportReport,
    tallies: dict[tuple[str, str, str | None], list[float | bool]],
    evidence_for_links: set[tuple[str, str]],
    import_id: str,
    table: SurveyTable,
    keep: dt.date,
) -> None:
    """Write indicator actuals, the import's evidence item and link evidence: the map
    changes here, after every row was read."""
    changes: dict[str, dict[str, list[Actual]]] = defaultdict(lambda: defaultdict(list))
    for (outcome, indicator, period), values in tallies.items():
        if period is None:
            report.rejected.append(
                Rejection(0, indicator, "answers without a date: set survey.period")
            )
            continue
        n = len(values)
        if all(isinstance(v, bool) for v in values):
            actual: float | str = (
                round(100 * sum(1 for v in values if v) / n, 1)
                if n >= SUPPRESS_BELOW
                else f"withheld: fewer than {SUPPRESS_BELOW} answers"
            )
        else:
            actual = round(sum(float(v) for v in values) / n, 2)
        changes[outcome][indicator].append(Actual(period=period, value=actual))
        report.records["indicator actuals"] += 1
    nodes = sorted(changes)
    work.add(
        EvidenceItem(
            id=import_id,
            type=EvidenceType.FORM_QUESTIONNAIRE,
            date=dt.date.today(),
            nodes=tuple(nodes),
            content=f"{report.imported} responses imported from a {table.format} export",
            source=Path(table.source).name,
            retain_until=keep,
        )
    )
    for outcome, by_indicator in changes.items():
        node = toc[outcome]
        assert isinstance(node, Outcome)  # the mapping was checked against the map
        indicators = []
        for measured in node.indicators:
            new = by_indicator.get(measured.id, [])
            periods = {a.period for a in new}
            kept = [a for a in measured.actuals if a.period not in periods]
            indicators.append(attrs.evolve(measured, actuals=(*kept, *new)))
        toc.update(outcome, indicators=indicators)
    for source, target in sorted(evidence_for_links):
        link = toc.graph.edges[source, target]["link"]
        if import_id not in link.evidence:
            toc.update_link(source, target, evidence=(*link.evidence, import_id))
    toc.evidence = work
