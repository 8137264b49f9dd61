"""Bad input is a 400 naming the parameter and the reason: never a silent list, never a 500."""

import json

import pytest

from exercises.api.urls import router
from exercises.models import Location, Organisation, Scenario, State
from tests.factories import exercise

pytestmark = pytest.mark.django_db

URL = "/api/v1/exercises/"

#: SQL metacharacters and LIKE wildcards, format strings, odd Unicode, long and numeric-looking text.
HOSTILE = [
    "'; DROP TABLE exercises_exercise; --",
    "%",
    "_",
    "\\",
    '"',
    "%%%",
    "Ω≈ç√∫˜µ≤≥÷",
    "👍🏽",
    "\u202e",
    "a" * 200,
    "%(name)s",
    "{0}",
    "NaN",
    "Infinity",
    "1e309",
    "-0",
    "0x10",
    "abc\x00def",
]


def error(api_client, query: str, url=URL):
    response = api_client.get(f"{url}?{query}")
    assert response.status_code == 400, (query, response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_unknown_parameter_is_named(api_client):
    body = error(api_client, "contry=KZ")
    assert list(body) == ["contry"] and "Unknown query parameter" in body["contry"][0]


def test_unknown_country_is_named(api_client):
    assert "Atlantis" in error(api_client, "country=Atlantis")["country"][0]


def test_one_unknown_country_among_known_ones_is_an_error(api_client):
    assert "Narnia" in error(api_client, "country=KZ,Narnia")["country"][0]


def test_unknown_country_in_country_all(api_client):
    assert "country_all" in error(api_client, "country_all=RU,XX")


@pytest.mark.parametrize("query", ["year=abc", "year=20111", "year=2011.5", "year_min=x", "year_max=-3"])
def test_malformed_year(api_client, query):
    assert query.split("=")[0] in error(api_client, query)


@pytest.mark.parametrize(
    "query", ["date_from=2011-13-01", "date_to=yesterday", "date_from=2011-02-30", "date_to=11-09"]
)
def test_malformed_date(api_client, query):
    assert query.split("=")[0] in error(api_client, query)


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("year_min=2012&year_max=2010", "year_min"),
        ("troops_min=5000&troops_max=100", "troops_min"),
        ("date_from=2012-01-01&date_to=2011-01-01", "date_from"),
    ],
)
def test_minimum_above_maximum(api_client, query, name):
    assert name in error(api_client, query)


def test_unknown_ordering_field(api_client):
    assert "ordering" in error(api_client, "ordering=password")


def test_unknown_threat_type(api_client):
    assert "laser" in error(api_client, "threat=laser")["threat"][0]


def test_unknown_role(api_client):
    assert "role" in error(api_client, "role=spectator")


def test_unknown_organisation(api_client):
    assert "WARSAW" in error(api_client, "organisation=WARSAW")["organisation"][0]


def test_unknown_location(api_client):
    assert "location" in error(api_client, "location=Atlantis")


@pytest.mark.parametrize("bbox", ["1,2,3", "a,b,c,d", "10,10,5,20", "0,95,10,96", "200,0,210,10"])
def test_malformed_bbox(api_client, bbox):
    assert "bbox" in error(api_client, f"bbox={bbox}")


def test_negative_troops(api_client):
    assert "troops_min" in error(api_client, "troops_min=-1")


def test_page_size_over_the_maximum(api_client):
    assert "1000" in error(api_client, "page_size=1001")["page_size"][0]


def test_page_that_is_not_a_number(api_client):
    assert "page" in error(api_client, "page=abc")


def test_page_past_the_end_is_not_found(api_client):
    assert api_client.get(f"{URL}?page=99").status_code == 404


def test_unknown_format(api_client):
    assert "format" in error(api_client, "format=xml")


def test_single_valued_parameter_given_twice(api_client):
    assert "year" in error(api_client, "year=2010&year=2011")


def test_nul_byte_is_refused(api_client):
    assert "NUL" in error(api_client, "search=abc%00def")["search"][0]


def test_very_long_value_is_refused(api_client):
    assert "search" in error(api_client, "search=" + "a" * 5000)


def test_user_text_is_never_formatted_into_messages(api_client):
    body = error(api_client, "country=%25(value)s%25s%25d")
    assert "%(value)s%s%d" in body["country"][0]


def test_detail_endpoint_refuses_unknown_parameters(api_client):
    assert "country" in error(api_client, "country=KZ", url="/api/v1/exercises/tsentr-2011/")


def test_errors_are_json_even_when_csv_was_asked_for(api_client):
    assert "country" in error(api_client, "format=csv&country=Atlantis")


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize(
    "name",
    [
        "country",
        "country_all",
        "role",
        "year",
        "year_min",
        "date_from",
        "organisation",
        "troops_min",
        "threat",
        "location",
        "bbox",
        "search",
        "series",
        "ordering",
        "domain",
        "source",
        "source_all",
        "sources_min",
        "disputed",
        "page",
        "page_size",
    ],
)
def test_hostile_values_give_400_or_an_answer_never_500(api_client, name, value):
    response = api_client.get(URL, {name: value})
    assert response.status_code in (200, 400, 404), response.content[:300]
    if response.status_code == 200 and name == "search":
        assert response.json()["count"] == 0


def other_list_filters():
    """(list URL, parameter) for every filter of every list endpoint but exercises/ (above), with
    the paging and ordering parameters where the endpoint has them."""
    cases = []
    for prefix, viewset, _ in router.registry:
        filterset = getattr(viewset, "filterset_class", None)
        if prefix == "exercises" or filterset is None:
            continue
        names = set(filterset.base_filters) | set(getattr(viewset, "extra_query_params", ()))
        if viewset.pagination_class is not None:
            names |= {"page", "page_size"}
        cases += [(f"/api/v1/{prefix}/", name) for name in sorted(names)]
    return cases


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("url, name", other_list_filters())
def test_hostile_values_in_every_other_endpoints_filters_never_500(api_client, url, name, value):
    api_client.raise_request_exception = False
    response = api_client.get(url, {name: value})
    assert response.status_code in (200, 400, 404), response.content[:300]
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("wildcard", ["%", "_", "%%%", "\\"])
@pytest.mark.parametrize("url", ["/api/v1/states/", "/api/v1/locations/", URL])
def test_search_treats_like_wildcards_as_literal_text(api_client, url, wildcard):
    response = api_client.get(url, {"search": wildcard})
    assert response.status_code == 200 and response.json()["count"] == 0  # no name holds these characters


@pytest.fixture
def two_of_each():
    """Records that each match one of two values and not the other, for every multi-value parameter below."""
    for acronym, code, threat, adversary, kind in [
        ("NATO", "MN", "air_attack", "RU", "city_vicinity"),
        ("SCO", "VN", "cyber", "BY", "region"),
    ]:
        created = exercise(participants=[code], organisation=Organisation.objects.get(acronym=acronym))
        Scenario.objects.create(
            exercise=created,
            title=f"Against {adversary}",
            threat_type=threat,
            adversary_state=State.objects.lookup(adversary),
            adversary_basis="stated",
        )
        Location.objects.create(
            slug=f"place-in-{code}", name=f"Place in {code}", kind=kind, state=State.objects.lookup(code)
        )


@pytest.mark.parametrize(
    "url, name, values",
    [
        (URL, "organisation", ["NATO", "SCO"]),
        (URL, "country", ["MN", "VN"]),
        (URL, "threat", ["air_attack", "cyber"]),
        ("/api/v1/scenarios/", "adversary", ["RU", "BY"]),
        ("/api/v1/scenarios/", "threat", ["air_attack", "cyber"]),
        ("/api/v1/locations/", "state", ["MN", "VN"]),
    ],
)
def test_repeated_multi_value_parameter_means_any_of_them_as_commas_do(api_client, two_of_each, url, name, values):
    def listed(query):
        response = api_client.get(f"{url}?{query}&page_size=1000")
        assert response.status_code == 200, response.content[:300]
        return sorted(json.dumps(row, sort_keys=True) for row in response.json()["results"])

    each = [listed(f"{name}={value}") for value in values]
    repeated = listed("&".join(f"{name}={value}" for value in values))
    assert all(each), "each value should match something, or the union proves nothing"
    assert repeated == sorted(set().union(*each)) == listed(f"{name}={','.join(values)}")
    assert len(repeated) > max(len(rows) for rows in each)


def test_repeated_statistics_series_give_each_series_once(api_client):
    response = api_client.get("/api/v1/stats/?by=year&by=state")
    assert response.status_code == 200 and set(response.json()) == {"per_year", "per_state"}


def test_a_misspelt_country_is_a_400_that_suggests_the_closest_names(api_client):
    response = api_client.get("/api/v1/exercises/", {"country": "Kazakstan"})
    assert response.status_code == 400
    assert response.json()["country"] == [
        "Unknown state 'Kazakstan': use an ISO 3166 alpha-2 or alpha-3 code or an English name. "
        "Did you mean Kazakhstan?"
    ]


def test_a_country_like_no_name_gets_no_suggestion(api_client):
    message = api_client.get("/api/v1/exercises/", {"country": "xyzzy"}).json()["country"][0]
    assert message.endswith("or an English name.")
