"""The IATI 2.03 activity document of a map, built with lxml.

One ``iati-activity`` per map. Its identifier, reporting and participating organisations,
status, dates and sector come from the settings (:mod:`coprod_toc_iati.config`); its title
is the map's title, its general description the problem (or the title, when the map has
no problem) and its objectives the impacts. Every outcome with indicators becomes a
``result``: type 1 (output) for a short-term outcome (an achievement), 2 (outcome) for a
medium- or long-term one. Impacts hold no indicators in coprod-toc, so no result is of
type 3 (impact).

Elements are written in the order the 2.03 schema's sequences require.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from lxml import etree

import coprod_toc as ct
from coprod_toc.model import Measure

from .config import Organisation, Settings, settings, xml_text
from .periods import NotAPeriod, period_dates

__all__ = ["Finding", "iati_document", "iati_tree"]

#: The IATI version written.
VERSION = "2.03"
#: IATI ResultType codes.
OUTPUT, OUTCOME, IMPACT = "1", "2", "3"
#: IATI IndicatorMeasure codes.
MEASURES = {Measure.UNIT: "1", Measure.PERCENTAGE: "2", Measure.QUALITATIVE: "5"}
_NUMERIC = {Measure.UNIT, Measure.PERCENTAGE}
#: IATI ActivityDateType codes, in the order the dates are written.
_DATE_TYPES = (
    ("planned_start", "1"),
    ("actual_start", "2"),
    ("planned_end", "3"),
    ("actual_end", "4"),
)

SubElement = etree.SubElement


@dataclass(frozen=True)
class Finding:
    """Something of the map the export left out, and why.

    ``code`` is one of ``actual-not-a-period`` (an actual whose period label names no
    dates), ``target-without-period`` (a target, with no activity dates to span),
    ``no-results`` (no outcome has an indicator, so nothing is reported) and
    ``identifier-prefix`` (an activity identifier that does not start with the reporting
    organisation's); ``outcome`` and ``indicator`` are ids, when the finding is about one.
    """

    code: str
    message: str
    outcome: str | None = None
    indicator: str | None = None

    def __str__(self) -> str:
        return self.message


def _with_narrative(parent: Any, tag: str, text: str, attrib: dict[str, str] | None = None) -> Any:
    """``<tag><narrative>text</narrative></tag>`` under ``parent``."""
    element = SubElement(parent, tag, attrib) if attrib else SubElement(parent, tag)
    SubElement(element, "narrative").text = xml_text(text)
    return element


def _number(value: float | int) -> str:
    """A number as a decimal, never in exponent form (``1e+20``)."""
    if isinstance(value, int):
        return str(value)
    return format(Decimal(repr(value)), "f")


def _value(
    parent: Any, tag: str, value: float | int | str, measure: Measure, **attrib: str
) -> None:
    """A baseline, target or actual: a number as ``value``; a text (a withheld figure, a
    qualitative finding) as a comment, never as a value."""
    if isinstance(value, str) or measure not in _NUMERIC:
        element = SubElement(parent, tag, attrib)
        text = value if isinstance(value, str) else _number(value)
        _with_narrative(element, "comment", text)
    else:
        attrib["value"] = _number(value)
        SubElement(parent, tag, attrib)


def _organisation(parent: Any, tag: str, org: Organisation) -> None:
    # The settings' texts are checked and cleaned already (config.py); only the map's
    # texts go through xml_text here.
    attrib = {
        name: value
        for name, value in (("ref", org.ref), ("type", org.type), ("role", org.role))
        if value is not None
    }
    element = SubElement(parent, tag, attrib)
    if org.name is not None:
        SubElement(element, "narrative").text = org.name


def _header(activity: Any, toc: ct.TheoryOfChange, config: Settings) -> None:
    """Everything of the activity before its results."""
    SubElement(activity, "iati-identifier").text = config.identifier
    _organisation(activity, "reporting-org", config.reporting_org)
    _with_narrative(activity, "title", toc.title)
    problem = toc.problem
    _with_narrative(activity, "description", problem.text if problem else toc.title, {"type": "1"})
    impacts = toc.impacts()
    if impacts:
        objectives = "\n".join(impact.text for impact in impacts)
        _with_narrative(activity, "description", objectives, {"type": "2"})
    for org in config.participating_orgs:
        _organisation(activity, "participating-org", org)
    if toc.external_ref is not None:
        # A1: the reporting organisation's own identifier for the activity.
        SubElement(activity, "other-identifier", {"ref": xml_text(toc.external_ref), "type": "A1"})
    SubElement(activity, "activity-status", {"code": config.status})
    for name, code in _DATE_TYPES:
        day = getattr(config, name)
        if day is not None:
            SubElement(activity, "activity-date", {"type": code, "iso-date": day.isoformat()})
    if config.recipient_country is not None:
        SubElement(activity, "recipient-country", {"code": config.recipient_country})
    SubElement(
        activity, "sector", {"code": config.sector_code, "vocabulary": config.sector_vocabulary}
    )


def _target_span(config: Settings) -> tuple[dt.date, dt.date] | None:
    start = config.planned_start or config.actual_start
    end = config.planned_end or config.actual_end
    if start is None or end is None or end < start:
        return None
    return start, end


def _indicator(
    result: Any,
    outcome: ct.Outcome,
    indicator: ct.Indicator,
    config: Settings,
    span: tuple[dt.date, dt.date] | None,
    findings: list[Finding],
) -> None:
    attrib = {
        "measure": MEASURES[indicator.measure],
        "ascending": "1" if indicator.ascending else "0",
    }
    element = SubElement(result, "indicator", attrib)
    _with_narrative(element, "title", indicator.description)
    measure = indicator.measure
    if indicator.baseline is not None:
        _value(element, "baseline", indicator.baseline, measure, year=str(config.baseline_year))
    # One period per span of dates, in date order: the target's span and each actual's.
    periods: dict[tuple[dt.date, dt.date], list[tuple[str, float | int | str]]] = {}
    where = f"indicator {indicator.id} of outcome {outcome.id}"
    if indicator.target is not None:
        if span is None:
            findings.append(
                Finding(
                    "target-without-period",
                    f"{where}: target left out: it needs the activity's dates to span, a "
                    "start and an end after it (dates.planned_start, dates.planned_end)",
                    outcome.id,
                    indicator.id,
                )
            )
        else:
            periods[span] = [("target", indicator.target)]
    for actual in indicator.actuals:
        try:
            dates = period_dates(actual.period)
        except NotAPeriod as exc:
            findings.append(
                Finding(
                    "actual-not-a-period",
                    f"{where}: actual for {actual.period!r} left out: {exc}",
                    outcome.id,
                    indicator.id,
                )
            )
            continue
        periods.setdefault(dates, []).append(("actual", actual.value))
    for start, end in sorted(periods):
        period = SubElement(element, "period")
        SubElement(period, "period-start", {"iso-date": start.isoformat()})
        SubElement(period, "period-end", {"iso-date": end.isoformat()})
        # Targets before actuals: the schema's order (a span has at most one target).
        for tag, value in periods[start, end]:
            _value(period, tag, value, measure)


def iati_tree(toc: ct.TheoryOfChange, **options: Any) -> tuple[Any, list[Finding]]:
    """The map as an IATI 2.03 ``iati-activities`` element (an ``lxml.etree`` element),
    and what was left out of it.

    :param options: the settings (see :mod:`coprod_toc_iati.config` and the README), and
        ``config=``, a TOML file's path or a dict.
    :raises RenderError: an unknown option, or settings missing (every one is named).
    :raises FormatError: a config file that cannot be read or holds a wrong value.
    """
    config = settings(options)
    findings: list[Finding] = []
    ref = config.reporting_org.ref or ""
    if not config.identifier.startswith(ref + "-"):
        findings.append(
            Finding(
                "identifier-prefix",
                f"the activity identifier {config.identifier!r} does not start with the "
                f"reporting organisation's ref and a hyphen ({ref}-…), as IATI expects",
            )
        )
    root = etree.Element("iati-activities", {"version": VERSION})
    if config.generated_datetime is not None:
        root.set("generated-datetime", config.generated_datetime)
    attrib = {"{http://www.w3.org/XML/1998/namespace}lang": config.lang}
    if config.default_currency is not None:
        attrib["default-currency"] = config.default_currency
    activity = SubElement(root, "iati-activity", attrib)
    _header(activity, toc, config)
    span = _target_span(config)
    aggregation = "1" if config.aggregation_status else "0"
    for outcome in toc.outcomes():
        if not outcome.indicators:
            continue
        kind = OUTPUT if outcome.is_achievement else OUTCOME
        result = SubElement(activity, "result", {"type": kind, "aggregation-status": aggregation})
        _with_narrative(result, "title", outcome.statement)
        if outcome.i_statement is not None:
            _with_narrative(result, "description", outcome.i_statement)
        for indicator in outcome.indicators:
            _indicator(result, outcome, indicator, config, span, findings)
    if not any(outcome.indicators for outcome in toc.outcomes()):
        findings.append(
            Finding(
                "no-results",
                "no outcome has an indicator, so the activity has no results: give outcomes "
                "indicators (baseline, target, actuals) to report them",
            )
        )
    return root, findings


def iati_document(toc: ct.TheoryOfChange, **options: Any) -> tuple[bytes, list[Finding]]:
    """The map as an IATI 2.03 activity file (UTF-8 XML bytes), and what was left out.

    Takes the options of :func:`iati_tree`. The same map and settings give the same bytes.
    """
    root, findings = iati_tree(toc, **options)
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data, findings
