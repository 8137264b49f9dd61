"""exercises.selectors: the one place that chooses how a query is written, and reads the rows."""

import pytest
from django.db import connection
from django.db.models import Q
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from exercises import selectors
from exercises.api.formats import ROW_COLUMNS
from exercises.filtersets import ExerciseFilterSet
from exercises.models import Exercise
from tests.factories import exercise

pytestmark = pytest.mark.django_db

QUERIES = [
    "",
    "country=RU",
    "country_all=RU,KZ",
    "role=host",
    "threat=air_attack",
    "year=2011&country=KG",
    "search=Tsentr",
    "search=Karaganda&country=KZ",
]


def valid(query: str) -> ExerciseFilterSet:
    filterset = ExerciseFilterSet(QueryDict(query), queryset=Exercise.objects.all())
    assert filterset.is_valid(), filterset.errors
    return filterset


def slugs(page) -> list[str]:
    return [row["slug"] for row in page.object_list]


def whole_exercises_with(code: str) -> set[int]:
    """The whole exercises in which the state took part, itself or in one of their phases."""
    with_state = Q(participations__state__code=code) | Q(phases__participations__state__code=code)
    return set(Exercise.objects.filter(with_state, parent__isnull=True).values_list("pk", flat=True))


@pytest.fixture
def many():
    for number in range(12):
        exercise(participants=[("RU", "host"), "KZ"][: 1 + number % 2], year=2011)


@pytest.mark.parametrize("query", QUERIES)
def test_a_dense_page_read_by_exists_equals_the_in_form(many, monkeypatch, query):
    sparse = slugs(selectors.exercise_page(valid(query), 1, 100, ROW_COLUMNS))
    monkeypatch.setattr(selectors, "DENSE", 0)  # every page counts as dense: EXISTS form
    monkeypatch.setattr(selectors, "DENSE_TEXT", 0)
    with CaptureQueriesContext(connection) as queries:
        dense = slugs(selectors.exercise_page(valid(query), 1, 100, ROW_COLUMNS))
    assert dense == sparse and sparse
    related = any(name in query for name in ("country", "role", "threat", "search"))  # conditions on related rows
    [page_query] = [query["sql"] for query in queries.captured_queries if "LIMIT 100" in query["sql"]]
    assert not related or "EXISTS" in page_query


def test_exists_is_chosen_where_other_parameters_narrow_the_exercises():
    assert "EXISTS" in str(selectors.exercise_queryset(valid("country=RU&year=2011")).query)
    assert "EXISTS" not in str(selectors.exercise_queryset(valid("country=RU")).query)


def test_the_page_counts_all_matches_and_holds_the_page(many):
    page = selectors.exercise_page(valid("country=RU"), 2, 5, ROW_COLUMNS)
    assert page.paginator.count == len(whole_exercises_with("RUS"))
    assert len(page.object_list) == 5 and page.number == 2


def test_last_page_is_the_last(many):
    page = selectors.exercise_page(valid(""), "last", 5, ROW_COLUMNS)
    assert page.number == page.paginator.num_pages and not page.has_next()


def test_chunks_cover_every_match_once_in_id_order(many, monkeypatch):
    monkeypatch.setattr(selectors, "CHUNK", 4)
    chunks = list(selectors.exercise_chunks(valid("country=RU"), ROW_COLUMNS))
    pks = [row["pk"] for chunk in chunks for row in chunk]
    assert len(chunks) > 2 and pks == sorted(set(pks))
    assert set(pks) == whole_exercises_with("RUS")


def test_chunks_with_coordinates_carry_the_places_points():
    [[row]] = selectors.exercise_chunks(valid("country=KG&role=host&phases=rows"), ROW_COLUMNS, coordinates=True)
    assert [(name, float(lat), float(lon)) for name, lat, lon in row["places"]] == [
        ("Valley near Bishkek", 42.87, 74.59)
    ]


def test_participants_and_sources_of_the_seed_exercise():
    tsentr = Exercise.objects.get(slug="tsentr-2011")
    assert selectors.participant_codes([tsentr.pk])[tsentr.pk] == ["KAZ", "KGZ", "RUS", "TJK"]
    assert tsentr.source_keys == ["kucera-2011-csto-vision"]
    assert tsentr.source_count == 1


def test_statistics_count_each_exercise_once_per_year():
    [row] = selectors.exercise_stats(valid("year=2011"), ["year"])["per_year"]
    assert (row["year"], row["exercises"]) == (2011, Exercise.objects.filter(year=2011, parent__isnull=True).count())


def test_a_place_whose_name_holds_a_bar_stays_one_place():
    from exercises.models import Location

    created = exercise(["KZ"], slug="bar-place", name="Bar place")
    created.locations.add(Location.objects.create(slug="a-b", name="Aktobe | Aqtobe", kind="city"))
    [[row]] = selectors.exercise_chunks(valid("search=bar place"), ROW_COLUMNS)
    assert row["places"] == [("Aktobe | Aqtobe", None, None)]
