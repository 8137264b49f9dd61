"""``updated_since=`` on every list endpoint: rows written at or after a time, in every list row's
``updated_at``; a time without a zone, a date or garbage is a 400 naming the parameter."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from exercises.models import Exercise, Location, Organisation, Participation, Scenario, Source, State, TroopFigure
from tests import factories

pytestmark = pytest.mark.django_db

PAST = dt.datetime(2001, 1, 1, tzinfo=dt.UTC)
LATER = dt.datetime(2011, 6, 1, 12, 30, 15, 250000, tzinfo=dt.UTC)

#: endpoint -> (model, how a row of its answer names the row, the row's value of that).
ENDPOINTS = {
    "exercises": (Exercise, "slug", lambda row: row.slug),
    "participations": (Participation, "id", lambda row: row.pk),
    "troop-figures": (TroopFigure, "id", lambda row: row.pk),
    "scenarios": (Scenario, "id", lambda row: row.pk),
    "locations": (Location, "id", lambda row: row.pk),
    "states": (State, "code", lambda row: row.code),
    "organisations": (Organisation, "acronym", lambda row: row.acronym),
    "sources": (Source, "key", lambda row: row.key),
}


@pytest.fixture
def client():
    return APIClient()


def one_of_each() -> dict:
    """A row of every listed model (a whole exercise with a participant, a figure and an episode)."""
    exercise = factories.exercise(participants=["RU"], troops=5000)
    scenario = Scenario.objects.create(exercise=exercise, title="Defence", threat_type="conventional")
    return {
        Exercise: exercise,
        Participation: exercise.participations.get(),
        TroopFigure: exercise.troop_figures.get(),
        Scenario: scenario,
        Location: factories.place(),
        State: State.objects.lookup("KZ"),
        Organisation: Organisation.objects.order_by("pk").first(),
        Source: Source.objects.order_by("pk").first(),
    }


def names(response, key) -> list:
    assert response.status_code == 200, response.content
    return [row[key] for row in response.json()["results"]]


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_updated_since_lists_the_rows_written_at_or_after_the_time(client, endpoint):
    model, key, name = ENDPOINTS[endpoint]
    row = one_of_each()[model]
    model.objects.update(updated_at=PAST)
    model.objects.filter(pk=row.pk).update(updated_at=LATER)
    response = client.get(f"/api/v1/{endpoint}/", {"updated_since": "2011-06-01T12:30:15.25Z"})
    assert names(response, key) == [name(row)]


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_every_list_row_carries_its_updated_at(client, endpoint):
    model, key, name = ENDPOINTS[endpoint]
    row = one_of_each()[model]
    model.objects.filter(pk=row.pk).update(updated_at=LATER)
    rows = client.get(f"/api/v1/{endpoint}/", {"page_size": 1000}).json()["results"]
    [listed] = [r for r in rows if r[key] == name(row)]
    assert listed["updated_at"] == "2011-06-01T12:30:15.250000Z"


def test_a_client_asking_again_from_the_last_updated_at_it_saw_gets_that_row_again(client):
    exercise = factories.exercise()
    seen = client.get(f"/api/v1/exercises/{exercise.slug}/").json()["updated_at"]
    assert exercise.slug in names(client.get("/api/v1/exercises/", {"updated_since": seen}), "slug")


def test_an_offset_is_read_as_its_instant(client):
    exercise = factories.exercise()
    Exercise.objects.filter(pk=exercise.pk).update(updated_at=LATER)
    # 14:30:15.25+02:00 is LATER; a minute later is after it.
    assert exercise.slug in names(
        client.get("/api/v1/exercises/", {"updated_since": "2011-06-01T14:30:15.25+02:00"}), "slug"
    )
    assert exercise.slug not in names(
        client.get("/api/v1/exercises/", {"updated_since": "2011-06-01T14:31:00+02:00"}), "slug"
    )


def test_an_unescaped_plus_is_read_as_the_offset(client):
    """``?updated_since=...+02:00`` typed as is arrives with a space for the plus."""
    exercise = factories.exercise()
    Exercise.objects.filter(pk=exercise.pk).update(updated_at=LATER)
    response = client.get("/api/v1/exercises/?updated_since=2011-06-01T14:30:15.25+02:00")
    assert exercise.slug in names(response, "slug")


@pytest.mark.parametrize(
    "value", ["2011-06-01T12:30:15", "2011-06-01", "yesterday", "2011-13-01T00:00:00Z", "0001-01-01T00:00:00+01:00"]
)
def test_a_time_without_zone_a_date_or_garbage_is_a_400_naming_the_parameter(client, value):
    response = client.get("/api/v1/participations/", {"updated_since": value})
    assert response.status_code == 400
    [message] = response.json()["updated_since"]
    assert "time zone" in message and "2024-05-01T12:00:00Z" in message


def test_updated_since_combines_with_other_filters(client):
    russian, kazakh = factories.exercise(participants=["RU"]), factories.exercise(participants=["KZ"])
    Exercise.objects.update(updated_at=PAST)
    Exercise.objects.filter(pk__in=[russian.pk, kazakh.pk]).update(updated_at=LATER)
    response = client.get("/api/v1/exercises/", {"updated_since": "2011-06-01T00:00:00Z", "country": "KZ"})
    assert names(response, "slug") == [kazakh.slug]


def test_an_exercise_is_listed_when_a_phases_part_changed(client):
    whole = factories.exercise()
    phase = factories.exercise(parent=whole)
    Exercise.objects.update(updated_at=PAST)
    factories.claim(phase, 5000)
    response = client.get("/api/v1/exercises/", {"updated_since": "2011-06-01T00:00:00Z"})
    assert names(response, "slug") == [whole.slug]


def test_the_csv_export_filters_and_carries_updated_at(client):
    exercise = factories.exercise()
    Exercise.objects.update(updated_at=PAST)
    Exercise.objects.filter(pk=exercise.pk).update(updated_at=LATER)
    response = client.get("/api/v1/exercises/", {"updated_since": "2011-06-01T00:00:00Z", "format": "csv"})
    lines = b"".join(response.streaming_content).decode().splitlines()
    header, [row] = lines[0].split(","), lines[1:]
    assert row.split(",")[header.index("updated_at")] == "2011-06-01T12:30:15.250000Z"


@pytest.mark.parametrize("endpoint", [*ENDPOINTS, "deletions"])
def test_the_schema_documents_updated_since_on_every_list(client, endpoint):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    parameters = schema["paths"][f"/api/v1/{endpoint}/"]["get"]["parameters"]
    [since] = [p for p in parameters if p["name"] == "updated_since"]
    assert since["schema"] == {"type": "string", "format": "date-time", "example": "2024-05-01T12:00:00Z"}


@pytest.mark.parametrize("method", ["post", "patch", "delete"])
def test_an_api_write_of_a_part_moves_its_exercise(client, editor, method):
    exercise = factories.exercise(participants=["RU"])
    participation = exercise.participations.get()
    Exercise.objects.filter(pk=exercise.pk).update(updated_at=PAST)
    client.force_authenticate(editor)
    if method == "post":
        response = client.post("/api/v1/participations/", {"exercise": exercise.slug, "state": "KZ"}, format="json")
    else:
        url = f"/api/v1/participations/{participation.pk}/"
        response = getattr(client, method)(url, {"role": "host"}, format="json")
    assert response.status_code in (200, 201, 204), response.content
    assert Exercise.objects.get(pk=exercise.pk).updated_at > PAST


def test_an_api_write_answers_with_the_parts_new_stamp(client, editor):
    exercise = factories.exercise(participants=["RU"])
    participation = exercise.participations.get()
    Participation.objects.filter(pk=participation.pk).update(updated_at=PAST)
    client.force_authenticate(editor)
    response = client.patch(f"/api/v1/participations/{participation.pk}/", {"role": "host"}, format="json")
    stored = Participation.objects.get(pk=participation.pk).updated_at
    assert response.json()["updated_at"] == stored.isoformat().replace("+00:00", "Z")
    assert stored > PAST
