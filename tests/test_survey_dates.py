"""Survey dates: the forms tools write, and the day/month order decided once per file."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import coprod_toc as ct
from coprod_toc.surveys.dates import DateOrder, decide_date_order, parse_timestamp
from coprod_toc.surveys.table import DATE_WINDOW

FIXTURES = Path(__file__).parent / "fixtures" / "surveys"
T = dt.datetime


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14 March 2025", T(2025, 3, 14)),
        ("14 Mar 2025 09:30", T(2025, 3, 14, 9, 30)),
        ("Mar 14, 2025 10:02 AM", T(2025, 3, 14, 10, 2)),
        ("March 14th 2025 2:15 pm", T(2025, 3, 14, 14, 15)),
        ("14-Mar-2025", T(2025, 3, 14)),
        ("14-Mar-25", T(2025, 3, 14)),
        ("Friday, 14 March 2025", T(2025, 3, 14)),
        ("14th Sept 2025 18:05:09", T(2025, 9, 14, 18, 5, 9)),
        ("2025-03-14T10:02:00+01:00", T(2025, 3, 14, 10, 2)),
        ("2025-03-14T10:02:00Z", T(2025, 3, 14, 10, 2)),
        ("2017-10-23T05:40:39.000-04:00", T(2017, 10, 23, 5, 40, 39)),
        ("2025-03-14", T(2025, 3, 14)),
        ("20250314", T(2025, 3, 14)),
        ("20250314T100200", T(2025, 3, 14, 10, 2)),
        ("14/03/2025 10:02", T(2025, 3, 14, 10, 2)),
        ("14.03.25", T(2025, 3, 14)),
        ("2022/06/22 11:07:29 AM AST", T(2022, 6, 22, 11, 7, 29)),
        ("1/14/2026 2:54:44 PM", T(2026, 1, 14, 14, 54, 44)),
        ("12/01/2026 12:00 AM", T(2026, 1, 12, 0, 0)),
    ],
)
def test_the_forms_tools_write_are_read(text: str, expected: dt.datetime) -> None:
    """Month names, ISO 8601 with offsets, compact and numeric forms all read as written."""
    assert parse_timestamp(text, dayfirst=not text.startswith("1/14")) == expected


def test_excel_serial_dates_are_read_only_from_spreadsheets() -> None:
    """45536.5 is noon on 1 September 2024 in a workbook (1900 system), 1904 shifted; in a
    text file a bare number is not a date."""
    assert parse_timestamp("45536.5", epoch=T(1899, 12, 30)) == T(2024, 9, 1, 12)
    assert parse_timestamp("44074.5", epoch=T(1904, 1, 1)) == T(2024, 9, 1, 12)
    with pytest.raises(ValueError):
        parse_timestamp("45536.5")


@pytest.mark.parametrize("text", ["yesterday", "31/02/2025", "14 Smarch 2025", "13:00 PM", "1/2/3"])
def test_what_is_not_a_date_is_refused(text: str) -> None:
    """Text that is no date, or a date that does not exist, is a ValueError."""
    with pytest.raises(ValueError):
        parse_timestamp(text)


@given(st.text(max_size=40))
def test_parsing_never_raises_anything_but_value_error(text: str) -> None:
    """Any text reads as a date or raises ValueError."""
    with contextlib.suppress(ValueError):
        parse_timestamp(text, epoch=T(1899, 12, 30))


# --------------------------------------------------------------------------- the decision


def decide(*rows: tuple[str | None, str | None]) -> DateOrder:
    return decide_date_order(
        ((n, start, end) for n, (start, end) in enumerate(rows, start=2)), source="t.csv"
    )


def test_rule_1_a_day_over_twelve_proves_day_first() -> None:
    """14/01 can only be day-first; the row that proves it is named."""
    assert decide((None, "03/02/2026"), (None, "14/01/2026")) == DateOrder(True, "proof", row=3)


def test_rule_1_a_second_number_over_twelve_proves_month_first() -> None:
    assert decide((None, "1/14/2026")) == DateOrder(False, "proof", row=2)


def test_rule_1_proof_of_both_orders_is_an_error_naming_both_rows() -> None:
    with pytest.raises(
        ct.FormatError, match=r"row 2 writes '14/01/2026'.*row 4 writes '1/14/2026'"
    ):
        decide((None, "14/01/2026"), (None, "03/02/2026"), (None, "1/14/2026"))


def test_rule_2_completion_within_a_day_of_its_start_decides() -> None:
    """A response started on 9/2 at 23:58 and completed on 9/3 at 00:04 is minutes long
    month-first and a month long day-first."""
    order = decide(("9/1/2024 11:27", "9/1/2024 11:31"), ("9/2/2024 23:58", "9/3/2024 0:04"))
    assert (order.dayfirst, order.rule) == (False, "start-completion")


def test_rule_3_consecutive_rows_closest_in_time_decide() -> None:
    """1/2, 1/3, 1/4 are days apart month-first and months apart day-first."""
    order = decide((None, "1/2/2024 10:00"), (None, "1/3/2024 09:00"), (None, "1/4/2024 11:00"))
    assert (order.dayfirst, order.rule) == (False, "consecutive")


def test_rule_4_undecided_files_are_read_day_first_with_a_note_naming_dayfirst() -> None:
    order = decide((None, "03/04/2026 10:00"))
    assert (order.dayfirst, order.rule) == (True, "default")
    assert order.note is not None and "dayfirst=False" in order.note


def test_files_whose_dates_never_need_the_order_are_unambiguous() -> None:
    """ISO dates, month names and dates like 05/05 say nothing and need nothing."""
    order = decide(
        ("2026-01-14 10:02", "2026-01-14 10:09"), (None, "14 March 2025"), (None, "05/05/2026")
    )
    assert (order.dayfirst, order.rule) == (True, "unambiguous")


# --------------------------------------------------------------------------- whole files


def test_ms_forms_us_dates_are_read_as_september_by_start_and_completion() -> None:
    """The Microsoft Forms export whose dates are all ambiguous reads as 1-3 September."""
    table = ct.import_survey(FIXTURES / "ms-forms-us-dates.xlsx")
    assert table.date_order is not None and table.date_order.rule == "start-completion"
    assert [r.submitted_at for r in table.responses()] == [
        T(2024, 9, 1, 11, 31), T(2024, 9, 1, 15, 52), T(2024, 9, 3, 0, 4), T(2024, 9, 3, 16, 9)
    ]  # fmt: skip
    assert [r.started_at for r in table.responses()][2] == T(2024, 9, 2, 23, 58)
    assert any("month-first" in note for note in table.notes)


def test_serial_dates_in_a_workbook_are_read() -> None:
    """Time cells that lost their date format (Excel serial numbers) read as the times."""
    table = ct.import_survey(FIXTURES / "ms-forms-serial-dates.xlsx")
    assert [r.submitted_at for r in table.responses()] == [
        T(2024, 9, 1, 11, 33),
        T(2024, 9, 2, 12, 10),
    ]


def test_a_month_name_date_column_imports(tmp_path: Path) -> None:
    """`14 March 2025` no longer fails the whole import."""
    path = tmp_path / "named.csv"
    path.write_text("ID,Date,Q\n1,14 March 2025,a\n2,15 Mar 2025 09:30,b\n")
    got = [r.submitted_at for r in ct.import_survey(path).responses()]
    assert got == [T(2025, 3, 14), T(2025, 3, 15, 9, 30)]


def test_an_undecided_file_warns_and_names_dayfirst(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text("ID,Date,Q\n1,03/04/2026,a\n")
    table = ct.import_survey(path)
    assert table.date_order == DateOrder(True, "default", note=table.date_order.note)  # type: ignore[union-attr]
    assert any("dayfirst=False" in warning for warning in table.warnings)


def test_a_given_order_is_used_and_a_date_that_cannot_be_read_so_names_its_row(
    tmp_path: Path,
) -> None:
    path = tmp_path / "given.csv"
    path.write_text("ID,Date,Q\n1,03/04/2026,a\n2,1/14/2026,b\n")
    table = ct.import_survey(path, dayfirst=True)
    assert table.date_order == DateOrder(True, "given")
    with pytest.raises(
        ct.FormatError, match=r"row 3: '1/14/2026' is not a date and time read day-first"
    ):
        list(table.responses())


def _long_file(path: Path, dates: list[str]) -> Path:
    path.write_text("ID,Date,Q\n" + "".join(f"{n},{d},a\n" for n, d in enumerate(dates, start=1)))
    return path


def test_the_whole_file_is_read_when_its_first_rows_do_not_decide(tmp_path: Path) -> None:
    """Ambiguous dates in the first rows, a proof far later: the proof decides, not a guess."""
    dates = ["03/04/2026"] * DATE_WINDOW + ["04/13/2026"]
    table = ct.import_survey(_long_file(tmp_path / "late.csv", dates))
    assert table.date_order == DateOrder(False, "proof", row=DATE_WINDOW + 2)
    assert next(table.responses()).submitted_at == T(2026, 3, 4)


def test_a_late_row_contradicting_an_early_proof_names_its_row(tmp_path: Path) -> None:
    """Proved day-first in the first rows, a month-first date past them is an error naming
    its row as the responses are read."""
    dates = ["14/01/2026"] * DATE_WINDOW + ["1/14/2026"]
    table = ct.import_survey(_long_file(tmp_path / "contradicts.csv", dates))
    with pytest.raises(
        ct.FormatError,
        match=rf"row {DATE_WINDOW + 2}: the date '1/14/2026' cannot be day-first, as row 2 showed",
    ):
        list(table.responses())
