"""The importer kit: what every survey importer, built-in or third-party, is made of.

An importer says what each column of its tool's export is (:class:`Column`, :class:`Role`)
and leaves the rest to the kit, so every tool gets the same handling:

- :func:`open_rows` reads a CSV, TSV or XLSX as rows of text cells (the encoding and the
  delimiter decided once, spreadsheet cells as a CSV would hold them);
- :func:`build_table` turns classified columns into the neutral :class:`SurveyTable`:
  personal data left out, free text scrubbed, blank rows skipped;
- :class:`Importer` is the base class: ``recognise`` a file from its first rows, ``build``
  its table, and ``write_example`` a small file in the tool's own layout, which the
  conformance kit (:mod:`coprod_toc.testing`) uses to prove the importer's privacy.
"""

from coprod_toc.surveys.kit.importer import COMMON_OPTIONS, Importer, Options, peek
from coprod_toc.surveys.kit.layout import (
    Column,
    Role,
    build_table,
    choose_respondent,
    header_cells,
    personal_role,
    question_column,
    slug,
    unique_key,
    unique_keys,
)
from coprod_toc.surveys.kit.rows import Rows, cell_text, is_xlsx, open_rows, sniff_text
from coprod_toc.surveys.kit.writers import example_times, write_csv, write_xlsx

__all__ = [
    "COMMON_OPTIONS",
    "Column",
    "Importer",
    "Options",
    "Role",
    "Rows",
    "build_table",
    "cell_text",
    "choose_respondent",
    "example_times",
    "header_cells",
    "is_xlsx",
    "open_rows",
    "peek",
    "personal_role",
    "question_column",
    "slug",
    "sniff_text",
    "unique_key",
    "unique_keys",
    "write_csv",
    "write_xlsx",
]
