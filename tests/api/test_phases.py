"""Whole exercises and their phases: a phase is part of its exercise's answer, never a row of its own
(unless asked for with phases=rows), and never counted twice (ExerciseFilterSet's policy)."""

import csv
import io
import json
from datetime import date

import pytest

from exercises.models import Exercise, Scenario
from tests.factories import exercise

pytestmark = pytest.mark.django_db

URL = "/api/v1/exercises/"
SEED_WHOLE = {"tsentr-2011", "russia-belarus-2011", "csto-exercises-2010"}


def rows(api_client, **params) -> dict[str, list[str]]:
    response = api_client.get(URL, {"page_size": 1000, **params})
    assert response.status_code == 200, response.content
    return {row["slug"]: row["matched_phases"] for row in response.json()["results"]}


def stats(api_client, **params) -> dict:
    response = api_client.get("/api/v1/stats/", params)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def family():
    """A whole exercise of 2030 (Russia, 10,000 troops) with two phases: one with Kazakhstan (5,000
    troops), one with Kazakhstan and Mongolia."""
    whole = exercise(participants=["RU"], troops=10_000, year=2030, slug="whole-2030")
    first = exercise(participants=["KZ"], troops=5_000, year=2030, parent=whole, slug="whole-2030-first")
    second = exercise(participants=["KZ", "MN"], year=2030, parent=whole, slug="whole-2030-second")
    return whole, first, second


# -- Rows -----------------------------------------------------------------------------------------------
def test_the_list_has_whole_exercises_only(api_client):
    assert set(rows(api_client)) == SEED_WHOLE


def test_an_exercise_matched_through_a_phase_is_listed_once_as_the_whole(api_client, family):
    assert rows(api_client, country="MN") == {"whole-2030": ["whole-2030-second"]}


def test_matched_phases_name_every_phase_through_which_it_matched(api_client, family):
    assert rows(api_client, country="KZ", year=2030) == {"whole-2030": ["whole-2030-first", "whole-2030-second"]}


def test_a_condition_the_whole_meets_itself_names_no_phase(api_client, family):
    assert rows(api_client, country="RU", year=2030) == {"whole-2030": []}


def test_conditions_may_be_met_by_different_parts_of_the_whole(api_client, family):
    assert rows(api_client, country_all="RU,MN") == {"whole-2030": ["whole-2030-second"]}


def test_a_negative_condition_must_hold_for_every_phase(api_client):
    september = (date(2011, 9, 1), "month")
    whole = exercise(participants=["RU"], start=september, end=september, slug="members-2011")
    exercise(participants=["KZ"], start=september, end=september, parent=whole)
    assert rows(api_client, all_members_of="CSTO", year=2011).get("members-2011") == []
    exercise(participants=["MN"], start=september, end=september, parent=whole)  # Mongolia: not a member
    assert "members-2011" not in rows(api_client, all_members_of="CSTO", year=2011)


def test_conditions_on_the_exercises_own_fields_read_its_own_row(api_client, family):
    _, first, _ = family
    Exercise.objects.filter(pk=first.pk).update(disputed_troops=True, series="Phase series")
    assert "whole-2030" in rows(api_client, year=2030, disputed="false")
    assert rows(api_client, series="Phase series") == {}


def test_troop_bounds_read_the_whole_exercises_own_figure(api_client, family):
    assert rows(api_client, troops_max=6_000, year=2030) == {}
    assert rows(api_client, troops_min=9_000, year=2030) == {"whole-2030": []}


def test_the_row_holds_the_phases_participants(api_client, family):
    response = api_client.get(URL, {"year": 2030})
    [row] = response.json()["results"]
    assert row["participants"] == ["KAZ", "MNG", "RUS"]


def test_phases_as_rows_match_on_their_own_rows(api_client, family):
    assert rows(api_client, country="KZ", year=2030, phases="rows") == {"whole-2030-first": [], "whole-2030-second": []}


def test_parent_lists_the_phases_as_rows(api_client, family):
    assert set(rows(api_client, parent="whole-2030")) == {"whole-2030-first", "whole-2030-second"}


def test_top_level_false_lists_phases(api_client):
    assert set(rows(api_client, top_level="false")) == {"tsentr-2011-kazakhstan", "tsentr-2011-kyrgyzstan"}


def test_an_unknown_phases_value_is_refused(api_client):
    response = api_client.get(URL, {"phases": "all"})
    assert response.status_code == 400 and "phases" in response.json()


def test_the_count_is_of_whole_exercises(api_client, family):
    assert api_client.get(URL, {"country": "KZ", "year": 2030}).json()["count"] == 1


# -- Statistics -----------------------------------------------------------------------------------------
def test_stats_count_a_whole_exercise_once_with_its_own_troops(api_client, family):
    [year] = stats(api_client, year=2030, by="year")["per_year"]
    assert (year["exercises"], year["troops"], year["with_troops"]) == (1, 10_000, 1)


def test_stats_count_a_state_once_per_whole_exercise_whatever_its_phases(api_client, family):
    per_state = {row["code"]: row for row in stats(api_client, year=2030, by="state")["per_state"]}
    assert {code: (row["exercises"], row["troops"]) for code, row in per_state.items()} == {
        "RUS": (1, 10_000),
        "KAZ": (1, 10_000),  # in two phases, one of them with its own figure: the whole's troops, once
        "MNG": (1, 10_000),
    }


def test_stats_with_phases_as_rows_count_each_row(api_client, family):
    [year] = stats(api_client, year=2030, by="year", phases="rows")["per_year"]
    assert (year["exercises"], year["troops"]) == (3, 15_000)


def test_stats_of_the_seed_year_count_tsentr_once(api_client):
    [year] = stats(api_client, year=2011, by="year")["per_year"]
    assert (year["exercises"], year["troops"]) == (2, 24_000)


def test_stats_by_membership_count_exercises_with_a_member_at_the_time(api_client):
    per_membership = {row["acronym"]: row for row in stats(api_client, year=2011, by="membership")["per_membership"]}
    assert (per_membership["CSTO"]["exercises"], per_membership["CSTO"]["troops"]) == (2, 24_000)
    assert per_membership["NATO"]["exercises"] == 0


# -- Exports --------------------------------------------------------------------------------------------
def test_csv_has_one_row_per_whole_exercise_with_its_matched_phases(api_client, family):
    response = api_client.get(URL, {"format": "csv", "country": "KZ", "year": 2030})
    [row] = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert (row["slug"], row["participants"], row["matched_phases"]) == (
        "whole-2030",
        "KAZ;MNG;RUS",
        "whole-2030-first;whole-2030-second",
    )


def test_geojson_features_belong_to_the_whole_exercise(api_client):
    response = api_client.get(URL, {"format": "geojson", "threat": "air_attack"})
    features = json.loads(b"".join(response.streaming_content))["features"]
    assert {feature["properties"]["slug"] for feature in features} == {"tsentr-2011"}
    assert all(feature["properties"]["matched_phases"] == ["tsentr-2011-kazakhstan"] for feature in features)


# -- The detail and the parts' lists --------------------------------------------------------------------
def test_the_detail_shows_the_phases_scenarios_marked_by_phase(api_client):
    detail = api_client.get(f"{URL}tsentr-2011/").json()
    phases = {scenario["title"]: (scenario["phase"] or {}).get("slug") for scenario in detail["scenarios"]}
    assert phases == {
        scenario.title: scenario.exercise.slug
        for scenario in Scenario.objects.filter(exercise__parent__slug="tsentr-2011").select_related("exercise")
    }
    assert phases and all(phases.values())


def test_the_detail_marks_the_exercises_own_parts_with_no_phase(api_client):
    detail = api_client.get(f"{URL}tsentr-2011/").json()
    own = [p["code"] for p in detail["participations"] if p["phase"] is None]
    assert own == ["KAZ", "KGZ", "RUS", "TJK"]
    assert {(p["code"], p["phase"]["slug"]) for p in detail["participations"] if p["phase"]} >= {
        ("KGZ", "tsentr-2011-kyrgyzstan")
    }


def test_detail_queries_do_not_grow_with_the_phases(api_client, django_assert_max_num_queries):
    def queries(phases: int) -> int:
        whole = exercise(participants=["RU"], year=2031)
        for _ in range(phases):
            exercise(participants=["KZ", "BY"], troops=1_000, year=2031, parent=whole)
        with django_assert_max_num_queries(60) as captured:
            assert api_client.get(f"{URL}{whole.slug}/").status_code == 200
        return len(captured)

    assert queries(1) == queries(6)


def test_the_detail_of_a_phase_is_its_own(api_client):
    detail = api_client.get(f"{URL}tsentr-2011-kyrgyzstan/").json()
    assert detail["parent"]["slug"] == "tsentr-2011"
    assert {scenario["phase"] for scenario in detail["scenarios"]} == {None}


def test_scenarios_of_an_exercise_include_its_phases(api_client):
    response = api_client.get("/api/v1/scenarios/", {"exercise": "tsentr-2011", "page_size": 100})
    assert {row["exercise"]["slug"] for row in response.json()["results"]} == {
        "tsentr-2011-kazakhstan",
        "tsentr-2011-kyrgyzstan",
    }


def test_participations_of_an_exercise_include_its_phases(api_client, family):
    response = api_client.get("/api/v1/participations/", {"exercise": "whole-2030", "page_size": 100})
    assert sorted((row["exercise"], row["code"]) for row in response.json()["results"]) == [
        ("whole-2030", "RUS"),
        ("whole-2030-first", "KAZ"),
        ("whole-2030-second", "KAZ"),
        ("whole-2030-second", "MNG"),
    ]


# -- One level of phases --------------------------------------------------------------------------------
def test_a_phase_cannot_have_phases(family):
    _, first, _ = family
    nested = Exercise(name="Nested", slug="nested", parent=first)
    with pytest.raises(Exception, match="not to another phase"):
        nested.full_clean()


def test_an_exercise_with_phases_cannot_become_a_phase(family):
    whole, *_ = family
    other = exercise(year=2030)
    whole.parent = other
    with pytest.raises(Exception, match="phases of its own"):
        whole.full_clean()
