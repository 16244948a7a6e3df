"""The built-in survey importers, one per tool's export layout, all plugins.

Each classifies the columns of its tool (``_layout.Column``) and leaves the rest to the
shared reader (``_read``: encodings, delimiters, spreadsheets) and table builder
(``_layout.build_table``: rows, personal data, identifiers).
"""

from __future__ import annotations

from coprod_toc.backends.importers.generic import GenericImporter
from coprod_toc.backends.importers.google import GoogleFormsImporter, GoogleSheetsImporter
from coprod_toc.backends.importers.kobo_odk import KoboImporter, OdkCentralImporter
from coprod_toc.backends.importers.limesurvey import LimeSurveyImporter
from coprod_toc.backends.importers.ms_forms import MicrosoftFormsImporter
from coprod_toc.backends.importers.qualtrics import QualtricsImporter, QualtricsLegacyImporter
from coprod_toc.backends.importers.redcap import REDCapImporter
from coprod_toc.backends.importers.surveymonkey import SurveyMonkeyImporter
from coprod_toc.hookspecs import Register, hookimpl

#: In the order detection tries them: the most specific fingerprints first.
IMPORTERS = (
    QualtricsImporter,
    QualtricsLegacyImporter,
    SurveyMonkeyImporter,
    GoogleFormsImporter,
    GoogleSheetsImporter,
    MicrosoftFormsImporter,
    KoboImporter,
    OdkCentralImporter,
    LimeSurveyImporter,
    REDCapImporter,
    GenericImporter,
)


@hookimpl
def register_survey_importers(register: Register) -> None:
    for importer in IMPORTERS:
        register(importer.name, importer)
