"""exercises.services: the derived fields' rules and the version check, whoever writes."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exercises import services
from exercises.choices import DatePrecision
from exercises.models import Exercise, Source, TroopFigure
from tests.factories import exercise, month

pytestmark = pytest.mark.django_db


def test_derive_dates_spans_a_month_precision_date_to_the_months_end():
    item = Exercise(start_date=dt.date(2011, 9, 17), start_precision=DatePrecision.MONTH)
    services.derive_dates(item)
    assert (item.start_date, item.year, item.span_start, item.span_end) == (
        dt.date(2011, 9, 1),
        2011,
        dt.date(2011, 9, 1),
        dt.date(2011, 12, 31),
    )


def test_derive_dates_gives_an_undated_phase_its_parents_span():
    parent = exercise(start=month(2011, 9), end=month(2011, 9))
    phase = Exercise(parent=parent)
    services.derive_dates(phase)
    assert (phase.year, phase.span_start, phase.span_end) == (2011, dt.date(2011, 9, 1), dt.date(2011, 9, 30))


def test_refresh_derived_recomputes_dates_written_behind_the_models_back():
    item = exercise(start=month(2011, 9))
    Exercise.objects.filter(pk=item.pk).update(start_date=dt.date(2015, 3, 1))
    services.refresh_derived([item.pk])
    item.refresh_from_db()
    assert (item.year, item.span_start, item.span_end) == (2015, dt.date(2015, 3, 1), dt.date(2015, 12, 31))


def test_refresh_derived_moves_undated_phases_with_their_parent():
    parent = exercise(start=month(2011, 9), end=month(2011, 9))
    phase = exercise(parent=parent)
    may = {"start_date": dt.date(2012, 5, 1), "end_date": dt.date(2012, 5, 1)}
    Exercise.objects.filter(pk=parent.pk).update(
        **may, year=2012, span_start=may["start_date"], span_end=dt.date(2012, 5, 31)
    )
    services.refresh_derived([parent.pk], fields=("phases",))
    phase.refresh_from_db()
    assert (phase.year, phase.span_start, phase.span_end) == (2012, dt.date(2012, 5, 1), dt.date(2012, 5, 31))


def test_refresh_derived_takes_the_reported_figures_low_end_else_its_high_end():
    item = exercise(troops=1000)
    TroopFigure.objects.filter(exercise=item).update(low=None, high=7000, qualifier="up_to")  # no signal
    services.refresh_derived([item.pk], fields=("troops",))
    item.refresh_from_db()
    assert item.reported_troops == 7000 == services.headline(None, 7000)


def test_refresh_derived_writes_no_date_when_nothing_changed():
    items = [exercise(start=month(2011, number)) for number in range(1, 6)]
    with CaptureQueriesContext(connection) as queries:
        services.refresh_derived([item.pk for item in items], fields=("dates",))
    assert [q["sql"].split()[0] for q in queries] == ["SELECT"]


def test_refresh_derived_sets_the_extra_columns_in_the_same_update():
    item = exercise()
    services.refresh_derived([item.pk], fields=("troops",), version=41)
    item.refresh_from_db()
    assert item.version == 41


def test_refresh_derived_refuses_an_unknown_field():
    with pytest.raises(ValueError, match="troop"):
        services.refresh_derived([1], fields=("troop",))


def test_check_version_accepts_the_current_version_and_any():
    item = exercise()
    assert services.check_version(item, {item.version}) == item.version
    assert services.check_version(item, None) == item.version


def test_check_version_rereads_the_row_and_refuses_a_stale_one():
    item = exercise()
    seen = item.version
    Exercise.objects.get(pk=item.pk).save()  # someone else's edit
    with pytest.raises(services.StaleVersion) as stale:
        services.check_version(item, {seen})
    assert stale.value.current == seen + 1


def test_check_version_without_rereading_trusts_the_instance():
    item = exercise()
    Exercise.objects.get(pk=item.pk).save()
    assert services.check_version(item, {item.version}, reread=False) == item.version


# -- An analyst's edit of an imported exercise -----------------------------------------------------
def test_an_edit_of_a_field_an_import_keeps_takes_the_exercise_over():
    exercise = Exercise(name="Cobra Gold 91", curated_from=Source.objects.get(key="mme-v7"))
    assert services.keep_analyst_edit(exercise, ["name"]) is True
    assert exercise.curated_from is None


def test_an_edit_of_an_analysts_field_leaves_the_source_it_follows():
    exercise = Exercise(name="Cobra Gold 91", curated_from=Source.objects.get(key="mme-v7"))
    assert services.keep_analyst_edit(exercise, ["notes", "organisation"]) is False
    assert exercise.curated_from.key == "mme-v7"
