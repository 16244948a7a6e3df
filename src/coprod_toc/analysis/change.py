"""Deprecated: paired change moved to :mod:`coprod_toc.evidence.change`; this alias goes in
coprod-toc 0.3."""

import warnings

from coprod_toc.evidence.change import (
    INDICATIVE_BELOW,
    SUPPRESS_BELOW,
    PairedChange,
    Wilcoxon,
    paired_change,
    wilcoxon,
)

__all__ = [
    "INDICATIVE_BELOW",
    "SUPPRESS_BELOW",
    "PairedChange",
    "Wilcoxon",
    "paired_change",
    "wilcoxon",
]

warnings.warn(
    "coprod_toc.analysis.change is deprecated: import from coprod_toc.evidence.change "
    "(it will be removed in coprod-toc 0.3)",
    DeprecationWarning,
    stacklevel=2,
)
