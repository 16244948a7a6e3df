"""Survey timestamps: the forms tools write, and whether a file writes day or month first.

:func:`parse_timestamp` reads one timestamp. :func:`decide_date_order` settles, once per
file, whether ``03/04/2026`` is 3 April or 4 March, by these rules in order:

1. **proof** — a date whose first number is over 12 proves day-first; one whose second is
   over 12 proves month-first (both in one file is an error naming the rows);
2. **start-completion** — where rows have a start and a completion time, the reading under
   which every completion follows its start by less than a day;
3. **consecutive** — the reading under which consecutive rows are closest in time;
4. **default** — day-first (UK), with a note saying so and naming ``dayfirst=``.

A file whose dates never need the order (ISO 8601, month names) is **unambiguous**; one
whose order the user gave is **given**. :class:`TimestampReader` then reads each row's
timestamps in that order, and a later date that contradicts it is an error naming its row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import attrs

from coprod_toc.errors import FormatError

__all__ = [
    "DateOrder",
    "TimestampReader",
    "decide_date_order",
    "order_evidence",
    "parse_timestamp",
]

_TIME = (
    r"(?:(?:[ T,]+|\s+at\s+)(\d{1,2})[:.](\d{2})(?:[:.](\d{2})(?:[.,]\d+)?)?"
    r"\s*([AaPp]\.?[Mm]\.?)?)?"
)
_ZONE = r"(?:\s*\(?(?:Z|[A-Za-z]{1,5}|(?:GMT|UTC)?\s?[+-]\d{1,2}(?::?\d{2})?)\)?)?"
_NUMERIC = re.compile(r"(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})" + _TIME + _ZONE)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = r"([A-Za-z]{3,9})\.?"
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
_ORDINAL = r"(?:st|nd|rd|th)?"
#: 14 March 2025, 14 Mar 2025 09:30, 14-Mar-2025, Friday 14th March 2025
_DAY_MONTH = re.compile(
    _WEEKDAY
    + r"(\d{1,2})"
    + _ORDINAL
    + r"[\s/.-]*"
    + _MONTH
    + r"[\s/.,-]*(\d{4}|\d{2})"
    + _TIME
    + _ZONE,
    re.IGNORECASE,
)
#: Mar 14, 2025 10:02 AM, March 14th 2025
_MONTH_DAY = re.compile(
    _WEEKDAY + _MONTH + r"\s+(\d{1,2})" + _ORDINAL + r",?\s+(\d{4})" + _TIME + _ZONE,
    re.IGNORECASE,
)
#: 20250314, 20250314T100200, 20250314 1002
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})(?:[T ]?(\d{2})(\d{2})(\d{2})?)?")
_SERIAL = re.compile(r"\d{1,7}(?:\.\d+)?")


def _clock(clock: list[str | None], raw: str) -> tuple[int, int, int]:
    """Hours, minutes and seconds from a match's time groups (hour, minute, second, AM/PM)."""
    hour, minute, second, half = clock
    hours = int(hour or 0)
    if half:
        if not 1 <= hours <= 12:
            raise ValueError(f"not a date and time: {raw!r}")
        hours = hours % 12 + (12 if half[0] in "Pp" else 0)
    return hours, int(minute or 0), int(second or 0)


def _year(text: str) -> int:
    return int(text) + (2000 if len(text) == 2 else 0)


def _month(name: str, raw: str) -> int:
    month = _MONTHS.get(name.lower())
    if month is None:
        raise ValueError(f"not a date and time: {raw!r}")
    return month


def parse_timestamp(
    raw: str | None, *, dayfirst: bool = True, epoch: dt.datetime | None = None
) -> dt.datetime | None:
    """A survey timestamp as a naive local datetime, or ``None`` for a blank.

    Reads ISO 8601 (an offset is dropped: the time stays as the tool wrote it), the numeric
    forms tools and spreadsheets write (``14/01/2026 10:02``, ``1/14/2026 2:54:44 PM``,
    ``2022/06/22 11:07:29 AM AST``, ``14.01.26``), month names (``14 March 2025``,
    ``14 Mar 2025 09:30``, ``Mar 14, 2025 10:02 AM``, ``14-Mar-2025``), compact dates
    (``20250314``) and, when ``epoch`` is given (a spreadsheet's), Excel serial numbers.
    ``dayfirst`` decides ``03/04/2026``.

    :raises ValueError: anything else, or a date that does not exist.
    """
    if raw is None:
        return None
    text = raw.strip()
    if not text:
        return None
    if text[4:5] == "-" and text[:4].isdigit():  # ISO 8601 starts YYYY-
        try:
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
        except ValueError:
            pass
    if text[:1].isdigit():
        numeric = _NUMERIC.fullmatch(text)
        if numeric is not None:
            return _from_numeric(numeric, dayfirst, raw)
        compact = _COMPACT.fullmatch(text)
        if compact is not None:
            year, month, day, hour, minute, second = (int(p or 0) for p in compact.groups())
            return dt.datetime(year, month, day, hour, minute, second)
        if epoch is not None and _SERIAL.fullmatch(text):
            days = float(text)
            if 1 <= days < 2958466:  # Excel's own range: 1900-01-01 to 9999-12-31
                # Excel keeps times to the millisecond: round away the float's noise.
                return epoch + dt.timedelta(milliseconds=round(days * 86_400_000))
    named = _DAY_MONTH.fullmatch(text)
    if named is not None:
        day_text, name, year_text, *clock = named.groups()
        return _named(year_text, name, day_text, clock, raw)
    named = _MONTH_DAY.fullmatch(text)
    if named is not None:
        name, day_text, year_text, *clock = named.groups()
        return _named(year_text, name, day_text, clock, raw)
    raise ValueError(f"not a date and time: {raw!r}")


def _named(year: str, month: str, day: str, clock: list[str | None], raw: str) -> dt.datetime:
    return dt.datetime(_year(year), _month(month, raw), int(day), *_clock(clock, raw))


def _from_numeric(match: re.Match[str], dayfirst: bool, raw: str) -> dt.datetime:
    first, second, third, *clock = match.groups()
    if len(first) == 4:
        year, month, day = int(first), int(second), int(third)
    elif len(third) in (2, 4):
        year = _year(third)
        day, month = (int(first), int(second)) if dayfirst else (int(second), int(first))
    else:
        raise ValueError(f"not a date and time: {raw!r}")
    return dt.datetime(year, month, day, *_clock(clock, raw))


def order_evidence(raw: str | None) -> bool | None:
    """What one timestamp says of the file's order: ``True`` proves day-first (its first
    number is over 12), ``False`` month-first (its second is), ``None`` nothing."""
    numeric = _numeric(raw)
    if numeric is None:
        return None
    first, second = numeric
    return True if first > 12 else False if second > 12 else None


def _numeric(raw: str | None) -> tuple[int, int] | None:
    """The first two numbers of a day/month date (not year-first), else ``None``."""
    if not raw or not raw[:1].isdigit():
        return None
    match = _NUMERIC.fullmatch(raw.strip())
    if match is None or len(match.group(1)) == 4:
        return None
    return int(match.group(1)), int(match.group(2))


def _ambiguous(raw: str | None) -> bool:
    numeric = _numeric(raw)
    return numeric is not None and numeric[0] != numeric[1] and max(numeric) <= 12


# --------------------------------------------------------------------------- the decision

#: Why a file is read the way it is (``DateOrder.rule``).
RULES = ("given", "unambiguous", "proof", "start-completion", "consecutive", "default")


@attrs.frozen
class DateOrder:
    """How a file's dates are read: day-first or not, the rule that decided it, the row
    that proved it (rule ``proof``), and a note for the user when it was only assumed."""

    dayfirst: bool
    rule: str
    row: int | None = None
    note: str | None = None

    def describe(self) -> str:
        order = "day-first" if self.dayfirst else "month-first"
        why = {
            "given": "as asked (dayfirst=)",
            "unambiguous": "no date in the file could be read the other way",
            "proof": f"row {self.row} can only be {order}",
            "start-completion": "every completion then follows its start within a day",
            "consecutive": "consecutive responses are then closest in time",
            "default": "nothing in the file tells: the UK default",
        }[self.rule]
        return f"dates read {order}: {why}"


def _read_both(
    texts: Iterable[str], epoch: dt.datetime | None
) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    """Each text read day-first and month-first (texts that cannot be read are left for the
    reader, which names their row)."""
    both = {}
    for text in texts:
        try:
            day = parse_timestamp(text, dayfirst=True, epoch=epoch)
            month = parse_timestamp(text, dayfirst=False, epoch=epoch)
        except ValueError:
            continue
        if day is not None and month is not None:
            both[text] = (day, month)
    return both


def decide_date_order(
    rows: Iterable[tuple[int, str | None, str | None]],
    *,
    source: str,
    epoch: dt.datetime | None = None,
) -> DateOrder:
    """Day-first or month-first for a whole file, from its timestamps.

    :param rows: ``(row number, start time, completion time)`` in file order, the texts as
        the file writes them (either may be ``None``).
    :raises FormatError: dates that prove both orders, naming a row of each.
    """
    proof: dict[bool, tuple[int, str]] = {}
    pairs: list[tuple[str | None, str | None]] = []
    ambiguous = False
    looked: set[str | None] = set()  # timestamps repeat: each text is looked at once
    for row, start, end in rows:
        for text in (start, end):
            if text in looked:
                continue
            looked.add(text)
            says = order_evidence(text)
            if says is not None and says not in proof:
                proof[says] = (row, text or "")
            elif says is None and not ambiguous:
                ambiguous = _ambiguous(text)
        pairs.append((start, end))
    if True in proof and False in proof:
        (day_row, day_text), (month_row, month_text) = proof[True], proof[False]
        raise FormatError(
            f"row {day_row} writes {day_text!r}, which is day-first, but row {month_row} "
            f"writes {month_text!r}, which is month-first; pass dayfirst=True or "
            "dayfirst=False to say how the file is to be read",
            source=source,
        )
    if proof:
        ((says, (row, _)),) = proof.items()
        return DateOrder(says, "proof", row=row)
    if not ambiguous:
        return DateOrder(True, "unambiguous")
    both = _read_both({t for pair in pairs for t in pair if t}, epoch)
    decided = _by_start_and_completion(pairs, both)
    if decided is not None:
        return DateOrder(decided, "start-completion", note=_inferred(decided, "start-completion"))
    decided = _by_closeness(pairs, both)
    if decided is not None:
        return DateOrder(decided, "consecutive", note=_inferred(decided, "consecutive"))
    return DateOrder(
        True,
        "default",
        note=(
            "every date could be day-first or month-first and nothing in the file tells "
            "which: read day-first (UK); if the file is month-first (US), read it with "
            "dayfirst=False (--monthfirst on the command line) into the map as it was "
            "before this import"
        ),
    )


def _inferred(dayfirst: bool, rule: str) -> str:
    """The warning for an order inferred from the times, not proved by a date."""
    order, other = ("day-first", "month") if dayfirst else ("month-first", "day")
    why = (
        "every completion then follows its start within a day"
        if rule == "start-completion"
        else "consecutive responses are then closest in time"
    )
    flag = "dayfirst=False (--monthfirst" if dayfirst else "dayfirst=True (--dayfirst"
    return (
        f"no date proves the order, so dates were read {order} because {why}; if they are "
        f"{other}-first, read the file with {flag} on the command line) into the map as it "
        "was before this import"
    )


_DAY = dt.timedelta(days=1)


def _by_start_and_completion(
    pairs: list[tuple[str | None, str | None]], both: dict[str, tuple[dt.datetime, dt.datetime]]
) -> bool | None:
    """The one reading under which every completion follows its start within a day."""
    fits = [True, True]  # day-first, month-first
    compared = False
    for start, end in pairs:
        if not start or not end or start not in both or end not in both:
            continue
        compared = True
        for reading in (0, 1):
            gap = both[end][reading] - both[start][reading]
            if not dt.timedelta(0) <= gap < _DAY:
                fits[reading] = False
    if compared and fits[0] != fits[1]:
        return fits[0]
    return None


def _by_closeness(
    pairs: list[tuple[str | None, str | None]], both: dict[str, tuple[dt.datetime, dt.datetime]]
) -> bool | None:
    """The reading under which consecutive rows are closest in time (completion times,
    else start times)."""
    totals = [0.0, 0.0]
    previous: tuple[dt.datetime, dt.datetime] | None = None
    for start, end in pairs:
        text = end or start
        if not text or text not in both:
            continue
        current = both[text]
        if previous is not None:
            for reading in (0, 1):
                totals[reading] += abs((current[reading] - previous[reading]).total_seconds())
        previous = current
    if totals[0] == totals[1]:
        return None
    return totals[0] < totals[1]


# --------------------------------------------------------------------------- reading


class TimestampReader:
    """Reads a file's timestamps in its decided order, each distinct text once.

    A later date that proves the other order is an error naming its row (unless the user
    gave the order, when a date that cannot be read that way is the error).
    """

    def __init__(self, order: DateOrder, source: str, epoch: dt.datetime | None = None) -> None:
        self.order, self.source, self.epoch = order, source, epoch
        self.dayfirst = order.dayfirst
        #: Each timestamp text read so far, and what it was read as.
        self.seen: dict[str, dt.datetime | None] = {}

    def read(self, raw: str | None, row: int) -> dt.datetime | None:
        if not raw:
            return None
        seen = self.seen.get(raw)
        if seen is not None:
            return seen
        if self.order.rule != "given":
            says = order_evidence(raw)
            if says is not None and says != self.dayfirst:
                self._contradiction(raw, row)
        try:
            parsed = parse_timestamp(raw, dayfirst=self.dayfirst, epoch=self.epoch)
        except ValueError:
            hint = (
                ""
                if self.order.rule != "given"
                else f" read {'day' if self.dayfirst else 'month'}-first"
            )
            raise FormatError(
                f"row {row}: {raw!r} is not a date and time{hint}", source=self.source
            ) from None
        if len(self.seen) > 100_000:
            self.seen.clear()
        self.seen[raw] = parsed
        return parsed

    def _contradiction(self, raw: str, row: int) -> None:
        order = "day-first" if self.dayfirst else "month-first"
        because = (
            f"as row {self.order.row} showed the file's dates to be"
            if self.order.rule == "proof"
            else f"as the rows before it were read ({self.order.rule})"
        )
        raise FormatError(
            f"row {row}: the date {raw!r} cannot be {order}, {because}; pass dayfirst=True "
            "or dayfirst=False",
            source=self.source,
        )
