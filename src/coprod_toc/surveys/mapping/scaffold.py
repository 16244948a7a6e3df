"""A starter mapping for a survey: every question listed, commented, ignored until the user
says what it evidences. It loads as a valid mapping as it is."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections import Counter

from coprod_toc.evidence.measures import INSTRUMENTS, MISSING, SCALES, Scale, normalise_label
from coprod_toc.surveys.table import SurveyQuestion, SurveyTable

__all__ = ["scaffold_mapping"]

#: Responses looked at for the answers each question takes.
SAMPLE = 1000
#: A question with more different answers than this is free text: its answers are not listed
#: (they are people's own words).
CHOICES = 12
_CONSENT = re.compile(
    r"\bconsent|\bagree\b.*\b(?:answers?|data|information|take part|used)\b", re.I
)
_YES = frozenset({"yes", "i agree", "agree", "i consent", "yes, i agree", "y", "1", "true"})


def _toml(text: str) -> str:
    """A TOML basic string (JSON's string escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def _comment(text: str, width: int = 96) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _fitting_scale(answers: Counter[str]) -> Scale | None:
    """The smallest built-in scale whose labels (and missing-answer phrases) take every
    answer seen."""
    seen = {normalise_label(a) for a in answers} - set(MISSING)
    if not seen:
        return None
    fitting = [
        scale
        for scale in SCALES.values()
        if scale.labels and seen <= {normalise_label(label) for label in scale.labels}
    ]
    return min(fitting, key=lambda s: len(s.labels), default=None)


def _choices(answers: Counter[str]) -> bool:
    """Whether a question's answers look like choices: few different ones, and either a
    built-in scale's labels, at most two different ones (yes/no, a ticked box), or mostly
    (four in five) ones that several people gave."""
    if len(answers) > CHOICES:
        return False
    if len(answers) <= 2 or _fitting_scale(answers) is not None:
        return True
    repeated = sum(n for n in answers.values() if n >= 2)
    return repeated >= 0.8 * sum(answers.values())


def _describe(question: SurveyQuestion, answers: Counter[str]) -> list[str]:
    lines = [f"# {_comment(question.text or question.key)}"]
    if question.sub_item:
        lines[0] += f" — {_comment(question.sub_item, 60)}"
    if not answers:
        lines.append("# no answers in the first responses")
    elif not _choices(answers):
        # Many answers, or most given once: people's own words or codes, not choices.
        lines.append(f"# free text: {len(answers)} different answers in the first responses")
    else:
        # Only answers several people gave, or a built-in scale's own labels, are shown: an
        # answer one person gave may be personal.
        scale = _fitting_scale(answers)
        labels = {normalise_label(label) for label in scale.labels} if scale else set()
        shown = [(a, n) for a, n in answers.most_common() if n >= 2 or normalise_label(a) in labels]
        seen = ", ".join(f"{_comment(a, 40)} ({n})" for a, n in shown)
        once = len(answers) - len(shown)
        lines.append(
            f"# answers seen: {seen}" + (f"; {once} more given once, not shown" if once else "")
        )
        if scale is not None:
            lines.append(f'# the answers fit the scale "{scale.name}": scale = "{scale.name}"')
            if scale.name in INSTRUMENTS:
                items = ", ".join(INSTRUMENTS[scale.name].items)
                lines.append(
                    f'# or an item of the measure: measure = "{scale.name}", item = one of {items}'
                )
    return lines


def _consent_question(
    table: SurveyTable, answers: list[Counter[str]]
) -> tuple[SurveyQuestion, list[str]] | None:
    for question, seen in zip(table.questions, answers, strict=True):
        if _CONSENT.search(question.text or question.key) and 0 < len(seen) <= CHOICES:
            yes = [a for a in seen if normalise_label(a) in _YES] or ["Yes"]
            return question, yes
    return None


def scaffold_mapping(table: SurveyTable, *, today: dt.date | None = None) -> str:
    """A starter mapping (TOML text) for the survey read into ``table``.

    Every question is a ``[[questions]]`` entry with ``ignore = true``, commented with its
    text, its sub-item and the answers it takes (choices only: free text is never
    copied), and a scale its answers fit. A consent question is found by its wording; lines
    the user must check say ``CHECK``. The text loads as a valid mapping as it is.
    """
    answers: list[Counter[str]] = [Counter() for _ in table.questions]
    for response in itertools.islice(table.responses(), SAMPLE):
        for seen, value in zip(answers, response.values, strict=True):
            if value and value.strip() and len(seen) <= CHOICES:
                seen[value.strip()] += 1
    today = today or dt.date.today()
    keep = today.replace(year=today.year + 3) if (today.month, today.day) != (2, 29) else today
    order = table.date_order
    lines = [
        f"# A starter mapping for {_comment(table.source, 70)} ({table.format}).",
        "# Every question is ignored until you say what it evidences: replace its",
        "# `ignore = true` with one of",
        '#   indicator = "OUTCOME:INDICATOR"   benefit = "confidence"   feedback = "ACTIVITY"',
        '#   measure = "ucla3" and item = "companionship"               quote = ["NODE"]',
        "# and check every line marked CHECK. See docs/evidence.md, the mapping file.",
        "",
        "[survey]",
        f'retain_until = "{keep.isoformat()}"  # CHECK: the date the answers may be kept until',
        '# timepoint = "baseline"  # or "follow_up", for before-and-after measures',
        "",
        "[importer]",
    ]
    if order is not None and order.rule == "default":
        lines.append(
            "# CHECK: every date could be day-first or month-first; they are read day-first."
        )
        lines.append("dayfirst = true  # false if the dates are month-first (US)")
    else:
        lines.append(
            '# respondent = "…"  # a column of codes people gave, to pair before and after'
        )
    lines += ["", "[consent]"]
    consent = _consent_question(table, answers)
    if consent is not None:
        question, yes = consent
        lines += [
            f"question = {_toml(question.key)}  # {_comment(question.text or '', 60)}",
            f"yes = [{', '.join(_toml(y) for y in yes)}]",
            '# purposes = ["evaluation"]  # CHECK: what people agreed their answers are used for',
        ]
    else:
        lines += [
            "# CHECK BEFORE YOU IMPORT: no consent question was found in the survey. Keep",
            "# recorded = true only if consent was recorded outside it, and say its purposes,",
            '# condition and method below; else name the consent question (question = "…").',
            "recorded = true",
            '# purposes = ["evaluation"]',
            '# condition = "explicit consent"',
            '# method = "written"  # or verbal, easy_read, supported, online_form',
        ]
    for question, seen in zip(table.questions, answers, strict=True):
        lines += ["", "[[questions]]", f"key = {_toml(question.key)}", *_describe(question, seen)]
        lines.append("ignore = true")
    return "\n".join(lines) + "\n"
