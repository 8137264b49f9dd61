"""The exercise list by its sources: source, source_all, sources_min, disputed; and the row's sources."""

import csv
import io
import json

import pytest

from exercises import selectors, services
from exercises.models import Citation, Exercise, ExternalIdentifier, Participation, State
from tests.factories import exercise
from tests.witnesses import ARTICLE, JME, MME, agreed, cite, record, source, witnessed

pytestmark = pytest.mark.django_db

URL = "/api/v1/exercises/"
SEED = {"tsentr-2011", "russia-belarus-2011", "csto-exercises-2010"}  # whole exercises (their phases are not rows)


def slugs(api_client, **params) -> set[str]:
    response = api_client.get(URL, params | {"page_size": 1000})
    assert response.status_code == 200, response.content
    return {row["slug"] for row in response.json()["results"]}


def refused(api_client, **params) -> dict:
    response = api_client.get(URL, params)
    assert response.status_code == 400, response.content
    return response.json()


@pytest.fixture
def both():
    return witnessed()


@pytest.fixture
def alike():
    return agreed()


@pytest.fixture
def mme_only():
    created = exercise(participants=["RU"])
    record(created, MME, "mme1", start="1990")
    return created


# -- source, source_all -------------------------------------------------------------------------------
def test_source_finds_the_exercises_it_has_a_record_of(api_client, both, mme_only):
    assert slugs(api_client, source=JME) == {both.slug}


def test_source_finds_exercises_it_cites_without_a_record(api_client, both):
    assert slugs(api_client, source=ARTICLE) == SEED


def test_source_citing_only_a_participation_attests_the_exercise(api_client):
    created = exercise(participants=["KZ"])
    cite("state-tv-2011-tsentr-kyrgyzstan", participation=Participation.objects.get(exercise=created))
    assert created.slug in slugs(api_client, source="state-tv-2011-tsentr-kyrgyzstan")


def test_repeated_source_means_any_of_them(api_client, both, mme_only):
    assert slugs(api_client, source=[JME, ARTICLE]) == SEED | {both.slug}
    assert slugs(api_client, source=f"{JME},{MME}") == {both.slug, mme_only.slug}


def test_source_all_means_every_one_of_them(api_client, both, alike, mme_only):
    assert slugs(api_client, source_all=f"{MME},{JME}") == {both.slug, alike.slug}
    assert slugs(api_client, source_all=[MME, ARTICLE]) == set()


def test_source_key_is_read_in_any_case(api_client, both):
    assert slugs(api_client, source=JME.upper()) == {both.slug}


def test_unknown_source_is_a_400_naming_it(api_client, both):
    assert "'no-such-source'" in refused(api_client, source=f"{JME},no-such-source")["source"][0]
    assert "source_all" in refused(api_client, source_all="nope")


@pytest.mark.parametrize("dense", [False, True], ids=["in", "exists"])
def test_source_filters_read_alike_in_both_query_forms(api_client, monkeypatch, both, alike, mme_only, dense):
    if dense:
        monkeypatch.setattr(selectors, "DENSE", 0)  # every page read by walking the exercises (EXISTS)
    assert slugs(api_client, source_all=f"{MME},{JME}", source=JME) == {both.slug, alike.slug}


# -- sources_min ----------------------------------------------------------------------------------------
def test_sources_min_reads_the_stored_count(api_client, both, alike, mme_only):
    assert slugs(api_client, sources_min=2) == {both.slug, alike.slug}
    assert slugs(api_client, sources_min=1) == SEED | {both.slug, alike.slug, mme_only.slug}


def test_sources_min_counts_a_third_source_citing_a_part(api_client, both):
    cite(ARTICLE, participation=Participation.objects.get(exercise=both, state__alpha2="RU"))
    assert slugs(api_client, sources_min=3) == {both.slug}


@pytest.mark.parametrize("value", ["0", "-1", "1.5", "two", "1001"])
def test_sources_min_refuses_what_is_not_a_whole_number_from_one(api_client, value):
    assert list(refused(api_client, sources_min=value)) == ["sources_min"]


def test_sources_min_is_given_once(api_client):
    assert "sources_min" in refused(api_client, sources_min=[1, 2])


# -- disputed -----------------------------------------------------------------------------------------
def test_disputed_true_lists_exercises_disputed_on_some_field(api_client, both, alike):
    assert slugs(api_client, disputed="true") == {both.slug}


def test_disputed_false_lists_exercises_disputed_on_none(api_client, both, alike):
    assert slugs(api_client, disputed="false") == SEED | {alike.slug}


def test_disputed_field_names_mean_any_of_them(api_client, both):
    lone = exercise()
    lone.disputed_places = True
    lone.save(update_fields=["disputed_places"])
    assert slugs(api_client, disputed="places") == {both.slug, lone.slug}
    assert slugs(api_client, disputed="dates,places") == {both.slug, lone.slug}
    assert slugs(api_client, disputed=["dates", "participants"]) == {both.slug}


def test_disputed_field_names_read_in_any_case(api_client, both):
    assert slugs(api_client, disputed="TROOPS") == {both.slug}


@pytest.mark.parametrize("value", ["yes", "name", "participants,nope"])
def test_disputed_refuses_other_values_listing_the_accepted_ones(api_client, value):
    [message] = refused(api_client, disputed=value)["disputed"]
    assert "true, false, participants, dates, places, troops" in message


def test_disputed_true_or_false_stand_alone(api_client):
    assert "alone" in refused(api_client, disputed="true,dates")["disputed"][0]
    assert "alone" in refused(api_client, disputed=["false", "true"])["disputed"][0]


# -- The row --------------------------------------------------------------------------------------------
def row(api_client, slug, **params) -> dict:
    [found] = [r for r in api_client.get(URL, {"page_size": 1000, **params}).json()["results"] if r["slug"] == slug]
    return found


def test_row_gives_the_sources_sorted_their_count_and_the_disputed_fields(api_client, both):
    found = row(api_client, both.slug)
    assert found["sources"] == [JME, MME] and found["source_count"] == 2
    assert found["disputed"] == ["participants", "dates", "places", "troops"]


def test_row_source_count_is_the_stored_column(api_client, both):
    type(both).objects.filter(pk=both.pk).update(source_count=7)
    assert row(api_client, both.slug)["source_count"] == 7


def test_row_of_an_exercise_without_sources(api_client):
    lone = exercise()
    assert {k: row(api_client, lone.slug)[k] for k in ("sources", "source_count", "disputed")} == {
        "sources": [],
        "source_count": 0,
        "disputed": [],
    }


def test_csv_has_the_sources_joined_like_every_list(api_client, both):
    response = api_client.get(URL, {"format": "csv", "source": JME})
    [exported] = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert (exported["sources"], exported["source_count"], exported["disputed"]) == (
        f"{JME};{MME}",
        "2",
        "participants;dates;places;troops",
    )


def test_geojson_properties_carry_the_sources(api_client):
    response = api_client.get(URL, {"format": "geojson", "country": "KG", "role": "host", "phases": "rows"})
    [feature] = json.loads(b"".join(response.streaming_content))["features"]
    assert feature["properties"]["sources"] == [ARTICLE]


# -- Queries --------------------------------------------------------------------------------------------
@pytest.fixture
def many_witnessed():
    """110 exercises of 2011, each with records from MME and JME and two participants cited by MME and
    the article (written in bulk, then refreshed as an import does)."""
    created = Exercise.objects.bulk_create(
        Exercise(name=f"Witnessed {number}", slug=f"witnessed-{number}", year=2011) for number in range(110)
    )
    states = [State.objects.lookup("RU"), State.objects.lookup("KZ")]
    parts = Participation.objects.bulk_create(Participation(exercise=e, state=s) for e in created for s in states)
    ExternalIdentifier.objects.bulk_create(
        ExternalIdentifier(exercise=e, source=source(key), identifier=f"{key}-{e.pk}")
        for e in created
        for key in (MME, JME)
    )
    Citation.objects.bulk_create(Citation(source=source(key), participation=p) for p in parts for key in (MME, ARTICLE))
    services.refresh_derived([e.pk for e in created])


@pytest.mark.parametrize("page_size", [1, 100])
def test_list_queries_do_not_grow_with_page_size_or_sources(
    api_client, many_witnessed, page_size, django_assert_num_queries
):
    with django_assert_num_queries(3):  # count, page (the sources a stored column), the page's phases
        response = api_client.get(URL, {"page_size": page_size, "year": 2011, "sources_min": 2})
    results = response.json()["results"]
    assert len(results) == page_size and all(r["sources"] == [JME, ARTICLE, MME] for r in results)


@pytest.mark.parametrize("page_size", [1, 100])
def test_source_filter_adds_one_lookup_of_the_keys(api_client, many_witnessed, page_size, django_assert_num_queries):
    with django_assert_num_queries(4):  # + the sources named
        response = api_client.get(URL, {"page_size": page_size, "source_all": f"{MME},{JME}", "disputed": "false"})
    assert len(response.json()["results"]) == page_size
