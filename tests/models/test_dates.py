import datetime as dt

import pytest

from exercises.choices import DatePrecision
from exercises.dates import format_partial, parse_partial, period_end, truncate


def test_parse_partial_month():
    assert parse_partial("2011-09") == (dt.date(2011, 9, 1), DatePrecision.MONTH)


def test_parse_partial_year_and_day():
    assert parse_partial("2011") == (dt.date(2011, 1, 1), DatePrecision.YEAR)
    assert parse_partial("2011-09-27") == (dt.date(2011, 9, 27), DatePrecision.DAY)


@pytest.mark.parametrize("text", ["2011-13", "2011-02-30", "27/09/2011", "", "2011-9"])
def test_parse_partial_rejects_malformed_dates(text):
    with pytest.raises(ValueError):
        parse_partial(text)


def test_period_end_of_month_handles_leap_years():
    assert period_end(dt.date(2012, 2, 1), DatePrecision.MONTH) == dt.date(2012, 2, 29)


def test_truncate_drops_what_the_precision_does_not_know():
    assert truncate(dt.date(2011, 9, 27), DatePrecision.YEAR) == dt.date(2011, 1, 1)


def test_format_partial_round_trips():
    for text in ["2011", "2011-09", "2011-09-27"]:
        assert format_partial(*parse_partial(text)) == text
