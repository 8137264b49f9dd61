"""Accept's quality values decide the format (RFC 9110 12.5.1); ?format= still decides alone."""

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/v1/exercises/"


def kind(response) -> str:
    return response["Content-Type"].split(";")[0]


def test_the_type_with_the_higher_quality_wins_over_a_more_specific_listing(api_client):
    response = api_client.get(URL, HTTP_ACCEPT="text/csv;q=0.5, application/json")
    assert kind(response) == "application/json"


def test_a_lower_quality_type_is_taken_when_the_preferred_one_is_not_offered(api_client):
    response = api_client.get(URL, HTTP_ACCEPT="application/xml, text/csv;q=0.4")
    assert kind(response) == "text/csv"


def test_q_zero_refuses_a_type_even_through_a_wildcard(api_client):
    response = api_client.get(URL, HTTP_ACCEPT="application/json;q=0, */*;q=0.1")
    assert kind(response) != "application/json"


def test_nothing_acceptable_is_a_406(api_client):
    assert api_client.get(URL, HTTP_ACCEPT="application/xml").status_code == 406


def test_the_format_parameter_decides_alone(api_client):
    response = api_client.get(URL, {"format": "json"}, HTTP_ACCEPT="text/csv")
    assert kind(response) == "application/json"


def test_equal_qualities_prefer_the_most_specific_type(api_client):
    response = api_client.get(URL, HTTP_ACCEPT="*/*;q=0.8, text/csv;q=0.8")
    assert kind(response) == "text/csv"
