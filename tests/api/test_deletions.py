"""What left the data: ``deletions/`` (deleted rows of the list endpoints, merged exercises with the slug
they went into), kept DELETIONS_RETENTION_DAYS; a deleted exercise's address answers 410."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from exercises import merges
from exercises.models import Exercise, Participation, Removal, Scenario, State
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return APIClient()


def removed() -> set[tuple]:
    return set(Removal.objects.values_list("kind", "slug", "exercise", "merged_into"))


def test_deleting_an_exercise_records_it_its_phases_and_their_parts():
    whole = factories.exercise(slug="whole", participants=["RU"], troops=5000)
    factories.exercise(slug="phase", parent=whole, participants=["KZ"])
    Scenario.objects.create(exercise=whole, key="landing", title="Landing", threat_type="conventional")
    key = whole.troop_figures.get().key
    whole.delete()
    assert removed() == {
        ("exercise", "whole", "", ""),
        ("exercise", "phase", "whole", ""),
        ("participation", "RUS", "whole", ""),
        ("participation", "KAZ", "phase", ""),
        ("troop_figure", key, "whole", ""),
        ("scenario", "landing", "whole", ""),
    }


def test_a_record_names_the_removed_rows_id():
    exercise = factories.exercise(participants=["RU"])
    participation = exercise.participations.get()
    pk = participation.pk
    participation.delete()
    assert Removal.objects.get().object_id == pk


def test_a_place_deleted_is_recorded():
    place = factories.place()
    place.delete()
    assert removed() == {("location", place.slug, "", "")}


def test_a_merge_records_the_other_as_merged_into_the_kept_exercise_and_not_what_moved():
    keep = factories.exercise(slug="keep", participants=["RU"])
    other = factories.exercise(slug="other", participants=["RU", "KZ"], troops=1000)
    merges.merge_exercises(keep, other)
    # Russia is combined (the other's participation deleted as a duplicate); Kazakhstan and the figure moved.
    assert removed() == {("exercise", "other", "", "keep"), ("participation", "RUS", "other", "")}


def test_undoing_a_merge_drops_its_records():
    keep = factories.exercise(participants=["RU"])
    other = factories.exercise(participants=["RU"])
    merge = merges.merge_exercises(keep, other)
    merges.split(merge)
    assert removed() == set()


def test_the_feed_lists_what_was_removed_oldest_first(client):
    first, second = factories.exercise(slug="first"), factories.exercise(slug="second")
    pk = first.pk
    first.delete()
    second.delete()
    Removal.objects.filter(slug="first").update(removed_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    rows = client.get("/api/v1/deletions/").json()["results"]
    assert [row["slug"] for row in rows] == ["second", "first"]
    assert rows[1] == {
        "kind": "exercise",
        "id": pk,
        "slug": "first",
        "exercise": None,
        "merged_into": None,
        "removed_at": "2030-01-01T00:00:00Z",
    }


def test_the_feed_filters_by_kind(client):
    factories.exercise(participants=["RU"]).delete()
    rows = client.get("/api/v1/deletions/", {"kind": "participation"}).json()["results"]
    assert [row["kind"] for row in rows] == ["participation"]


def test_the_feed_filters_by_time_inclusively(client):
    for slug in ("old", "new"):
        factories.exercise(slug=slug).delete()
    Removal.objects.filter(slug="old").update(removed_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    now = Removal.objects.get(slug="new").removed_at
    rows = client.get("/api/v1/deletions/", {"updated_since": now.isoformat()}).json()["results"]
    assert [row["slug"] for row in rows] == ["new"]


def test_asking_from_before_the_retention_horizon_is_a_410(client, settings):
    settings.DELETIONS_RETENTION_DAYS = 30
    since = (dt.datetime.now(dt.UTC) - dt.timedelta(days=31)).isoformat()
    response = client.get("/api/v1/deletions/", {"updated_since": since})
    assert response.status_code == 410
    assert "download a full copy" in response.json()["detail"]


def test_asking_from_within_the_horizon_is_answered(client, settings):
    settings.DELETIONS_RETENTION_DAYS = 30
    since = (dt.datetime.now(dt.UTC) - dt.timedelta(days=29)).isoformat()
    assert client.get("/api/v1/deletions/", {"updated_since": since}).status_code == 200


def test_the_feed_refuses_unknown_parameters_and_kinds(client):
    assert client.get("/api/v1/deletions/", {"slug": "x"}).status_code == 400
    assert "kind" in client.get("/api/v1/deletions/", {"kind": "citation"}).json()


def test_the_feed_is_read_only(client, editor):
    client.force_authenticate(editor)
    assert client.post("/api/v1/deletions/", {}).status_code == 405


def test_a_deleted_exercises_address_answers_410(client):
    factories.exercise(slug="gone").delete()
    response = client.get("/api/v1/exercises/gone/")
    assert response.status_code == 410
    assert "deleted" in response.json()["detail"]


def test_a_merged_exercises_address_still_answers_301(client):
    keep, other = factories.exercise(), factories.exercise(slug="merged")
    merges.merge_exercises(keep, other)
    assert client.get("/api/v1/exercises/merged/").status_code == 301


def test_an_exercise_merged_into_one_deleted_since_answers_410(client):
    keep, other = factories.exercise(), factories.exercise(slug="merged")
    merges.merge_exercises(keep, other)
    keep.delete()
    assert client.get("/api/v1/exercises/merged/").status_code == 410


def test_a_slug_never_known_stays_404(client):
    assert client.get("/api/v1/exercises/never-was/").status_code == 404


def test_a_new_exercise_with_a_deleted_slug_answers_200(client):
    factories.exercise(slug="again").delete()
    factories.exercise(slug="again")
    assert client.get("/api/v1/exercises/again/").status_code == 200


def test_deleting_a_participation_through_the_api_records_it(client, editor):
    exercise = factories.exercise(slug="tsentr", participants=["RU"])
    participation = exercise.participations.get()
    client.force_authenticate(editor)
    assert client.delete(f"/api/v1/participations/{participation.pk}/").status_code == 204
    assert removed() == {("participation", "RUS", "tsentr", "")}


def test_purge_deletions_deletes_only_records_older_than_the_retention(settings):
    settings.DELETIONS_RETENTION_DAYS = 30
    for slug in ("old", "recent"):
        factories.exercise(slug=slug).delete()
    Removal.objects.filter(slug="old").update(removed_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=31))
    out = StringIO()
    call_command("purge_deletions", stdout=out)
    assert list(Removal.objects.values_list("slug", flat=True)) == ["recent"]
    assert out.getvalue().startswith("1 deletion record older than 30 days deleted.")


def test_the_deleted_states_record_uses_its_code():
    state = State.objects.create(code="XXXX", alpha2="XX", alpha3="XXX", name="Nowhere", is_historical=True)
    state.delete()
    assert removed() == {("state", "XXXX", "", "")}


def test_a_participation_removed_by_a_cascade_names_its_exercise():
    exercise = factories.exercise(slug="cascade", participants=["RU"])
    Exercise.objects.filter(pk=exercise.pk).delete()
    assert ("participation", "RUS", "cascade", "") in removed()
    assert not Participation.objects.filter(exercise_id=exercise.pk).exists()
