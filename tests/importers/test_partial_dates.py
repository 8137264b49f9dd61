"""Partial dates as data sets write them: text forms, two-digit years, part columns, impossible parts."""

import datetime as dt

import pytest

from exercises.choices import DatePrecision
from exercises.importers.partial_dates import (
    PartialDate,
    YearWindow,
    checked_end,
    parse_columns,
    parse_text,
    partial_date,
    read_date,
)

MME_YEARS = YearWindow(1980, 2030)


def columns(year: str = "", month: str = "", day: str = "") -> list[tuple[str, str]]:
    return [("s.year", year), ("s.month", month), ("s.day", day)]


def test_us_date_with_two_digit_year():
    assert parse_text("1/14/80", MME_YEARS) == (1980, 1, 14)


def test_us_date_with_four_digit_year():
    assert parse_text("04/10/2005", MME_YEARS) == (2005, 4, 10)


def test_us_date_with_unknown_day():
    assert parse_text("11/xx/2007", MME_YEARS) == (2007, 11, None)


def test_iso_date_with_unknown_day():
    assert parse_text("1980-01-xx", MME_YEARS) == (1980, 1, None)


def test_year_alone_is_a_date():
    assert parse_text("1985", MME_YEARS) == (1985, None, None)


def test_empty_text_is_unknown():
    assert parse_text("", MME_YEARS) == (None, None, None)


def test_other_text_is_refused():
    with pytest.raises(ValueError, match="neither m/d/yy nor yyyy-mm-dd"):
        parse_text("14 January 1980", MME_YEARS)


def test_year_window_within_one_century():
    with pytest.raises(ValueError, match="two-digit year 73 is not 74-99"):
        YearWindow(1974, 1999).expand("73")


def test_year_window_must_be_under_a_century():
    with pytest.raises(ValueError, match="less than a century"):
        YearWindow(1950, 2050)


def test_part_column_that_is_not_a_number_is_ignored_with_a_note():
    assert parse_columns(columns("1995", "April", "xx")) == (
        (1995, None, None),
        ['s.month "April" is not a number; ignored.'],
    )


def test_impossible_month_keeps_the_year():
    assert partial_date(1985, 13, 1, "StartDate") == (
        PartialDate(dt.date(1985, 1, 1), DatePrecision.YEAR),
        ["StartDate: no month 13; kept the year."],
    )


def test_impossible_day_keeps_the_month():
    assert partial_date(1985, 2, 30, "StartDate") == (
        PartialDate(dt.date(1985, 2, 1), DatePrecision.MONTH),
        ["StartDate: no day 30 in 1985-02; kept the month."],
    )


def test_year_outside_1900_2100_leaves_the_date_empty():
    assert partial_date(2105, 1, 1, "StartDate") == (
        PartialDate(),
        ["StartDate: year 2105 is outside 1900-2100; left empty."],
    )


def test_columns_alone_give_the_date():
    assert read_date(("StartDate", "-9"), columns("1999", "4", "xx"), years=MME_YEARS) == (
        PartialDate(dt.date(1999, 4, 1), DatePrecision.MONTH),
        [],
    )


def test_text_alone_gives_the_date():
    assert read_date(("Start Date", "11/xx/2007"), columns(), years=MME_YEARS) == (
        PartialDate(dt.date(2007, 11, 1), DatePrecision.MONTH),
        [],
    )


def test_unreadable_text_is_noted_and_the_columns_used():
    date, notes = read_date(("StartDate", "spring 95"), columns("1995"), years=MME_YEARS)
    assert date == PartialDate(dt.date(1995, 1, 1), DatePrecision.YEAR)
    assert notes == ['StartDate "spring 95" is unreadable (neither m/d/yy nor yyyy-mm-dd).']


def test_text_wins_where_the_columns_disagree():
    date, notes = read_date(("StartDate", "3/4/95"), columns("1995", "4", "4"), years=MME_YEARS)
    assert date == PartialDate(dt.date(1995, 3, 4), DatePrecision.DAY)
    assert notes == ['StartDate "3/4/95" and s.month "4" disagree; kept 3.']


def test_end_before_start_is_left_empty_with_the_raw_values():
    start, end = PartialDate(dt.date(1982, 11, 11), DatePrecision.DAY), PartialDate(dt.date(1982, 11, 10), "day")
    kept, notes = checked_end(start, end, source="MME", raw={"StartDate": "11/11/82", "EndDate": "11/10/82 "})
    assert kept == PartialDate()
    assert notes == [
        'The end is before the start in MME (StartDate "11/11/82", EndDate "11/10/82"); '
        "kept the start, left the end empty."
    ]


def test_end_month_containing_the_start_is_kept():
    start, end = PartialDate(dt.date(1983, 3, 20), DatePrecision.DAY), PartialDate(dt.date(1983, 3, 1), "month")
    assert checked_end(start, end, source="MME", raw={}) == (end, [])
