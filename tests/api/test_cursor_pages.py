"""Cursor pages (``cursor=``): a keyset on each list's ordering, stable under inserts and deletes, with
the next page in ``next`` and the ``Link`` header, and the count only with ``count=true``."""

import datetime as dt

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exercises.api.pagination import CURSOR_SALT
from exercises.api.urls import router
from exercises.choices import DatePrecision
from exercises.models import Exercise
from tests.factories import exercise

pytestmark = pytest.mark.django_db
URL = "/api/v1/exercises/"
LISTS = [prefix for prefix, viewset, _ in router.registry if getattr(viewset, "pagination_class", None) is not None]


@pytest.fixture
def awkward_orders():
    """Exercises with ties and NULLs on every field the list orders by."""
    for number in range(9):
        exercise(
            name=f"Same name {number % 2}",
            year=None if number % 4 == 0 else 2000 + number % 3,
            troops=None if number % 3 == 0 else 1000 * (number % 2),
            start=(dt.date(2001, 1, 1 + number % 2), DatePrecision.DAY)
            if number % 3
            else (None, DatePrecision.UNKNOWN),
        )


def walk(client, url: str, params: dict) -> list[dict]:
    """Every row of a list, following ``next`` from the first cursor page; checks ``Link`` says the same."""
    response = client.get(url, {**params, "cursor": ""})
    rows = []
    while True:
        assert response.status_code == 200, response.content
        page = response.json()
        rows += page["results"]
        if page["next"] is None:
            assert "Link" not in response
            return rows
        assert response["Link"] == f'<{page["next"]}>; rel="next"'
        response = client.get(page["next"])


def numbered(client, url: str, params: dict) -> list[dict]:
    return client.get(url, {**params, "page_size": 1000}).json()["results"]


@pytest.mark.parametrize(
    "ordering", [None, "name", "-name", "troops", "-troops", "start_date", "-start_date,name", "year,-troops", "-year"]
)
def test_cursor_pages_give_every_exercise_once_in_the_numbered_pages_order(api_client, awkward_orders, ordering):
    params = {"ordering": ordering} if ordering else {}
    rows = walk(api_client, URL, {**params, "page_size": 2})
    assert [row["slug"] for row in rows] == [row["slug"] for row in numbered(api_client, URL, params)]


def test_cursor_pages_follow_nulls_last_in_both_directions(api_client, awkward_orders):
    for ordering in ("troops", "-troops"):
        troops = [row["reported_troops"] for row in walk(api_client, URL, {"ordering": ordering, "page_size": 2})]
        known = [value for value in troops if value is not None]
        assert troops == known + [None] * (len(troops) - len(known)) and len(known) < len(troops)
        assert known == sorted(known, reverse=ordering.startswith("-"))


@pytest.mark.parametrize("prefix", LISTS)
def test_every_list_pages_by_cursor_as_by_number(api_client, prefix):
    exercise(troops=100)  # a troop figure without a state: a NULL in the troop figures' ordering
    for _ in range(3):
        exercise(participants=["KZ"]).delete()  # rows of the deletions feed
    url = f"/api/v1/{prefix}/"
    rows = walk(api_client, url, {"page_size": 2})
    assert len(rows) > 2
    assert rows == numbered(api_client, url, {})


def test_an_empty_cursor_asks_for_the_first_page(api_client):
    first = api_client.get(URL, {"cursor": "", "page_size": 2}).json()
    assert first["results"] == api_client.get(URL, {"page_size": 2}).json()["results"]


def test_a_cursor_page_has_no_count_unless_asked_for(api_client):
    assert "count" not in api_client.get(URL, {"cursor": ""}).json()
    counted = api_client.get(URL, {"cursor": "", "count": "true", "page_size": 1}).json()
    assert counted["count"] == api_client.get(URL).json()["count"] > 1


@pytest.mark.parametrize("prefix", ["exercises", "participations"])
def test_a_cursor_page_runs_no_count_query(api_client, prefix):
    nxt = api_client.get(f"/api/v1/{prefix}/", {"cursor": "", "page_size": 1}).json()["next"]
    with CaptureQueriesContext(connection) as queries:
        assert api_client.get(nxt).status_code == 200
    assert queries.captured_queries
    assert not [query["sql"] for query in queries.captured_queries if "COUNT(" in query["sql"].upper()]


def test_count_takes_a_strict_boolean(api_client):
    response = api_client.get(URL, {"cursor": "", "count": "maybe"})
    assert response.status_code == 400 and "count" in response.json()


def test_count_without_a_cursor_is_refused(api_client):
    response = api_client.get(URL, {"count": "true"})
    assert response.status_code == 400 and "count" in response.json()


def test_page_and_cursor_together_are_refused(api_client):
    response = api_client.get(URL, {"cursor": "", "page": "2"})
    assert response.status_code == 400 and "cursor" in response.json()


def cursor_of(client, url: str, params: dict) -> str:
    page = client.get(url, {**params, "cursor": "", "page_size": 1}).json()
    return page["next"].split("cursor=")[1].split("&")[0]


@pytest.mark.parametrize(
    "forge",
    [
        lambda token: token[:-3],  # truncated
        lambda token: token[:5] + ("A" if token[5] != "A" else "B") + token[6:],  # altered
        lambda token: "not-a-cursor",
        lambda token: signing.dumps({"for": "x", "after": [1]}, salt="another"),  # signed for something else
        lambda token: signing.dumps([1, 2], salt=CURSOR_SALT),  # signed, but not a position
    ],
)
def test_a_forged_cursor_is_a_400_naming_cursor(api_client, forge):
    token = cursor_of(api_client, URL, {})
    response = api_client.get(URL, {"cursor": forge(token)})
    assert response.status_code == 400 and "cursor" in response.json()


def test_a_cursor_made_for_another_ordering_is_refused(api_client):
    token = cursor_of(api_client, URL, {"ordering": "name"})
    response = api_client.get(URL, {"cursor": token, "ordering": "-troops"})
    assert response.status_code == 400 and "cursor" in response.json()


def test_a_cursor_made_for_another_list_is_refused(api_client):
    token = cursor_of(api_client, "/api/v1/states/", {})
    response = api_client.get("/api/v1/organisations/", {"cursor": token})
    assert response.status_code == 400 and "cursor" in response.json()


def test_rows_added_or_removed_between_pages_neither_repeat_nor_skip_the_others(api_client):
    for letter in "bdfhjl":
        exercise(name=f"Stable {letter}", slug=f"stable-{letter}")
    params = {"ordering": "name", "search": "stable", "page_size": 2}
    first = api_client.get(URL, {**params, "cursor": ""}).json()
    assert [row["slug"] for row in first["results"]] == ["stable-b", "stable-d"]
    Exercise.objects.filter(slug__in=["stable-d", "stable-h"]).delete()  # the cursor's own row, and one ahead
    for letter in "aceg":  # before the cursor's position and after it
        exercise(name=f"Stable {letter}", slug=f"stable-{letter}")
    rest, nxt = [], first["next"]
    while nxt:
        page = api_client.get(nxt).json()
        rest += [row["slug"] for row in page["results"]]
        nxt = page["next"]
    assert rest == ["stable-e", "stable-f", "stable-g", "stable-j", "stable-l"]


def test_numbered_pages_give_next_and_previous_in_the_link_header(api_client):
    response = api_client.get(URL, {"page": 2, "page_size": 1})
    page = response.json()
    assert response["Link"] == f'<{page["next"]}>; rel="next", <{page["previous"]}>; rel="prev"'
