"""The admin's change list filters and searches exactly as the API does: its list filters adapt the API's
ExerciseFilterSet, and its search box is the API's ``search``."""

import pytest
from django.urls import reverse

from tests.factories import exercise

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:exercises_exercise_changelist")

#: Parameters as an analyst types them into the sidebar (or a URL): each names something in the fixtures.
QUERIES = [
    {"country": "kazakhstan"},
    {"country": "KZ,UZ"},
    {"country_all": "RU,KG"},
    {"country_all": "Russia,Tajikistan,Armenia"},
    {"role": "host"},
    {"country": "KZ", "role": "host"},
    {"country_all": "RU,KZ", "domain": "land"},
    {"threat": "air_attack"},
    {"threat": "terrorism,air_attack"},
    {"series": "COBRA GOLD"},
    {"domain": "sea"},
    {"focus": "humanitarian"},
    {"country": "RU", "threat": "air_attack", "domain": "land"},
    {"year": "2011"},
    {"year": "2011", "country": "KG"},
    {"organisation": "CSTO", "country": "UZ"},
    {"organisation": "CSTO,NATO"},
    {"source": "kucera-2011-csto-vision", "country": "KG"},
    {"disputed": "false", "sources_min": "1"},
]

#: Words as typed into the search box and the API's search parameter.
SEARCHES = ["Karaganda", "speed boat", "Центр", "Tsentr", "peace", "Caspian", "Cobra", "no such words here"]


@pytest.fixture
def staff_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("admin", "a@example.org", "a-long-test-password"))
    return client


@pytest.fixture
def more_exercises():
    exercise(series="Cobra Gold", sea=True, humanitarian=True, purpose="Peace support with a sea landing")
    exercise(participants=[("RU", "host"), "KZ"], land=True, description="Near Karaganda")


def admin_slugs(staff_client, params) -> set[str]:
    response = staff_client.get(CHANGELIST, params)
    assert response.status_code == 200
    return {e.slug for e in response.context["cl"].result_list}


def api_slugs(api_client, params) -> set[str]:
    # The change list, where phases are edited, lists them as rows of their own (phases=rows).
    response = api_client.get("/api/v1/exercises/", {**params, "page_size": 1000, "phases": "rows"})
    assert response.status_code == 200, response.content[:300]
    return {row["slug"] for row in response.json()["results"]}


@pytest.mark.parametrize("params", QUERIES, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()))
def test_changelist_lists_what_the_api_lists(staff_client, api_client, more_exercises, params):
    expected = api_slugs(api_client, params)
    assert expected, f"{params} matches nothing: the comparison proves nothing"
    assert admin_slugs(staff_client, params) == expected


@pytest.mark.parametrize("words", SEARCHES)
def test_search_box_finds_what_the_api_search_finds(staff_client, api_client, more_exercises, words):
    assert admin_slugs(staff_client, {"q": words}) == api_slugs(api_client, {"search": words})


def test_search_box_covers_purpose_and_description_as_the_api_does(staff_client, more_exercises):
    assert len(admin_slugs(staff_client, {"q": "sea landing"})) == 1


def test_country_all_is_offered_in_the_sidebar(staff_client):
    body = staff_client.get(CHANGELIST).content.decode()
    assert 'name="country_all"' in body and "states that all took part" in body


def test_unknown_state_is_an_error_message_with_the_apis_words_and_lists_nothing(staff_client, api_client):
    response = staff_client.get(CHANGELIST, {"country": "Atlantis"})
    api_error = api_client.get("/api/v1/exercises/", {"country": "Atlantis"}).json()["country"][0]
    assert list(response.context["cl"].result_list) == []
    assert [str(m) for m in response.context["messages"]] == [f"country: {api_error}"]


def test_unknown_choice_is_an_error_message_not_a_crash(staff_client):
    response = staff_client.get(CHANGELIST, {"threat": "dragons"})
    assert response.status_code == 200 and list(response.context["cl"].result_list) == []
    assert "dragons is not one of" in " ".join(str(m) for m in response.context["messages"])


def test_year_and_organisation_links_name_what_exists(staff_client):
    body = staff_client.get(CHANGELIST).content.decode()
    assert "?year=2011" in body and "?organisation=CSTO" in body


def test_no_facet_counts_that_the_filterset_could_not_back(staff_client):
    response = staff_client.get(CHANGELIST, {"_facets": "1", "country": "KZ"})
    assert response.status_code == 200 and not response.context["cl"].add_facets
