"""Reading an XLSForm (the form definition KoboToolbox and ODK share), to label codes.

Only what labelling needs: each question's type, label and choice list from the ``survey``
sheet, and each list's choices from the ``choices`` sheet. The first ``label`` column is
used (``label`` or ``label::English (en)``).
"""

from __future__ import annotations

from pathlib import Path

import attrs

from coprod_toc.errors import FormatError
from coprod_toc.surveys.kit import header_cells, open_rows

__all__ = ["FormQuestion", "XLSForm", "read_xlsform"]


@attrs.frozen
class FormQuestion:
    name: str
    type: str
    label: str | None
    choices: dict[str, str]

    @property
    def multiple(self) -> bool:
        return self.type.startswith("select_multiple")


@attrs.frozen
class XLSForm:
    questions: dict[str, FormQuestion]

    def find(self, column: str) -> FormQuestion | None:
        """The question a column is for: its full name, or the last part of a group path."""
        for part in (column, column.replace("-", "/").rsplit("/", 1)[-1]):
            if part in self.questions:
                return self.questions[part]
        return None


def _sheet(path: Path, name: str) -> list[dict[str, str]]:
    rows = list(open_rows(path, sheet=name).open())
    if not rows:
        return []
    headers = [h.lower() for h in header_cells(rows[0][1])]
    return [
        {h: (c or "").strip() for h, c in zip(headers, cells, strict=False) if h}
        for _, cells in rows[1:]
    ]


def _label(row: dict[str, str]) -> str | None:
    for key, value in row.items():
        if key == "label" or key.startswith("label::"):
            return value or None
    return None


def read_xlsform(path: str | Path) -> XLSForm:
    """Read the ``survey`` and ``choices`` sheets of an XLSForm workbook.

    :raises FormatError: the file is not an XLSForm.
    """
    path = Path(path)
    try:
        survey, choices = _sheet(path, "survey"), _sheet(path, "choices")
    except FormatError as exc:
        raise FormatError(f"not an XLSForm: {exc.problem}", source=str(path)) from None
    lists: dict[str, dict[str, str]] = {}
    for row in choices:
        if row.get("list_name") and row.get("name"):
            lists.setdefault(row["list_name"], {})[row["name"]] = _label(row) or row["name"]
    questions = {}
    for row in survey:
        name, kind = row.get("name", ""), row.get("type", "")
        if not name or not kind:
            continue
        words = kind.split()
        options = (
            lists.get(words[1], {}) if len(words) > 1 and words[0].startswith("select") else {}
        )
        questions[name] = FormQuestion(name=name, type=kind, label=_label(row), choices=options)
    return XLSForm(questions)
