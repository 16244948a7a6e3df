"""The built-in survey importers, one per tool's export layout, all plugins.

Each classifies the columns of its tool (``_layout.Column``) and leaves the rest to the
shared reader (``_read``: encodings, delimiters, spreadsheets) and table builder
(``_layout.build_table``: rows, personal data, identifiers).

The importers (and the survey layer under them) are imported when the host first asks for
survey importers, not when the plugin is loaded: a command that never reads a survey does
not pay for them.
"""

from __future__ import annotations

from typing import Any

from coprod_toc.plugins.hookspecs import Register, hookimpl


def importers() -> tuple[type[Any], ...]:
    """The importer classes, in the order detection tries them: the most specific
    fingerprints first."""
    from coprod_toc.backends.importers.generic import GenericImporter
    from coprod_toc.backends.importers.google import GoogleFormsImporter, GoogleSheetsImporter
    from coprod_toc.backends.importers.kobo_odk import KoboImporter, OdkCentralImporter
    from coprod_toc.backends.importers.limesurvey import LimeSurveyImporter
    from coprod_toc.backends.importers.ms_forms import MicrosoftFormsImporter
    from coprod_toc.backends.importers.qualtrics import (
        QualtricsImporter,
        QualtricsLegacyImporter,
    )
    from coprod_toc.backends.importers.redcap import REDCapImporter
    from coprod_toc.backends.importers.surveymonkey import SurveyMonkeyImporter

    return (
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
    for importer in importers():
        register(importer.name, importer)
