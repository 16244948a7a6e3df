"""Survey timestamps: reading the forms tools write, and the file's day/month order."""

from __future__ import annotations

import datetime as dt
import re

from coprod_toc.errors import FormatError

__all__ = ["DateOrder", "parse_timestamp"]


_NUMERIC = re.compile(
    r"(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})"
    r"(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([AaPp]\.?[Mm]\.?)?)?"
    r"(?:\s*(?:Z|[A-Za-z]{1,5}|(?:GMT|UTC)?[+-]\d{1,2}(?::?\d{2})?))?"
)


def _numeric_parts(raw: str) -> re.Match[str] | None:
    return _NUMERIC.fullmatch(raw.strip())


def parse_timestamp(raw: str | None, *, dayfirst: bool = True) -> dt.datetime | None:
    """A survey timestamp as a naive local datetime, or ``None`` for a blank.

    Reads ISO 8601 (with or without an offset, which is dropped: the time stays as the tool
    wrote it) and the numeric forms tools and spreadsheets write (``14/01/2026 10:02``,
    ``1/14/2026 2:54:44 PM``, ``2022/06/22 11:07:29 AM AST``). ``dayfirst`` decides
    ``03/04/2026``. Raises ``ValueError`` for anything else.
    """
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    if text[4:5] == "-":  # ISO 8601 starts YYYY-
        try:
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
        except ValueError:
            pass
    match = _numeric_parts(text)
    if match is None:
        raise ValueError(f"not a date and time: {raw!r}")
    first, second, third, hour, minute, second_s, half = match.groups()
    if len(first) == 4:
        year, month, day = int(first), int(second), int(third)
    else:
        year = int(third) + (2000 if len(third) == 2 else 0)
        day, month = (int(first), int(second)) if dayfirst else (int(second), int(first))
    hours = int(hour or 0)
    if half:
        if not 1 <= hours <= 12:
            raise ValueError(f"not a date and time: {raw!r}")
        hours = hours % 12 + (12 if half[0] in "Pp" else 0)
    return dt.datetime(year, month, day, hours, int(minute or 0), int(second_s or 0))


class DateOrder:
    """Day-first or month-first, decided once per file from the dates it holds.

    A date whose first number is above 12 proves day-first; one whose second is above 12
    proves month-first. With no proof either way the file is read day-first (UK). The
    decision is made on the rows read before the first answer is given out (the first
    ``window``); a later row that contradicts it is an error naming that row.
    """

    def __init__(self, source: str, dayfirst: bool | None) -> None:
        self.source = source
        self.fixed = dayfirst
        self.dayfirst = True if dayfirst is None else dayfirst
        self.proof: int | None = None
        #: Each timestamp text read so far, and what it was read as.
        self.parsed: dict[str, dt.datetime | None] = {}
        self.settled = False  # decided: later rows may confirm the order, never change it

    def observe(self, raw: str | None, row: int) -> None:
        if self.fixed is not None or not raw or raw in self.parsed:
            return  # a text already read was already observed
        match = _numeric_parts(raw)
        if match is None or len(match.group(1)) == 4:
            return
        first, second = int(match.group(1)), int(match.group(2))
        says = True if first > 12 else False if second > 12 else None
        if says is None:
            return
        if self.proof is None and not self.settled:
            self.proof, self.dayfirst = row, says
        elif self.proof is None and says != self.dayfirst:
            raise FormatError(
                f"row {row}: the date {raw!r} is month-first, but the rows before it were "
                "read day-first; pass dayfirst=False",
                source=self.source,
            )
        elif says != self.dayfirst:
            order = "day-first" if self.dayfirst else "month-first"
            raise FormatError(
                f"row {row}: the date {raw!r} cannot be {order}, as row {self.proof} showed "
                f"the file's dates to be; pass dayfirst=True or dayfirst=False",
                source=self.source,
            )

    def parse(self, raw: str | None, row: int) -> dt.datetime | None:
        if not raw:
            return None
        # Many responses share a timestamp's text (minutes, or dates alone): read each once.
        cached = self.parsed.get(raw)
        if cached is not None:
            return cached
        try:
            parsed = parse_timestamp(raw, dayfirst=self.dayfirst)
        except ValueError:
            raise FormatError(
                f"row {row}: {raw!r} is not a date and time", source=self.source
            ) from None
        if len(self.parsed) > 100_000:
            self.parsed.clear()
        self.parsed[raw] = parsed
        return parsed
