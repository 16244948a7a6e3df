"""Applying a mapping: a survey table's answers become the map's evidence.

:func:`apply_mapping` streams the table through the mapping into the map's evidence:
records per person (pseudonyms only), consent checked first, indicator actuals per period,
evidence ids on the links named. Every answer that cannot be used is reported as a
:class:`Rejection`; nothing is dropped silently, and the map changes only once the whole
file was read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from coprod_toc.errors import FormatError, ModelError
from coprod_toc.evidence.change import SUPPRESS_BELOW
from coprod_toc.evidence.measures import normalise_label
from coprod_toc.evidence.records import (
    ConsentRecord,
    EvidenceItem,
    EvidenceType,
    ItemResponse,
    MeasureAdministration,
    Participant,
    RejectedAnswer,
)
from coprod_toc.graph import TheoryOfChange
from coprod_toc.model import Actual, printable_text
from coprod_toc.surveys.kit.layout import slug
from coprod_toc.surveys.mapping.file import QuestionMap, SurveyMapping
from coprod_toc.surveys.mapping.report import ImportReport, Rejection
from coprod_toc.surveys.mapping.uses import Answer, IgnoreUse
from coprod_toc.surveys.table import SurveyResponse, SurveyTable

__all__ = ["SUPPRESS_BELOW", "apply_mapping"]

# Fewer answers than SUPPRESS_BELOW and a percentage indicator is withheld (small-group
# disclosure): the one threshold evidence statistics use too.


def _period(mapping: SurveyMapping, when: dt.date | None) -> str | None:
    if mapping.period not in ("month", "quarter"):
        return mapping.period
    if when is None:
        return None
    if mapping.period == "month":
        return f"{when.year}-{when.month:02d}"
    return f"{when.year}-Q{(when.month - 1) // 3 + 1}"


class _Run:
    """One application of a mapping to a table: the evidence being built on a copy, the
    report, and what is written to the map only at the end (indicator tallies, link
    evidence). It is the :class:`~coprod_toc.surveys.mapping.uses.Sink` the uses write to.
    """

    def __init__(self, toc: TheoryOfChange, table: SurveyTable, mapping: SurveyMapping) -> None:
        self.table, self.mapping = table, mapping
        self.work = toc.evidence.copy()
        self.report = ImportReport(
            source=table.source,
            format=table.format,
            notes=list(table.notes),
            warnings=list(table.warnings),
        )
        self.retain_until = mapping.retain_until
        #: Whose response is being read, for its rejections (``None``: no one's).
        self.person: str | None = None
        self.tallies: dict[tuple[str, str, str | None], list[float | bool]] = defaultdict(list)
        self.links: set[tuple[str, str]] = set()
        self.counter = sum(1 for _ in self.work.records())
        self.items: dict[str, list[ItemResponse]] = defaultdict(list)
        # Questions the mapping ignores need not be in the table (a column may have become
        # the respondent's identifier); every other one must.
        self.used = [q for q in mapping.questions if not isinstance(q.use, IgnoreUse)]
        self.positions = [
            self._position(q.question, f"questions[{mapping.questions.index(q)}]")
            for q in self.used
        ]
        used_as: dict[tuple[int, str], int] = {}
        for q, position in zip(self.used, self.positions, strict=True):
            # The same column used the same way twice (by key and by text, say) would count
            # every answer twice.
            earlier = used_as.setdefault((position, repr(q.use)), mapping.questions.index(q))
            if earlier != mapping.questions.index(q):
                raise FormatError(
                    f"questions[{mapping.questions.index(q)}] maps the question of "
                    f"questions[{earlier}] to the same use again",
                    source=mapping.source,
                )
        self.consent_at = (
            self._position(mapping.consent_question, "consent.question")
            if mapping.consent_question
            else None
        )
        self.timepoint_at = (
            self._position(mapping.timepoint_question, "survey.timepoint_question")
            if mapping.timepoint_question
            else None
        )
        self.missing = (
            frozenset(normalise_label(m) for m in mapping.missing) if mapping.missing else None
        )

    def _position(self, name: str, entry: str) -> int:
        try:
            return self.table.questions.index(self.table.question(name))
        except FormatError as exc:
            respondent = self.mapping.importer.get("respondent")
            hint = (
                f"; the column {respondent!r} identifies respondents ([importer] respondent), "
                "so it is not a question"
                if respondent and name in (respondent, slug(str(respondent)))
                else ""
            )
            raise FormatError(
                f"{entry} names a question the survey does not have: {exc.problem}{hint}",
                source=self.mapping.source,
            ) from None

    # ---------------------------------------------------------------- the sink

    def add(self, record: Any, kind: str) -> None:
        self.work.add(record)
        self.report.records[kind] += 1

    def new_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}-{self.counter}"

    def tally(
        self, outcome: str, indicator: str, when: dt.date | None, value: float | bool
    ) -> None:
        self.tallies[(outcome, indicator, _period(self.mapping, when))].append(value)

    def item(self, instrument: str, response: ItemResponse) -> None:
        self.items[instrument].append(response)

    def reject(self, row: int, column: str, reason: str) -> None:
        self.report.rejected.append(Rejection(row, column, reason, self.person))

    # ---------------------------------------------------------------- a response

    def consented(self, response: SurveyResponse) -> bool:
        if self.consent_at is None:
            return True
        answer = response.values[self.consent_at]
        if answer is not None:
            yes = self.mapping.consent_yes
            label = self.table.questions[self.consent_at].label(answer)
            if normalise_label(answer) in yes or (label and normalise_label(label) in yes):
                return True  # the answer as written, or its label (REDCap's "Checked")
        self.person = None  # nothing of someone who did not consent is kept, not even who
        self.reject(
            response.row,
            self.table.questions[self.consent_at].key,
            "no consent to use these answers",
        )
        return False

    def timepoint(self, response: SurveyResponse) -> str | None:
        if self.timepoint_at is None:
            return self.mapping.timepoint
        raw = response.values[self.timepoint_at]
        return self.mapping.timepoints.get(raw, raw) if raw else None

    def response(self, response: SurveyResponse) -> None:
        """Apply the mapping to one response."""
        self.report.responses += 1
        self.person = response.respondent_key
        if response.complete is False and not self.mapping.include_incomplete:
            self.reject(response.row, "", "the survey tool marks this response unfinished")
            return
        if not self.consented(response):
            return
        person = response.respondent_key
        when = response.submitted_at.date() if response.submitted_at else None
        timepoint = self.timepoint(response)
        self.items.clear()
        added = False
        for question, position in zip(self.used, self.positions, strict=True):
            added |= self.answer(question, position, response, person, when, timepoint)
        added |= self.administrations(response.row, person, when, timepoint)
        if added:
            self.report.imported += 1
            self.work.add(
                Participant(id=person, role=self.mapping.role, retain_until=self.retain_until)
            )
            self.consent(person, when)

    def answer(
        self,
        question: QuestionMap,
        position: int,
        response: SurveyResponse,
        person: str,
        when: dt.date | None,
        timepoint: str | None,
    ) -> bool:
        raw = response.values[position]
        asked = self.table.questions[position]
        if (
            raw is None
            or not raw.strip()
            or (self.missing is not None and normalise_label(raw) in self.missing)
        ):
            self.report.missing[question.question] += 1
            question.use.missing(response.row, "blank", self)
            return False
        label = asked.label(raw) or raw
        try:
            scored = question.scale.read(label) if question.scale is not None else None
        except ModelError as exc:
            self.reject(response.row, asked.key, str(exc))
            return False
        if scored is not None and scored.score is None:
            self.report.missing[f"{question.question}: {scored.missing}"] += 1
            question.use.missing(response.row, scored.missing or "missing", self)
            return False
        added = question.use.apply(
            Answer(
                response.row,
                asked.key,
                None if asked.text is None else printable_text(asked.text),
                printable_text(label),  # a stray control character must not refuse the file
                scored,
                person,
                when,
                timepoint,
            ),
            self,
        )
        self.links.update(question.links)  # the answer was used: its links have evidence
        return added

    def administrations(
        self, row: int, person: str, when: dt.date | None, timepoint: str | None
    ) -> bool:
        """One measure administration per instrument answered in this response."""
        added = False
        for code, responses in self.items.items():
            if all(r.value is None for r in responses):
                continue
            if timepoint is None:
                self.reject(row, "", f"no time point for the {code} answers")
                continue
            self.add(
                MeasureAdministration(
                    id=self.new_id("measure"),
                    participant=person,
                    instrument=code,
                    timepoint=timepoint,
                    date=when,
                    responses=tuple(responses),
                    retain_until=self.retain_until,
                ),
                "measures",
            )
            added = True
        return added

    def consent(self, person: str, when: dt.date | None) -> None:
        if any(c.participant == person for c in self.work.consents):
            return
        mapping = self.mapping
        self.work.add(
            ConsentRecord(
                participant=person,
                given_at=when or dt.date.today(),
                purposes=mapping.purposes,
                special_category=True,
                condition=mapping.condition,
                method=mapping.method,
                info_version=mapping.info_version,
                retain_until=self.retain_until,
            )
        )

    # ---------------------------------------------------------------- the end

    def finish(self, toc: TheoryOfChange, import_id: str) -> None:
        """Write indicator actuals, the import's evidence item and link evidence: the map
        changes here, after every row was read."""
        self.person = None  # what is rejected now is no one response's
        changes: dict[str, dict[str, list[Actual]]] = defaultdict(lambda: defaultdict(list))
        for (outcome, indicator, period), values in self.tallies.items():
            if period is None:
                self.reject(0, indicator, "answers without a date: set survey.period")
                continue
            changes[outcome][indicator].append(Actual(period=period, value=_actual(values)))
            self.report.records["indicator actuals"] += 1
        for number, rejection in enumerate(self.report.rejected, start=1):
            self.work.add(
                RejectedAnswer(
                    id=f"{import_id}-rejected-{number}",
                    source=import_id,
                    row=rejection.row,
                    column=rejection.column,
                    reason=rejection.reason,
                    participant=rejection.participant,
                    retain_until=self.retain_until,
                )
            )
        self.work.add(
            EvidenceItem(
                id=import_id,
                type=EvidenceType.FORM_QUESTIONNAIRE,
                date=dt.date.today(),
                nodes=tuple(sorted(changes)),
                content=(
                    f"{self.report.imported} responses imported from a {self.table.format} export"
                ),
                source=Path(self.table.source).name,
                retain_until=self.retain_until,
            )
        )
        for outcome, by_indicator in changes.items():
            node = toc.outcome(outcome)  # the mapping was checked against the map
            indicators = []
            for measured in node.indicators:
                new = by_indicator.get(measured.id, [])
                periods = {a.period for a in new}
                kept = [a for a in measured.actuals if a.period not in periods]
                indicators.append(attrs.evolve(measured, actuals=(*kept, *new)))
            toc.update(outcome, indicators=indicators)
        for source, target in sorted(self.links):
            link = toc.graph.edges[source, target]["link"]
            if import_id not in link.evidence:
                toc.update_link(source, target, evidence=(*link.evidence, import_id))
        toc.evidence = self.work


def _actual(values: list[float | bool]) -> float | str:
    """A period's actual: the share of counted answers, or the mean score; withheld from a
    small group (fewer than ``SUPPRESS_BELOW`` answers), whose figures could point at a
    person."""
    n = len(values)
    if n < SUPPRESS_BELOW:
        return f"withheld: fewer than {SUPPRESS_BELOW} answers"
    if all(isinstance(v, bool) for v in values):
        return round(100 * sum(1 for v in values if v) / n, 1)
    return round(sum(float(v) for v in values) / n, 2)


def _fingerprint(path: str) -> str:
    """What tells a file imported before, for tables that do not carry their own."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError:
        digest.update(path.encode())
    return digest.hexdigest()[:16]


def _refuse_reimport(import_id: str, imported: set[str], table: SurveyTable) -> None:
    if import_id in imported:
        raise FormatError(
            "this file was imported into the map before (allow_reimport=True imports it again)",
            source=table.source,
            code="imported-before",
        )


class _ContentFingerprint:
    """A digest of a survey's responses that does not depend on their order: each
    response's digest (when, as written, and every answer; a blank and a missing answer alike) added
    up modulo 2^128. Who answered is left out: where a file has no respondent column, the
    pseudonym comes from the row, which a reordering changes."""

    def __init__(self) -> None:
        self.total = 0

    def add(self, response: SurveyResponse) -> None:
        # The time as written, not as read: the same file read in the other date order is
        # the same import.
        when = (response.submitted_raw or "").strip()
        answers = tuple(v or "" for v in response.values)
        digest = hashlib.blake2b(repr((when, answers)).encode("utf-8"), digest_size=16).digest()
        self.total = (self.total + int.from_bytes(digest, "big")) % (1 << 128)

    def hexdigest(self) -> str:
        return f"{self.total:032x}"[:16]


def _check_nodes(toc: TheoryOfChange, mapping: SurveyMapping) -> None:
    for question in mapping.questions:
        missing = [node for node in question.use.nodes() if node not in toc]
        if missing:
            raise FormatError(
                f"the mapping names {missing[0]!r}, which the map does not have",
                source=mapping.source,
            )


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
    _check_nodes(toc, mapping)
    if all(isinstance(q.use, IgnoreUse) for q in mapping.questions):
        raise FormatError(
            "the mapping ignores every question: say what at least one evidences (replace "
            "an ignore = true with indicator, benefit, measure, feedback or quote)",
            source=mapping.source,
        )
    run = _Run(toc, table, mapping)
    imported = {item.id for item in toc.evidence.items if item.id.startswith("import-")}
    if not allow_reimport:  # the same bytes: known before reading a row
        _refuse_reimport(
            f"import-{table.identity() or _fingerprint(table.source)}", imported, table
        )
    content = _ContentFingerprint()
    for response in table.responses():
        content.add(response)
        run.response(response)
        if progress is not None and run.report.responses % 1000 == 0:
            progress(1000)
    # The same answers, however the file was saved again (line endings, a BOM, another
    # delimiter, rows in another order): the import is named by what it holds.
    import_id = f"import-{content.hexdigest()}"
    if not allow_reimport:
        _refuse_reimport(import_id, imported, table)
    again = 1
    while import_id in imported or f"{import_id}-{again}" in imported:  # imported on purpose
        again += 1
        import_id = f"import-{content.hexdigest()}-{again}"
    run.finish(toc, import_id)
    if run.report.responses and not run.report.imported:
        run.report.warnings.append(
            f"none of the {run.report.responses} responses gave an answer the mapping uses"
            + (": see the rejections" if run.report.rejected else "")
        )
    if mapping.consent_recorded and mapping.consent_gaps:
        run.report.warnings.append(
            "consent was recorded outside the survey, but the mapping does not say "
            + ", ".join(mapping.consent_gaps)
            + ": the consent records leave them unknown; add them under [consent]"
        )
    return run.report
