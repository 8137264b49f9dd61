"""generate_exercises: deterministic synthetic exercises that keep every rule the real ones keep."""

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Q

from devtools import synthetic
from devtools.synthetic.vocabulary import FORMER_UNTIL
from exercises import services
from exercises.choices import DatePrecision
from exercises.models import (
    CITATION_TARGETS,
    Citation,
    Exercise,
    ExerciseName,
    ExerciseRelation,
    Force,
    Location,
    Organisation,
    Participation,
    Scenario,
    Source,
    TroopFigure,
)

pytestmark = pytest.mark.django_db

COUNT = 300


@pytest.fixture
def generated():
    """A small synthetic data set on top of the fixtures."""
    return synthetic.generate(COUNT, seed=3)


def exercises():
    return synthetic.synthetic_exercises()


# -- Determinism -------------------------------------------------------------------------------------
def test_same_seed_gives_the_same_rows():
    synthetic.generate(200, seed=7)
    first = synthetic.digest()
    synthetic.clear()
    synthetic.generate(200, seed=7)
    assert synthetic.digest() == first


def test_another_seed_gives_other_rows():
    synthetic.generate(200, seed=7)
    first = synthetic.digest()
    synthetic.generate(200, seed=8, clear_first=True)
    assert synthetic.digest() != first


# -- The rules of the real data ----------------------------------------------------------------------
def test_rows_keep_the_database_rules(generated):
    # Checks and unique constraints ran on insert; foreign keys are checked at commit, so check them now.
    connection.check_constraints()
    for exercise in exercises():
        exercise.clean()
    for figure in TroopFigure.objects.filter(exercise__in=exercises()):
        figure.clean()


def test_writes_the_requested_count_with_everything_attached(generated):
    assert exercises().count() == COUNT
    for model in (Participation, TroopFigure, Scenario, Force, ExerciseName, ExerciseRelation):
        assert model.objects.filter(**relation_to_synthetic(model)).exists(), model
    assert Exercise.locations.through.objects.filter(exercise__in=exercises()).exists()
    assert Scenario.states.through.objects.filter(scenario__exercise__in=exercises()).exists()
    assert exercises().filter(parent__isnull=False).exists()
    cited = Citation.objects.filter(source__key__startswith="synthetic-source-")
    targets = {name for name in CITATION_TARGETS if cited.filter(**{f"{name}__isnull": False}).exists()}
    assert targets == {"exercise", "participation", "troop_figure", "scenario", "force"}


def relation_to_synthetic(model) -> dict:
    if model is ExerciseRelation:
        return {"from_exercise__in": exercises()}
    return {"exercise__in": exercises()}


def test_most_exercises_have_two_to_five_participants_and_a_few_many(generated):
    counts = list(exercises().annotate(n=Count("participations")).values_list("n", flat=True))
    assert min(counts) >= 1
    assert max(counts) <= 40
    assert sum(2 <= n <= 5 for n in counts) / len(counts) > 0.6
    assert max(counts) > 20


def test_participant_roles_include_every_role_and_none(generated):
    roles = set(Participation.objects.filter(exercise__in=exercises()).values_list("role", flat=True))
    assert roles == {"", "host", "lead", "participant", "observer"}


def test_reported_troops_are_the_reported_figure(generated):
    stored = dict(exercises().values_list("pk", "reported_troops"))
    services.refresh_derived(exercises().values_list("pk", flat=True), fields=("troops",))
    assert dict(exercises().values_list("pk", "reported_troops")) == stored


def test_most_exercises_have_one_reported_figure_among_competing_ones(generated):
    reported = exercises().annotate(
        n=Count("troop_figures", filter=Q(troop_figures__is_reported=True, troop_figures__state__isnull=True))
    )
    counts = Counter(reported.values_list("n", flat=True))
    assert set(counts) <= {0, 1}
    assert counts[1] / COUNT > 0.7
    assert exercises().annotate(n=Count("troop_figures")).filter(n__gt=1).exists()
    qualifiers = set(TroopFigure.objects.filter(exercise__in=exercises()).values_list("qualifier", flat=True))
    assert qualifiers == {"exact", "about", "at_least", "up_to"}


def test_years_lie_between_1950_and_2030(generated):
    years = exercises().values_list("year", flat=True)
    assert all(1950 <= year <= 2030 for year in years)


def test_year_and_span_are_derived_from_the_dates(generated):
    for exercise in exercises():
        stored = (exercise.year, exercise.span_start, exercise.span_end)
        services.derive_dates(exercise)
        assert (exercise.year, exercise.span_start, exercise.span_end) == stored, exercise.slug


def test_dates_come_in_every_precision_as_first_days_of_their_period(generated):
    rows = list(exercises().values_list("start_date", "start_precision", "end_date", "end_precision"))
    assert {row[1] for row in rows} == set(DatePrecision.values)
    for start, start_precision, end, end_precision in rows:
        for value, precision in [(start, start_precision), (end, end_precision)]:
            assert (value is None) == (precision == DatePrecision.UNKNOWN)
            if precision == DatePrecision.MONTH:
                assert value.day == 1
            if precision == DatePrecision.YEAR:
                assert (value.month, value.day) == (1, 1)


def test_former_states_take_part_only_while_they_existed(generated):
    rows = list(
        Participation.objects.filter(exercise__in=exercises(), state__is_historical=True).values_list(
            "state__code", "exercise__year"
        )
    )
    assert rows
    assert all(year < FORMER_UNTIL[code] for code, year in rows)


def test_exercises_use_the_real_organisations(generated):
    used = set(exercises().exclude(organisation=None).values_list("organisation__acronym", flat=True))
    assert "NATO" in used
    assert used <= set(Organisation.objects.values_list("acronym", flat=True))


def test_places_come_from_a_shared_pool_with_coordinates(generated):
    places = Location.objects.filter(exercises__in=exercises())
    assert places.count() > places.distinct().count()
    assert not places.filter(Q(latitude=None) | Q(longitude=None)).exists()


def test_every_synthetic_row_says_so(generated):
    assert all(slug.startswith("syn-") for slug in exercises().values_list("slug", flat=True))
    assert not exercises().exclude(notes__startswith="SYNTHETIC").exists()
    sources = Source.objects.filter(citations__exercise__in=exercises()).distinct()
    assert sources.exists()
    assert all(s.key.startswith("synthetic-source-") and "not a real document" in s.title for s in sources)


# -- Clearing and the command ------------------------------------------------------------------------
def test_clear_removes_the_synthetic_rows_and_keeps_the_real_ones():
    real = {model: model.objects.count() for model in (Exercise, Participation, Citation, Source, Location)}
    synthetic.generate(100, seed=1)
    assert synthetic.clear() == 100
    assert {model: model.objects.count() for model in real} == real
    assert not synthetic.exists()


def test_command_refuses_a_second_run_without_clear():
    call_command("generate_exercises", count=50, seed=1, verbosity=0, stdout=io.StringIO())
    with pytest.raises(CommandError, match="--clear"):
        call_command("generate_exercises", count=50, seed=1, verbosity=0, stdout=io.StringIO())
    call_command("generate_exercises", count=60, seed=1, clear=True, verbosity=0, stdout=io.StringIO())
    assert exercises().count() == 60


def test_command_reports_what_it_wrote_and_the_digest():
    out = io.StringIO()
    call_command("generate_exercises", count=50, seed=2, digest=True, verbosity=0, stdout=out)
    assert "Generated 50 synthetic exercises" in out.getvalue()
    assert f"Digest: {synthetic.digest()}" in out.getvalue()


def test_command_with_count_zero_and_clear_only_clears():
    synthetic.generate(50, seed=1)
    out = io.StringIO()
    call_command("generate_exercises", count=0, clear=True, verbosity=0, stdout=out)
    assert "Removed 50 synthetic exercises." in out.getvalue()
    assert not synthetic.exists()
