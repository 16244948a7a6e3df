"""Answer scales and validated instruments: how answers become scores (model layer, no I/O).

A :class:`Scale` turns an answer into a score: its labels after trimming, case-folding and
unifying apostrophes, or a number inside its range. "Don't know", "N/A", "Prefer not to
say" and their kin are *missing with a reason*, never a score. An :class:`Instrument` scores
a whole questionnaire (a sum, a mean, or per item), only when every item is answered.

Built in: ONS4 personal wellbeing, the UCLA 3-item loneliness scale and the General
Self-Efficacy scale. SWEMWBS and WEMWBS are licensed: their conversion tables are not
shipped, and they score only through a table the user supplies (:func:`licensed_instrument`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import attrs

from coprod_toc.errors import ModelError

__all__ = [
    "INSTRUMENTS",
    "MISSING",
    "SCALES",
    "Instrument",
    "Scale",
    "Scored",
    "licensed_instrument",
    "normalise_label",
]


def normalise_label(text: str) -> str:
    """An answer as compared with a scale's labels: trimmed, case-folded, one kind of
    apostrophe and dash, single spaces."""
    text = text.strip().casefold()
    text = re.sub(r"[\u2018\u2019\u02bc`´]", "'", text)
    text = re.sub(r"[\u2013\u2014]", "-", text)
    return re.sub(r"\s+", " ", text)


#: Answers that mean "no answer", with the reason kept.
MISSING: dict[str, str] = {
    normalise_label(k): v
    for k, v in {
        "Don't know": "don't know",
        "Dont know": "don't know",
        "Do not know": "don't know",
        "Not sure": "don't know",
        "N/A": "not applicable",
        "NA": "not applicable",
        "Not applicable": "not applicable",
        "Prefer not to say": "prefer not to say",
        "Rather not say": "prefer not to say",
        "I'd rather not say": "prefer not to say",
        "Refused": "prefer not to say",
        "No answer": "no answer",
    }.items()
}


def _texts(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(str(v) for v in value)


@attrs.frozen
class Scored:
    """An answer read against a scale: a score, or why there is none."""

    score: float | int | None
    missing: str | None = None


@attrs.frozen(kw_only=True)
class Scale:
    """Labels in order from the lowest score; ``scores`` default to 1, 2, 3…

    A number inside ``low``–``high`` is accepted as a score, as are labels prefixed by
    their score (``4 - Agree``), as numeric exports write them.
    """

    name: str
    labels: tuple[str, ...] = attrs.field(converter=_texts, default=())
    scores: tuple[float | int, ...] | None = attrs.field(default=None)
    low: float | int | None = None
    high: float | int | None = None
    _lookup: Mapping[str, float | int] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        scores = self.scores if self.scores is not None else tuple(range(1, len(self.labels) + 1))
        if len(scores) != len(self.labels):
            raise ModelError(
                f"scale {self.name!r}: {len(self.labels)} labels but {len(scores)} scores"
            )
        object.__setattr__(
            self,
            "_lookup",
            {normalise_label(t): s for t, s in zip(self.labels, scores, strict=True)},
        )
        if self.labels and self.low is None:
            object.__setattr__(self, "low", min(scores))
            object.__setattr__(self, "high", max(scores))

    def read(self, answer: str) -> Scored:
        """The score of one answer.

        :raises ModelError: the answer is neither a label, a missing-answer phrase, nor a
            number inside the scale's range.
        """
        key = normalise_label(answer)
        if key in self._lookup:
            return Scored(self._lookup[key])
        if key in MISSING:
            return Scored(None, MISSING[key])
        prefixed = re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*[-.:=)]\s*(.+)", key)
        if prefixed and normalise_label(prefixed.group(2)) in self._lookup:
            return Scored(self._lookup[normalise_label(prefixed.group(2))])
        try:
            number = float(key)
        except ValueError:
            number = None
        if number is not None and self.low is not None and self.high is not None:
            if self.low <= number <= self.high:
                return Scored(int(number) if number.is_integer() else number)
            raise ModelError(
                f"{answer!r} is outside the scale {self.name} ({self.low}–{self.high})"
            )
        shown = ", ".join(self.labels) if self.labels else f"{self.low}–{self.high}"
        raise ModelError(f"{answer!r} is not an answer on the scale {self.name} ({shown})")


_AGREE = ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree")

SCALES: dict[str, Scale] = {
    s.name: s
    for s in (
        Scale(name="agreement5", labels=_AGREE),
        Scale(
            name="agreement7",
            labels=(_AGREE[0], _AGREE[1], "Somewhat disagree", _AGREE[2], "Somewhat agree",
                    _AGREE[3], _AGREE[4]),
        ),
        Scale(
            name="confidence4",
            labels=("Not at all confident", "Not very confident", "Fairly confident",
                    "Very confident"),
        ),
        Scale(
            name="confidence5",
            labels=("Not at all confident", "Slightly confident", "Somewhat confident",
                    "Very confident", "Extremely confident"),
        ),
        Scale(name="frequency5", labels=("Never", "Rarely", "Sometimes", "Often", "Always")),
        Scale(name="quality5", labels=("Poor", "Fair", "Good", "Very good", "Excellent")),
        Scale(
            name="usefulness4",
            labels=("Not at all useful", "Not very useful", "Quite useful", "Very useful"),
        ),
        Scale(name="yesno", labels=("No", "Yes"), scores=(0, 1)),
        Scale(name="zero_to_ten", low=0, high=10),
        Scale(name="ucla3", labels=("Hardly ever or never", "Some of the time", "Often")),
        Scale(
            name="gse4",
            labels=("Not at all true", "Hardly true", "Moderately true", "Exactly true"),
        ),
        Scale(
            name="wemwbs5",
            labels=("None of the time", "Rarely", "Some of the time", "Often", "All of the time"),
        ),
    )
}  # fmt: skip


@attrs.frozen(kw_only=True)
class Instrument:
    """A questionnaire scored as a whole (``score`` = ``"sum"`` or ``"mean"``) or item by item
    (``"items"``, as ONS4 is reported).

    ``higher_is_better`` gives the direction of improvement; ``threshold`` the change in
    score that counts as real for one person; ``table`` converts the raw score (licensed
    instruments: supplied by the user).
    """

    code: str
    name: str
    items: tuple[str, ...] = attrs.field(converter=_texts)
    scale: Scale
    score: str = "sum"
    higher_is_better: bool = True
    item_direction: Mapping[str, bool] = attrs.field(factory=dict)
    threshold: float = 1.0
    table: Mapping[int, float] | None = None
    requires_table: bool = False
    credit: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.score not in ("sum", "mean", "items"):
            raise ModelError(f"instrument {self.code!r}: score must be sum, mean or items")
        if self.requires_table and not self.table:
            raise ModelError(
                f"{self.name} is licensed: its scoring table is not shipped; supply it "
                "(raw score → metric score) to score it"
            )

    def total(self, values: Mapping[str, float | int | None]) -> float | None:
        """The score of one administration, or ``None`` unless every item is answered
        (no imputation)."""
        if self.score == "items":
            raise ModelError(f"{self.name} is reported item by item: use item scores")
        scores = [values.get(item) for item in self.items]
        if any(v is None for v in scores):
            return None
        raw = sum(v for v in scores if v is not None)
        if self.table is not None:
            if int(raw) not in self.table:
                raise ModelError(f"{self.name}: raw score {raw} is not in the scoring table")
            return float(self.table[int(raw)])
        return raw / len(scores) if self.score == "mean" else raw

    def outcomes(self) -> list[tuple[str, bool]]:
        """What is reported: ``(name, higher_is_better)`` for the total or for each item."""
        if self.score == "items":
            return [(i, self.item_direction.get(i, self.higher_is_better)) for i in self.items]
        return [(self.code, self.higher_is_better)]


INSTRUMENTS: dict[str, Instrument] = {
    i.code: i
    for i in (
        Instrument(
            code="ons4",
            name="ONS4 personal wellbeing",
            items=("life_satisfaction", "worthwhile", "happy", "anxious"),
            scale=SCALES["zero_to_ten"],
            score="items",
            item_direction={"anxious": False},
            threshold=1,
            credit="Office for National Statistics, personal well-being harmonised standard",
        ),
        Instrument(
            code="ucla3",
            name="UCLA 3-item loneliness scale",
            items=("companionship", "left_out", "isolated"),
            scale=SCALES["ucla3"],
            higher_is_better=False,
            threshold=1,
            credit="Hughes et al. (2004), as the ONS national indicator of loneliness",
        ),
        Instrument(
            code="gse",
            name="General Self-Efficacy scale",
            items=tuple(f"item{n}" for n in range(1, 11)),
            scale=SCALES["gse4"],
            threshold=3,
            credit="Schwarzer & Jerusalem (1995)",
        ),
    )
}


def licensed_instrument(
    code: str, table: Mapping[int, float], *, threshold: float | None = None
) -> Instrument:
    """SWEMWBS (7 items) or WEMWBS (14 items), scored through the user's own table.

    :param table: raw score → metric score, from the licence holder's materials.
    :raises ModelError: an unknown code, or a table that does not cover every raw score.
    """
    shapes: dict[str, tuple[str, int, float]] = {
        "swemwbs": ("Short Warwick-Edinburgh Mental Wellbeing Scale", 7, 3.0),
        "wemwbs": ("Warwick-Edinburgh Mental Wellbeing Scale", 14, 8.0),
    }
    if code not in shapes:
        raise ModelError(f"no licensed instrument {code!r} (known: swemwbs, wemwbs)")
    name, count, default_threshold = shapes[code]
    needed = set(range(count, 5 * count + 1))
    missing = sorted(needed - {int(k) for k in table})
    if missing:
        raise ModelError(f"the {code} table has no metric score for raw scores {missing[:5]}…")
    return Instrument(
        code=code,
        name=name,
        items=tuple(f"item{n}" for n in range(1, count + 1)),
        scale=SCALES["wemwbs5"],
        threshold=threshold if threshold is not None else default_threshold,
        table={int(k): float(v) for k, v in table.items()},
        requires_table=True,
        credit="NHS Health Scotland, University of Warwick and University of Edinburgh (licensed)",
    )


def custom_instrument(
    code: str,
    items: Sequence[str],
    scale: Scale,
    *,
    score: str = "sum",
    higher_is_better: bool = True,
    threshold: float = 1.0,
) -> Instrument:
    """A Likert measure defined in a mapping file."""
    return Instrument(
        code=code,
        name=code,
        items=tuple(items),
        scale=scale,
        score=score,
        higher_is_better=higher_is_better,
        threshold=threshold,
    )
