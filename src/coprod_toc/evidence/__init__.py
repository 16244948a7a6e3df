"""The evidence behind a map: its records, the measures that score answers, and the
statistics of change.

- :mod:`coprod_toc.evidence.records` — participants (pseudonyms only), consents, evidence
  items, logbook entries, benefits, process feedback, measure administrations, and the
  :class:`Evidence` collection a map holds (model layer, no I/O);
- :mod:`coprod_toc.evidence.measures` — answer scales and validated instruments;
- :mod:`coprod_toc.evidence.change` — paired before/after change and the Wilcoxon
  signed-rank test, with small groups protected.
"""

from typing import TYPE_CHECKING

from coprod_toc._lazy import lazy_package

if TYPE_CHECKING:  # what type checkers see; at run time each part loads on first use
    from coprod_toc.evidence.change import (
        INDICATIVE_BELOW,
        SUPPRESS_BELOW,
        PairedChange,
        Wilcoxon,
        paired_change,
        wilcoxon,
    )
    from coprod_toc.evidence.measures import (
        INSTRUMENTS,
        MISSING,
        SCALES,
        Instrument,
        Scale,
        Scored,
        custom_instrument,
        licensed_instrument,
        normalise_label,
    )
    from coprod_toc.evidence.records import (
        SECTIONS,
        Benefit,
        BenefitDomain,
        ConsentMethod,
        ConsentRecord,
        Evidence,
        EvidenceItem,
        EvidenceType,
        ItemResponse,
        LogbookEntry,
        MeasureAdministration,
        Participant,
        ProcessFeedback,
        Recipient,
        RejectedAnswer,
    )

__all__ = [
    "INDICATIVE_BELOW",
    "INSTRUMENTS",
    "MISSING",
    "SCALES",
    "SECTIONS",
    "SUPPRESS_BELOW",
    "Benefit",
    "BenefitDomain",
    "ConsentMethod",
    "ConsentRecord",
    "Evidence",
    "EvidenceItem",
    "EvidenceType",
    "Instrument",
    "ItemResponse",
    "LogbookEntry",
    "MeasureAdministration",
    "PairedChange",
    "Participant",
    "ProcessFeedback",
    "Recipient",
    "RejectedAnswer",
    "Scale",
    "Scored",
    "Wilcoxon",
    "custom_instrument",
    "licensed_instrument",
    "normalise_label",
    "paired_change",
    "wilcoxon",
]

if not TYPE_CHECKING:  # so type checkers still flag a misspelt name
    __getattr__, __dir__ = lazy_package(
        __name__,
        {
            "change": (
                "INDICATIVE_BELOW",
                "SUPPRESS_BELOW",
                "PairedChange",
                "Wilcoxon",
                "paired_change",
                "wilcoxon",
            ),
            "measures": (
                "INSTRUMENTS",
                "MISSING",
                "SCALES",
                "Instrument",
                "Scale",
                "Scored",
                "custom_instrument",
                "licensed_instrument",
                "normalise_label",
            ),
            "records": (
                "SECTIONS",
                "Benefit",
                "BenefitDomain",
                "ConsentMethod",
                "ConsentRecord",
                "Evidence",
                "EvidenceItem",
                "EvidenceType",
                "ItemResponse",
                "LogbookEntry",
                "MeasureAdministration",
                "Participant",
                "ProcessFeedback",
                "Recipient",
                "RejectedAnswer",
            ),
        },
    )
