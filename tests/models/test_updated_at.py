"""``updated_at``: stamped by the database's clock on every write, and moved on an exercise (and on the
whole exercise it is a phase of) by every change of its parts, whatever path writes them: model saves,
the admin, imports, merges; ``loaddata`` keeps a fixture's own value."""

import datetime as dt
import json
from unittest import mock

import pytest
from django.core.management import call_command

from exercises import merges
from exercises.importers.mme import import_mme
from exercises.models import (
    Citation,
    Exercise,
    ExerciseName,
    ExerciseRelation,
    Location,
    Organisation,
    Participation,
    Scenario,
    Source,
    State,
    TroopFigure,
)
from tests import factories
from tests.importers.mme_sample import SAMPLE, variant
from tests.importers.mme_sample import exercise as imported

pytestmark = pytest.mark.django_db

#: A time long before any test runs: a row set to it and written again has moved.
PAST = dt.datetime(2001, 1, 1, tzinfo=dt.UTC)


def aged(*rows):
    """Set the rows' updated_at to :data:`PAST`, in the database only."""
    for row in rows:
        type(row).objects.filter(pk=row.pk).update(updated_at=PAST)


def stamp(row) -> dt.datetime:
    return type(row).objects.values_list("updated_at", flat=True).get(pk=row.pk)


def moved(row) -> bool:
    return stamp(row) > PAST


def test_a_save_is_stamped_by_the_database_clock_not_pythons():
    exercise = factories.exercise()
    aged(exercise)
    with mock.patch("django.utils.timezone.now", return_value=PAST - dt.timedelta(days=1)):
        exercise.notes = "checked"
        exercise.save()
    assert stamp(exercise) > PAST


def test_an_insert_gives_the_instance_its_stamp():
    exercise = factories.exercise()
    assert isinstance(exercise.__dict__["updated_at"], dt.datetime)  # RETURNING, not a deferred read
    assert exercise.updated_at == stamp(exercise)


def test_after_an_update_the_instance_reads_its_stamp_not_an_expression():
    exercise = factories.exercise()
    aged(exercise)
    exercise.save()
    assert isinstance(exercise.updated_at, dt.datetime)
    assert exercise.updated_at == stamp(exercise) > PAST


def test_a_second_save_of_the_same_instance_moves_it_again():
    exercise = factories.exercise()
    exercise.save()  # leaves updated_at unloaded until read
    aged(exercise)
    exercise.notes = "again"
    exercise.save()
    assert moved(exercise)


def test_a_save_of_some_fields_moves_it_too():
    exercise = factories.exercise()
    aged(exercise)
    exercise.notes = "checked"
    exercise.save(update_fields=["notes"])
    assert moved(exercise)


@pytest.mark.parametrize("model", [State, Location, Organisation, Source])
def test_every_listed_model_is_stamped_on_save(model):
    row = model.objects.order_by("pk").first() or factories.place()
    aged(row)
    row.refresh_from_db()
    row.save()
    assert moved(row)


def test_a_row_is_found_from_its_own_stamp():
    """Inclusive round trip: on SQLite the stamp is text, and must sort with the text Django binds for
    the same instant (six decimals), or a client asking from the last updated_at it saw misses it."""
    exercise = factories.exercise()
    assert Exercise.objects.filter(pk=exercise.pk, updated_at__gte=exercise.updated_at).exists()


# -- Parts ----------------------------------------------------------------------------------------------
def part_changes():
    """(what, change(exercise)) pairs: each a change of one of the exercise's parts."""

    def participation(exercise):
        Participation.objects.create(exercise=exercise, state=State.objects.lookup("KZ"))

    def participation_deleted(exercise):
        exercise.participations.get().delete()

    def troop_figure(exercise):
        factories.claim(exercise, 5000)

    def scenario(exercise):
        Scenario.objects.create(exercise=exercise, title="Landing", threat_type="conventional")

    def scenario_place(exercise):
        Scenario.objects.get(exercise=exercise).locations.add(factories.place())

    def name(exercise):
        ExerciseName.objects.create(exercise=exercise, name="Другое имя")

    def citation(exercise):
        Citation.objects.create(source=Source.objects.order_by("pk").first(), exercise=exercise, locator="p. 1")

    def place(exercise):
        exercise.locations.add(factories.place())

    def place_removed(exercise):
        exercise.locations.clear()

    def relation(exercise):
        ExerciseRelation.objects.create(from_exercise=factories.exercise(), to_exercise=exercise, kind="related")

    return dict(locals())  # every change above, by name


@pytest.mark.parametrize("what", list(part_changes()))
def test_a_change_of_a_part_moves_the_exercise_and_the_whole_exercise(what):
    whole = factories.exercise()
    phase = factories.exercise(participants=["RU"], parent=whole)
    phase.locations.add(factories.place())
    Scenario.objects.create(exercise=phase, title="Defence", threat_type="conventional")
    aged(whole, phase)
    part_changes()[what](phase)
    assert moved(phase)
    assert moved(whole)


def test_a_change_of_a_part_leaves_other_exercises_alone():
    exercise, other = factories.exercise(), factories.exercise()
    aged(other)
    factories.claim(exercise, 5000)
    assert not moved(other)


def test_a_part_is_stamped_on_its_own_save():
    figure = factories.claim(factories.exercise(), 5000)
    aged(figure)
    figure.note = "rounded"
    figure.save()
    assert moved(figure)


# -- Paths: admin, import, merge, loaddata ---------------------------------------------------------------
def test_an_admin_edit_of_a_participation_moves_its_exercise(admin_client):
    exercise = factories.exercise(participants=["RU"])
    participation = exercise.participations.get()
    aged(exercise)
    url = f"/admin/exercises/participation/{participation.pk}/change/"
    response = admin_client.post(
        url, {"exercise": exercise.pk, "state": participation.state_id, "role": "host", "notes": "from the admin"}
    )
    assert response.status_code == 302, response.content[:2000]
    assert moved(exercise)


def test_an_import_that_changes_a_row_moves_its_exercise_and_only_it(tmp_path):
    import_mme(SAMPLE)
    changed, unchanged = imported("mme87"), imported("mme92")
    aged(changed, unchanged)
    import_mme(variant(tmp_path, {"mme87": {"Ex_Name": "Readex 1-80 (corrected)"}}))
    assert moved(changed)
    assert not moved(unchanged)


def test_an_import_that_removes_a_participant_moves_the_exercise(tmp_path):
    import_mme(SAMPLE)
    readex = imported("mme87")
    aged(readex)
    import_mme(variant(tmp_path, {"mme87": {"StateA": ""}}))
    assert moved(readex)


def test_an_import_stamps_a_participation_it_updates(tmp_path):
    import_mme(SAMPLE)
    participation = Participation.objects.filter(exercise=imported("mme87")).order_by("pk").first()
    aged(participation)
    Participation.objects.filter(pk=participation.pk).update(notes="edited elsewhere")
    import_mme(SAMPLE)
    assert Participation.objects.get(pk=participation.pk).notes != "edited elsewhere"
    assert moved(participation)


def test_a_merge_moves_the_kept_exercise():
    keep, other = factories.exercise(participants=["RU"]), factories.exercise(participants=["KZ"])
    aged(keep)
    merges.merge_exercises(keep, other)
    assert moved(keep)


def test_undoing_a_merge_gives_the_exercise_back_with_a_new_stamp():
    keep, other = factories.exercise(), factories.exercise(participants=["KZ"])
    aged(other)
    merge = merges.merge_exercises(keep, other)
    back = merges.split(merge)
    assert moved(back)


def test_loaddata_keeps_a_fixture_rows_own_updated_at(tmp_path):
    exercise = factories.exercise()
    fixture = tmp_path / "one.json"
    fields = {"name": "Reloaded", "slug": exercise.slug, "updated_at": "2002-02-02T02:02:02Z"}
    fixture.write_text(json.dumps([{"model": "exercises.exercise", "pk": exercise.pk, "fields": fields}]))
    call_command("loaddata", str(fixture), verbosity=0)
    assert stamp(exercise) == dt.datetime(2002, 2, 2, 2, 2, 2, tzinfo=dt.UTC)


def test_loaddata_of_a_row_without_updated_at_keeps_the_stored_one(tmp_path):
    exercise = factories.exercise()
    aged(exercise)
    fixture = tmp_path / "one.json"
    fields = {"name": "Reloaded", "slug": exercise.slug}
    fixture.write_text(json.dumps([{"model": "exercises.exercise", "pk": exercise.pk, "fields": fields}]))
    call_command("loaddata", str(fixture), verbosity=0)
    assert stamp(exercise) == PAST


def test_a_troop_figure_from_a_fixture_without_updated_at_gets_the_database_time(tmp_path):
    exercise = factories.exercise()
    fixture = tmp_path / "one.json"
    fields = {"exercise": exercise.pk, "key": "f1", "low": 1, "high": 1}
    fixture.write_text(json.dumps([{"model": "exercises.troopfigure", "fields": fields}]))
    call_command("loaddata", str(fixture), verbosity=0)
    assert TroopFigure.objects.get(exercise=exercise, key="f1").updated_at > PAST


def test_loaddata_of_a_stored_part_without_updated_at_keeps_the_stored_one(tmp_path):
    figure = factories.claim(factories.exercise(), 5000)
    aged(figure)
    fields = {"exercise": figure.exercise_id, "key": figure.key, "low": 5000, "high": 5000, "note": "reloaded"}
    fixture = tmp_path / "one.json"
    fixture.write_text(json.dumps([{"model": "exercises.troopfigure", "pk": figure.pk, "fields": fields}]))
    call_command("loaddata", str(fixture), verbosity=0)
    assert TroopFigure.objects.get(pk=figure.pk).note == "reloaded"
    assert stamp(figure) == PAST
