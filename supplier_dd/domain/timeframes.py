"""Reading the dates and progress words councils write in action-plan cells.

Action plans say when things happen in many ways: '01/04/2019', 'May 2021', 'Ongoing',
'Completed', 'Annual report due Dec 2020', 'In progress – due September 2020', 'August to
October 2018'. `parse_timeframe` turns what it can into dates and a progress status and says how
much of the text it understood, so the importer can report the rest; the text itself is always
kept by the caller.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Progress(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    ONGOING = "ongoing"
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return PROGRESS_LABELS[self]


PROGRESS_LABELS = {
    Progress.NOT_STARTED: "Not started",
    Progress.IN_PROGRESS: "In progress",
    Progress.ONGOING: "Ongoing",
    Progress.COMPLETED: "Completed",
}


class Understood(StrEnum):
    FULLY = "fully"  # every word was a date, a due phrase or a progress word
    PARTLY = "partly"  # a date or status was found; other wording is kept as text
    NOT = "not"  # nothing could be turned into a date or status; kept as text only


@dataclass(frozen=True)
class Timeframe:
    start: date | None = None
    end: date | None = None
    progress: Progress | None = None
    understood: Understood = Understood.FULLY


class DateError(ValueError):
    """A cell looks like a date but is not a real one (31/02/2020)."""


_MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
_MONTHS["sept"] = 9
_MONTH = r"(?P<{0}>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_MONTH_YEAR = re.compile(r"\b" + _MONTH.format("month") + r"\s+(?P<year>(?:19|20)\d\d)\b", re.I)
_MONTH_RANGE = re.compile(
    r"\b" + _MONTH.format("first") + r"\s*(?:to|-|until)\s*" + _MONTH.format("last")
    + r"\s+(?P<year>(?:19|20)\d\d)\b",
    re.I,
)
_NUMERIC_DATE = re.compile(
    r"\b(?P<day>\d{1,2})[/.\-](?P<month>\d{1,2})[/.\-](?P<year>\d{4}|\d{2})\b"
)
_DUE = re.compile(r"\b(?:due|by|deadline)\s+(?:in\s+|by\s+)?$", re.I)
# A month named after these words is history or a recurrence, not when the action is due.
_NOT_A_DUE_DATE = re.compile(
    r"\b(?:from|since|last|as of|reminder in|until|after)\s+(?:\w+\s+){0,2}$", re.I
)
_DONE_WORDS = re.compile(
    r"\b(?:completed?|adopted|agreed|approved|achieved|published|in place|delivered)\b", re.I
)
_STATUS_PREFIX = [
    (re.compile(r"^\s*complete[d]?\b", re.I), Progress.COMPLETED),
    (re.compile(r"^\s*(?:on-?going|continuous)\b", re.I), Progress.ONGOING),
    (re.compile(r"^\s*in progress\b", re.I), Progress.IN_PROGRESS),
    (re.compile(r"^\s*not (?:yet )?started\b", re.I), Progress.NOT_STARTED),
]
_STATUS_ANYWHERE = [
    (re.compile(r"\bon-?going\b", re.I), Progress.ONGOING),
    (re.compile(r"\bin progress\b", re.I), Progress.IN_PROGRESS),
    (_DONE_WORDS, Progress.COMPLETED),
]


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year(text: str) -> int:
    value = int(text)
    return value + 2000 if value < 100 else value


def parse_day(text: str) -> date | None:
    """A cell holding only a numeric date (dd/mm/yyyy, dd.mm.yy ...), else None.

    UK order: day first. A date that does not exist raises DateError rather than being guessed.
    """
    match = _NUMERIC_DATE.fullmatch(text.strip())
    if not match:
        return None
    return _numeric(match, text.strip())


def _numeric(match: re.Match, text: str) -> date:
    try:
        return date(_year(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        raise DateError(f"{text!r} is not a real date (dates are day/month/year)") from None


def _normalise(text: str) -> str:
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\xa0", " ")
    return re.sub(r"\s+", " ", text).strip()


def _leftover_has_words(text: str, spans: list[tuple[int, int]]) -> bool:
    chars = list(text)
    for start, end in spans:
        for index in range(start, end):
            chars[index] = " "
    return bool(re.search(r"[A-Za-z0-9]", "".join(chars)))


def parse_timeframe(text: str) -> Timeframe:
    """Dates and progress in a time-frame cell. Raises DateError for an impossible date."""
    text = _normalise(text or "")
    if not text:
        return Timeframe(understood=Understood.FULLY)
    spans: list[tuple[int, int]] = []
    progress = None
    for pattern, status in _STATUS_PREFIX:
        match = pattern.search(text)
        if match:
            progress = status
            spans.append(match.span())
            break

    start = end = None
    numeric = list(_NUMERIC_DATE.finditer(text))
    month_range = _MONTH_RANGE.search(text)
    if numeric:
        dates = [_numeric(match, match.group(0)) for match in numeric]
        spans.extend(match.span() for match in numeric)
        if len(dates) >= 2:
            start, end = dates[0], dates[-1]
        else:
            end = dates[0]
    elif month_range:
        year = int(month_range["year"])
        first, last = _MONTHS[month_range["first"].lower()], _MONTHS[month_range["last"].lower()]
        start = date(year - (1 if first > last else 0), first, 1)
        end = month_end(year, last)
        spans.append(month_range.span())
    else:
        end, span = _due_month(text)
        if span:
            spans.append(span)

    if progress is None:
        for pattern, status in _STATUS_ANYWHERE:
            match = pattern.search(text)
            if match:
                progress = status
                spans.append(match.span())
                break
    # Joining words and the words that introduce a due date are understood too.
    spans.extend(m.span() for m in re.finditer(r"\b(?:due|by|to|and|-)\b|[-.,;:()]", text, re.I))

    found_something = start or end or progress
    if not found_something:
        understood = Understood.NOT
    elif _leftover_has_words(text, spans):
        understood = Understood.PARTLY
    else:
        understood = Understood.FULLY
    return Timeframe(start=start, end=end, progress=progress, understood=understood)


def _due_month(text: str) -> tuple[date | None, tuple[int, int] | None]:
    """The month an action is due: after 'due', else the one month not marked as history."""
    candidates = []
    for match in _MONTH_YEAR.finditer(text):
        before = text[: match.start()]
        if _DUE.search(before):
            return month_end(int(match["year"]), _MONTHS[match["month"].lower()]), match.span()
        if not _NOT_A_DUE_DATE.search(before):
            candidates.append(match)
    if candidates:
        match = candidates[0]
        return month_end(int(match["year"]), _MONTHS[match["month"].lower()]), match.span()
    return None, None
