"""The Vienna Document thresholds in the API and the admin: the vd_* filters of exercises/, the stats/
series vienna and the detail's vienna_document (the rules themselves: tests/test_vienna.py)."""

import pytest
from django.urls import reverse

from exercises import vienna
from exercises.choices import FigureBasis, Qualifier
from exercises.filtersets import ExerciseFilterSet
from exercises.models import Source
from tests.factories import claim, exercise, place

pytestmark = pytest.mark.django_db

PARAMETERS = ["vd_notification", "vd_observation", "vd_declared_below_reported_above", "vd_zone"]


def slugs(api_client, **params) -> set[str]:
    response = api_client.get("/api/v1/exercises/", {**params, "page_size": 1000})
    assert response.status_code == 200, response.content[:300]
    return {row["slug"] for row in response.json()["results"]}


def claimed(*figures, year=2030, **fields):
    """An exercise with whole-exercise claims: figures, or (low, basis) pairs."""
    created = exercise(year=year, **fields)
    for figure in figures:
        low, basis = figure if isinstance(figure, tuple) else (figure, FigureBasis.REPORTED)
        claim(created, low, basis=basis)
    return created


def held_in(state, longitude, **fields):
    created = exercise(**fields)
    created.locations.add(place(state, longitude))
    return created


# -- Filters -----------------------------------------------------------------------------------------
def test_vd_notification_lists_claims_of_9000_and_more(api_client):
    at, under = claimed(9_000), claimed(8_999)
    found = slugs(api_client, vd_notification="true")
    assert at.slug in found and under.slug not in found


def test_vd_notification_false_lists_exercises_without_figures_too(api_client):
    at, under, unknown = claimed(9_000), claimed(8_999), exercise()
    found = slugs(api_client, vd_notification="false")
    assert {under.slug, unknown.slug} <= found and at.slug not in found


def test_vd_observation_lists_claims_of_13000_and_more(api_client):
    at, under = claimed(13_000), claimed(12_999)
    found = slugs(api_client, vd_observation="true")
    assert at.slug in found and under.slug not in found


def test_vd_notification_reads_at_least_by_its_figure_and_never_up_to(api_client):
    at_least, up_to = exercise(), exercise()
    claim(at_least, 9_000, qualifier=Qualifier.AT_LEAST)
    claim(up_to, high=15_000, qualifier=Qualifier.UP_TO)
    found = slugs(api_client, vd_notification="true")
    assert at_least.slug in found and up_to.slug not in found


def test_vd_declared_below_reported_above(api_client):
    pattern = claimed((12_500, FigureBasis.DECLARED), 15_000)
    declared_only = claimed((12_500, FigureBasis.DECLARED))
    declared_above = claimed((14_000, FigureBasis.DECLARED), 15_000)
    assert slugs(api_client, vd_declared_below_reported_above="true") & {
        pattern.slug,
        declared_only.slug,
        declared_above.slug,
    } == {pattern.slug}


def test_vd_declared_below_reported_above_false_is_every_other_exercise(api_client):
    pattern, declared_only = claimed((12_500, FigureBasis.DECLARED), 15_000), claimed((12_500, FigureBasis.DECLARED))
    found = slugs(api_client, vd_declared_below_reported_above="false")
    assert declared_only.slug in found and pattern.slug not in found


def test_vd_zone_true_and_false_leave_out_the_undetermined(api_client):
    inside, outside = held_in("PL", 21), held_in("CN", 116)
    undetermined = held_in("RU", None)
    assert slugs(api_client, vd_zone="true") & {inside.slug, outside.slug, undetermined.slug} == {inside.slug}
    assert slugs(api_client, vd_zone="false") & {inside.slug, outside.slug, undetermined.slug} == {outside.slug}


def test_vd_zone_reads_russia_by_longitude(api_client):
    west, east = held_in("RU", 37.6), held_in("RU", 131.9)
    assert slugs(api_client, vd_zone="true") & {west.slug, east.slug} == {west.slug}


def test_vd_zone_falls_back_to_participants_without_places(api_client):
    inside, outside = exercise(participants=["BY", "KZ"]), exercise(participants=["CN", "US"])
    mixed = exercise(participants=["BY", "RU"])
    assert slugs(api_client, vd_zone="true") & {inside.slug, outside.slug, mixed.slug} == {inside.slug}
    assert slugs(api_client, vd_zone="false") & {inside.slug, outside.slug, mixed.slug} == {outside.slug}


def test_the_fixtures_tsentr_2011_is_in_the_zone_by_its_places(api_client):
    assert "tsentr-2011" in slugs(api_client, vd_zone="true")


@pytest.mark.parametrize("name", PARAMETERS)
def test_vd_parameters_are_strict_booleans(api_client, name):
    response = api_client.get("/api/v1/exercises/", {name: "yes"})
    assert response.status_code == 400
    assert response.json()[name] == ["yes is not a boolean: give true or false (or 1, 0)."]


@pytest.mark.parametrize("name", PARAMETERS)
def test_vd_parameters_cite_the_vienna_document(name):
    assert vienna.SOURCE in ExerciseFilterSet.base_filters[name].extra["help_text"]
    assert Source.objects.filter(key=vienna.SOURCE, url="https://www.osce.org/fsc/86597").exists()


def test_list_queries_do_not_grow_with_the_page_under_vd_filters(api_client, django_assert_max_num_queries):
    for number in range(30):
        created = claimed(13_000 + number, (12_000, FigureBasis.DECLARED))
        created.locations.add(place("PL", 21))
    params = dict.fromkeys(PARAMETERS, "true")
    counts = []
    for page_size in (1, 30):
        with django_assert_max_num_queries(10) as queries:
            response = api_client.get("/api/v1/exercises/", {**params, "page_size": page_size})
        assert len(response.json()["results"]) == page_size
        counts.append(len(queries))
    assert counts[0] == counts[1]


# -- Statistics --------------------------------------------------------------------------------------
def test_stats_vienna_counts_each_threshold_per_year(api_client):
    claimed(8_000, year=2030).locations.add(place("US", -77))
    claimed(9_000, year=2030).locations.add(place("PL", 21))
    claimed((12_500, FigureBasis.DECLARED), 15_000, year=2030).locations.add(place("RU", 40))
    claimed(year=2030)
    rows = api_client.get("/api/v1/stats/", {"by": "vienna"}).json()["vienna_per_year"]
    assert [row for row in rows if row["year"] == 2030] == [
        {
            "year": 2030,
            "exercises": 4,
            "notification": 2,
            "observation": 1,
            "declared_below_reported_above": 1,
            "in_zone": 2,
            "outside_zone": 1,
        }
    ]


def test_stats_vienna_is_one_query(api_client, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert api_client.get("/api/v1/stats/", {"by": "vienna"}).status_code == 200


def test_stats_vienna_is_asked_for_by_name(api_client):
    assert "vienna_per_year" not in api_client.get("/api/v1/stats/").json()


# -- Detail ------------------------------------------------------------------------------------------
def test_detail_gives_the_vienna_document_object(api_client):
    target = claimed((12_500, FigureBasis.DECLARED), 15_000)
    target.locations.add(place("BY", 27))
    detail = api_client.get(f"/api/v1/exercises/{target.slug}/").json()
    assert detail["vienna_document"] == {
        "source": vienna.SOURCE,
        "notification": True,
        "observation": True,
        "declared_below_reported_above": True,
        "zone": True,
        "highest_claim": 15_000,
        "declared": 12_500,
    }


def test_detail_zone_is_null_when_undetermined(api_client):
    target = held_in(None, 50)
    assert api_client.get(f"/api/v1/exercises/{target.slug}/").json()["vienna_document"]["zone"] is None


def test_detail_reads_no_query_per_figure_or_place(api_client, django_assert_max_num_queries):
    small, large = claimed(9_000), claimed(9_000, 10_000, 11_000, (12_000, FigureBasis.DECLARED), 16_000)
    small.locations.add(place("PL", 21))
    large.locations.add(place("PL", 21), place("RU", 40), place("RU", None), place(None, 30))
    with django_assert_max_num_queries(30) as first:
        api_client.get(f"/api/v1/exercises/{small.slug}/")
    with django_assert_max_num_queries(30) as second:
        assert api_client.get(f"/api/v1/exercises/{large.slug}/").json()["vienna_document"]["highest_claim"] == 16_000
    assert len(first) == len(second)


# -- Admin -------------------------------------------------------------------------------------------
@pytest.fixture
def staff_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("admin", "a@example.org", "a-long-test-password"))
    return client


@pytest.mark.parametrize(
    ("params", "expected"),
    [({"vd_observation": "true"}, "observed"), ({"vd_zone": "false"}, "outside"), ({"vd_zone": "true"}, "inside")],
)
def test_admin_changelist_offers_the_vd_filters(staff_client, params, expected):
    made = {"observed": claimed(13_000), "outside": held_in("CN", 116), "inside": held_in("PL", 21)}
    response = staff_client.get(reverse("admin:exercises_exercise_changelist"), params)
    assert response.status_code == 200
    listed = {e.slug for e in response.context["cl"].result_list}
    assert {name for name, made_ in made.items() if made_.slug in listed} == {expected}
    assert [f for f in response.context["cl"].filter_specs if getattr(f, "parameter_name", None) == next(iter(params))]
