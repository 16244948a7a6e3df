"""The neutral long table every survey importer produces, and pseudonymisation.

Whatever the survey tool and its header layers, an import becomes one row per answer:
``respondent_key, question_key, question_text, sub_item, value_raw, value_label,
submitted_at``. The mapping onto outcomes never sees a vendor's layout.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
from collections.abc import Iterable

import attrs

__all__ = ["SurveyAnswer", "SurveyTable", "pseudonymise"]


def _optional_str(value: object) -> str | None:
    return None if value is None else str(value)


@attrs.frozen(kw_only=True)
class SurveyAnswer:
    """One answer by one respondent to one question (or one sub-item of it)."""

    respondent_key: str = attrs.field(converter=str)
    question_key: str = attrs.field(converter=str)
    question_text: str | None = attrs.field(default=None, converter=_optional_str)
    sub_item: str | None = attrs.field(default=None, converter=_optional_str)
    value_raw: str | None = attrs.field(default=None, converter=_optional_str)
    value_label: str | None = attrs.field(default=None, converter=_optional_str)
    submitted_at: dt.datetime | None = None


def _answers(value: Iterable[SurveyAnswer]) -> tuple[SurveyAnswer, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class SurveyTable:
    """The answers read from one file, with where they came from.

    ``pseudonymised`` tells whether respondent keys were replaced by pseudonyms.
    """

    source: str
    format: str
    answers: tuple[SurveyAnswer, ...] = attrs.field(converter=_answers)
    pseudonymised: bool = False

    def respondents(self) -> list[str]:
        """Respondent keys in the order they first appear."""
        return list(dict.fromkeys(a.respondent_key for a in self.answers))

    def questions(self) -> list[str]:
        """Question keys in the order they first appear."""
        return list(dict.fromkeys(a.question_key for a in self.answers))

    def __len__(self) -> int:
        return len(self.answers)


def pseudonymise(table: SurveyTable, key: bytes | None = None) -> SurveyTable:
    """Replace every respondent key by a keyed hash (HMAC-SHA256), ``R-`` and 16 hex digits.

    With the same ``key``, the same person gets the same pseudonym in every import, so
    before-and-after answers can be paired; keep the key apart from the data. Without a key a
    random one is used and thrown away: pseudonyms then hold only within this table.
    """
    secret = key if key is not None else os.urandom(32)

    def pseudonym(respondent: str) -> str:
        digest = hmac.new(secret, respondent.encode("utf-8"), hashlib.sha256).hexdigest()
        return f"R-{digest[:16]}"

    answers = tuple(
        attrs.evolve(a, respondent_key=pseudonym(a.respondent_key)) for a in table.answers
    )
    return attrs.evolve(table, answers=answers, pseudonymised=True)
