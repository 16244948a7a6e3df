"""The mapping file: which survey question evidences what.

A mapping is TOML (a file, its bytes, an open binary file or the text itself) or the same
data as a dict. Each section has its own reader below; each question's use is read by its
class in :data:`coprod_toc.surveys.mapping.uses.USES`. Every mistake is a
:class:`FormatError` naming the mapping and the entry.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any, TypeAlias

import attrs

from coprod_toc.errors import FormatError, ModelError
from coprod_toc.evidence.measures import (
    INSTRUMENTS,
    SCALES,
    Instrument,
    Scale,
    custom_instrument,
    licensed_instrument,
    normalise_label,
)
from coprod_toc.evidence.records import ConsentMethod
from coprod_toc.format.codec import too_many_digits
from coprod_toc.graph import TheoryOfChange
from coprod_toc.surveys.mapping.spec import SpecReader
from coprod_toc.surveys.mapping.uses import MeasureUse, Use, read_use

__all__ = ["MappingSource", "QuestionMap", "SurveyMapping", "load_mapping"]

#: What :func:`load_mapping` reads: a path, TOML as bytes, an open binary file, TOML text
#: (a string holding a line break), or the parsed data as a dict.
MappingSource: TypeAlias = "str | os.PathLike[str] | bytes | IO[bytes] | Mapping[str, Any]"

SECTIONS = ("survey", "consent", "scales", "instruments", "questions", "importer")
SURVEY_KEYS = (
    "retain_until", "timepoint", "timepoint_question", "timepoints", "period", "role",
    "include_incomplete", "missing",
)  # fmt: skip
CONSENT_KEYS = (
    "question", "yes", "recorded", "purposes", "condition", "method", "info_version",
)  # fmt: skip


@attrs.frozen(kw_only=True)
class QuestionMap:
    """What one question evidences: the question (its key or exact text), the use, the
    scale its answers are read on, and the links the import's evidence item is put on."""

    question: str
    use: Use
    scale: Scale | None = None
    links: tuple[tuple[str, str], ...] = ()


@attrs.frozen(kw_only=True)
class SurveyMapping:
    """A whole mapping file, checked.

    Consent is kept as the mapping gives it: ``purposes`` empty, ``condition`` or
    ``method`` ``None`` mean the mapping does not say (:attr:`consent_gaps`).
    """

    source: str
    questions: tuple[QuestionMap, ...]
    purposes: tuple[str, ...]
    consent_question: str | None
    consent_yes: frozenset[str]
    consent_recorded: bool
    condition: str | None
    method: ConsentMethod | None
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
    #: Answers that mean "no answer" (``None``: the importer's default list).
    missing: tuple[str, ...] | None = None

    @property
    def consent_gaps(self) -> tuple[str, ...]:
        """What the consent records will not say, because the mapping does not."""
        gaps = []
        if not self.purposes:
            gaps.append("the purposes")
        if self.condition is None:
            gaps.append("the Article 9 condition")
        if self.method is None:
            gaps.append("how consent was given (method)")
        return tuple(gaps)


# --------------------------------------------------------------------------- input


def _parse(source: MappingSource, name: str | None) -> tuple[dict[str, Any], str, Path]:
    """The mapping's data, the name errors give it, and the folder its files are in."""
    here = Path.cwd()
    if isinstance(source, Mapping):
        _check_keys(source, name or "mapping")
        return dict(source), name or "mapping", here
    if isinstance(source, bytes):
        return _toml(source, name or "mapping"), name or "mapping", here
    if isinstance(source, str) and "\n" in source:
        return _toml(source, name or "mapping"), name or "mapping", here
    if hasattr(source, "read"):
        return _toml(source.read(), name or _file_name(source)), name or _file_name(source), here
    if not isinstance(source, str | os.PathLike):
        raise FormatError(
            f"a mapping is a path, TOML text or bytes, an open binary file, or a dict, not "
            f"{type(source).__name__}"
        )
    path = Path(source)
    shown = name or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FormatError(f"cannot read the mapping: {exc.strerror or exc}", source=shown) from None
    return _toml(data, shown), shown, path.parent


def _check_keys(data: Any, source: str, path: str = "", depth: int = 0) -> None:
    """A mapping given as a dict has what TOML could give: text keys, a modest depth."""
    if depth > 20:
        raise FormatError("nested too deeply to be a mapping", path=path, source=source)
    if isinstance(data, Mapping):
        for key, value in data.items():
            if not isinstance(key, str):
                raise FormatError(f"the key {key!r} is not a text", path=path, source=source)
            _check_keys(value, source, f"{path}.{key}" if path else key, depth + 1)
    elif isinstance(data, list | tuple):
        for i, value in enumerate(data):
            _check_keys(value, source, f"{path}[{i}]", depth + 1)


def _file_name(handle: Any) -> str:
    name = getattr(handle, "name", None)
    return Path(name).name if isinstance(name, str) else "mapping"


def _toml(data: bytes | str, source: str) -> dict[str, Any]:
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        parsed = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise FormatError(f"not valid TOML: {exc}", source=source) from None
    except RecursionError:
        raise FormatError("nested too deeply to be a mapping", source=source) from None
    except ValueError:  # a whole number of more digits than Python reads
        raise too_many_digits(text, "TOML").with_source(source) from None
    _check_keys(parsed, source)
    return parsed


# --------------------------------------------------------------------------- sections


def _no_unknown(
    reader: SpecReader, table: dict[str, Any], known: tuple[str, ...], where: str
) -> None:
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise reader.fail(
            f"{where}.{unknown[0]}" if where else unknown[0],
            f"unknown {'key' if where else 'section'} (expected one of: {', '.join(known)})",
        )


def _read_scales(reader: SpecReader) -> dict[str, Scale]:
    scales = dict(SCALES)
    for name, spec in reader.section("scales").items():
        where = f"scales.{name}"
        if not isinstance(spec, dict):
            raise reader.fail(where, "must be a table with labels (and scores)")
        labels = reader.take(spec, "labels", list, where)
        if not labels or not all(isinstance(x, str) for x in labels):
            raise reader.fail(
                f"{where}.labels", "must be a list of the answer labels, lowest first"
            )
        scores = reader.take(spec, "scores", list, where)
        if scores is not None:
            if len(scores) != len(labels) or not all(
                isinstance(x, int | float) and not isinstance(x, bool) for x in scores
            ):
                raise reader.fail(f"{where}.scores", "must be one number per label")
            for score in scores:
                reader.check_value(score, f"{where}.scores")
        if name in SCALES:
            raise reader.fail(where, f"{name!r} is a built-in scale: give yours another name")
        try:
            scales[name] = Scale(
                name=name, labels=tuple(labels), scores=tuple(scores) if scores else None
            )
        except ModelError as exc:
            raise reader.fail(where, str(exc)) from None
    return scales


def scale_named(
    reader: SpecReader, scales: Mapping[str, Scale], name: Any, path: str
) -> Scale | None:
    if name is None:
        return None
    if not isinstance(name, str) or name not in scales:
        raise reader.fail(path, f"no scale {name!r} (scales: {', '.join(sorted(scales))})")
    return scales[name]


def _read_table_file(path: Path, reader: SpecReader, where: str) -> dict[int, float]:
    """A licensed instrument's conversion table: CSV rows of raw score, metric score."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = [r for r in csv.reader(handle) if r]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        problem = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise reader.fail(where, f"cannot read the table {str(path)!r}: {problem}") from None
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


def _read_instruments(
    reader: SpecReader, scales: Mapping[str, Scale], folder: Path
) -> dict[str, Instrument]:
    instruments = dict(INSTRUMENTS)
    for code, spec in reader.section("instruments").items():
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
                path = mapped_file(reader, folder, file, f"{where}.table")
                table = _read_table_file(path, reader, f"{where}.table")
                instruments[code] = licensed_instrument(code, table, threshold=threshold)
                continue
            items = reader.take(spec, "items", list, where)
            if not items:
                raise reader.fail(where, "a custom measure lists its items")
            scale = scale_named(reader, scales, spec.get("scale"), f"{where}.scale")
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
    return instruments


def _read_survey(reader: SpecReader) -> dict[str, Any]:
    survey = reader.section("survey")
    _no_unknown(reader, survey, SURVEY_KEYS, "survey")
    retain = reader.take(survey, "retain_until", (dt.date, str), "survey")
    if retain is None:
        raise reader.fail(
            "survey.retain_until", "say how long the answers may be kept (a date, YYYY-MM-DD)"
        )
    if isinstance(retain, dt.datetime):
        retain = retain.date()  # a TOML date and time: the day is what counts
    try:
        retain_until = retain if isinstance(retain, dt.date) else dt.date.fromisoformat(retain)
    except ValueError:
        raise reader.fail("survey.retain_until", f"{retain!r} is not a date (YYYY-MM-DD)") from None
    if retain_until < dt.date.today():
        raise reader.fail(
            "survey.retain_until",
            f"{retain_until.isoformat()} has passed: answers kept until then are due for "
            "erasure already",
        )
    timepoints = reader.take(survey, "timepoints", dict, "survey", {})
    if not all(isinstance(v, str) for v in timepoints.values()):
        raise reader.fail("survey.timepoints", "maps answers to time point names (texts)")
    return {
        "retain_until": retain_until,
        "timepoint": reader.take(survey, "timepoint", str, "survey"),
        "timepoint_question": reader.take(survey, "timepoint_question", str, "survey"),
        "timepoints": timepoints,
        "period": reader.take(survey, "period", str, "survey", "month"),
        "role": reader.take(survey, "role", str, "survey"),
        "include_incomplete": reader.take(survey, "include_incomplete", bool, "survey", False),
        "missing": reader.strings(survey, "missing", "survey", allow_empty=True),
    }


def _read_consent(reader: SpecReader) -> dict[str, Any]:
    """Consent as the mapping gives it. A consent question is an online form ticked with
    explicit consent; ``recorded = true`` says only that consent was recorded elsewhere, so
    nothing else is assumed."""
    consent = reader.section("consent")
    _no_unknown(reader, consent, CONSENT_KEYS, "consent")
    question = reader.take(consent, "question", str, "consent")
    recorded = reader.take(consent, "recorded", bool, "consent", False)
    if question is None and not recorded:
        raise reader.fail(
            "consent",
            "say how consent was given: question = the consent question, or recorded = true "
            "when it was recorded outside the survey",
        )
    asked = question is not None
    method = reader.take(consent, "method", str, "consent", "online_form" if asked else None)
    try:
        method_value = None if method is None else ConsentMethod(method)
    except ValueError:
        raise reader.fail(
            "consent.method",
            f"{method!r} is not one of {', '.join(m.value for m in ConsentMethod)}",
        ) from None
    yes = reader.strings(consent, "yes", "consent") or ("Yes",)
    return {
        "consent_question": question,
        "consent_yes": frozenset(normalise_label(y) for y in yes),
        "consent_recorded": recorded,
        "purposes": reader.strings(consent, "purposes", "consent") or (),
        "condition": reader.take(
            consent, "condition", str, "consent", "explicit consent" if asked else None
        ),
        "method": method_value,
        "info_version": reader.take(consent, "info_version", str, "consent"),
    }


def _read_questions(
    reader: SpecReader,
    scales: Mapping[str, Scale],
    instruments: Mapping[str, Instrument],
    toc: TheoryOfChange | None,
) -> tuple[QuestionMap, ...]:
    questions = []
    seen: dict[tuple[str, str], str] = {}
    for i, spec in enumerate(reader.take(reader.data, "questions", list, "", [])):
        where = f"questions[{i}]"
        if not isinstance(spec, dict):
            raise reader.fail(where, "must be a table")
        question = spec.get("key", spec.get("text"))
        if not isinstance(question, str):
            raise reader.fail(where, 'name the question: key = "…" (or text = "…")')
        reader.check_value(question, f"{where}.key")
        use = read_use(spec, where, reader, instruments)
        if toc is not None:
            use.check(toc, where, reader)
        if isinstance(use, MeasureUse):  # two questions scoring one item would count it twice
            item = (use.instrument.code, use.item)
            if item in seen:
                raise reader.fail(
                    where, f"{seen[item]} gives {use.instrument.code} item {use.item!r} already"
                )
            seen[item] = where
        scale = scale_named(reader, scales, spec.get("scale"), f"{where}.scale") or use.scale()
        questions.append(
            QuestionMap(
                question=question, use=use, scale=scale, links=_read_links(reader, spec, where, toc)
            )
        )
    if not questions:
        raise reader.fail("questions", "map at least one question ([[questions]])")
    return tuple(questions)


def _read_links(
    reader: SpecReader, spec: dict[str, Any], where: str, toc: TheoryOfChange | None
) -> tuple[tuple[str, str], ...]:
    links = []
    for link in reader.take(spec, "links", list, where, []):
        if not (
            isinstance(link, list) and len(link) == 2 and all(isinstance(x, str) for x in link)
        ):
            raise reader.fail(f"{where}.links", "list links as [source, target] pairs")
        if toc is not None and not toc.graph.has_edge(*link):
            raise reader.fail(f"{where}.links", f"the map has no link {link[0]} → {link[1]}")
        links.append((link[0], link[1]))
    return tuple(links)


def load_mapping(
    source: MappingSource, toc: TheoryOfChange | None = None, *, name: str | None = None
) -> SurveyMapping:
    """Read and check a mapping. With ``toc``, every node id it names must exist.

    :param source: a path; TOML as bytes, as an open binary file or as text (a string with
        a line break); or the parsed data as a dict. Files the mapping names (a licensed
        instrument's table, ``[importer] dictionary`` and ``form``) are found beside a
        mapping file, else in the working folder.
    :param name: how errors name the mapping (default: the file's path, else ``mapping``).
    :raises FormatError: naming the mapping and the entry that is wrong.
    """
    data, shown, folder = _parse(source, name)
    reader = SpecReader(data, shown)
    _no_unknown(reader, data, SECTIONS, "")
    scales = _read_scales(reader)
    instruments = _read_instruments(reader, scales, folder)
    questions = _read_questions(reader, scales, instruments, toc)
    survey = _read_survey(reader)
    measured = [i for i, q in enumerate(questions) if isinstance(q.use, MeasureUse)]
    if measured and not (survey["timepoint"] or survey["timepoint_question"]):
        raise reader.fail(
            f"questions[{measured[0]}]",
            "a measure's answers need a time point (baseline, follow_up…): set "
            "survey.timepoint, or survey.timepoint_question",
        )
    return SurveyMapping(
        source=shown,
        questions=questions,
        instruments=instruments,
        importer=_read_importer(reader, folder),
        **survey,
        **_read_consent(reader),
    )


#: Importer options that name a file: found beside the mapping.
_IMPORTER_FILES = ("dictionary", "form")
#: Import options a mapping may not set: how the caller reads (name, key) or protects
#: (personal data) the survey is the caller's choice, and missing answers are [survey] missing.
_NOT_IMPORTER_OPTIONS = {
    "name": "how reports name the survey is the caller's choice",
    "pseudonym_key": "the key is kept apart from mappings",
    "keep_personal": "keeping personal data is the caller's explicit choice, never a mapping's",
    "pseudonymise_respondents": "respondents are always pseudonymised",
    "missing": "set the answers that mean no answer in [survey] missing",
}


def mapped_file(reader: SpecReader, folder: Path, value: Any, where: str) -> Path:
    """A file a mapping names: a relative path inside the mapping's folder (a mapping may
    come from an upload, so it never reaches elsewhere on the server), to a regular file.

    :raises FormatError: an absolute path, a path out of the folder, or not a file.
    """
    if not isinstance(value, str):
        raise reader.fail(where, f"has the wrong type ({type(value).__name__})")
    reader.check_value(value, where)
    relative = Path(value)
    if relative.is_absolute() or ".." in relative.parts:
        raise reader.fail(
            where, f"{value!r}: name a file beside the mapping (a relative path, without '..')"
        )
    path = folder / relative
    if not path.is_file():
        raise reader.fail(where, f"{value!r} is not a file beside the mapping")
    return path


def _read_importer(reader: SpecReader, folder: Path) -> dict[str, Any]:
    options = dict(reader.section("importer"))
    for key, why in _NOT_IMPORTER_OPTIONS.items():
        if key in options:
            raise reader.fail(f"importer.{key}", f"not a mapping option: {why}")
    for key, value in options.items():
        if isinstance(value, str):
            reader.check_value(value, f"importer.{key}")
    for key in _IMPORTER_FILES:
        if key in options:
            options[key] = str(mapped_file(reader, folder, options[key], f"importer.{key}"))
    return options
