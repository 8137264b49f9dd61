"""Partial dates as data sets write them, read into what the model stores: a first day and a precision.

Both MME and JME give a date twice: as text (``1/14/80``, ``1980-01-xx``, ``11/xx/2007``) and as
year, month and day columns, either of which may be empty or ``-9``. :func:`read_date` takes the text
first, lets the columns fill in what the text leaves unknown and notes where they disagree (the text
wins). What is known is stored as the first day of its period with its precision; a part that cannot
be (no 30 February, no month 13) drops the date to the coarser precision, with a note. A date is
never invented: an end before its start is left empty by :func:`checked_end`, with the raw values.

Notes are sentences for an exercise's ``review_notes``; a row with any is flagged for review.
"""

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from exercises import dates
from exercises.choices import DatePrecision
from exercises.importers.cells import MISSING, cell

#: Year, month and day; None for each part that is unknown.
Parts = tuple[int | None, int | None, int | None]
PART_NAMES = ("year", "month", "day")

#: Years a date may have; outside them a date is left empty (a typing error, not a date to store).
EARLIEST, LATEST = 1900, 2100

_US_DATE = re.compile(r"^(\d{1,2}|xx)/(\d{1,2}|xx)/(\d{2}|\d{4}|xxxx)$", re.IGNORECASE)
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}|xx))?(?:-(\d{1,2}|xx))?$", re.IGNORECASE)


@dataclass(frozen=True)
class PartialDate:
    """A date as the model stores it: the first day of the known period, and its precision."""

    value: dt.date | None = None
    precision: str = DatePrecision.UNKNOWN


@dataclass(frozen=True)
class YearWindow:
    """The years a data set's two-digit years stand for: MME's ``80``-``99`` and ``00``-``30`` are
    ``YearWindow(1980, 2030)``. Four-digit years are themselves."""

    first: int
    last: int

    def __post_init__(self):
        if not 0 <= self.last - self.first < 100:
            raise ValueError("a two-digit year must stand for one year: the window spans less than a century")

    def expand(self, digits: str) -> int:
        """The year ``digits`` (two or four of them) stands for; ValueError outside the window."""
        year = int(digits)
        if len(digits) == 4:
            return year
        for century in dict.fromkeys((self.first // 100 * 100, self.last // 100 * 100)):
            if self.first <= century + year <= self.last:
                return century + year
        first, last = f"{self.first % 100:02d}", f"{self.last % 100:02d}"
        if self.first // 100 == self.last // 100:
            raise ValueError(f"two-digit year {digits} is not {first}-{last}")
        raise ValueError(f"two-digit year {digits} is neither {first}-99 nor 00-{last}")


def parse_text(value: str, years: YearWindow) -> Parts:
    """Year, month and day of a date written ``m/d/yy``, ``m/d/yyyy`` or ``yyyy-mm-dd`` (``xx``: an
    unknown day, month or year, ``xx/xx/1984`` being 1984; a day without its month is not kept;
    ``yyyy`` and ``yyyy-mm`` too); all None for an empty text. ValueError otherwise."""
    if not value:
        return None, None, None
    if match := _US_DATE.match(value):
        year = None if match[3].lower() == "xxxx" else years.expand(match[3])
        month = _number(match[1])
        return year, month, None if month is None else _number(match[2])
    if match := _ISO_DATE.match(value):
        return int(match[1]), _number(match[2]), _number(match[3])
    raise ValueError("neither m/d/yy nor yyyy-mm-dd")


def _number(value: str | None) -> int | None:
    return None if value is None or value.lower() == "xx" else int(value)


def parse_columns(columns: Sequence[tuple[str, str]]) -> tuple[Parts, list[str]]:
    """Year, month and day from three (label, text) cells, with a note for any that is not a number."""
    parts, notes = [], []
    for label, raw in columns:
        if raw and raw.lower() != "xx" and not raw.isdecimal():
            notes.append(f'{label} "{raw}" is not a number; ignored.')
            raw = ""
        parts.append(int(raw) if raw.isdecimal() else None)
    return tuple(parts), notes


def partial_date(year: int | None, month: int | None, day: int | None, label: str) -> tuple[PartialDate, list[str]]:
    """The stored form of what is known of a date; an impossible part is dropped, with a note."""
    if year is None:
        return PartialDate(), []
    if not EARLIEST <= year <= LATEST:
        return PartialDate(), [f"{label}: year {year} is outside {EARLIEST}-{LATEST}; left empty."]
    if month is None:
        return PartialDate(dt.date(year, 1, 1), DatePrecision.YEAR), []
    if not 1 <= month <= 12:
        return PartialDate(dt.date(year, 1, 1), DatePrecision.YEAR), [f"{label}: no month {month}; kept the year."]
    if day is None:
        return PartialDate(dt.date(year, month, 1), DatePrecision.MONTH), []
    try:
        return PartialDate(dt.date(year, month, day), DatePrecision.DAY), []
    except ValueError:
        note = f"{label}: no day {day} in {year}-{month:02d}; kept the month."
        return PartialDate(dt.date(year, month, 1), DatePrecision.MONTH), [note]


def read_date(
    text: tuple[str, str], columns: Sequence[tuple[str, str]], *, years: YearWindow, missing: str = MISSING
) -> tuple[PartialDate, list[str]]:
    """A date from its text cell, completed and checked by its year, month and day cells.

    ``text``: (column label, raw cell), e.g. ``("StartDate", "1980-01-xx")``; ``columns``: the same for
    the year, month and day columns, in that order. ``missing`` in any cell means unknown.
    """
    label, raw = text[0], text[1].strip()
    notes = []
    try:
        from_text = parse_text(cell(raw, missing), years)
    except ValueError as exc:
        notes.append(f'{label} "{raw}" is unreadable ({exc}).')
        from_text = (None, None, None)
    from_columns, column_notes = parse_columns([(name, cell(value, missing)) for name, value in columns])
    notes += column_notes
    parts = []
    for (name, _), in_text, in_columns in zip(columns, from_text, from_columns, strict=True):
        if in_text is not None and in_columns is not None and in_text != in_columns:
            notes.append(f'{label} "{raw}" and {name} "{in_columns}" disagree; kept {in_text}.')
        parts.append(in_text if in_text is not None else in_columns)
    date, date_notes = partial_date(*parts, label=label)
    return date, notes + date_notes


def checked_end(
    start: PartialDate, end: PartialDate, *, source: str, raw: Mapping[str, str]
) -> tuple[PartialDate, list[str]]:
    """``end``, or no end (noted with the ``raw`` cells, by label) where the data set puts it before ``start``."""
    if start.value and end.value and dates.period_end(end.value, end.precision) < start.value:
        values = ", ".join(f'{label} "{value.strip()}"' for label, value in raw.items())
        note = f"The end is before the start in {source} ({values}); kept the start, left the end empty."
        return PartialDate(), [note]
    return end, []
