"""Period labels as the first and last day they cover.

An actual's period is a text (``"2025-Q1"``); IATI wants a ``period-start`` and a
``period-end`` date. The labels read are:

- ``2025``: the calendar year;
- ``2025-Q1`` (``2025 Q1``, ``2025Q1``): the quarter, January to March;
- ``2025-03``: the month;
- ``2025-03-14``: that one day;
- ``2023/24`` (``FY2023/24``, ``FY2023-24``): the UK financial year, 1 April 2023 to
  31 March 2024;
- ``2024-04-01/2025-03-31``: an ISO 8601 interval, each end a day, a month, a quarter or a
  year (``2024-04/2025-03``).

Two bare years (``2023/2024``) are refused: some mean a financial year, others two calendar
years. ``2011-12`` is December 2011, as ISO 8601 has it; a financial year written with a
hyphen needs its ``FY``. Anything else (``"Spring"``, ``"baseline"``) is not a date period.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from functools import lru_cache

__all__ = ["NotAPeriod", "period_dates"]

_YEAR = re.compile(r"(\d{4})", re.ASCII)
_QUARTER = re.compile(r"(\d{4})[- ]?[Qq]([1-4])", re.ASCII)
_MONTH = re.compile(r"(\d{4})-(\d{2})", re.ASCII)
_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_FINANCIAL_YEAR = re.compile(
    r"(?:FY ?)?(\d{4})/(\d{2})|FY ?(\d{4})-(\d{2})", re.ASCII | re.IGNORECASE
)


class NotAPeriod(ValueError):
    """A label that does not name a span of dates; the message says why."""


def _span(label: str) -> tuple[dt.date, dt.date] | None:
    """The span of one end of a label: a day, a month, a quarter or a year."""
    try:
        if match := _DAY.fullmatch(label):
            day = dt.date(*(int(part) for part in match.groups()))
            return day, day
        if match := _MONTH.fullmatch(label):
            year, month = int(match[1]), int(match[2])
            last = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
            return dt.date(year, month, 1), dt.date(year, month, last)
        if match := _QUARTER.fullmatch(label):
            year, quarter = int(match[1]), int(match[2])
            last_month = quarter * 3
            last = calendar.monthrange(year, last_month)[1]
            return dt.date(year, last_month - 2, 1), dt.date(year, last_month, last)
        if _YEAR.fullmatch(label):
            year = int(label)
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError:  # a month 13, a 30 February, the year 0
        raise NotAPeriod(f"{label!r} is not a real date") from None
    return None


@lru_cache(maxsize=4096)
def period_dates(label: str) -> tuple[dt.date, dt.date]:
    """The first and last day of the period ``label`` names.

    :raises NotAPeriod: the label is not one of the forms above, names a date that does not
        exist, or ends before it starts.
    """
    text = label.strip()
    if match := _FINANCIAL_YEAR.fullmatch(text):
        start_year, end = (int(part) for part in match.groups() if part is not None)
        if (start_year + 1) % 100 != end or not 1 <= start_year < 9999:
            raise NotAPeriod(f"{label!r} is not a financial year (write 2023/24)")
        return dt.date(start_year, 4, 1), dt.date(start_year + 1, 3, 31)
    if text.count("/") == 1:
        first, last = (part.strip() for part in text.split("/"))
        if _YEAR.fullmatch(first) and _YEAR.fullmatch(last):
            raise NotAPeriod(
                f"{label!r} is ambiguous: write 2023/24 for a financial year, or "
                "2023-01-01/2024-12-31 for two calendar years"
            )
        start, end_span = _span(first), _span(last)
        if start is None or end_span is None:
            raise NotAPeriod(f"{label!r} is not a date period")
        if end_span[1] < start[0]:
            raise NotAPeriod(f"{label!r} ends before it starts")
        return start[0], end_span[1]
    span = _span(text)
    if span is None:
        raise NotAPeriod(f"{label!r} is not a date period")
    return span
