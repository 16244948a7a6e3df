"""The Wilcoxon signed-rank test: exact over tied ranks up to 50 pairs, normal beyond."""

from __future__ import annotations

import bisect
import itertools
import math
import time
from collections import Counter

import pytest
import scipy.stats
from hypothesis import example, given, settings
from hypothesis import strategies as st

from coprod_toc.evidence.change import wilcoxon

# Small integers: plenty of zeros and tied magnitudes.
TIED = st.integers(-3, 3)


def _doubled_ranks(nonzero: list[float]) -> list[int]:
    """Twice the average rank of each |d|: 2·(number smaller) + (number equal) + 1."""
    magnitudes = [abs(d) for d in nonzero]
    return [
        2 * sum(m < x for m in magnitudes) + sum(m == x for m in magnitudes) + 1 for x in magnitudes
    ]


def _reference(differences: list[float]) -> tuple[float, float]:
    """(W, exact two-sided p) by counting every one of the 2ⁿ sign assignments of the actual
    tied ranks: p = min(1, 2·#{T⁺ ≤ W}/2ⁿ).

    Up to 12 ranks each assignment is enumerated directly; above that the ranks are split in
    two halves whose subset sums are enumerated and paired (every assignment is still counted
    once, just not one at a time)."""
    nonzero = [d for d in differences if d != 0]
    n = len(nonzero)
    ranks = _doubled_ranks(nonzero)
    plus = sum(r for r, d in zip(ranks, nonzero, strict=True) if d > 0)
    w = min(plus, sum(ranks) - plus)  # doubled
    if n <= 12:
        at_most = sum(
            sum(r for r, positive in zip(ranks, signs, strict=True) if positive) <= w
            for signs in itertools.product((False, True), repeat=n)
        )
    else:
        left, right = ranks[: n // 2], ranks[n // 2 :]
        right_sums = sorted(_subset_sums(right))
        at_most = sum(bisect.bisect_right(right_sums, w - s) for s in _subset_sums(left))
    return w / 2, min(1.0, 2 * at_most / 2**n)


def _subset_sums(ranks: list[int]) -> list[int]:
    return [
        sum(r for r, positive in zip(ranks, signs, strict=True) if positive)
        for signs in itertools.product((False, True), repeat=len(ranks))
    ]


def _normal(differences: list[float]) -> tuple[float, float, float]:
    """(W, p, r) straight from the formula: tie-corrected variance, continuity correction
    of 0.5 towards the mean for p, and r = |Z|/√n with Z not continuity-corrected."""
    nonzero = [d for d in differences if d != 0]
    n = len(nonzero)
    ranks = scipy.stats.rankdata([abs(d) for d in nonzero])
    plus = sum(r for r, d in zip(ranks, nonzero, strict=True) if d > 0)
    w = min(plus, n * (n + 1) / 2 - plus)
    mean = n * (n + 1) / 4
    ties = Counter(abs(d) for d in nonzero).values()
    sigma = math.sqrt(n * (n + 1) * (2 * n + 1) / 24 - sum(t**3 - t for t in ties) / 48)
    z_corrected = (abs(w - mean) - 0.5) / sigma
    p = 2 * (1 - scipy.stats.norm.cdf(z_corrected))
    return w, min(1.0, p), abs(w - mean) / sigma / math.sqrt(n)


@settings(max_examples=300, deadline=None)
@given(st.lists(TIED, max_size=12))
@example([2, 2, 2, 2])
@example([1, -1])
@example([0, 0, 3])
@example([0.5, -0.5, 1.5, 2.5, -2.5, 2.5])
def test_exact_p_matches_enumerating_every_sign_assignment(differences: list[float]) -> None:
    """Up to 12 pairs, with ties and zeros, p equals the brute-force enumeration of all 2ⁿ
    sign assignments of the tied ranks, and the method says "exact"."""
    result = wilcoxon(differences)
    if not any(differences):
        assert result is None
        return
    assert result is not None
    statistic, p = _reference(differences)
    assert result.method == "exact"
    assert result.statistic == statistic
    assert result.p_value == pytest.approx(p, rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-4, 4).filter(bool), min_size=13, max_size=24))
def test_exact_p_matches_enumeration_for_mid_sized_tied_samples(differences: list[int]) -> None:
    """From 13 to 24 tied pairs p still equals counting every sign assignment (half by half)."""
    result = wilcoxon(differences)
    assert result is not None and result.method == "exact"
    statistic, p = _reference(differences)
    assert result.statistic == statistic
    assert result.p_value == pytest.approx(p, rel=1e-12)


@settings(max_examples=20, deadline=None)  # each SciPy permutation test takes ~0.2 s
@given(st.lists(TIED, min_size=1, max_size=13).filter(any))
@example([1, -1, 2, 2, 3, 0, 0, -3, 1, 2, -2, 3, 1])
def test_exact_p_equals_scipys_exhaustive_permutation_test(differences: list[int]) -> None:
    """Up to 13 values SciPy's default runs a complete permutation test when ranks tie or
    zeros occur (its plain exact test otherwise): p agrees with it exactly."""
    result = wilcoxon(differences)
    theirs = scipy.stats.wilcoxon(differences)
    assert result is not None
    assert result.statistic == theirs.statistic
    assert result.p_value == pytest.approx(theirs.pvalue, rel=1e-12)


def test_hand_worked_example_with_ties() -> None:
    """A tied example with a zero gives W = 1.5 and exact p = 3/16 (the old code gave the
    normal approximation, p ≈ 0.10)."""
    # The zero is dropped, leaving 1, -1, 2, 2, 3: |d| ranks 1.5, 1.5, 3.5, 3.5, 5.
    # T⁺ = 1.5 + 3.5 + 3.5 + 5 = 13.5 and T⁻ = 1.5, so W = 1.5.
    # Of the 2⁵ = 32 sign assignments, T⁺ ≤ 1.5 only when no rank is positive (T⁺ = 0) or
    # just one of the two ranks of 1.5 is (T⁺ = 1.5, two ways): 3 of 32.
    # Two-sided p = 2 · 3/32 = 6/32 = 0.1875.
    # σ² = 5·6·11/24 − ((2³ − 2) + (2³ − 2))/48 = 13.75 − 0.25 = 13.5, mean 5·6/4 = 7.5,
    # so Z = (1.5 − 7.5)/√13.5 and r = |Z|/√5.
    result = wilcoxon([1, -1, 2, 2, 3, 0])
    assert result is not None
    assert result.method == "exact"
    assert result.statistic == 1.5
    assert result.p_value == 0.1875
    assert result.effect_size == pytest.approx(6 / math.sqrt(13.5) / math.sqrt(5))


def test_ties_up_to_fifty_pairs_stay_exact() -> None:
    """Fifty non-zero pairs full of ties (plus zeros, which do not count) use the exact
    distribution; the fifty-first non-zero pair switches to the normal approximation."""
    fifty = [1, -2, 3, 3, -1, 2, 2, 4, -4, 1] * 5 + [0] * 7
    fifty_one = [*fifty, 2]
    at_fifty, beyond = wilcoxon(fifty), wilcoxon(fifty_one)
    assert at_fifty is not None and beyond is not None
    assert at_fifty.method == "exact"
    assert beyond.method == "normal approximation"


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(-6, 6), min_size=51, max_size=160).filter(lambda d: sum(map(bool, d)) > 50)
)
def test_normal_approximation_beyond_fifty_pairs(differences: list[int]) -> None:
    """Beyond 50 non-zero pairs p is the normal approximation with tie and continuity
    corrections, equal to the formula and to SciPy's approximation with correction=True
    (which, like ours, drops zeros before ranking and counting ties)."""
    result = wilcoxon(differences)
    assert result is not None
    assert result.method == "normal approximation"
    statistic, p, r = _normal(differences)
    assert result.statistic == statistic
    assert result.p_value == pytest.approx(p, rel=1e-9, abs=1e-15)
    assert result.effect_size == pytest.approx(r, rel=1e-12)
    theirs = scipy.stats.wilcoxon(differences, method="approx", correction=True)
    assert result.statistic == theirs.statistic
    assert result.p_value == pytest.approx(theirs.pvalue, rel=1e-9, abs=1e-15)


@settings(max_examples=100, deadline=None)
@given(st.lists(TIED, min_size=1, max_size=50).filter(any))
def test_effect_size_uses_the_uncorrected_z_in_the_exact_range_too(differences: list[int]) -> None:
    """r = |W − mean|/σ/√n (tie-corrected σ, no continuity correction) up to 50 pairs as
    well, so r does not jump where the method changes."""
    result = wilcoxon(differences)
    assert result is not None
    assert result.effect_size == pytest.approx(_normal(differences)[2], rel=1e-12)


def test_effect_size_is_continuous_at_fifty_pairs() -> None:
    """Adding one pair at the 50/51 boundary moves r only as much as the data do."""
    fifty = [(k % 7 + 1) * (1 if k % 5 else -1) for k in range(50)]
    at_fifty, beyond = wilcoxon(fifty), wilcoxon([*fifty, 0.001])
    assert at_fifty is not None and beyond is not None
    assert (at_fifty.method, beyond.method) == ("exact", "normal approximation")
    assert beyond.effect_size == pytest.approx(at_fifty.effect_size, abs=0.005)


@settings(max_examples=200, deadline=None)
@given(st.lists(TIED, max_size=80))
def test_negating_every_difference_gives_the_same_result(differences: list[int]) -> None:
    """The test is two-sided: negating every difference leaves W, p, r and the method alone."""
    result = wilcoxon(differences)
    negated = wilcoxon([-d for d in differences])
    if result is None:
        assert negated is None
        return
    assert negated is not None
    assert negated.p_value == result.p_value
    assert negated.statistic == result.statistic
    assert negated.effect_size == result.effect_size
    assert negated.method == result.method


@pytest.mark.parametrize("differences", [[], [0], [0, 0, 0, 0], [0.0, -0.0]])
def test_no_non_zero_difference_gives_none(differences: list[float]) -> None:
    """With every difference zero (or none at all) there is no test: ``None``."""
    assert wilcoxon(differences) is None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-5, 5), min_size=1, max_size=200).filter(any))
def test_p_is_a_probability_above_zero(differences: list[int]) -> None:
    """p lies in (0, 1], exact or approximate."""
    result = wilcoxon(differences)
    assert result is not None
    assert 0 < result.p_value <= 1


@pytest.mark.parametrize("differences", [[1, -1], [1, -2, 2, -1], [3, -3] * 40])
def test_balanced_rank_sums_give_p_of_one(differences: list[int]) -> None:
    """When T⁺ = T⁻ the two-sided p is exactly 1, in both methods."""
    result = wilcoxon(differences)
    assert result is not None
    assert result.p_value == 1.0


def test_fifty_pairs_take_well_under_ten_milliseconds() -> None:
    """The exact test at its largest (50 pairs, rank sums near balance) is fast."""
    untied = [k if k % 4 in (0, 3) else -k for k in range(1, 51)]
    tied = [(-1) ** k * (k % 9 + 1) for k in range(50)]
    for differences in (untied, tied):
        best = min(_timed(differences) for _ in range(5))
        assert best < 0.010


def _timed(differences: list[int]) -> float:
    start = time.perf_counter()
    result = wilcoxon(differences)
    elapsed = time.perf_counter() - start
    assert result is not None and result.method == "exact"
    return elapsed
