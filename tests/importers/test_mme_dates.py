"""MME's dates: the two text forms, two-digit years, the part columns, impossible days, end before start."""

import datetime as dt

import pytest

from exercises.choices import DatePrecision
from exercises.importers.mme.dates import YEARS, read_date
from exercises.importers.partial_dates import PartialDate
from tests.importers.mme_sample import exercise

pytestmark = pytest.mark.django_db


def test_xx_day_gives_month_precision(sample):
    readex = exercise("mme301")
    assert (readex.start_date, readex.start_precision) == (dt.date(1983, 3, 1), DatePrecision.MONTH)
    assert readex.span_end == dt.date(1983, 3, 31)


def test_two_digit_years(sample):
    harbour_watch = exercise("mme9002")
    assert harbour_watch.start_date == dt.date(1999, 12, 31)
    assert harbour_watch.end_date == dt.date(2000, 1, 4)
    assert exercise("mme87").year == 1980


@pytest.mark.parametrize(("digits", "year"), [("80", 1980), ("99", 1999), ("00", 2000), ("30", 2030)])
def test_two_digit_year_rule(digits, year):
    assert YEARS.expand(digits) == year


def test_two_digit_year_outside_the_rule_is_refused():
    with pytest.raises(ValueError, match="neither 80-99 nor 00-30"):
        YEARS.expand("45")


def test_date_columns_fill_in_missing_parts(sample):
    undated = exercise("mme9030")  # StartDate -9, s.year 1999, s.month 4, s.day xx
    assert (undated.start_date, undated.start_precision) == (dt.date(1999, 4, 1), DatePrecision.MONTH)
    assert undated.year == 1999


def test_date_text_and_columns_disagreeing_is_flagged():
    row = {"StartDate": "3/4/95", "s.year": "1995", "s.month": "4", "s.day": "4"}
    date, notes = read_date(row, "StartDate", "s")
    assert date == PartialDate(dt.date(1995, 3, 4), DatePrecision.DAY)
    assert notes == ['StartDate "3/4/95" and s.month "4" disagree; kept 3.']


def test_impossible_day_keeps_the_month_and_is_flagged():
    row = {"StartDate": "2/30/85", "s.year": "", "s.month": "", "s.day": ""}
    date, notes = read_date(row, "StartDate", "s")
    assert date == PartialDate(dt.date(1985, 2, 1), DatePrecision.MONTH)
    assert notes == ["StartDate: no day 30 in 1985-02; kept the month."]


def test_import_keeps_end_before_start_row_flagged(sample):
    bold_guard = exercise("mme281")
    assert (bold_guard.start_date, bold_guard.start_precision) == (dt.date(1982, 11, 11), DatePrecision.DAY)
    assert (bold_guard.end_date, bold_guard.end_precision) == (None, DatePrecision.UNKNOWN)
    assert bold_guard.needs_review
    assert 'StartDate "11/11/82"' in bold_guard.review_notes
    assert 'EndDate "11/10/82"' in bold_guard.review_notes
    assert "mme281" in sample.flagged


def test_minus_nine_is_missing(sample):
    undated = exercise("mme9030")
    assert (undated.end_date, undated.end_precision) == (None, DatePrecision.UNKNOWN)
    assert undated.description == ""
    assert undated.cyber is None
    assert not undated.locations.exists()
    assert exercise("mme650").description == ""
