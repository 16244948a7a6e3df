"""Before and after: paired change per person on one instrument, honest about small groups.

Only people with both time points count. Each person's change is compared with the
instrument's threshold (in its direction of improvement): improved, same or worse. The
Wilcoxon signed-rank test (zero changes dropped; exact up to 50 pairs without tied ranks,
else the normal approximation with a tie correction) gives a p-value and the effect size r = |Z|/√n.

Below 30 pairs the results are labelled *indicative*; below 10 every percentage and
statistic is suppressed (in ``to_dict`` and ``str``, so in every output), leaving the counts.
"""

from __future__ import annotations

import datetime as dt
import math
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


@attrs.frozen
class Wilcoxon:
    """The signed-rank statistic (the smaller rank sum), two-sided p, effect size r."""

    statistic: float
    p_value: float
    effect_size: float
    method: str


def _exact_p(n: int, statistic: float) -> float:
    # counts[s] = subsets of ranks 1..n summing to s: the null distribution of W+.
    total = n * (n + 1) // 2
    counts = [1] + [0] * total
    for rank in range(1, n + 1):
        for s in range(total, rank - 1, -1):
            counts[s] += counts[s - rank]
    tail: int = sum(counts[: math.floor(statistic) + 1])
    return min(1.0, 2 * tail / (1 << n))


def wilcoxon(differences: Sequence[float]) -> Wilcoxon | None:
    """The Wilcoxon signed-rank test of paired differences (zeros dropped), or ``None``
    when no difference is left."""
    nonzero = [d for d in differences if d != 0]
    n = len(nonzero)
    if n == 0:
        return None
    order = sorted(range(n), key=lambda i: abs(nonzero[i]))
    ranks = [0.0] * n
    ties = []
    i = 0
    while i < n:
        j = i
        while j + 1 < n and abs(nonzero[order[j + 1]]) == abs(nonzero[order[i]]):
            j += 1
        average = (i + j) / 2 + 1
        for k in range(i, j + 1):
            ranks[order[k]] = average
        ties.append(j - i + 1)
        i = j + 1
    plus = sum(r for r, d in zip(ranks, nonzero, strict=True) if d > 0)
    minus = sum(r for r, d in zip(ranks, nonzero, strict=True) if d < 0)
    statistic = min(plus, minus)
    mean = n * (n + 1) / 4
    variance = n * (n + 1) * (2 * n + 1) / 24 - sum(t**3 - t for t in ties) / 48
    z = (statistic - mean) / math.sqrt(variance) if variance > 0 else 0.0
    # The exact null distribution holds for untied ranks: up to 50 changes, as SciPy does.
    if n <= 50 and all(t == 1 for t in ties):
        p, method = _exact_p(n, statistic), "exact"
    else:
        p, method = math.erfc(abs(z) / math.sqrt(2)), "normal approximation"
    return Wilcoxon(statistic, min(1.0, p), abs(z) / math.sqrt(n), method)


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
