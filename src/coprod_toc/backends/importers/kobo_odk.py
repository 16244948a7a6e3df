"""KoboToolbox exports (CSV or XLSX) and ODK Central's CSV: both run on XLSForm.

Kobo ends its header with ``_uuid``, ``_submission_time`` and ``_index`` (its CSV uses
``;`` and quotes every field; group paths use ``/``). ODK Central starts with
``SubmissionDate`` and ``meta-instanceID`` and ends with ``KEY`` and its review columns
(group paths use ``-``). Values are codes, or labels when Kobo exported labels. A
select-multiple question is one column of space-joined codes and/or one ``q/choice`` column
of 1/0 per choice. Pass ``form=`` (the XLSForm) to label codes and split choices.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from coprod_toc.backends.importers.xlsform import XLSForm, read_xlsform
from coprod_toc.errors import FormatError
from coprod_toc.surveys.kit import (
    Column,
    Importer,
    Options,
    Role,
    Rows,
    example_times,
    header_cells,
    personal_role,
    question_column,
    slug,
    unique_keys,
    write_csv,
)
from coprod_toc.surveys.table import SurveyTable

__all__ = ["KoboImporter", "OdkCentralImporter"]

#: Headers every form may carry that say who or where someone is.
PERSONAL = frozenset(
    {"username", "phonenumber", "deviceid", "simserial", "subscriberid", "email",
     "_submitted_by", "SubmitterID", "SubmitterName", "DeviceID", "_geolocation"}
)  # fmt: skip
KOBO_META = frozenset(
    {"start", "end", "today", "audit", "_id", "_validation_status", "_notes", "_status",
     "_tags", "_index", "__version__", "_version_", "_xform_id_string", "meta/instanceID",
     "meta/rootUuid", "meta/deprecatedID", "formhub/uuid", "_attachments", "_parent_index",
     "_parent_table_name"}
)  # fmt: skip
ODK_META = frozenset(
    {"meta-instanceID", "AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState",
     "Edits", "FormVersion", "start", "end", "today", "meta-audit"}
)  # fmt: skip


def _form_columns(
    headers: list[str], form: XLSForm | None, meta: frozenset[str], roles: dict[str, Role]
) -> list[Column]:
    present = set(headers)
    columns = []
    for index, header in enumerate(headers):
        base, _, choice = header.rpartition("/")
        if header in roles:
            columns.append(Column(index, header, roles[header]))
        elif header in PERSONAL or header.rsplit("/", 1)[-1] in PERSONAL:
            columns.append(Column(index, header, Role.PERSONAL))
        elif (role := personal_role(header.replace("-", "/"))) is not None:
            columns.append(Column(index, header, role))
        elif header in meta or header.startswith("_"):
            columns.append(Column(index, header, Role.META))
        elif base and base in present:
            # q/choice beside q: one column of 1/0 per choice.
            asked = form.find(base) if form else None
            text = asked.label if asked and asked.label else base
            label = asked.choices.get(choice, choice) if asked else choice
            columns.append(question_column(index, header, header, text, label))
        elif any(h.startswith(header + "/") for h in present) and header not in roles:
            # The joined column of a select-multiple that also has split columns: the
            # split ones say the same thing unambiguously.
            columns.append(Column(index, header, Role.META))
        else:
            asked = form.find(header) if form else None
            columns.append(
                question_column(
                    index,
                    header,
                    header,
                    asked.label if asked and asked.label else header,
                    labels=asked.choices if asked else None,
                    separator=" " if asked and asked.multiple else None,
                )
            )
    return columns


class _FormImporter(Importer):
    options: ClassVar[tuple[str, ...]] = ("form",)
    meta: ClassVar[frozenset[str]] = frozenset()
    roles: ClassVar[dict[str, Role]] = {}
    #: The tool's own columns: an export has at least one of them.
    own: ClassVar[tuple[str, ...]] = ()
    tool: ClassVar[str] = ""

    def build(self, rows: Rows, options: Options) -> SurveyTable:
        rows.header(1, f"a {self.tool} export")
        head = rows.head(2)
        headers = header_cells(head[0])
        if not set(self.own) & set(headers):
            raise FormatError(
                f"a {self.tool} export has the columns {', '.join(self.own)}; this file has "
                "none of them",
                source=rows.source,
            )
        # Kobo's HXL option adds a second header row of #tags.
        tagged = len(head) > 1 and all(not c or c.startswith("#") for c in header_cells(head[1]))
        form_path = options.get("form", (str, object))
        form = read_xlsform(form_path) if form_path is not None else None
        columns = _form_columns(headers, form, self.meta, self.roles)
        notes = (
            [] if form else ["values are codes as the tool wrote them: pass form= to label them"]
        )
        return self.table(rows, options, columns, header_rows=2 if tagged else 1, notes=notes)


class KoboImporter(_FormImporter):
    name: ClassVar[str] = "kobo"
    description: ClassVar[str] = "KoboToolbox data export (CSV or XLSX; form= labels the codes)"
    meta: ClassVar[frozenset[str]] = KOBO_META
    own: ClassVar[tuple[str, ...]] = ("_uuid", "_id", "_submission_time", "_index")
    tool: ClassVar[str] = "KoboToolbox"
    roles: ClassVar[dict[str, Role]] = {
        "_uuid": Role.RESPONDENT,
        "_submission_time": Role.SUBMITTED,
    }

    def recognise(self, rows: tuple[tuple[str, ...], ...], head: bytes) -> bool:
        return {"_uuid", "_submission_time"} <= set(rows[0])

    def write_example(
        self, path: Path, questions: Sequence[str], answers: Sequence[Sequence[str]]
    ) -> Path:
        """A CSV data export with XML names: ``start``, ``end``, the questions (names made
        from their text), and Kobo's own columns; ``;``-separated, every field quoted."""
        names = unique_keys(slug(q, 30) for q in questions)
        own = ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
               "_submitted_by", "_tags", "_index"]  # fmt: skip
        rows = [["start", "end", *names, *own]]
        for n, (at, row) in enumerate(zip(example_times(len(answers)), answers, strict=True)):
            rows.append(
                [f"{at:%Y-%m-%dT%H:%M:%S}.000+00:00", f"{at:%Y-%m-%dT%H:%M:%S}.000+00:00", *row,
                 str(100 + n), f"8f1c{n:04d}-aaaa", f"{at:%Y-%m-%dT%H:%M:%S}", "", "",
                 "submitted_via_web", "", "", str(n + 1)]
            )  # fmt: skip
        return write_csv(path.with_suffix(".csv"), rows, delimiter=";", quote_all=True)


class OdkCentralImporter(_FormImporter):
    name: ClassVar[str] = "odk-central"
    description: ClassVar[str] = "ODK Central CSV export (form= labels the codes)"
    meta: ClassVar[frozenset[str]] = ODK_META
    own: ClassVar[tuple[str, ...]] = ("SubmissionDate", "meta-instanceID", "KEY")
    tool: ClassVar[str] = "ODK Central"
    roles: ClassVar[dict[str, Role]] = {"KEY": Role.RESPONDENT, "SubmissionDate": Role.SUBMITTED}

    def recognise(self, rows: tuple[tuple[str, ...], ...], head: bytes) -> bool:
        return rows[0][0] == "SubmissionDate" and {"meta-instanceID", "KEY"} <= set(rows[0])

    def write_example(
        self, path: Path, questions: Sequence[str], answers: Sequence[Sequence[str]]
    ) -> Path:
        """Central's CSV: ``SubmissionDate``, ``meta-instanceID``, the questions (names
        made from their text), ``KEY`` and the review columns; no byte order mark."""
        names = unique_keys(slug(q, 30) for q in questions)
        tail = ["KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent",
                "AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits",
                "FormVersion"]  # fmt: skip
        rows = [["SubmissionDate", "meta-instanceID", *names, *tail]]
        for n, (at, row) in enumerate(zip(example_times(len(answers)), answers, strict=True)):
            uuid = f"uuid:{n:08d}-aaaa"
            rows.append(
                [f"{at:%Y-%m-%dT%H:%M:%S}.000Z", uuid, *row, uuid, "7", "collector", "0", "0",
                 "", "", "collect:abc", "0", "1"]
            )  # fmt: skip
        return write_csv(path.with_suffix(".csv"), rows)
