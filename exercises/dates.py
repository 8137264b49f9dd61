"""Partial dates: a date stored as the first day of the period a source gives, plus its precision.

"September 2011" is stored as ``2011-09-01`` with precision ``month``; the span it stands for runs to
``2011-09-30``. Filters compare spans, so an exercise known only as "September 2011" overlaps
2011-09-25.
"""

import calendar
import datetime as dt
import re

from django.db.models import Q

from exercises.choices import DatePrecision

_PARTIAL = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$")


def truncate(value: dt.date | None, precision: str) -> dt.date | None:
    """The first day of the period of ``precision`` that contains ``value``.

    A date with precision ``unknown`` is returned as it is, for validation to reject, never dropped.
    """
    if value is None or precision == DatePrecision.UNKNOWN:
        return value
    if precision == DatePrecision.YEAR:
        return value.replace(month=1, day=1)
    if precision == DatePrecision.MONTH:
        return value.replace(day=1)
    return value


def period_end(value: dt.date | None, precision: str) -> dt.date | None:
    """The last day of the period of ``precision`` that starts at or contains ``value``."""
    if value is None or precision == DatePrecision.UNKNOWN:
        return None
    if precision == DatePrecision.YEAR:
        return dt.date(value.year, 12, 31)
    if precision == DatePrecision.MONTH:
        return dt.date(value.year, value.month, calendar.monthrange(value.year, value.month)[1])
    return value


def span(start: dt.date | None, end: dt.date | None, end_precision: str, year: int | None = None):
    """(year, first day, last day): the widest span partial dates allow. "September 2011" runs from 1
    to 30 September; a missing start or end opens the span to the start or end of the year. Without
    dates, ``year`` alone gives the whole year; without either, no span."""
    day = start or end
    year = day.year if day else year
    if year is None or not dt.MINYEAR <= year <= dt.MAXYEAR:  # an impossible year: for validation to refuse
        return year, None, None
    return year, start or dt.date(year, 1, 1), period_end(end, end_precision) or dt.date(year, 12, 31)


def parse_partial(text: str) -> tuple[dt.date, str]:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` into (first day of the period, precision).

    Raises ``ValueError`` with a readable reason for anything else.
    """
    match = _PARTIAL.match(text.strip())
    if not match:
        raise ValueError("expected YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match["year"], match["month"], match["day"]
    try:
        if day:
            return dt.date(int(year), int(month), int(day)), DatePrecision.DAY
        if month:
            return dt.date(int(year), int(month), 1), DatePrecision.MONTH
        return dt.date(int(year), 1, 1), DatePrecision.YEAR
    except ValueError as exc:
        raise ValueError(f"not a calendar date ({exc})") from None


def format_partial(value: dt.date | None, precision: str) -> str | None:
    """The inverse of :func:`parse_partial`: ``2011-09`` for a month-precision date."""
    if value is None or precision == DatePrecision.UNKNOWN:
        return None
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def precision_matches(date_field: str, precision_field: str) -> Q:
    """A database condition: a partial date is empty exactly when its precision is unknown."""
    unknown = Q(**{precision_field: DatePrecision.UNKNOWN})
    return (Q(**{f"{date_field}__isnull": True}) & unknown) | (Q(**{f"{date_field}__isnull": False}) & ~unknown)
