"""Before and after: paired change per person on one instrument, honest about small groups.

Only people with both time points count. Each person's change is compared with the
instrument's threshold (in its direction of improvement): improved, same or worse. The
two-sided Wilcoxon signed-rank test gives a p-value and an effect size. Zero changes are
dropped (Wilcoxon's method) and tied absolute changes share their average rank. Up to 50
pairs p comes from the exact null distribution over those actual (tied) ranks, counted by
dynamic programming; beyond 50 from the normal approximation with the tie correction to
the variance and a continuity correction of 0.5. The effect size is r = |Z|/√n, where Z is
the tie-corrected standardised statistic without the continuity correction.

Below 30 pairs the results are labelled *indicative*; below 10 every percentage and
statistic is suppressed (in ``to_dict`` and ``str``, so in every output), leaving the counts.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from coprod_toc.errors import ModelError
from coprod_toc.evidence.measures import INSTRUMENTS, Instrument
from coprod_toc.evidence.records import Evidence, MeasureAdministration

__all__ = [
    "INDICATIVE_BELOW",
    "SUPPRESS_BELOW",
    "PairedChange",
    "Wilcoxon",
    "paired_change",
    "wilcoxon",
]

INDICATIVE_BELOW = 30
SUPPRESS_BELOW = 10
EXACT_UP_TO = 50


@attrs.frozen
class Wilcoxon:
    """The signed-rank statistic (the smaller rank sum), two-sided p, effect size r, and
    the method behind p: ``"exact"`` or ``"normal approximation"``."""

    statistic: float
    p_value: float
    effect_size: float
    method: str


def _doubled_ranks(magnitudes: Sequence[float]) -> tuple[list[int], list[int]]:
    """Twice the average rank of each magnitude (so tied ranks stay integers), and the
    size of each group of tied magnitudes."""
    n = len(magnitudes)
    order = sorted(range(n), key=magnitudes.__getitem__)
    doubled = [0] * n
    ties = []
    i = 0
    while i < n:
        j = i
        while j + 1 < n and magnitudes[order[j + 1]] == magnitudes[order[i]]:
            j += 1
        # positions i..j hold ranks i+1..j+1, whose average doubled is i + j + 2
        for k in range(i, j + 1):
            doubled[order[k]] = i + j + 2
        ties.append(j - i + 1)
        i = j + 1
    return doubled, ties


def _exact_p(doubled: Sequence[int], smaller: int) -> float:
    """Two-sided exact p, ``min(1, 2·P(T⁺ ≤ W))``, from the null distribution of the
    positive rank sum over these (doubled, possibly tied) ranks; ``smaller`` is 2W.

    The null distribution is symmetric about its mean, so doubling one tail suffices.

    ``counts[s]`` is the number of the 2ⁿ equally likely sign assignments whose doubled
    positive rank sum is ``s``; adding one rank ``r`` is ``counts[s] += counts[s - r]``.
    Only sums up to 2W are kept: no rank is negative, so they never depend on larger
    sums; and with the ranks added smallest first, no sum above ``reach`` (the ranks added
    so far, together) is possible yet. Each step updates a whole slice at once (the
    right-hand slices are copies of the old counts), which keeps n = 50 to about a
    millisecond.
    """
    counts = [1] + [0] * smaller
    reach = 0
    for rank in sorted(doubled):
        if rank > smaller:
            break
        reach = min(reach + rank, smaller)
        counts[rank : reach + 1] = map(
            operator.add, counts[rank : reach + 1], counts[: reach + 1 - rank]
        )
    return min(1.0, 2 * sum(counts) / (1 << len(doubled)))


def wilcoxon(differences: Sequence[float]) -> Wilcoxon | None:
    """The two-sided Wilcoxon signed-rank test of paired differences, or ``None`` when no
    non-zero difference is left.

    Zero differences are dropped (Wilcoxon's method) and the n absolute differences left
    are ranked, tied values sharing their average rank. The statistic is
    W = min(T⁺, T⁻), the smaller of the rank sums of the positive and negative
    differences (as SciPy reports it).

    * n ≤ 50: the exact null distribution of T⁺ over the actual, possibly tied ranks
      (all 2ⁿ sign assignments equally likely), counted by dynamic programming;
      p = min(1, 2·P(T⁺ ≤ W)). ``method`` is ``"exact"``.
    * n > 50: the normal approximation, mean n(n+1)/4 and variance
      n(n+1)(2n+1)/24 − Σ(t³ − t)/48 over the groups of t tied ranks, with a continuity
      correction of 0.5 towards the mean: p = 2·(1 − Φ(max(|W − mean| − ½, 0)/σ)),
      no more than 1.
      ``method`` is ``"normal approximation"``.

    The effect size is r = |Z|/√n in both cases, with Z = (W − n(n+1)/4)/σ, σ the
    tie-corrected standard deviation above, *without* the continuity correction, so r
    does not jump at 50 pairs.
    """
    nonzero = [d for d in differences if d != 0]
    n = len(nonzero)
    if n == 0:
        return None
    doubled, ties = _doubled_ranks([abs(d) for d in nonzero])
    plus = sum(r for r, d in zip(doubled, nonzero, strict=True) if d > 0)
    smaller = min(plus, n * (n + 1) - plus)  # doubled ranks sum to n(n+1)
    statistic = smaller / 2
    mean = n * (n + 1) / 4
    variance = n * (n + 1) * (2 * n + 1) / 24 - sum(t**3 - t for t in ties) / 48
    sigma = math.sqrt(variance) if variance > 0 else 0.0
    z = (statistic - mean) / sigma if sigma > 0 else 0.0
    if n <= EXACT_UP_TO:
        p, method = _exact_p(doubled, smaller), "exact"
    else:
        corrected = max(abs(statistic - mean) - 0.5, 0.0) / sigma if sigma > 0 else 0.0
        p, method = min(1.0, math.erfc(corrected / math.sqrt(2))), "normal approximation"
    return Wilcoxon(statistic, p, abs(z) / math.sqrt(n), method)


@attrs.frozen
class PairedChange:
    """Change from ``before`` to ``after`` on one instrument (or one item of ONS4)."""

    instrument: str
    measure: str
    before: str
    after: str
    n_paired: int
    improved: int
    same: int
    worse: int
    threshold: float
    higher_is_better: bool
    mean_before: float | None
    mean_after: float | None
    mean_change: float | None
    test: Wilcoxon | None

    @property
    def indicative(self) -> bool:
        return self.n_paired < INDICATIVE_BELOW

    @property
    def suppressed(self) -> bool:
        return self.n_paired < SUPPRESS_BELOW

    @property
    def label(self) -> str:
        if self.suppressed:
            return f"fewer than {SUPPRESS_BELOW} people: percentages and statistics withheld"
        if self.indicative:
            return f"indicative: fewer than {INDICATIVE_BELOW} people"
        return "reported"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "instrument": self.instrument,
            "measure": self.measure,
            "before": self.before,
            "after": self.after,
            "n_paired": self.n_paired,
            "improved": self.improved,
            "same": self.same,
            "worse": self.worse,
            "threshold": self.threshold,
            "higher_is_better": self.higher_is_better,
            "label": self.label,
        }
        if self.suppressed:
            return out
        n = self.n_paired
        out |= {
            "improved_percent": round(100 * self.improved / n, 1),
            "same_percent": round(100 * self.same / n, 1),
            "worse_percent": round(100 * self.worse / n, 1),
            "mean_before": self.mean_before,
            "mean_after": self.mean_after,
            "mean_change": self.mean_change,
        }
        if self.test is not None:
            out["wilcoxon"] = attrs.asdict(self.test)
        return out

    def __str__(self) -> str:
        counts = f"{self.improved} improved, {self.same} stayed the same, {self.worse} got worse"
        head = f"{self.measure}: {self.n_paired} people answered before and after; {counts}"
        if self.suppressed:
            return f"{head} ({self.label})."
        assert self.mean_change is not None
        text = f"{head}; mean change {self.mean_change:+.2f}"
        if self.test is not None:
            text += f", Wilcoxon p = {self.test.p_value:.3f}, r = {self.test.effect_size:.2f}"
        return f"{text} ({self.label})."


def _latest(records: Iterable[MeasureAdministration]) -> dict[str, MeasureAdministration]:
    chosen: dict[str, MeasureAdministration] = {}
    for record in records:
        held = chosen.get(record.participant)
        if held is None or (record.date or dt.date.min) >= (held.date or dt.date.min):
            chosen[record.participant] = record
    return chosen


def paired_change(
    evidence: Evidence,
    instrument: str | Instrument,
    *,
    before: str = "baseline",
    after: str = "follow_up",
    instruments: dict[str, Instrument] | None = None,
) -> list[PairedChange]:
    """Paired change per person between two time points, for the instrument's total (or
    each item, for instruments reported item by item, such as ONS4).

    A person answering twice at one time point counts with their latest answers.

    :raises ModelError: an unknown instrument.
    """
    known = {**INSTRUMENTS, **(instruments or {})}
    if isinstance(instrument, str):
        if instrument not in known:
            raise ModelError(f"no instrument {instrument!r} (known: {', '.join(sorted(known))})")
        instrument = known[instrument]
    records = [m for m in evidence.measures if m.instrument == instrument.code]
    first = _latest(m for m in records if m.timepoint == before)
    second = _latest(m for m in records if m.timepoint == after)
    people = [p for p in first if p in second]
    results = []
    for measure, higher in instrument.outcomes():
        pairs = []
        for person in people:
            a = _score(instrument, first[person], measure)
            b = _score(instrument, second[person], measure)
            if a is not None and b is not None:
                pairs.append((a, b))
        results.append(_summarise(instrument, measure, higher, before, after, pairs))
    return results


def _score(instrument: Instrument, record: MeasureAdministration, measure: str) -> float | None:
    values = {r.item: r.value for r in record.responses}
    if instrument.score == "items":
        value = values.get(measure)
        return None if value is None else float(value)
    return instrument.total(values)


def _summarise(
    instrument: Instrument,
    measure: str,
    higher: bool,
    before: str,
    after: str,
    pairs: list[tuple[float, float]],
) -> PairedChange:
    sign = 1 if higher else -1
    changes = [(b - a) * sign for a, b in pairs]  # positive = better
    n = len(pairs)
    improved = sum(1 for c in changes if c >= instrument.threshold)
    worse = sum(1 for c in changes if c <= -instrument.threshold)
    return PairedChange(
        instrument=instrument.code,
        measure=measure,
        before=before,
        after=after,
        n_paired=n,
        improved=improved,
        same=n - improved - worse,
        worse=worse,
        threshold=instrument.threshold,
        higher_is_better=higher,
        mean_before=round(sum(a for a, _ in pairs) / n, 3) if n else None,
        mean_after=round(sum(b for _, b in pairs) / n, 3) if n else None,
        mean_change=round(sum(b - a for a, b in pairs) / n, 3) if n else None,
        test=wilcoxon([b - a for a, b in pairs]),
    )
