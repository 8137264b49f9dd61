"""Alliances at the time of the exercise: members_of, all_members_of, and organisation as a body."""

import datetime as dt

import pytest

from exercises.models import Membership, Organisation, OrganisationParticipation
from tests.factories import exercise

pytestmark = pytest.mark.django_db
URL = "/api/v1/exercises/"


def slugs(api_client, **params) -> set[str]:
    response = api_client.get(URL, params)
    assert response.status_code == 200, response.content
    return {row["slug"] for row in response.json()["results"]}


def day(text: str):
    return dt.date.fromisoformat(text), "day"


@pytest.fixture
def exercises():
    return {
        # Poland joined NATO on 12 March 1999; the exercise runs across the accession.
        "across": exercise(["POL", "DEU"], slug="across", start=day("1999-03-10"), end=day("1999-03-20")),
        "before": exercise(["POL", "CZE"], slug="before", start=day("1998-06-01"), end=day("1998-06-05")),
        "after": exercise(["POL", "CZE"], slug="after", start=day("1999-06-01"), end=day("1999-06-05")),
        "pact": exercise(["POL", "SUHH"], slug="pact", start=day("1985-06-01"), end=day("1985-06-05")),
        "mixed": exercise(["USA", "KAZ"], slug="mixed", start=day("2005-06-01"), end=day("2005-06-05")),
        "undated": exercise(["USA", "GBR"], slug="undated"),
    }


def test_members_of_counts_a_participant_that_was_a_member_during_the_exercise(api_client, exercises):
    assert slugs(api_client, members_of="NATO", year_min=1980) == {"across", "after", "mixed"}


def test_a_state_before_its_accession_is_not_a_member(api_client, exercises):
    assert "before" not in slugs(api_client, members_of="NATO")


def test_the_warsaw_pact_had_poland_and_the_soviet_union_in_1985(api_client, exercises):
    assert slugs(api_client, all_members_of="WP") == {"pact"}


def test_all_members_of_needs_every_participant_to_be_a_member(api_client, exercises):
    found = slugs(api_client, all_members_of="NATO")
    assert {"across", "after"} <= found and "mixed" not in found and "before" not in found


def test_an_exercise_without_dates_is_never_matched_by_membership(api_client, exercises):
    assert "undated" not in slugs(api_client, members_of="NATO") | slugs(api_client, all_members_of="NATO")


def test_a_membership_that_ended_before_the_exercise_does_not_count(api_client, exercises):
    late = exercise(["DDDE", "POL"], slug="late", start=day("1990-10-01"), end=day("1990-10-05"))
    assert late.slug not in slugs(api_client, all_members_of="WP")


def test_organisation_matches_an_organisation_taking_part_as_a_body(api_client, exercises):
    nato = Organisation.objects.get(acronym="NATO")
    OrganisationParticipation.objects.create(exercise=exercises["mixed"], organisation=nato)
    assert "mixed" in slugs(api_client, organisation="NATO")


def test_an_unknown_organisation_is_a_400_naming_the_parameter(api_client):
    response = api_client.get(URL, {"members_of": "NAT0"})
    assert response.status_code == 400 and "members_of" in response.json()


def test_every_nato_accession_is_in_the_register_with_a_cited_source():
    nato = Membership.objects.filter(organisation__acronym="NATO")
    assert nato.count() == 32
    assert not nato.filter(citations__isnull=True).exists()
    assert set(nato.filter(started_on__year=2004).values_list("state__code", flat=True)) == {
        "BGR",
        "EST",
        "LVA",
        "LTU",
        "ROU",
        "SVK",
        "SVN",
    }
