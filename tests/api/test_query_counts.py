"""List and detail endpoints run a constant number of queries, whatever the page size or size."""

import pytest

from exercises.models import Exercise, Location, Participation, State
from tests.factories import exercise

pytestmark = pytest.mark.django_db

#: count, page (participants and places aggregated in it; sources a stored column), the page's phases (their
#: participants, places and matches aggregated in one query).
LIST_QUERIES = 3


@pytest.fixture
def many_exercises():
    caspian = Location.objects.get(slug="caspian-sea")
    for number in range(120):
        created = exercise(participants=["RU", "KZ", "BY"][: 1 + number % 3], troops=number * 10, year=2011)
        created.locations.add(caspian)


@pytest.mark.parametrize("page_size", [1, 100])
def test_exercise_list_queries_do_not_grow_with_page_size(
    api_client, many_exercises, page_size, django_assert_num_queries
):
    with django_assert_num_queries(LIST_QUERIES):
        response = api_client.get("/api/v1/exercises/", {"page_size": page_size, "year": 2011, "troops_min": 0})
    assert len(response.json()["results"]) == page_size


@pytest.mark.parametrize("page_size", [1, 50])
def test_exercise_cursor_pages_run_constant_queries_and_no_count(
    api_client, many_exercises, page_size, django_assert_num_queries
):
    params = {"page_size": page_size, "year": 2011, "troops_min": 0}
    second = api_client.get("/api/v1/exercises/", {**params, "cursor": ""}).json()["next"]
    with django_assert_num_queries(LIST_QUERIES - 1) as queries:  # the page, its phases: no count
        response = api_client.get(second)
    assert len(response.json()["results"]) == page_size
    assert not [query["sql"] for query in queries.captured_queries if "COUNT(" in query["sql"].upper()]


@pytest.mark.parametrize("page_size", [1, 100])
def test_filtered_list_resolves_countries_once(api_client, many_exercises, page_size, django_assert_num_queries):
    with django_assert_num_queries(LIST_QUERIES + 1):  # + one lookup of all the country names
        api_client.get("/api/v1/exercises/", {"page_size": page_size, "country": "Russia,Kazakhstan,BY"})


def test_detail_queries_do_not_grow_with_participants(api_client, django_assert_max_num_queries):
    small = exercise(participants=["RU"])
    large = exercise(participants=["RU", "KZ", "BY", "AM", "KG", "TJ", "UZ", "CN", "IN", "PK"])
    with django_assert_max_num_queries(30) as first:
        api_client.get(f"/api/v1/exercises/{small.slug}/")
    with django_assert_max_num_queries(30) as second:
        api_client.get(f"/api/v1/exercises/{large.slug}/")
    assert len(first) == len(second)


def test_seed_detail_query_count_is_bounded(api_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(30):
        api_client.get("/api/v1/exercises/tsentr-2011-kazakhstan/")


@pytest.mark.parametrize("url", ["/api/v1/states/", "/api/v1/organisations/", "/api/v1/scenarios/", "/api/v1/sources/"])
@pytest.mark.parametrize("page_size", [1, 100])
def test_reference_lists_run_constant_queries(api_client, url, page_size, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        assert api_client.get(url, {"page_size": page_size}).status_code == 200


@pytest.fixture
def exercise_editor(api_client, make_user):
    api_client.force_authenticate(make_user("writer", "change_exercise"))
    api_client.credentials(HTTP_IF_MATCH="*")
    return api_client


def test_exercise_patch_queries_do_not_grow_with_its_parts(exercise_editor, django_assert_max_num_queries):
    def patch():
        response = exercise_editor.patch("/api/v1/exercises/tsentr-2011/", {"notes": "Checked."}, format="json")
        assert response.status_code == 200, response.content

    patch()  # warm the user's permission cache, which lasts across requests in this test
    # The answer is the detail, with the parts of Tsentr-2011's two phases (one query per kind of part).
    with django_assert_max_num_queries(45) as before:
        patch()
    tsentr = Exercise.objects.get(slug="tsentr-2011")
    taken = tsentr.participations.values("state")
    for state in State.objects.exclude(pk__in=taken).order_by("code")[:20]:
        Participation.objects.create(exercise=tsentr, state=state)
    with django_assert_max_num_queries(45) as after:
        patch()
    assert len(after) == len(before)
