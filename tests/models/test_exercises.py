"""What the database enforces for exercises and their parts, and what saving derives."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exercises.choices import DatePrecision, Qualifier
from exercises.models import Exercise, Participation, State, TroopFigure
from tests.models.conftest import assert_rejected

pytestmark = pytest.mark.django_db


def make_exercise(**fields):
    defaults = {"name": "Test Shield", "slug": "test-shield"}
    return Exercise.objects.create(**(defaults | fields))


# -- Exercises ---------------------------------------------------------------------------------------
def test_database_rejects_end_before_start():
    exercise = make_exercise(start_date=dt.date(2011, 9, 20), start_precision=DatePrecision.DAY)
    assert_rejected(
        lambda: Exercise.objects.filter(pk=exercise.pk).update(
            end_date=dt.date(2011, 9, 1), end_precision=DatePrecision.DAY, span_end=dt.date(2011, 9, 1)
        )
    )


def test_save_rejects_end_before_start_even_without_clean():
    assert_rejected(
        lambda: make_exercise(
            start_date=dt.date(2011, 9, 20),
            start_precision=DatePrecision.DAY,
            end_date=dt.date(2011, 9, 1),
            end_precision=DatePrecision.DAY,
        )
    )


def test_end_known_only_to_the_month_may_precede_a_start_day_in_that_month():
    exercise = make_exercise(
        start_date=dt.date(2011, 9, 20),
        start_precision=DatePrecision.DAY,
        end_date=dt.date(2011, 9, 1),
        end_precision=DatePrecision.MONTH,
    )
    assert exercise.span_end == dt.date(2011, 9, 30)


def test_database_rejects_a_date_without_precision():
    assert_rejected(lambda: make_exercise(start_date=dt.date(2011, 9, 1), start_precision=DatePrecision.UNKNOWN))


def test_database_rejects_duplicate_slugs():
    make_exercise()
    assert_rejected(lambda: make_exercise(name="Other"))


def test_year_follows_the_start_date():
    exercise = make_exercise(start_date=dt.date(2011, 9, 19), start_precision=DatePrecision.DAY, year=1999)
    assert exercise.year == 2011


def test_year_falls_back_to_the_end_date():
    exercise = make_exercise(end_date=dt.date(2011, 9, 27), end_precision=DatePrecision.DAY)
    assert (exercise.year, exercise.span_start, exercise.span_end) == (
        2011,
        dt.date(2011, 1, 1),
        dt.date(2011, 9, 27),
    )


def test_month_precision_start_is_stored_as_first_day_of_month():
    exercise = make_exercise(start_date=dt.date(2011, 9, 17), start_precision=DatePrecision.MONTH)
    assert (exercise.start_date, exercise.start) == (dt.date(2011, 9, 1), "2011-09")


def test_phase_without_dates_takes_parents_year_and_span():
    parent = make_exercise(end_date=dt.date(2011, 9, 27), end_precision=DatePrecision.DAY)
    phase = make_exercise(name="Phase", slug="phase", parent=parent)
    assert (phase.year, phase.span_end) == (2011, dt.date(2011, 9, 27))


def test_clean_names_the_end_date_when_it_precedes_the_start():
    from django.core.exceptions import ValidationError

    exercise = Exercise(
        name="x",
        slug="x",
        start_date=dt.date(2011, 9, 20),
        start_precision=DatePrecision.DAY,
        end_date=dt.date(2011, 9, 1),
        end_precision=DatePrecision.DAY,
    )
    with pytest.raises(ValidationError) as info:
        exercise.full_clean()
    assert "end_date" in info.value.message_dict


# -- Participations and troop figures ----------------------------------------------------------------
def test_database_rejects_second_participation_of_same_state():
    exercise = make_exercise()
    russia = State.objects.get(code="RUS")
    Participation.objects.create(exercise=exercise, state=russia, role="host")
    assert_rejected(lambda: Participation.objects.create(exercise=exercise, state=russia, role="participant"))


def test_database_rejects_negative_troops():
    exercise = make_exercise()
    assert_rejected(lambda: TroopFigure.objects.create(exercise=exercise, low=-5, high=-5))


def test_database_rejects_low_above_high():
    exercise = make_exercise()
    assert_rejected(lambda: TroopFigure.objects.create(exercise=exercise, low=5000, high=4000))


def test_database_rejects_at_least_with_an_upper_bound():
    exercise = make_exercise()
    assert_rejected(
        lambda: TroopFigure.objects.create(exercise=exercise, low=5000, high=6000, qualifier=Qualifier.AT_LEAST)
    )


def test_database_rejects_two_reported_totals_for_one_exercise():
    exercise = make_exercise()
    TroopFigure.objects.create(exercise=exercise, low=100, high=100, is_reported=True)
    assert_rejected(lambda: TroopFigure.objects.create(exercise=exercise, low=200, high=200, is_reported=True))


def test_competing_figures_are_all_kept_and_the_reported_one_is_denormalised():
    exercise = make_exercise()
    TroopFigure.objects.create(exercise=exercise, key="declared", low=12700, high=12700, is_reported=True)
    TroopFigure.objects.create(exercise=exercise, key="claimed", high=100000, qualifier=Qualifier.UP_TO)
    exercise.refresh_from_db()
    assert (exercise.troop_figures.count(), exercise.reported_troops) == (2, 12700)


def test_reported_troops_cleared_when_reported_figure_deleted():
    exercise = make_exercise()
    figure = TroopFigure.objects.create(exercise=exercise, low=100, high=100, is_reported=True)
    exercise.refresh_from_db()
    assert exercise.reported_troops == 100
    figure.delete()
    exercise.refresh_from_db()
    assert exercise.reported_troops is None


def test_troop_figure_clean_turns_single_figure_into_range_of_one():
    figure = TroopFigure(exercise=make_exercise(), low=1700, qualifier=Qualifier.EXACT)
    figure.full_clean()
    assert figure.high == 1700


# -- Versions ----------------------------------------------------------------------------------------
def test_editing_a_part_is_an_edit_of_the_exercise_its_version_goes_up():
    tsentr = Exercise.objects.get(slug="tsentr-2011")
    before = tsentr.version
    participation = Participation.objects.create(exercise=tsentr, state=State.objects.lookup("CN"))
    participation.delete()
    tsentr.refresh_from_db()
    assert tsentr.version == before + 2


def test_a_troop_figure_save_updates_its_exercise_once_reported_figure_and_version_together():
    tsentr = Exercise.objects.get(slug="tsentr-2011")
    before = tsentr.version
    with CaptureQueriesContext(connection) as queries:
        figure = TroopFigure.objects.create(exercise=tsentr, key="test-figure", low=100, high=100)
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "exercises_exercise"')]
    assert len(updates) == 1
    figure.delete()
    tsentr.refresh_from_db()
    assert tsentr.version == before + 2
