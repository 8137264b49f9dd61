"""Invariants the database enforces, and the shared lookups."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from exercises.choices import DatePrecision, Qualifier
from exercises.models import (
    Citation,
    Exercise,
    Location,
    Organisation,
    Participation,
    Source,
    State,
    TroopFigure,
    UnknownState,
)

pytestmark = pytest.mark.django_db


def make_exercise(**fields):
    defaults = {"name": "Test Shield", "slug": "test-shield"}
    return Exercise.objects.create(**(defaults | fields))


def assert_rejected(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


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


# -- Participation and troop figures -----------------------------------------------------------------
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
    figure.delete()
    exercise.refresh_from_db()
    assert exercise.reported_troops is None


def test_troop_figure_clean_turns_single_figure_into_range_of_one():
    figure = TroopFigure(exercise=make_exercise(), low=1700, qualifier=Qualifier.EXACT)
    figure.full_clean()
    assert figure.high == 1700


# -- Citations, locations ----------------------------------------------------------------------------
def test_database_rejects_citation_with_two_targets():
    exercise = make_exercise()
    source = Source.objects.get(key="kucera-2011-csto-vision")
    location = Location.objects.get(slug="caspian-sea")
    assert_rejected(lambda: Citation.objects.create(source=source, exercise=exercise, location=location))


def test_database_rejects_citation_without_target():
    source = Source.objects.get(key="kucera-2011-csto-vision")
    assert_rejected(lambda: Citation.objects.create(source=source))


def test_database_rejects_latitude_out_of_range():
    assert_rejected(
        lambda: Location.objects.create(slug="nowhere", name="Nowhere", kind="site", latitude=95, longitude=10)
    )


def test_database_rejects_latitude_without_longitude():
    assert_rejected(lambda: Location.objects.create(slug="half", name="Half", kind="site", latitude=45))


# -- State lookups -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("KZ", "KAZ"),
        ("kaz", "KAZ"),
        ("Kazakhstan", "KAZ"),
        ("russia", "RUS"),
        ("Russian Federation", "RUS"),
        ("KYRGYZSTAN", "KGZ"),
        ("Côte d’Ivoire", "CIV"),
        ("cote d'ivoire", "CIV"),
        ("Iran", "IRN"),
        ("Soviet Union", "SUHH"),
        ("SUHH", "SUHH"),
        ("Federal Republic of Germany", "DEU"),
        ("Zaire", "COD"),
        ("Chad", "TCD"),
    ],
)
def test_state_lookup_accepts_codes_and_names_in_any_case(text, code):
    assert State.objects.lookup(text).code == code


def test_state_lookup_of_historical_alpha2_does_not_shadow_current_state():
    # "CS" was Czechoslovakia's and then Serbia and Montenegro's code; neither is current.
    with pytest.raises(UnknownState):
        State.objects.lookup("CS")


def test_state_lookup_raises_for_unknown_names():
    with pytest.raises(UnknownState) as info:
        State.objects.lookup("Atlantis")
    assert info.value.value == "Atlantis"


def test_state_resolve_uses_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        resolved = State.objects.resolve(["KZ", "Russia", "tjk", "Kyrgyzstan"])
    assert [s.code for s in resolved.values()] == ["KAZ", "RUS", "TJK", "KGZ"]


def test_all_iso_3166_1_states_are_loaded():
    assert State.objects.filter(is_historical=False).count() == 249


# -- Memberships -------------------------------------------------------------------------------------
def test_csto_members_in_2010_include_uzbekistan():
    csto = Organisation.objects.get(acronym="CSTO")
    assert sorted(csto.members_in(2010).values_list("alpha2", flat=True)) == [
        "AM",
        "BY",
        "KG",
        "KZ",
        "RU",
        "TJ",
        "UZ",
    ]


def test_csto_members_in_2013_exclude_suspended_uzbekistan():
    csto = Organisation.objects.get(acronym="CSTO")
    assert "UZ" not in csto.members_in(2013).values_list("alpha2", flat=True)


def test_uzbekistan_is_recorded_as_suspended_from_december_2012():
    uzbekistan = State.objects.get(code="UZB")
    suspended = uzbekistan.memberships.get(status="suspended")
    assert (suspended.started_on, suspended.ended_on) == (dt.date(2012, 12, 19), None)


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
