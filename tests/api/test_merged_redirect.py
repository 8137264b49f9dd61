"""A merged exercise's slug answers 301 with the kept exercise's address; other slugs are as before."""

import pytest

from exercises import merges
from tests.factories import exercise

pytestmark = pytest.mark.django_db


@pytest.fixture
def merged():
    """zapad-b merged into zapad-2013."""
    keep = exercise(slug="zapad-2013", name="Zapad-2013")
    merges.merge_exercises(keep, exercise(slug="zapad-b", name="West-2013"))
    return keep


def test_a_merged_slug_answers_301_with_the_kept_exercises_address(api_client, merged):
    response = api_client.get("/api/v1/exercises/zapad-b/")
    assert (response.status_code, response["Location"]) == (301, "/api/v1/exercises/zapad-2013/")


def test_the_redirect_keeps_the_query_string(api_client, merged):
    response = api_client.get("/api/v1/exercises/zapad-b/?format=json")
    assert response["Location"] == "/api/v1/exercises/zapad-2013/?format=json"


def test_following_the_redirect_gives_the_kept_exercise(api_client, merged):
    response = api_client.get("/api/v1/exercises/zapad-b/", follow=True)
    assert (response.status_code, response.json()["slug"]) == (200, "zapad-2013")


def test_a_head_request_is_redirected_too(api_client, merged):
    assert api_client.head("/api/v1/exercises/zapad-b/").status_code == 301


def test_a_write_to_a_merged_slug_is_404(api_client, editor, merged):
    api_client.force_authenticate(editor)
    response = api_client.patch("/api/v1/exercises/zapad-b/", {"series": "Zapad"}, format="json", HTTP_IF_MATCH="*")
    assert response.status_code == 404


def test_a_slug_never_merged_stays_404(api_client):
    assert api_client.get("/api/v1/exercises/no-such-exercise/").status_code == 404


def test_an_undone_merge_answers_with_the_exercise_again(api_client, merged):
    merges.split(merged.merges.get())
    assert api_client.get("/api/v1/exercises/zapad-b/").status_code == 200
