"""The IATI exporter: found through its entry point, passes coprod-toc's conformance kit,
and writes activity files that the official IATI 2.03 schema accepts, with outcomes as
results, periods read from labels, and withheld figures never written as numbers."""

from __future__ import annotations

import datetime as dt
import logging
import tomllib
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from tests.strategies import maps

import coprod_toc as ct
from coprod_toc.cli import main
from coprod_toc.plugins import make_plugin_manager
from coprod_toc.testing import ExporterContract, hostile_map, sample_maps
from coprod_toc_iati import CONFIG_ENV, iati_document, iati_tree
from coprod_toc_iati.config import ORGANISATION_TYPES
from coprod_toc_iati.periods import NotAPeriod, period_dates

#: The official schema, read where the project keeps its standards; never copied here.
SCHEMA_DIR = Path(__file__).resolve().parents[3] / ".." / "shared" / "standards" / "iati-2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
WITHHELD = "withheld: fewer than 10 answers"

#: Everything the export needs, as options.
SETTINGS: dict[str, Any] = {
    "identifier": "GB-CHC-1234567-day-centre",
    "reporting_org_ref": "GB-CHC-1234567",
    "reporting_org_type": 21,
    "reporting_org_name": "Day Centre Trust",
    "status": 2,
    "planned_start": dt.date(2024, 1, 1),
    "planned_end": dt.date(2025, 3, 31),
    "sector_code": "16010",
}

#: The same, as a TOML config file.
CONFIG_TOML = """\
identifier = "GB-CHC-1234567-day-centre"
status = 2

[reporting_org]
ref = "GB-CHC-1234567"
type = 21
name = "Day Centre Trust"

[dates]
planned_start = 2024-01-01
planned_end = 2025-03-31

[sector]
code = "16010"
"""


@cache
def _schema() -> Any:
    path = SCHEMA_DIR / "iati-activities-schema.xsd"
    if not path.is_file():
        pytest.fail(f"the IATI 2.03 schema is missing: {path.resolve()}")
    return etree.XMLSchema(etree.parse(str(path)))


def assert_valid(data: bytes) -> Any:
    """Parse ``data`` and check it against the IATI 2.03 schema; return the root."""
    root = etree.fromstring(data)
    schema = _schema()
    assert schema.validate(root), schema.error_log
    return root


def export(toc: ct.TheoryOfChange, **options: Any) -> tuple[Any, list[Any]]:
    """The map's document, validated, and its findings."""
    data, findings = iati_document(toc, **{**SETTINGS, **options})
    return assert_valid(data), findings


def one_outcome(*indicators: ct.Indicator, horizon: str = "short") -> ct.TheoryOfChange:
    toc = ct.TheoryOfChange(title="One outcome")
    impact = toc.add_impact("People feel valued", kind="coproduction")
    toc.add_outcome(
        "The group decides",
        kind="coproduction",
        horizon=horizon,
        leads_to=[impact],
        indicators=indicators,
    )
    return toc


# --------------------------------------------------------------------------- the plugin


class TestIatiExporter(ExporterContract):
    exporter_name = "iati"

    @pytest.fixture(autouse=True)
    def config(
        self, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The contract exports with no options at all, and an IATI activity cannot be made
        without its identifier and reporting organisation: the exporter reads them from the
        file in COPROD_TOC_IATI_CONFIG, the way `coprod-toc render -f iati` (which passes no
        options either) is given them. Kept outside tmp_path, which the contract lists."""
        path = tmp_path_factory.mktemp("iati-config") / "iati.toml"
        path.write_text(CONFIG_TOML, encoding="utf-8")
        monkeypatch.setenv(CONFIG_ENV, str(path))


def test_found_through_the_entry_point() -> None:
    """The installed distribution's entry point registers the exporter."""
    manager = make_plugin_manager(autoload=True)
    assert manager.extensions.exporters["iati"].plugin == "iati"
    assert manager.versions["iati"] == "0.1.0"
    assert manager.distributions["iati"] == "coprod-toc-iati"


def test_listed_by_the_plugins_command() -> None:
    """coprod-toc plugins shows iati with its version, hook and exporter."""
    output = CliRunner().invoke(main, ["plugins"]).output
    assert "iati 0.1.0\n  hooks: register_exporters\n  provides: exporter iati" in output


def test_the_schema_is_the_official_one() -> None:
    """The schema the tests use is the 2.03 release, read from the shared standards."""
    repo = Path(__file__).resolve().parents[3]
    assert SCHEMA_DIR.resolve() == (repo.parent / "shared" / "standards" / "iati-2.03").resolve()
    assert 'version="2.03"' in (SCHEMA_DIR / "iati-activities-schema.xsd").read_text("utf-8")


@pytest.mark.parametrize("sample", [*sorted(sample_maps()), "hostile"])
def test_every_sample_validates(sample: str) -> None:
    """Complete, empty, tricky, broken and hostile maps give files the schema accepts,
    with their texts intact."""
    toc = hostile_map() if sample == "hostile" else sample_maps()[sample]
    root, _ = export(toc)
    assert root.findtext("iati-activity/title/narrative") == toc.title
    root, _ = export(
        toc,
        lang="cy",
        default_currency="GBP",
        actual_start="2024-02-01",
        actual_end="2025-02-28",
        recipient_country="GB",
        aggregation_status=True,
        generated_datetime="2025-04-01T09:00:00Z",
        baseline_year=2023,
    )
    assert root.get("generated-datetime") == "2025-04-01T09:00:00Z"


def test_the_day_centre_achievement() -> None:
    """The worked example's indicator: baseline, an actual for a quarter, the target over
    the planned dates, in date order."""
    root, findings = export(sample_maps()["full"])
    assert findings == []
    activity = root.find("iati-activity")
    assert activity.findtext("iati-identifier") == "GB-CHC-1234567-day-centre"
    assert activity.find("reporting-org").attrib == {"ref": "GB-CHC-1234567", "type": "21"}
    assert activity.find("participating-org").get("role") == "4"
    assert activity.find("other-identifier").attrib == {"ref": "host:project/1", "type": "A1"}
    assert [d.attrib for d in activity.findall("activity-date")] == [
        {"type": "1", "iso-date": "2024-01-01"},
        {"type": "3", "iso-date": "2025-03-31"},
    ]
    (result,) = activity.findall("result")
    assert result.attrib == {"type": "1", "aggregation-status": "0"}
    assert result.findtext("description/narrative") == "I help decide what the day centre does."
    indicator = result.find("indicator")
    assert indicator.attrib == {"measure": "1", "ascending": "1"}
    assert indicator.find("baseline").attrib == {"year": "2024", "value": "0"}
    periods = [
        (
            p.find("period-start").get("iso-date"),
            p.find("period-end").get("iso-date"),
            [(c.tag, c.get("value")) for c in p.findall("*")[2:]],
        )
        for p in indicator.findall("period")
    ]
    assert periods == [
        ("2024-01-01", "2024-03-31", [("actual", "4")]),
        ("2024-01-01", "2025-03-31", [("target", "10")]),
    ]


# --------------------------------------------------------------------------- what maps to what


def test_result_types_follow_the_horizon() -> None:
    """Short-term outcomes are outputs (1), medium and long ones outcomes (2); outcomes
    without indicators are not results; impacts hold no indicators, so no type 3."""
    toc = ct.TheoryOfChange(title="Horizons")
    impact = toc.add_impact("Impact", kind="project")
    indicator = ct.Indicator(id="N1", description="Count", target=5)
    for horizon in ("long", "medium", "short"):
        toc.add_outcome(
            f"{horizon} outcome",
            kind="project",
            horizon=horizon,
            leads_to=[impact],
            indicators=[indicator],
        )
    toc.add_outcome("No indicator", kind="project", horizon="short", leads_to=[impact])
    root, _ = export(toc)
    results = {r.findtext("title/narrative"): r.get("type") for r in root.iter("result")}
    assert results == {"long outcome": "2", "medium outcome": "2", "short outcome": "1"}


def test_a_withheld_actual_is_never_a_number() -> None:
    """An actual withheld from a small group is written without a value, its reason as a
    comment; the next period's figure is a value."""
    toc = one_outcome(
        ct.Indicator(
            id="N1",
            description="Share who feel listened to",
            measure="percentage",
            actuals=[
                ct.Actual(period="2025-Q1", value=WITHHELD),
                ct.Actual(period="2025-Q2", value=64.5),
            ],
        )
    )
    root, findings = export(toc)
    assert findings == []
    withheld, counted = root.iter("actual")
    assert "value" not in withheld.attrib
    assert withheld.findtext("comment/narrative") == WITHHELD
    assert counted.get("value") == "64.5"
    values = [e.get("value") for e in root.iter() if e.get("value") is not None]
    assert values == ["64.5"]
    assert b'value="10"' not in etree.tostring(root)


def test_text_figures_and_qualitative_indicators_are_comments() -> None:
    """Texts in a numeric indicator and every figure of a qualitative one are comments."""
    toc = one_outcome(
        ct.Indicator(id="N1", description="Numbers", baseline="not measured", target="most"),
        ct.Indicator(
            id="N2",
            description="Stories",
            measure="qualitative",
            baseline=3,
            target="People say they are heard",
            actuals=[ct.Actual(period="2024", value="Mostly heard")],
        ),
    )
    root, _ = export(toc)
    numbers, stories = root.iter("indicator")
    assert numbers.find("baseline").attrib == {"year": "2024"}
    assert numbers.findtext("baseline/comment/narrative") == "not measured"
    assert numbers.findtext("period/target/comment/narrative") == "most"
    assert stories.get("measure") == "5"
    assert stories.findtext("baseline/comment/narrative") == "3"
    comments = [e.findtext("comment/narrative") for e in stories.iter("target", "actual")]
    assert comments == ["Mostly heard", "People say they are heard"]
    assert not any("value" in e.attrib for e in stories.iter("baseline", "target", "actual"))


def test_numbers_are_written_as_decimals() -> None:
    """Floats are never written in exponent form; descending indicators say so."""
    toc = one_outcome(
        ct.Indicator(
            id="N1",
            description="Waiting days",
            ascending=False,
            baseline=1e20,
            target=2.5e-7,
            actuals=[ct.Actual(period="2024-03", value=10**25)],
        ),
    )
    root, _ = export(toc)
    indicator = root.find(".//indicator")
    assert indicator.get("ascending") == "0"
    assert indicator.find("baseline").get("value") == "100000000000000000000"
    assert indicator.find(".//target").get("value") == "0.00000025"
    assert indicator.find(".//actual").get("value") == "1" + "0" * 25


def test_an_actual_that_names_no_dates_is_left_out_with_a_finding(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """An actual labelled "Spring" is not exported; the finding names the indicator and the
    label, and the exporter logs it."""
    toc = one_outcome(
        ct.Indicator(
            id="N7",
            description="Meetings",
            actuals=[ct.Actual(period="Spring", value=3), ct.Actual(period="2025-03", value=4)],
        ),
    )
    root, findings = export(toc)
    assert [a.get("value") for a in root.iter("actual")] == ["4"]
    (finding,) = findings
    assert (finding.code, finding.outcome, finding.indicator) == ("actual-not-a-period", "O1", "N7")
    assert "N7" in finding.message and "'Spring'" in finding.message
    with caplog.at_level(logging.WARNING, logger="coprod_toc_iati"):
        ct.export(toc, "iati", tmp_path / "out.xml", **SETTINGS)
    assert [r.getMessage() for r in caplog.records] == [finding.message]


def test_a_target_needs_dates_to_span() -> None:
    """With no end date the target is left out, with a finding; an actual end date serves
    when there is no planned one."""
    toc = one_outcome(ct.Indicator(id="N1", description="Count", target=8))
    root, findings = export(toc, planned_end=None)
    assert root.find(".//target") is None
    assert [(f.code, f.indicator) for f in findings] == [("target-without-period", "N1")]
    root, findings = export(toc, planned_end=None, actual_end="2024-12-31")
    assert root.find(".//period-end").get("iso-date") == "2024-12-31"
    assert findings == []


def test_the_language_is_the_activity_default() -> None:
    """lang="cy" makes Welsh the activity's default language, which every narrative has."""
    root, _ = export(sample_maps()["full"], lang="cy")
    activity = root.find("iati-activity")
    assert activity.get(XML_LANG) == "cy"
    assert all(n.get(XML_LANG) is None for n in activity.iter("narrative"))
    root, _ = export(sample_maps()["full"])
    assert root.find("iati-activity").get(XML_LANG) == "en"


def test_characters_xml_cannot_hold_are_left_out() -> None:
    """Control characters in a setting are dropped, not a crash; a setting of nothing but
    them is refused."""
    root, _ = export(sample_maps()["empty"], reporting_org_name="Day\x00 Centre\x0b Trust\ufffe")
    assert root.findtext(".//reporting-org/narrative") == "Day Centre Trust"
    with pytest.raises(ct.RenderError, match="identifier="):
        export(sample_maps()["empty"], identifier="\x01\x02")


def test_the_identifier_should_start_with_the_reporting_org() -> None:
    """An identifier under another organisation's prefix is exported, with a finding."""
    _, findings = export(sample_maps()["full"], identifier="XM-DAC-1-x")
    assert [f.code for f in findings] == ["identifier-prefix"]


def test_same_map_and_settings_give_the_same_bytes() -> None:
    """Nothing of the clock gets in unless asked for."""
    first, _ = iati_document(sample_maps()["full"], **SETTINGS)
    second, _ = iati_document(sample_maps()["full"].copy(), **SETTINGS)
    assert first == second
    assert b"generated-datetime" not in first


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("2025", "2025-01-01", "2025-12-31"),
        ("2025-Q1", "2025-01-01", "2025-03-31"),
        ("2024 q4", "2024-10-01", "2024-12-31"),
        ("2024-02", "2024-02-01", "2024-02-29"),
        ("2025-03-14", "2025-03-14", "2025-03-14"),
        ("2023/24", "2023-04-01", "2024-03-31"),
        ("FY1999-00", "1999-04-01", "2000-03-31"),
        ("2011-12", "2011-12-01", "2011-12-31"),
        ("2024-04-01/2025-03-31", "2024-04-01", "2025-03-31"),
        ("2024-04/2025-Q1", "2024-04-01", "2025-03-31"),
    ],
)
def test_period_labels(label: str, start: str, end: str) -> None:
    """Years, quarters, months, days, UK financial years and ISO intervals."""
    assert period_dates(label) == (dt.date.fromisoformat(start), dt.date.fromisoformat(end))


@pytest.mark.parametrize(
    "label",
    [
        "Spring",
        "baseline",
        "2023/2024",
        "2023/25",
        "2025-02-30",
        "2025-13",
        "2025/2024-01",
        "0000",
        "２０２５",
    ],
)
def test_labels_that_name_no_period(label: str) -> None:
    """Words, ambiguous or impossible dates and intervals that run backwards are refused."""
    with pytest.raises(NotAPeriod):
        period_dates(label)


# --------------------------------------------------------------------------- settings


def test_missing_settings_are_all_named_in_one_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """With nothing given, one error lists every required setting by its config key and
    option; with part of them in a file, it names the rest and the file."""
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    with pytest.raises(ct.RenderError) as caught:
        iati_document(sample_maps()["full"])
    message = str(caught.value)
    for key, option in [
        ("identifier", "identifier="),
        ("reporting_org.ref", "reporting_org_ref="),
        ("reporting_org.type", "reporting_org_type="),
        ("reporting_org.name", "reporting_org_name="),
        ("status", "status="),
        ("sector.code", "sector_code="),
        ("dates.planned_start or dates.actual_start", "planned_start= or actual_start="),
    ]:
        assert f"{key} (option {option})" in message


def test_missing_settings_name_the_config_file(tmp_path: Path) -> None:
    """Settings missing after a config file was read: the error names the file too."""
    path = tmp_path / "partial.toml"
    path.write_text('identifier = "GB-1-x"\n[reporting_org]\nref = "GB-1"\n', encoding="utf-8")
    with pytest.raises(ct.RenderError, match=r"partial\.toml") as caught:
        iati_document(sample_maps()["full"], config=path)
    assert "reporting_org.type" in str(caught.value) and "identifier (" not in str(caught.value)


def test_options_override_the_config_file(tmp_path: Path) -> None:
    """A config file supplies the settings; an option wins over the file's value."""
    path = tmp_path / "iati.toml"
    path.write_text(CONFIG_TOML + '\n[[participating_org]]\nrole = 1\nname = "Funder"\n', "utf-8")
    data, _ = iati_document(sample_maps()["full"], config=str(path), status=3, lang="fr")
    root = assert_valid(data)
    assert root.find(".//activity-status").get("code") == "3"
    assert root.find("iati-activity").get(XML_LANG) == "fr"
    (org,) = root.iter("participating-org")
    assert org.attrib == {"role": "1"} and org.findtext("narrative") == "Funder"


def test_the_readme_config_exports(tmp_path: Path) -> None:
    """The README's example config, as written there, makes a valid file."""
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    (example,) = [b for b in readme.split("```toml\n")[1:] if b.startswith("identifier")]
    path = tmp_path / "iati.toml"
    path.write_text(example.split("```")[0], encoding="utf-8")
    data, findings = iati_document(sample_maps()["full"], config=path)
    root = assert_valid(data)
    assert findings == []
    assert [o.get("role") for o in root.iter("participating-org")] == ["1", "4"]
    assert root.find("iati-activity").get("default-currency") == "GBP"


def test_a_config_dict_is_taken_too() -> None:
    """config= may be a dict shaped like the TOML file."""
    root, _ = iati_tree(sample_maps()["empty"], config=tomllib.loads(CONFIG_TOML))
    assert root.findtext(".//iati-identifier") == "GB-CHC-1234567-day-centre"


def test_malformed_toml_names_the_file_and_line(tmp_path: Path) -> None:
    """A config that is not TOML is a FormatError naming the file and the line."""
    path = tmp_path / "broken.toml"
    path.write_text('identifier = "GB-1-x"\nstatus = = 2\n', encoding="utf-8")
    with pytest.raises(ct.FormatError) as caught:
        iati_document(sample_maps()["full"], config=path)
    assert caught.value.source == str(path)
    assert "broken.toml" in str(caught.value) and "line 2" in str(caught.value)


def test_unreadable_config_files_are_format_errors(tmp_path: Path) -> None:
    """A missing file and a file that is not UTF-8 are FormatErrors naming the file."""
    for path, content in (
        (tmp_path / "absent.toml", None),
        (tmp_path / "latin.toml", b"x = '\xe9'"),
    ):
        if content is not None:
            path.write_bytes(content)
        with pytest.raises(ct.FormatError, match=path.name):
            iati_document(sample_maps()["full"], config=path)


def _merged(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


@pytest.mark.parametrize(
    ("patch", "key", "problem"),
    [
        ({"dates": {"planned_start": 12}}, "dates.planned_start", "must be a date"),
        (
            {"dates": {"planned_start": dt.datetime(2024, 1, 1, 10)}},
            "dates.planned_start",
            "not a date and time",
        ),
        (
            {"dates": {"planned_end": dt.date(2023, 1, 1)}},
            "dates.planned_end",
            "is before dates.planned_start",
        ),
        ({"status": 9}, "status", "ActivityStatus"),
        ({"status": True}, "status", "ActivityStatus"),
        ({"reporting_org": {"type": "charity"}}, "reporting_org.type", "OrganisationType"),
        ({"reporting_org": 3}, "reporting_org", "must be a table"),
        ({"sector": {"code": "160"}}, "sector.code", "5-digit"),
        ({"sector": {"vocabulary": "0"}}, "sector.vocabulary", "SectorVocabulary"),
        ({"lang": "en GB"}, "lang", "language code"),
        ({"aggregation_status": 1}, "aggregation_status", "true or false"),
        ({"baseline_year": 0}, "baseline_year", "must be a year"),
        ({"generated_datetime": "soon"}, "generated_datetime", "date and time"),
        ({"default_currency": "pounds"}, "default_currency", "ISO 4217"),
        ({"participating_org": [{"role": 7}]}, "participating_org[0].role", "OrganisationRole"),
        ({"participating_org": [{"name": "No role"}]}, "participating_org[0].role", "is missing"),
        ({"participating_org": "everyone"}, "participating_org", "list of organisations"),
        ({"dates": {"planed_start": dt.date(2024, 1, 1)}}, "dates.planed_start", "unknown key"),
        ({"identifer": "x"}, "identifer", "unknown key"),
    ],
)
def test_a_wrong_value_names_its_key(
    tmp_path: Path, patch: dict[str, Any], key: str, problem: str
) -> None:
    """A value of the wrong type or outside its code list, or an unknown key, is a
    FormatError naming the file and the key path; never a KeyError or an lxml error."""
    path = tmp_path / "iati.toml"
    path.write_text(tomli_w.dumps(_merged(tomllib.loads(CONFIG_TOML), patch)), encoding="utf-8")
    with pytest.raises(ct.FormatError) as caught:
        iati_document(sample_maps()["full"], config=path)
    error = caught.value
    assert (error.source, error.path) == (str(path), key)
    assert str(error).startswith(f"{path}: {key}: ")
    assert problem in str(error)


@pytest.mark.parametrize(
    ("option", "value", "problem"),
    [
        ("no_such_option", True, "no option no_such_option="),
        ("status", "active", "option status="),
        ("planned_start", "01/02/2024", "option planned_start="),
        ("config", 42, "option config="),
    ],
)
def test_bad_options_are_render_errors(option: str, value: object, problem: str) -> None:
    """An unknown option or an option's wrong value is a RenderError naming it."""
    with pytest.raises(ct.RenderError, match=problem):
        iati_document(sample_maps()["full"], **{**SETTINGS, option: value})


# --------------------------------------------------------------------------- properties

ORG_TYPES = sorted(ORGANISATION_TYPES)
DAYS = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))
JUNK = (
    st.integers(-10, 10**6)
    | st.booleans()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(codec="utf-8"), max_size=12)
    | DAYS
    | st.datetimes(timezones=st.none() | st.just(dt.UTC))
    | st.lists(st.integers(), max_size=2)
    | st.fixed_dictionaries({"x": st.integers()})
)
ANY_TEXT = st.text(st.characters(codec="utf-8"), min_size=1, max_size=30)


@st.composite
def valid_settings(draw: st.DrawFn) -> dict[str, Any]:
    """Options that make an export: random texts, codes from the code lists, dates in order."""
    ref = draw(ANY_TEXT.filter(lambda s: s.strip() and s.isprintable()))
    start, end = sorted(draw(st.lists(DAYS, min_size=2, max_size=2)))
    options: dict[str, Any] = {
        "identifier": f"{ref}-{draw(ANY_TEXT)}",
        "reporting_org_ref": ref,
        "reporting_org_type": draw(
            st.sampled_from(ORG_TYPES) | st.sampled_from(ORG_TYPES).map(int)
        ),
        "reporting_org_name": draw(ANY_TEXT.filter(lambda s: s.strip() and s.isprintable())),
        "status": draw(st.integers(1, 6)),
        draw(st.sampled_from(["planned_start", "actual_start"])): start,
        "sector_code": draw(st.from_regex(r"[0-9]{5}", fullmatch=True)),
        "lang": draw(st.sampled_from(["en", "cy", "fr", "en-GB", "gd"])),
    }
    if draw(st.booleans()):
        options["planned_end"] = end
    if draw(st.booleans()):
        options["aggregation_status"] = draw(st.booleans())
    return options


@settings(max_examples=30, deadline=None)
@given(toc=maps(), options=valid_settings())
def test_random_maps_export_and_validate(toc: ct.TheoryOfChange, options: dict[str, Any]) -> None:
    """Any map with any valid settings exports, the schema accepts it, and every value
    written is a decimal number."""
    data, findings = iati_document(toc, **options)
    root = assert_valid(data)
    for element in root.iter("baseline", "target", "actual"):
        if element.get("value") is not None:
            Decimal(element.get("value"))
    outcomes = [o for o in toc.outcomes() if o.indicators]
    assert len(root.findall(".//result")) == len(outcomes)
    assert all(f.code for f in findings)


@st.composite
def random_configs(draw: st.DrawFn) -> dict[str, Any]:
    """A config with each key right, wrong, missing or misspelt."""
    right = draw(valid_settings())
    config: dict[str, Any] = {}
    tables = {
        "reporting_org_ref": ("reporting_org", "ref"),
        "reporting_org_type": ("reporting_org", "type"),
        "reporting_org_name": ("reporting_org", "name"),
        "planned_start": ("dates", "planned_start"),
        "actual_start": ("dates", "actual_start"),
        "planned_end": ("dates", "planned_end"),
        "sector_code": ("sector", "code"),
    }
    for option, value in right.items():
        choice = draw(st.integers(0, 9))
        if choice == 0:
            continue
        if choice == 1:
            value = draw(JUNK)
        if option in tables:
            table, key = tables[option]
            config.setdefault(table, {})[key + ("_" if choice == 2 else "")] = value
        else:
            config[option] = value
    return config


@settings(max_examples=30, deadline=None)
@given(toc=maps(max_nodes=3), config=random_configs(), as_file=st.booleans())
def test_random_configs_give_only_library_errors(
    tmp_path_factory: pytest.TempPathFactory,
    toc: ct.TheoryOfChange,
    config: dict[str, Any],
    as_file: bool,
) -> None:
    """Whatever a config holds, the export either succeeds with a file the schema accepts
    or raises one of the library's errors."""
    source: Any = config
    if as_file:
        source = tmp_path_factory.mktemp("config") / "iati.toml"
        source.write_text(tomli_w.dumps(config), encoding="utf-8")
    try:
        data, _ = iati_document(toc, config=source)
    except ct.CoprodTocError:
        return
    assert_valid(data)


def test_a_map_without_indicators_is_said_to_report_no_results() -> None:
    """The day-centre example has no indicators: the file is valid, and a finding says it
    reports no results, so nobody takes it for a results report."""
    data, findings = iati_document(ct.example("day-centre"), **SETTINGS)
    assert b"<result" not in data
    assert [f.code for f in findings] == ["no-results"]


def test_a_config_that_is_not_a_regular_file_is_refused() -> None:
    with pytest.raises(
        ct.FormatError, match="/dev/zero: cannot read the IATI config: it is not a regular file"
    ):
        export(sample_maps()["full"], config="/dev/zero")
