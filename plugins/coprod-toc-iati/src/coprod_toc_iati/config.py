"""What IATI needs that a map does not hold: read from options and a TOML file.

Each setting has a key in the TOML file (``reporting_org.ref``) and a keyword option of
``ct.export`` (``reporting_org_ref=``); options override the file. The file is the
``config=`` option, or else the file named by the environment variable
``COPROD_TOC_IATI_CONFIG`` (so ``coprod-toc render -f iati``, which passes no options, can
be given one).

A missing setting is a :class:`~coprod_toc.errors.RenderError` listing every one missing; a
file that is not TOML, or holds a key or a value that is not right, a
:class:`~coprod_toc.errors.FormatError` naming the file and the key (``dates.planned_end``).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coprod_toc.errors import FormatError, RenderError

__all__ = [
    "CONFIG_ENV",
    "FIELDS",
    "OPTIONS",
    "Field",
    "Organisation",
    "Settings",
    "settings",
    "xml_text",
]

#: The environment variable naming a config file, used when no ``config=`` is given.
CONFIG_ENV = "COPROD_TOC_IATI_CONFIG"

#: IATI OrganisationType codes.
ORGANISATION_TYPES = frozenset(
    {"10", "11", "15", "21", "22", "23", "24", "30", "40", "60", "70", "71", "72", "73", "80", "90"}
)
#: IATI SectorVocabulary codes.
SECTOR_VOCABULARIES = frozenset({*(str(n) for n in range(1, 13)), "98", "99"})

_LANGUAGE = re.compile(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*")
_CURRENCY = re.compile(r"[A-Z]{3}")
_COUNTRY = re.compile(r"[A-Z]{2}")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
#: Characters XML 1.0 cannot hold (controls other than tab and line breaks, lone
#: surrogates, U+FFFE and U+FFFF).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("", text) if _NOT_XML.search(text) else text


class _Bad(ValueError):
    """A value that is not right for its setting; ``where`` goes after the setting's key
    (``[1].role`` for the second participating organisation's role)."""

    def __init__(self, problem: str, where: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.where = where


@dataclass(frozen=True)
class Organisation:
    """An organisation as IATI names it: its identifier, type code, role code and name."""

    ref: str | None = None
    type: str | None = None
    role: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class Settings:
    """Every setting, checked, with the defaults filled in."""

    identifier: str
    reporting_org: Organisation
    status: str
    planned_start: dt.date | None
    planned_end: dt.date | None
    actual_start: dt.date | None
    actual_end: dt.date | None
    sector_code: str
    sector_vocabulary: str
    participating_orgs: tuple[Organisation, ...]
    lang: str
    default_currency: str | None
    generated_datetime: str | None
    aggregation_status: bool
    baseline_year: int
    recipient_country: str | None


# --------------------------------------------------------------------------- checks


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _text(value: object) -> str:
    text = xml_text(value).strip() if isinstance(value, str) else ""
    if not text:
        raise _Bad(f"must be a non-empty text, not {_shown(value)}")
    return text


def _code(allowed: frozenset[str], what: str) -> Callable[[object], str]:
    def check(value: object) -> str:
        code = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        if not isinstance(code, str) or code.strip() not in allowed:
            listed = ", ".join(sorted(allowed, key=int))
            raise _Bad(f"must be an IATI {what} code ({listed}), not {_shown(value)}")
        return code.strip()

    return check


def _number_code(low: int, high: int, what: str) -> Callable[[object], str]:
    return _code(frozenset(str(n) for n in range(low, high + 1)), what)


def _sector_code(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return _text(value)


def _pattern(pattern: re.Pattern[str], what: str) -> Callable[[object], str]:
    def check(value: object) -> str:
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise _Bad(f"must be {what}, not {_shown(value)}")
        return value

    return check


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        raise _Bad(f"must be a date (2025-04-01), not a date and time: {_shown(value)}")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DAY.fullmatch(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise _Bad(f"{value!r} is not a real date") from None
    raise _Bad(f"must be a date (2025-04-01), not {_shown(value)}")


def _datetime(value: object) -> str:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise _Bad(f"must be a date and time (2025-04-01T09:00:00Z), not {value!r}") from None
    if not isinstance(value, dt.datetime):
        raise _Bad(f"must be a date and time (2025-04-01T09:00:00Z), not {_shown(value)}")
    offset = value.utcoffset()
    if offset is not None and (
        offset.seconds % 60 or offset.microseconds or abs(offset) > dt.timedelta(hours=14)
    ):
        raise _Bad(f"has a time zone offset XML cannot hold: {offset}")
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise _Bad(f"must be true or false, not {_shown(value)}")
    return value


def _year(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 9999:
        raise _Bad(f"must be a year (2024), not {_shown(value)}")
    return value


def _organisations(value: object) -> tuple[Organisation, ...]:
    if isinstance(value, Mapping) or not isinstance(value, list | tuple) or not value:
        raise _Bad(
            "must be a list of organisations, each with a role ([[participating_org]] in "
            f"TOML), not {_shown(value)}"
        )
    organisations = []
    for index, item in enumerate(value):
        if not isinstance(item, Mapping):
            raise _Bad(f"must be a table (ref, type, role, name), not {_shown(item)}", f"[{index}]")
        unknown = sorted(str(key) for key in item if key not in ("ref", "type", "role", "name"))
        if unknown:
            raise _Bad(
                "unknown key; the keys are ref, type, role and name", f"[{index}].{unknown[0]}"
            )
        if "role" not in item:
            raise _Bad(
                "is missing: every participating organisation has a role (1-4)", f"[{index}].role"
            )
        checks: dict[str, Callable[[object], str]] = {
            "ref": _text,
            "type": _code(ORGANISATION_TYPES, "OrganisationType"),
            "role": _number_code(1, 4, "OrganisationRole"),
            "name": _text,
        }
        fields: dict[str, str] = {}
        for key, check in checks.items():
            if key in item:
                try:
                    fields[key] = check(item[key])
                except _Bad as bad:
                    raise _Bad(bad.problem, f"[{index}].{key}") from None
        organisations.append(Organisation(**fields))
    return tuple(organisations)


# --------------------------------------------------------------------------- the settings


@dataclass(frozen=True)
class Field:
    """One setting: its key in the TOML file, its option name, how it is checked, and
    whether the export needs it."""

    key: str
    option: str
    check: Callable[[object], Any]
    required: bool = False
    help: str = ""


FIELDS: tuple[Field, ...] = (
    Field("identifier", "identifier", _text, True, "the IATI activity identifier"),
    Field(
        "reporting_org.ref",
        "reporting_org_ref",
        _text,
        True,
        "the reporting organisation's IATI identifier",
    ),
    Field(
        "reporting_org.type",
        "reporting_org_type",
        _code(ORGANISATION_TYPES, "OrganisationType"),
        True,
        "the reporting organisation's OrganisationType code",
    ),
    Field(
        "reporting_org.name", "reporting_org_name", _text, True, "the reporting organisation's name"
    ),
    Field(
        "status",
        "status",
        _number_code(1, 6, "ActivityStatus"),
        True,
        "the ActivityStatus code, 1-6",
    ),
    Field("dates.planned_start", "planned_start", _date, False, "planned start date"),
    Field("dates.planned_end", "planned_end", _date, False, "planned end date"),
    Field("dates.actual_start", "actual_start", _date, False, "actual start date"),
    Field("dates.actual_end", "actual_end", _date, False, "actual end date"),
    Field("sector.code", "sector_code", _sector_code, True, "the sector code"),
    Field(
        "sector.vocabulary",
        "sector_vocabulary",
        _code(SECTOR_VOCABULARIES, "SectorVocabulary"),
        False,
        "the sector code's vocabulary (1, DAC 5-digit, by default)",
    ),
    Field(
        "participating_org",
        "participating_org",
        _organisations,
        False,
        "the participating organisations",
    ),
    Field(
        "lang",
        "lang",
        _pattern(_LANGUAGE, "a language code (en, cy)"),
        False,
        "the narratives' language",
    ),
    Field(
        "default_currency",
        "default_currency",
        _pattern(_CURRENCY, "an ISO 4217 currency code (GBP)"),
        False,
        "the default currency",
    ),
    Field("generated_datetime", "generated_datetime", _datetime, False, "when the file was made"),
    Field(
        "aggregation_status",
        "aggregation_status",
        _flag,
        False,
        "whether results may be aggregated",
    ),
    Field("baseline_year", "baseline_year", _year, False, "the year of the baselines"),
    Field(
        "recipient_country",
        "recipient_country",
        _pattern(_COUNTRY, "an ISO 3166-1 alpha-2 country code (GB)"),
        False,
        "the recipient country",
    ),
)

_BY_KEY = {field.key: field for field in FIELDS}
_BY_OPTION = {field.option: field for field in FIELDS}
_TABLES = {field.key.split(".")[0] for field in FIELDS if "." in field.key}
#: Every option the exporter takes.
OPTIONS = frozenset({*_BY_OPTION, "config"})


def _read(config: object) -> tuple[dict[str, Any], str | None]:
    """The config as a dict, and the file it came from (``None`` for a dict)."""
    if config is None:
        config = os.environ.get(CONFIG_ENV) or None
        if config is None:
            return {}, None
    if isinstance(config, Mapping):
        return dict(config), None
    if not isinstance(config, str | os.PathLike):
        raise RenderError(
            f"option config= must be a TOML file's path or a dict, not {_shown(config)}",
            code="iati-bad-option",
        )
    path = Path(config)
    source = str(path)
    try:
        if path.exists() and not path.is_file():  # a device or a pipe may never end
            raise FormatError(
                "cannot read the IATI config: it is not a regular file",
                source=source,
                code="iati-bad-config",
            )
        with path.open("rb") as handle:
            raw = handle.read(_CONFIG_BYTES + 1)
        if len(raw) > _CONFIG_BYTES:
            raise FormatError(
                f"an IATI config is a few lines, not over {_CONFIG_BYTES // 1024} KB",
                source=source,
                code="iati-bad-config",
            )
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError(
            f"not UTF-8 text (byte {exc.start})", source=source, code="iati-bad-config"
        ) from None
    except OSError as exc:
        raise FormatError(
            f"cannot read the IATI config: {exc.strerror or exc}",
            source=source,
            code="iati-bad-config",
        ) from None
    try:
        return tomllib.loads(text), source
    except tomllib.TOMLDecodeError as exc:
        raise FormatError(f"not valid TOML: {exc}", source=source, code="iati-bad-config") from None


#: The largest config file read: a config is a few lines.
_CONFIG_BYTES = 1024 * 1024


def _flatten(data: Mapping[str, Any], source: str | None) -> dict[str, object]:
    """The config's values by key (``reporting_org.ref``); an unknown key is an error."""

    def refused(problem: str, key: str) -> FormatError:
        return FormatError(
            problem, path=key, source=source or "IATI config", code="iati-bad-config"
        )

    known = ", ".join(sorted(_BY_KEY))
    flat: dict[str, object] = {}
    for key, value in data.items():
        if key in _TABLES:
            if not isinstance(value, Mapping):
                raise refused(f"must be a table ([{key}]), not {_shown(value)}", key)
            for sub, sub_value in value.items():
                path = f"{key}.{sub}"
                if path not in _BY_KEY:
                    raise refused(f"unknown key; the keys are {known}", path)
                flat[path] = sub_value
        elif key in _BY_KEY:
            flat[key] = value
        else:
            raise refused(f"unknown key; the keys are {known}", str(key))
    return flat


def settings(options: Mapping[str, Any]) -> Settings:
    """The settings from ``options`` (the exporter's keyword options, ``config=`` among
    them) and the config file or dict they name.

    :raises RenderError: an unknown option, an option of the wrong type, or settings
        missing (all of them named).
    :raises FormatError: a config file that cannot be read, is not TOML, or holds an
        unknown key or a wrong value (naming the file and the key).
    """
    unknown = sorted(set(options) - OPTIONS)
    if unknown:
        raise RenderError(
            f"the iati exporter takes no option {', '.join(f'{name}=' for name in unknown)}; "
            f"its options are {', '.join(f'{name}=' for name in sorted(OPTIONS))}",
            code="iati-bad-option",
        )
    data, source = _read(options.get("config"))
    values: dict[str, Any] = {}
    for key, value in _flatten(data, source).items():
        try:
            values[key] = _BY_KEY[key].check(value)
        except _Bad as bad:
            raise FormatError(
                bad.problem,
                path=key + bad.where,
                source=source or "IATI config",
                code="iati-bad-config",
            ) from None
    for name, value in options.items():
        if name == "config" or value is None:
            continue
        field = _BY_OPTION[name]
        try:
            values[field.key] = field.check(value)
        except _Bad as bad:
            raise RenderError(
                f"option {name}={bad.where}: {bad.problem}", code="iati-bad-option"
            ) from None
    _check_complete(values, source)
    return _settled(values, source)


def _check_complete(values: Mapping[str, Any], source: str | None) -> None:
    missing = [
        f"{field.key} (option {field.option}=): {field.help}"
        for field in FIELDS
        if field.required and field.key not in values
    ]
    if "dates.planned_start" not in values and "dates.actual_start" not in values:
        missing.append(
            "dates.planned_start or dates.actual_start (option planned_start= or "
            "actual_start=): when the activity starts"
        )
    if missing:
        where = (
            f"the config file {source}"
            if source
            else f"a TOML config file (option config= or the variable {CONFIG_ENV})"
        )
        raise RenderError(
            f"an IATI activity needs settings the map does not hold; give them in {where} "
            "or as options. Missing, by config key and option:\n  " + "\n  ".join(missing),
            code="iati-missing",
        )


def _settled(values: Mapping[str, Any], source: str | None) -> Settings:
    where = source or "IATI settings"
    for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
        first, last = values.get(f"dates.{start}"), values.get(f"dates.{end}")
        if first is not None and last is not None and last < first:
            problem = f"{last} is before dates.{start} ({first}) (options {end}=, {start}=)"
            raise FormatError(problem, path=f"dates.{end}", source=where, code="iati-bad-config")
    vocabulary = values.get("sector.vocabulary", "1")
    digits = {"1": 5, "2": 3}.get(vocabulary)
    if digits is not None and not re.fullmatch(rf"[0-9]{{{digits}}}", values["sector.code"]):
        problem = (
            f"must be a {digits}-digit DAC code under sector vocabulary {vocabulary} "
            f"(option sector_code=), not {_shown(values['sector.code'])}"
        )
        raise FormatError(problem, path="sector.code", source=where, code="iati-bad-config")
    reporting = Organisation(
        ref=values["reporting_org.ref"],
        type=values["reporting_org.type"],
        name=values["reporting_org.name"],
    )
    starts = [values.get(f"dates.{which}") for which in ("planned_start", "actual_start")]
    first_year = min(day for day in starts if day is not None).year
    return Settings(
        identifier=values["identifier"],
        reporting_org=reporting,
        status=values["status"],
        planned_start=values.get("dates.planned_start"),
        planned_end=values.get("dates.planned_end"),
        actual_start=values.get("dates.actual_start"),
        actual_end=values.get("dates.actual_end"),
        sector_code=values["sector.code"],
        sector_vocabulary=vocabulary,
        participating_orgs=values.get(
            "participating_org",
            (Organisation(ref=reporting.ref, type=reporting.type, role="4", name=reporting.name),),
        ),
        lang=values.get("lang", "en"),
        default_currency=values.get("default_currency"),
        generated_datetime=values.get("generated_datetime"),
        aggregation_status=values.get("aggregation_status", False),
        baseline_year=values.get("baseline_year", first_year),
        recipient_country=values.get("recipient_country"),
    )
