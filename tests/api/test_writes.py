"""Anonymous clients read; writes need a user with the model permission; bad writes are 400."""

import pytest
from knox.models import AuthToken

from exercises.models import Exercise, Participation

pytestmark = pytest.mark.django_db

NEW = {"slug": "zapad-2013", "name": "Zapad-2013", "organisation": None, "start": "2013-09-20", "end": "2013-09-26"}


@pytest.fixture
def editor_client(api_client, editor):
    api_client.force_authenticate(editor)
    return api_client


def test_anonymous_write_is_401(api_client):
    assert api_client.post("/api/v1/exercises/", NEW, format="json").status_code == 401


def test_user_without_model_permission_gets_403(api_client, make_user):
    api_client.force_authenticate(make_user("reader"))
    assert api_client.post("/api/v1/exercises/", NEW, format="json").status_code == 403


def test_editor_creates_an_exercise_with_partial_dates(editor_client):
    response = editor_client.post("/api/v1/exercises/", NEW | {"start": "2013-09"}, format="json")
    assert response.status_code == 201, response.content
    created = Exercise.objects.get(slug="zapad-2013")
    assert (created.start, created.start_precision, created.year) == ("2013-09", "month", 2013)


def test_token_authentication_allows_writes(api_client, editor):
    _, token = AuthToken.objects.create(user=editor)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.post("/api/v1/exercises/", NEW, format="json").status_code == 201


def test_bad_date_is_400_naming_the_field(editor_client):
    response = editor_client.post("/api/v1/exercises/", NEW | {"start": "2013-02-30"}, format="json")
    assert response.status_code == 400 and "start" in response.json()


def test_end_before_start_is_400(editor_client):
    response = editor_client.post(
        "/api/v1/exercises/", NEW | {"start": "2013-09-26", "end": "2013-09-20"}, format="json"
    )
    assert response.status_code == 400 and "end_date" in response.json()


def test_duplicate_slug_is_400(editor_client):
    response = editor_client.post("/api/v1/exercises/", NEW | {"slug": "tsentr-2011"}, format="json")
    assert response.status_code == 400 and "slug" in response.json()


def test_unknown_organisation_is_400(editor_client):
    response = editor_client.post("/api/v1/exercises/", NEW | {"organisation": "XYZ"}, format="json")
    assert response.status_code == 400 and "organisation" in response.json()


def read_etag(client, slug="tsentr-2011"):
    return client.get(f"/api/v1/exercises/{slug}/")["ETag"]


def test_detail_etag_is_strong_and_starts_with_the_version(api_client):
    assert read_etag(api_client).startswith(f'"{Exercise.objects.get(slug="tsentr-2011").version}-')


def test_editor_patches_an_exercise_with_if_match(editor_client):
    tag = read_etag(editor_client)
    response = editor_client.patch(
        "/api/v1/exercises/tsentr-2011/", {"series": "Tsentr"}, format="json", HTTP_IF_MATCH=tag
    )
    assert response.status_code == 200 and Exercise.objects.get(slug="tsentr-2011").series == "Tsentr"
    assert response["ETag"] != tag


@pytest.mark.parametrize(
    "header, status",
    [
        ("{tag}", 200),
        ("W/{tag}", 412),  # If-Match compares strongly: a weak tag never matches (RFC 9110 13.1.1)
        ('"1999", {tag}', 200),
        ("*", 200),
        ('"{version}"', 412),  # the version alone names no representation
        ("{bare}", 412),  # unquoted
        ('"{bare}', 412),
        ("not a tag", 412),
        ('"' + "9" * 5000 + '"', 412),
    ],
)
def test_if_match_takes_the_etag_as_http_writes_it_and_nothing_else(editor_client, header, status):
    tag = read_etag(editor_client)
    header = header.format(tag=tag, bare=tag.strip('"'), version=tag.strip('"').split("-")[0])
    response = editor_client.patch(
        "/api/v1/exercises/tsentr-2011/", {"series": "Tagged"}, format="json", HTTP_IF_MATCH=header
    )
    assert response.status_code == status, response.content[:200]
    assert (Exercise.objects.get(slug="tsentr-2011").series == "Tagged") is (status == 200)


def test_write_without_if_match_is_428(editor_client):
    response = editor_client.patch("/api/v1/exercises/tsentr-2011/", {"series": "Tsentr"}, format="json")
    assert response.status_code == 428


def test_write_with_a_stale_etag_is_412_and_changes_nothing(editor_client):
    tag = read_etag(editor_client)
    editor_client.patch("/api/v1/exercises/tsentr-2011/", {"series": "First"}, format="json", HTTP_IF_MATCH=tag)
    response = editor_client.patch(
        "/api/v1/exercises/tsentr-2011/", {"series": "Second"}, format="json", HTTP_IF_MATCH=tag
    )
    assert response.status_code == 412 and Exercise.objects.get(slug="tsentr-2011").series == "First"


def test_part_written_elsewhere_makes_the_etag_stale(editor_client):
    tag = read_etag(editor_client)
    editor_client.post("/api/v1/participations/", {"exercise": "tsentr-2011", "state": "AM"}, format="json")
    response = editor_client.patch("/api/v1/exercises/tsentr-2011/", {"series": "X"}, format="json", HTTP_IF_MATCH=tag)
    assert response.status_code == 412


def test_delete_with_a_stale_etag_is_412(editor_client):
    created = editor_client.post("/api/v1/exercises/", NEW, format="json")
    tag = created["ETag"]
    editor_client.patch("/api/v1/exercises/zapad-2013/", {"series": "Zapad"}, format="json", HTTP_IF_MATCH=tag)
    assert editor_client.delete("/api/v1/exercises/zapad-2013/", HTTP_IF_MATCH=tag).status_code == 412
    assert Exercise.objects.filter(slug="zapad-2013").exists()


def test_participation_added_by_state_name(editor_client):
    response = editor_client.post(
        "/api/v1/participations/", {"exercise": "tsentr-2011", "state": "Armenia", "role": "observer"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert Participation.objects.get(exercise__slug="tsentr-2011", state__alpha2="AM").role == "observer"


def test_participation_added_twice_is_400_naming_the_state(editor_client):
    response = editor_client.post(
        "/api/v1/participations/", {"exercise": "tsentr-2011", "state": "RU", "role": "host"}, format="json"
    )
    assert response.status_code == 400 and "state" in response.json()


def test_database_conflict_is_400_not_500(editor_client, monkeypatch):
    # The race the serializer cannot see: the row appears between its check and the insert.
    from exercises.api.serializers import ParticipationWriteSerializer

    monkeypatch.setattr(ParticipationWriteSerializer, "validate", lambda self, attrs: attrs)
    response = editor_client.post("/api/v1/participations/", {"exercise": "tsentr-2011", "state": "RU"}, format="json")
    assert response.status_code == 400 and response.json() == {
        "state": ["This state already takes part in this exercise."]
    }


def test_troop_figure_low_above_high_is_400(editor_client):
    response = editor_client.post(
        "/api/v1/troop-figures/", {"exercise": "tsentr-2011", "low": 5000, "high": 100}, format="json"
    )
    assert response.status_code == 400 and "high" in response.json()


def test_negative_troop_figure_is_400(editor_client):
    response = editor_client.post("/api/v1/troop-figures/", {"exercise": "tsentr-2011", "low": -5}, format="json")
    assert response.status_code == 400 and "low" in response.json()


def test_competing_troop_figure_is_kept_beside_the_reported_one(editor_client):
    response = editor_client.post(
        "/api/v1/troop-figures/",
        {"exercise": "tsentr-2011", "high": 100000, "qualifier": "up_to", "basis": "estimated"},
        format="json",
    )
    assert response.status_code == 201, response.content
    tsentr = Exercise.objects.get(slug="tsentr-2011")
    assert (tsentr.troop_figures.count(), tsentr.reported_troops) == (2, 12000)


def test_second_reported_total_is_400(editor_client):
    response = editor_client.post(
        "/api/v1/troop-figures/", {"exercise": "tsentr-2011", "low": 13000, "is_reported": True}, format="json"
    )
    assert response.status_code == 400 and "is_reported" in response.json()


def test_anonymous_cannot_delete(api_client):
    assert api_client.delete("/api/v1/exercises/tsentr-2011/").status_code == 401


@pytest.mark.parametrize("as_user", [False, True])
@pytest.mark.parametrize(
    "method, url",
    [("post", "/api/v1/states/"), ("delete", "/api/v1/sources/kucera-2011-csto-vision/"), ("put", "/api/v1/stats/")],
)
def test_method_a_read_only_endpoint_lacks_is_405_for_anyone(api_client, make_user, as_user, method, url):
    if as_user:
        api_client.force_authenticate(make_user("reader"))
    response = getattr(api_client, method)(url, {}, format="json")
    assert response.status_code == 405 and "not allowed" in response.json()["detail"]


@pytest.mark.parametrize("year", [0, -5, 10000])
def test_impossible_year_without_dates_is_400_naming_it(editor_client, year):
    response = editor_client.post("/api/v1/exercises/", NEW | {"start": None, "end": None, "year": year}, format="json")
    assert response.status_code == 400 and "year" in response.json()


def test_date_in_a_year_out_of_range_is_400_naming_the_date(editor_client):
    response = editor_client.post("/api/v1/exercises/", NEW | {"start": "1850-06", "end": None}, format="json")
    assert response.status_code == 400 and "1900" in response.json()["start_date"][0]


def test_an_edit_of_an_imported_field_takes_the_exercise_over_from_its_source(editor_client):
    from exercises.models import Source

    Exercise.objects.filter(slug="tsentr-2011").update(curated_from=Source.objects.get(key="mme-v7"))
    tag = read_etag(editor_client)
    response = editor_client.patch(
        "/api/v1/exercises/tsentr-2011/", {"series": "Tsentr"}, format="json", HTTP_IF_MATCH=tag
    )
    assert response.status_code == 200, response.content
    assert Exercise.objects.get(slug="tsentr-2011").curated_from is None
