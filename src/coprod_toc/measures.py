"""Deprecated: scales and instruments moved to :mod:`coprod_toc.evidence.measures`; this
alias goes in the next release."""

import warnings

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

__all__ = [
    "INSTRUMENTS",
    "MISSING",
    "SCALES",
    "Instrument",
    "Scale",
    "Scored",
    "custom_instrument",
    "licensed_instrument",
    "normalise_label",
]

warnings.warn(
    "coprod_toc.measures is deprecated: import from coprod_toc.evidence.measures (or coprod_toc)",
    DeprecationWarning,
    stacklevel=2,
)
