"""The served OpenAPI schema is valid, and says what generated clients and validators need to know:
who may call each operation, which parameters take several values, which fields are always sent."""

import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        return APIClient().get("/api/schema/", {"format": "json"}).json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


def query_parameter(schema, path, name) -> dict:
    [parameter] = [p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == name and p["in"] == "query"]
    return parameter


def resolved(schema, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def test_served_schema_is_valid_openapi(schema):
    validate(schema)  # raises on the first error


def test_every_operation_has_a_summary_and_a_resource_tag(schema):
    for method, path, operation in operations(schema):
        assert operation.get("summary"), (method, path)
        resource = path.removeprefix("/api/v1/").split("/")[0]
        assert operation.get("tags") == [resource], (method, path)


def test_reads_declare_that_anonymous_clients_may_call_them(schema):
    reads = [(path, op) for method, path, op in operations(schema) if method == "get"]
    assert reads
    assert all({} in op["security"] and {"tokenAuth": []} in op["security"] for _, op in reads)


def test_writes_declare_credentials_as_required(schema):
    writes = [
        (method, path, op)
        for method, path, op in operations(schema)
        if method != "get" and path != "/api/v1/auth/token/"
    ]
    assert writes
    assert not [(method, path) for method, path, op in writes if {} in op["security"]]


def test_stats_series_are_an_exploded_array_of_the_series(schema):
    parameter = query_parameter(schema, "/api/v1/stats/", "by")
    assert parameter["schema"] == {
        "type": "array",
        "items": {"type": "string", "enum": ["membership", "organisation", "state", "vienna", "year"]},
    }
    assert (parameter["style"], parameter["explode"]) == ("form", True)


@pytest.mark.parametrize(
    ("path", "name"),
    [("/api/v1/exercises/", "country"), ("/api/v1/exercises/", "source"), ("/api/v1/scenarios/", "threat")],
)
def test_repeatable_filters_are_exploded_arrays(schema, path, name):
    parameter = query_parameter(schema, path, name)
    assert (parameter["schema"]["type"], parameter["style"], parameter["explode"]) == ("array", "form", True)


def test_parameters_given_once_are_not_declared_repeatable(schema):
    assert query_parameter(schema, "/api/v1/exercises/", "year").get("explode") is not True


@pytest.mark.parametrize("path", ["/api/v1/exercises/", "/api/v1/states/"])
def test_format_enum_holds_every_format_the_server_names_when_it_refuses_one(schema, path, api_client):
    message = api_client.get(path, {"format": "xml"}).json()["format"][0]
    accepted = message.removeprefix("Unknown format. Use one of: ").rstrip(".").split(", ")
    assert sorted(query_parameter(schema, path, "format")["schema"]["enum"]) == sorted(accepted)


def test_browsable_page_is_a_documented_body_of_reads(schema):
    content = schema["paths"]["/api/v1/exercises/"]["get"]["responses"]["200"]["content"]
    assert content["text/html"]["schema"]["type"] == "string"


def test_no_one_of_takes_an_empty_string_or_null_in_two_branches(schema):
    """A value valid under two branches of a ``oneOf`` is invalid: "" for a URL that may be empty was."""
    ambiguous = []

    def walk(node, where):
        if isinstance(node, dict):
            for sample in ("", None):
                branches = [resolved(schema, branch) for branch in node.get("oneOf", ())]
                if sum(OAS30Validator(branch).is_valid(sample) for branch in branches) > 1:
                    ambiguous.append((where, sample))
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}/{index}")

    walk(schema, "#")
    assert not ambiguous


def test_source_url_is_a_uri_or_empty(schema):
    url = schema["components"]["schemas"]["Source"]["properties"]["url"]
    validator = OAS30Validator(url)
    assert validator.is_valid("") and validator.is_valid("https://eurasianet.org/x")


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("ExerciseDetail", "parent"),
        ("ScenarioInWhole", "adversary_state"),
        ("TroopFigureInWhole", "state"),
        ("ScenarioInWhole", "phase"),
    ],
)
def test_nullable_references_accept_null_and_the_record(schema, component, field):
    declared = schema["components"]["schemas"][component]["properties"][field]
    branches = [resolved(schema, branch) for branch in declared["oneOf"]]
    assert [OAS30Validator(branch).is_valid(None) for branch in branches] == [False, True]


@pytest.mark.parametrize("field", ["latitude", "longitude"])
def test_coordinates_are_nullable(schema, field):
    assert schema["components"]["schemas"]["Location"]["properties"][field]["nullable"] is True


@pytest.mark.parametrize(
    ("component", "field"),
    [("Source", "author"), ("Source", "url"), ("Location", "admin_region"), ("TroopFigureWrite", "note")],
)
def test_fields_every_answer_carries_are_required_in_answers(schema, component, field):
    assert field in schema["components"]["schemas"][component]["required"]


def test_series_not_asked_for_stay_optional_in_statistics(schema):
    assert "required" not in schema["components"]["schemas"]["Stats"]


def test_blank_fields_stay_optional_in_requests(schema):
    assert "note" not in schema["components"]["schemas"]["TroopFigureWriteRequest"].get("required", [])
