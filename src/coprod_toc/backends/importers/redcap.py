"""REDCap: the raw data CSV, labelled through its data dictionary.

The first column is the record id; checkboxes become ``var___code`` columns of 0/1; surveys
add ``<form>_timestamp`` and ``<form>_complete`` (2 = complete). Pass ``dictionary=`` (the
data dictionary CSV) to get the field labels, the choice labels, and the fields marked as
identifiers, which are then left out like any personal data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import attrs

from coprod_toc.errors import FormatError
from coprod_toc.surveys.kit import (
    Column,
    Importer,
    Options,
    Role,
    Rows,
    example_times,
    header_cells,
    open_rows,
    personal_role,
    question_column,
    slug,
    unique_keys,
    write_csv,
)
from coprod_toc.surveys.table import SurveyTable

__all__ = ["REDCapImporter", "read_dictionary"]

DICTIONARY_FIRST = "Variable / Field Name"
_CHECKBOX = re.compile(r"(.+)___(\w+)")
_YESNO = {"yesno": {"1": "Yes", "0": "No"}, "truefalse": {"1": "True", "0": "False"}}


@attrs.frozen
class Field:
    name: str
    type: str
    label: str
    choices: dict[str, str]
    identifier: bool


def _choices(text: str) -> dict[str, str]:
    choices = {}
    for part in text.split("|"):
        code, sep, label = part.partition(",")
        if sep and code.strip():
            choices[code.strip()] = label.strip()
    return choices


def read_dictionary(path: str | Path) -> dict[str, Field]:
    """A REDCap data dictionary as fields by name.

    :raises FormatError: the file is not a data dictionary.
    """
    rows = list(open_rows(Path(path)).open())
    if not rows or header_cells(rows[0][1])[:1] != [DICTIONARY_FIRST]:
        raise FormatError(
            f"not a REDCap data dictionary (A1 is not {DICTIONARY_FIRST!r})", source=str(path)
        )
    fields = {}
    for _, row in rows[1:]:
        cells = [(c or "").strip() for c in row] + [""] * 18
        name, kind, label = cells[0], cells[3], cells[4]
        if not name:
            continue
        choices = _YESNO.get(kind) or (
            _choices(cells[5]) if kind in ("radio", "dropdown", "checkbox") else {}
        )
        fields[name] = Field(
            name, kind, re.sub(r"<[^>]+>", "", label), choices, cells[10].lower() == "y"
        )
    return fields


def _complete(value: str | None) -> bool | None:
    return None if not value else value.strip() == "2"


class REDCapImporter(Importer):
    name: ClassVar[str] = "redcap"
    description: ClassVar[str] = "REDCap raw data CSV (dictionary= adds labels and identifiers)"
    options: ClassVar[tuple[str, ...]] = ("dictionary",)

    def recognise(self, rows: tuple[tuple[str, ...], ...], head: bytes) -> bool:
        headers = rows[0]
        if headers[0] == DICTIONARY_FIRST:
            return True  # read() then says to pass it as dictionary=
        return any(h.endswith("_complete") for h in headers) and (
            any(_CHECKBOX.fullmatch(h) for h in headers)
            or any(h.startswith("redcap_") for h in headers)
            or headers[0] == "record_id"
        )

    def build(self, rows: Rows, options: Options) -> SurveyTable:
        headers = header_cells(rows.header(1, "a REDCap export")[0])
        if headers[:1] == [DICTIONARY_FIRST]:
            raise FormatError(
                "this is a REDCap data dictionary: import the data export and pass this file "
                "as dictionary=",
                source=rows.source,
            )
        if not (headers[0] == "record_id" or any(h.endswith("_complete") for h in headers)):
            raise FormatError(
                "a REDCap export has its record_id or a form's _complete column; this file "
                "has neither; name the tool that wrote it with format=, or let it be detected",
                source=rows.source,
            )
        if len(headers) < 2:
            raise FormatError("the file has no header row", source=rows.source)
        path = options.get("dictionary", (str, Path))
        fields = read_dictionary(path) if path is not None else {}
        columns = [Column(0, headers[0], Role.RESPONDENT)]
        submitted = next((h for h in headers if h.endswith("_timestamp")), None)
        completed = next((h for h in headers if h.endswith("_complete")), None)
        for index, header in enumerate(headers[1:], start=1):
            checkbox = _CHECKBOX.fullmatch(header)
            name = checkbox.group(1) if checkbox else header
            field = fields.get(name)
            if header == submitted:
                columns.append(Column(index, header, Role.SUBMITTED))
            elif header == completed:
                columns.append(Column(index, header, Role.COMPLETE))
            elif header.endswith(("_timestamp", "_complete")):
                columns.append(Column(index, header, Role.META))
            elif header == "redcap_survey_identifier" or (field and field.identifier):
                columns.append(Column(index, header, personal_role(header) or Role.PERSONAL))
            elif (role := personal_role(header)) is not None:
                columns.append(Column(index, header, role))
            elif checkbox:
                code = checkbox.group(2)
                label = field.choices.get(code, code) if field else code
                columns.append(
                    question_column(
                        index,
                        header,
                        header,
                        field.label if field else name,
                        label,
                        labels={"1": "Checked", "0": "Unchecked"},
                    )
                )
            else:
                columns.append(
                    question_column(
                        index,
                        header,
                        header,
                        field.label if field else header,
                        labels=field.choices if field and field.choices else None,
                    )
                )
        return self.table(
            rows,
            options,
            columns,
            header_rows=1,
            complete=_complete,
            notes=[] if fields else ["values are codes: pass dictionary= to label them"],
        )

    def write_example(
        self, path: Path, questions: Sequence[str], answers: Sequence[Sequence[str]]
    ) -> Path:
        """A survey project's raw data: ``record_id``, the survey's timestamp, one column
        per field (its variable name made from the question), the survey's completion."""
        names = unique_keys(slug(q, 26) for q in questions)
        rows = [["record_id", "feedback_timestamp", *names, "feedback_complete"]]
        for n, (at, row) in enumerate(zip(example_times(len(answers)), answers, strict=True)):
            rows.append([str(n + 1), f"{at:%Y-%m-%d %H:%M:%S}", *row, "2"])
        return write_csv(path.with_suffix(".csv"), rows)
