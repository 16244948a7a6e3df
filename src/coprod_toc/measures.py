"""Deprecated: scales and instruments moved to :mod:`coprod_toc.evidence.measures`; this
alias goes in coprod-toc 0.3."""

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
    "coprod_toc.measures is deprecated: import from coprod_toc.evidence.measures "
    "(it will be removed in coprod-toc 0.3)",
    DeprecationWarning,
    stacklevel=2,
)
