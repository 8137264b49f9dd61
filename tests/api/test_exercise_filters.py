"""Each filter of /api/v1/exercises/, alone and combined, on the seed data and small additions."""

import pytest

from exercises.models import Location
from tests.factories import day, exercise, month

pytestmark = pytest.mark.django_db

URL = "/api/v1/exercises/"


def slugs(api_client, **params):
    """The rows matching ``params``, phases as rows of their own: each filter's meaning on one row (how
    conditions hold for whole exercises and their phases is tests/api/test_phases.py's business)."""
    response = api_client.get(URL, {"phases": "rows"} | params | {"page_size": 1000})
    assert response.status_code == 200, response.content
    return {row["slug"] for row in response.json()["results"]}


# -- The seed's questions ----------------------------------------------------------------------------
def test_kazakhstan_in_2011_finds_tsentr_2011(api_client):
    assert slugs(api_client, country="Kazakhstan", year=2011) == {"tsentr-2011", "tsentr-2011-kazakhstan"}


def test_belarus_in_2011_finds_russia_belarus_exercise_and_not_tsentr(api_client):
    assert slugs(api_client, country="BY", year=2011) == {"russia-belarus-2011"}


def test_csto_exercises_of_2010_are_found_through_uzbekistan(api_client):
    assert slugs(api_client, country="UZB") == {"csto-exercises-2010"}


# -- country, country_all, role ---------------------------------------------------------------------
@pytest.mark.parametrize("value", ["KZ", "kz", "KAZ", "kaz", "Kazakhstan", "KAZAKHSTAN"])
def test_country_accepts_alpha2_alpha3_and_name_in_any_case(api_client, value):
    assert "tsentr-2011-kazakhstan" in slugs(api_client, country=value)


def test_country_accepts_common_short_names(api_client):
    assert slugs(api_client, country="Kyrgyzstan") == slugs(api_client, country="KGZ") != set()
    assert slugs(api_client, country="Russia") == slugs(api_client, country="Russian Federation")


def test_country_comma_separated_matches_any(api_client):
    assert slugs(api_client, country="BY,UZ") == {"russia-belarus-2011", "csto-exercises-2010"}


def test_country_repeated_matches_any(api_client):
    response = api_client.get(f"{URL}?country=BY&country=UZ")
    assert {row["slug"] for row in response.json()["results"]} == {"russia-belarus-2011", "csto-exercises-2010"}


def test_country_all_requires_every_state(api_client):
    assert slugs(api_client, country_all="RU,BY") == {"russia-belarus-2011", "csto-exercises-2010"}
    assert slugs(api_client, country_all="BY,TJ") == {"csto-exercises-2010"}


def test_role_narrows_country_to_that_role(api_client):
    assert slugs(api_client, country="KZ", role="host") == {"tsentr-2011-kazakhstan"}


def test_role_alone_finds_exercises_with_a_participant_in_that_role(api_client):
    assert slugs(api_client, role="host") == {"tsentr-2011-kazakhstan", "tsentr-2011-kyrgyzstan"}


def test_role_narrows_country_all_too(api_client):
    assert slugs(api_client, country_all="KZ,RU", role="host") == set()


# -- years and dates ---------------------------------------------------------------------------------
def test_year_matches_exactly(api_client):
    assert slugs(api_client, year=2010) == {"csto-exercises-2010"}


def test_year_range(api_client):
    exercise(start=day("2009-05-01"))
    assert slugs(api_client, year_min=2010, year_max=2010) == {"csto-exercises-2010"}
    assert len(slugs(api_client, year_max=2009)) == 1


def test_month_precision_exercise_overlaps_a_day_in_that_month(api_client):
    september = exercise(start=month(2011, 9), end=month(2011, 9))
    assert september.slug in slugs(api_client, date_from="2011-09-25", date_to="2011-09-25")


def test_date_range_excludes_exercises_entirely_before_it(api_client):
    early = exercise(start=day("2011-03-01"), end=day("2011-03-05"))
    assert early.slug not in slugs(api_client, date_from="2011-09-01")


def test_date_to_excludes_exercises_starting_after_it(api_client):
    late = exercise(start=day("2011-11-01"), end=day("2011-11-05"))
    assert late.slug not in slugs(api_client, date_to="2011-10")


def test_exercise_known_to_end_on_27_september_overlaps_20_september(api_client):
    assert "tsentr-2011" in slugs(api_client, date_from="2011-09-20", date_to="2011-09-20")


# -- organisation, troops, threat, location, bbox ---------------------------------------------------
def test_organisation_by_acronym_in_any_case(api_client):
    assert slugs(api_client, organisation="csto") == {
        "tsentr-2011",
        "tsentr-2011-kyrgyzstan",
        "tsentr-2011-kazakhstan",
        "csto-exercises-2010",
    }


def test_troops_range_on_reported_figure(api_client):
    assert slugs(api_client, troops_min=1000, troops_max=5000) == {"csto-exercises-2010"}
    assert slugs(api_client, troops_min=12000) == {"tsentr-2011", "russia-belarus-2011"}


def test_threat_matches_any_scenario(api_client):
    assert slugs(api_client, threat="air_attack") == {"tsentr-2011-kazakhstan"}
    assert slugs(api_client, threat="insurgent_incursion,air_attack") == {
        "tsentr-2011-kazakhstan",
        "tsentr-2011-kyrgyzstan",
    }


def test_location_by_name_slug_or_id(api_client):
    caspian = Location.objects.get(slug="caspian-sea")
    expected = {"tsentr-2011", "tsentr-2011-kazakhstan"}
    assert slugs(api_client, location="caspian sea") == expected
    assert slugs(api_client, location="caspian-sea") == expected
    assert slugs(api_client, location=str(caspian.pk)) == expected


def test_bbox_finds_exercises_with_a_location_inside(api_client):
    around_bishkek = "74,42,75.5,43.5"
    assert slugs(api_client, bbox=around_bishkek) == {"tsentr-2011", "tsentr-2011-kyrgyzstan"}


# -- text search -------------------------------------------------------------------------------------
@pytest.mark.parametrize("term", ["Tsentr-2011", "centre-2011", "Center-2011", "Центр-2011"])
def test_search_finds_tsentr_by_any_of_its_names(api_client, term):
    assert "tsentr-2011" in slugs(api_client, search=term)


def test_search_covers_scenario_texts(api_client):
    assert slugs(api_client, search="speed boat") == {"tsentr-2011-kazakhstan"}


def test_search_covers_stated_purpose(api_client):
    assert "tsentr-2011" in slugs(api_client, search="Afghanistan")


def test_search_percent_sign_is_literal(api_client):
    assert slugs(api_client, search="%") == set()


# -- series, domain, focus, phases -------------------------------------------------------------------
def test_series_is_case_insensitive(api_client):
    gold = exercise(series="Cobra Gold")
    assert slugs(api_client, series="cobra gold") == {gold.slug}


def test_domain_matches_any_listed_domain(api_client):
    cyber = exercise(cyber=True)
    assert slugs(api_client, domain="cyber") == {cyber.slug}
    assert "tsentr-2011" in slugs(api_client, domain="cyber,sea")


def test_focus_filter(api_client):
    relief = exercise(humanitarian=True)
    assert slugs(api_client, focus="humanitarian") == {relief.slug}


def test_top_level_leaves_out_phases(api_client):
    assert "tsentr-2011-kazakhstan" not in slugs(api_client, top_level="true")


def test_parent_lists_the_phases(api_client):
    assert slugs(api_client, parent="tsentr-2011") == {"tsentr-2011-kazakhstan", "tsentr-2011-kyrgyzstan"}


# -- combinations and ordering -----------------------------------------------------------------------
def test_country_year_and_troops_combine(api_client):
    assert slugs(api_client, country="RU", year=2011, troops_min=10000) == {"tsentr-2011", "russia-belarus-2011"}


def test_country_and_threat_combine(api_client):
    assert slugs(api_client, country="KG", threat="insurgent_incursion") == {"tsentr-2011-kyrgyzstan"}


def ordered(api_client, ordering):
    response = api_client.get(URL, {"ordering": ordering, "page_size": 100, "phases": "rows"})
    return [row["slug"] for row in response.json()["results"]]


def test_ordering_by_troops_descending_puts_unknown_last(api_client):
    rows = ordered(api_client, "-troops")
    assert set(rows[:2]) == {"russia-belarus-2011", "tsentr-2011"} and rows[2] == "csto-exercises-2010"
    assert set(rows[3:]) == {"tsentr-2011-kazakhstan", "tsentr-2011-kyrgyzstan"}


def test_ordering_by_troops_ascending_puts_unknown_last(api_client):
    assert ordered(api_client, "troops")[0] == "csto-exercises-2010"


def test_ordering_by_name(api_client):
    response = api_client.get(URL, {"ordering": "name", "phases": "rows"})
    names = [row["name"] for row in response.json()["results"]]
    assert names == sorted(names) and len(names) == 5


def test_ordering_by_start_date_then_year(api_client):
    assert ordered(api_client, "start_date")[0] == "csto-exercises-2010"
    assert ordered(api_client, "-year,name")[0] == "russia-belarus-2011"
