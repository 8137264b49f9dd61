"""MME's date columns, read with the shared partial-date rules (:mod:`exercises.importers.partial_dates`).

Dates
    StartDate and EndDate come as ``m/d/yy`` (two-digit years 80-99 are 19xx, 00-30 are 20xx) or as
    ``yyyy-mm-xx`` (xx: the day is unknown, so month precision); the shared rules also read ``m/xx/yy``
    (JME's form; MME v7 never writes it). s.year/s.month/s.day and e.* fill in
    the parts the text leaves unknown and are checked against it: where they disagree the text wins and
    the row is flagged. "-9" or nothing is unknown. A date is stored as the first day of its known period
    with its precision. An impossible day or month is dropped to the coarser precision, flagged. An end
    before the start keeps the start, leaves the end empty and flags the row with the raw values: a
    date is never invented.
"""

from exercises.importers.partial_dates import PART_NAMES, PartialDate, YearWindow, checked_end
from exercises.importers.partial_dates import read_date as read_partial_date

DATE_COLUMNS = ("StartDate", "s.year", "s.month", "s.day", "EndDate", "e.year", "e.month", "e.day")
#: MME's two-digit years: 80-99 are 19xx, 00-30 are 20xx.
YEARS = YearWindow(1980, 2030)


def read_date(row: dict[str, str], column: str, prefix: str) -> tuple[PartialDate, list[str]]:
    """A start or end date from its text column, completed and checked by its three part columns."""
    parts = [(f"{prefix}.{part}", row[f"{prefix}.{part}"]) for part in PART_NAMES]
    return read_partial_date((column, row[column]), parts, years=YEARS)


def read_dates(row: dict[str, str]) -> tuple[PartialDate, PartialDate, list[str]]:
    """Start and end; an end before the start is left empty (never guessed) and noted with raw values."""
    start, start_notes = read_date(row, "StartDate", "s")
    end, end_notes = read_date(row, "EndDate", "e")
    end, order_notes = checked_end(start, end, source="MME", raw={column: row[column] for column in DATE_COLUMNS})
    return start, end, start_notes + end_notes + order_notes
