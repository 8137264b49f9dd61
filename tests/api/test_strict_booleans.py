"""Every boolean parameter of every endpoint takes true/false/1/0 (any case) and refuses the rest."""

import pytest
from django_filters import BooleanFilter

from exercises.api.urls import router

pytestmark = pytest.mark.django_db


def boolean_parameters() -> list[tuple[str, str]]:
    found = []
    for prefix, viewset, _ in router.registry:
        filterset = getattr(viewset, "filterset_class", None)
        if filterset is None:
            continue
        for name, declared in filterset.base_filters.items():
            if isinstance(declared, BooleanFilter):
                found.append((f"/api/v1/{prefix}/", name))
    return found


def test_the_endpoints_have_boolean_parameters_to_check():
    names = {name for _, name in boolean_parameters()}
    assert {"top_level", "historical"} <= names


@pytest.mark.parametrize(("url", "name"), boolean_parameters())
@pytest.mark.parametrize("value", ["yes", "foo", "2", "truee", "-1"])
def test_a_value_that_is_not_a_boolean_is_a_400_naming_the_parameter(api_client, url, name, value):
    response = api_client.get(url, {name: value})
    assert response.status_code == 400
    assert "is not a boolean" in response.json()[name][0]


@pytest.mark.parametrize(("url", "name"), boolean_parameters())
@pytest.mark.parametrize("value", ["true", "TRUE", "False", "1", "0"])
def test_true_false_one_and_zero_in_any_case_are_accepted(api_client, url, name, value):
    assert api_client.get(url, {name: value}).status_code == 200


def test_top_level_false_lists_only_phases(api_client):
    results = api_client.get("/api/v1/exercises/", {"top_level": "0"}).json()["results"]
    assert {row["slug"] for row in results} == {"tsentr-2011-kazakhstan", "tsentr-2011-kyrgyzstan"}
