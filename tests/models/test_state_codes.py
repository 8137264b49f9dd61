"""The Correlates of War and Gleditsch-Ward codes: what fixtures/state_codes.json covers, what the database
enforces, and how State.objects.resolve reads a prefixed code."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exercises.models import CodedStates, State, StateCode, UnknownState, UnknownStateCode
from tests.factories import app_rows
from tests.models.conftest import assert_rejected

pytestmark = pytest.mark.django_db

#: Every CoW state-year after 1945, as runs of years per code: countrycode's dictionary/data_cow.csv at
#: commit 284d6a2 (the source countrycode-r-package), which has no year after 2016.
COW_AFTER_1945 = """
2:1946-2016 20:1946-2016 31:1973-2016 40:1946-2016 41:1946-2016 42:1946-2016 51:1962-2016 52:1962-2016
53:1966-2016 54:1978-2016 55:1974-2016 56:1979-2016 57:1979-2016 58:1981-2016 60:1983-2016 70:1946-2016
80:1981-2016 90:1946-2016 91:1946-2016 92:1946-2016 93:1946-2016 94:1946-2016 95:1946-2016 100:1946-2016
101:1946-2016 110:1966-2016 115:1975-2016 130:1946-2016 135:1946-2016 140:1946-2016 145:1946-2016
150:1946-2016 155:1946-2016 160:1946-2016 165:1946-2016 200:1946-2016 205:1946-2016 210:1946-2016
211:1946-2016 212:1946-2016 220:1946-2016 221:1993-2016 223:1990-2016 225:1946-2016 230:1946-2016
232:1993-2016 235:1946-2016 255:1990-2016 260:1955-1989 265:1954-1990 290:1946-2016 305:1955-2016
310:1946-2016 315:1946-1992 316:1993-2016 317:1993-2016 325:1946-2016 331:1992-2016 338:1964-2016
339:1946-2016 341:2006-2016 343:1993-2016 344:1992-2016 345:1946-2016 346:1992-2016 347:2008-2016
349:1992-2016 350:1946-2016 352:1960-2016 355:1946-2016 359:1991-2016 360:1946-2016 365:1946-2016
366:1991-2016 367:1991-2016 368:1991-2016 369:1991-2016 370:1991-2016 371:1991-2016 372:1991-2016
373:1991-2016 375:1946-2016 380:1946-2016 385:1946-2016 390:1946-2016 395:1946-2016 402:1975-2016
403:1975-2016 404:1974-2016 411:1968-2016 420:1965-2016 432:1960-2016 433:1960-2016 434:1960-2016
435:1960-2016 436:1960-2016 437:1960-2016 438:1958-2016 439:1960-2016 450:1946-2016 451:1961-2016
452:1957-2016 461:1960-2016 471:1960-2016 475:1960-2016 481:1960-2016 482:1960-2016 483:1960-2016
484:1960-2016 490:1960-2016 500:1962-2016 501:1963-2016 510:1961-2016 511:1963-1964 516:1962-2016
517:1962-2016 520:1960-2016 522:1977-2016 530:1946-2016 531:1993-2016 540:1975-2016 541:1975-2016
551:1964-2016 552:1965-2016 553:1964-2016 560:1946-2016 565:1990-2016 570:1966-2016 571:1966-2016
572:1968-2016 580:1960-2016 581:1975-2016 590:1968-2016 591:1976-2016 600:1956-2016 615:1962-2016
616:1956-2016 620:1951-2016 625:1956-2016 626:2011-2016 630:1946-2016 640:1946-2016 645:1946-2016
651:1946-2016 652:1946-1958,1961-2016 660:1946-2016 663:1946-2016 666:1948-2016 670:1946-2016 678:1946-1990
679:1990-2016 680:1967-1990 690:1961-2016 692:1971-2016 694:1971-2016 696:1971-2016 698:1971-2016
700:1946-2016 701:1991-2016 702:1991-2016 703:1991-2016 704:1991-2016 705:1991-2016 710:1946-2016
712:1946-2016 713:1949-2016 731:1948-2016 732:1949-2016 740:1952-2016 750:1947-2016 760:1971-2016
770:1947-2016 771:1971-2016 775:1948-2016 780:1948-2016 781:1965-2016 790:1946-2016 800:1946-2016
811:1953-2016 812:1953-2016 816:1954-2016 817:1954-1975 820:1957-2016 830:1965-2016 835:1984-2016
840:1946-2016 850:1949-2016 860:2002-2016 900:1946-2016 910:1975-2016 920:1946-2016 935:1981-2016
940:1978-2016 946:1999-2016 947:2000-2016 950:1970-2016 955:1999-2016 970:1999-2016 983:1991-2016
986:1994-2016 987:1991-2016 990:1976-2016
"""
#: CoW states of no ISO state, and so of no state here: Kosovo has no ISO 3166 code (XK is user-assigned).
NO_STATE = {347}


def cow_state_years():
    for item in COW_AFTER_1945.split():
        number, runs = item.split(":")
        for run in runs.split(","):
            first, last = run.split("-")
            for year in range(int(first), int(last) + 1):
                yield int(number), year


def test_every_cow_state_year_after_1945_has_a_state():
    periods = {}
    for code in StateCode.objects.filter(system="cow"):
        periods.setdefault(code.number, []).append(code)
    missing = [
        (number, year)
        for number, year in cow_state_years()
        if number not in NO_STATE
        and not any(code.overlaps(dt.date(year, 1, 1), dt.date(year, 12, 31)) for code in periods.get(number, []))
    ]
    assert missing == []
    assert not NO_STATE & set(periods), "Kosovo has a state now: take it out of NO_STATE"


def test_the_fixture_keeps_the_gaps_of_the_cow_system():
    syria = StateCode.objects.filter(system="cow", number=652)
    assert not any(code.overlaps(dt.date(1959, 1, 1), dt.date(1960, 12, 31)) for code in syria)  # the UAR


def test_the_periods_of_one_code_never_overlap():
    codes = list(StateCode.objects.all())
    for before, after in zip(codes, codes[1:], strict=False):
        if (before.system, before.number) == (after.system, after.number):
            assert before.valid_to is not None and after.valid_from is not None
            assert before.valid_to < after.valid_from, (before, after)


@pytest.mark.parametrize(
    ("system", "number", "when", "state"),
    [
        ("cow", 365, "1921-06-01", "RUS"),
        ("cow", 365, "1985-06-01", "SUHH"),
        ("cow", 365, "1991-12-25", "SUHH"),
        ("cow", 365, "1991-12-26", "RUS"),
        ("cow", 255, "1938-06-01", "DEU"),
        ("cow", 255, "1990-10-03", "DEU"),
        ("cow", 260, "1990-10-02", "DEU"),
        ("cow", 265, "1980-06-01", "DDDE"),
        ("gw", 260, "2015-06-01", "DEU"),
        ("cow", 345, "1985-06-01", "YUCS"),
        ("cow", 345, "2005-06-01", "CSXX"),
        ("cow", 345, "2010-06-01", "SRB"),
        ("cow", 315, "1980-06-01", "CSHH"),
        ("cow", 816, "1970-06-01", "VDVN"),
        ("gw", 816, "1990-06-01", "VNM"),
        ("cow", 817, "1970-06-01", "VNM"),
        ("cow", 680, "1980-06-01", "YDYE"),
        ("cow", 678, "1980-06-01", "YEM"),
    ],
)
def test_a_code_denotes_the_iso_state_of_its_time(system, number, when, state):
    day = dt.date.fromisoformat(when)
    [code] = [code for code in StateCode.objects.filter(system=system, number=number) if code.overlaps(day, day)]
    assert code.state.code == state


@pytest.mark.parametrize(
    ("system", "number", "when"),
    [("cow", 260, "1990-10-03"), ("cow", 255, "1990-10-02"), ("cow", 260, "1950-06-01"), ("gw", 265, "1990-10-03")],
)
def test_a_code_denotes_nothing_outside_its_periods(system, number, when):
    day = dt.date.fromisoformat(when)
    assert not [code for code in StateCode.objects.filter(system=system, number=number) if code.overlaps(day, day)]


def test_loading_the_codes_twice_leaves_the_same_rows():
    before = app_rows()
    call_command("loaddata", "state_codes", verbosity=0)
    assert app_rows() == before


# -- What the database enforces ------------------------------------------------------------------------
def code(**fields):
    defaults = {"system": "cow", "number": 999, "letters": "XXX", "name": "Nowhere", "state": State.objects.first()}
    return lambda: StateCode.objects.create(**(defaults | fields))


def test_a_period_may_not_end_before_it_starts():
    assert_rejected(code(valid_from=dt.date(2000, 1, 2), valid_to=dt.date(2000, 1, 1)))


def test_two_periods_of_a_code_may_not_start_on_the_same_day():
    code(valid_from=dt.date(2000, 1, 1))()
    assert_rejected(code(valid_from=dt.date(2000, 1, 1), letters="YYY"))


def test_a_code_has_one_period_open_at_the_start():
    code(valid_to=dt.date(1950, 1, 1))()
    assert_rejected(code(valid_to=dt.date(1960, 1, 1)))


def test_a_code_belongs_to_a_known_system():
    assert_rejected(code(system="pol"))


# -- Resolving prefixed codes --------------------------------------------------------------------------
def test_resolve_maps_a_code_to_its_states_and_periods_with_one_more_query():
    with CaptureQueriesContext(connection) as queries:
        found = State.objects.resolve(["cow:365", "KZ"], periods=True)
    assert len(queries) == 2
    assert isinstance(found["cow:365"], CodedStates) and found["KZ"].code == "KAZ"
    assert [(p.state.code, p.start, p.end) for p in found["cow:365"].periods] == [
        ("RUS", None, dt.date(1922, 12, 29)),
        ("SUHH", dt.date(1922, 12, 30), dt.date(1991, 12, 25)),
        ("RUS", dt.date(1991, 12, 26), None),
    ]


def test_plain_values_resolve_in_one_query_as_before():
    with CaptureQueriesContext(connection) as queries:
        State.objects.resolve(["KZ", "Russia"], periods=True)
    assert len(queries) == 1


def test_without_periods_a_code_is_an_unknown_state_never_a_period():
    with pytest.raises(UnknownState) as raised:
        State.objects.resolve(["cow:365"])
    assert not isinstance(raised.value, UnknownStateCode)


def test_an_unknown_code_raises_naming_the_list():
    with pytest.raises(UnknownStateCode, match=r"^gw:999 is not a Gleditsch-Ward state code\.$"):
        State.objects.resolve(["gw:999"], periods=True)
