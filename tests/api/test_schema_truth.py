"""Real answers of every operation, validated with openapi-core against the schema the API serves.

A client generated from the schema trusts it: a field declared a number that comes back null, or a
``parent`` declared an object that is null, breaks it. Each operation is called here on data with the
awkward cases (a place without coordinates or state, a top-level exercise and a phase, an episode
without an adversary state, a source without a URL, a figure for the whole exercise), for its
successes, its exports and its errors, and every response is validated against the served schema.
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.cache import cache
from knox.models import AuthToken
from openapi_core import Config, OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIResponse
from openapi_core.datatypes import RequestParameters
from openapi_core.deserializing.media_types.util import json_loads, plain_loads
from rest_framework.test import APIClient
from werkzeug.datastructures import Headers, ImmutableMultiDict

from exercises import models
from tests import factories
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def served_schema(django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        return APIClient().get("/api/schema/", {"format": "json"}).json()


@pytest.fixture(scope="module")
def openapi(served_schema) -> OpenAPI:
    # The exports' media types, read as the schema declares them: CSV as text, GeoJSON as JSON.
    readers = {"text/csv": plain_loads, "application/geo+json": json_loads}
    return OpenAPI.from_dict(served_schema, config=Config(extra_media_type_deserializers=readers))


@dataclass
class Request:
    """What openapi-core needs of a request to find its operation (the body is not validated here)."""

    method: str
    path: str
    query: dict = field(default_factory=dict)
    host_url: str = "http://testserver"
    content_type: str = "application/json"
    body: bytes | None = None

    @property
    def parameters(self) -> RequestParameters:
        pairs = [(k, v) for k, values in self.query.items() for v in (values if isinstance(values, list) else [values])]
        query = ImmutableMultiDict(pairs)
        return RequestParameters(query=query, header=Headers(), cookie=ImmutableMultiDict(), path={})


@dataclass
class Call:
    method: str
    path: str
    status: int
    query: dict = field(default_factory=dict)
    body: dict | None = None
    who: str = "editor"  # editor, anonymous, reader (no permissions)
    headers: dict = field(default_factory=dict)


@pytest.fixture
def awkward():
    """Records with every kind of value a schema may get wrong: nulls, empty strings, missing relations."""
    nowhere = models.Location.objects.create(slug="nowhere-known", name="Nowhere known", kind="region")
    placed = models.Location.objects.create(
        slug="somewhere", name="Somewhere", kind="region", latitude=Decimal("43.2"), longitude=Decimal("76.9")
    )
    unlinked = models.Source.objects.create(key="no-url", title="A source without a URL", kind="news_article", url="")
    top = factories.exercise(["KZ", "RU"], troops=5000, slug="top-level", name="Top level", year=2012)
    top.locations.add(nowhere, placed)
    phase = factories.exercise(["KZ"], slug="a-phase", name="A phase", parent=top)
    scenario = models.Scenario.objects.create(exercise=top, title="Incursion", threat_type="terrorism")
    scenario.locations.add(nowhere)
    models.Citation.objects.create(source=unlinked, exercise=top, excerpt="It happened.")
    models.ExternalIdentifier.objects.create(exercise=top, source=unlinked, identifier="row-1")  # locator empty
    figure = models.TroopFigure.objects.get(exercise=top)
    factories.exercise(["KZ"], slug="deleted-one").delete()  # in deletions/, its address a 410
    return {"top": top, "phase": phase, "scenario": scenario, "nowhere": nowhere, "source": unlinked, "figure": figure}


def calls(records, editor) -> dict[tuple[str, str], list[Call]]:
    """Calls of each operation (method, path template) with the status each must answer."""
    top, phase, scenario, figure = records["top"], records["phase"], records["scenario"], records["figure"]
    renamed = {"slug": phase.slug, "name": "Renamed"}
    participation = top.participations.first()
    v = "/api/v1"
    list_calls = lambda path, geo=False: [  # noqa: E731
        Call("get", path, 200),
        Call("get", path, 200, {"page_size": "1", "page": "2"}),
        Call("get", path, 200, {"format": "csv"}),
        *([Call("get", path, 200, {"format": "geojson"})] if geo else []),
        Call("get", path, 200, {"format": "api"}),
        Call("get", path, 400, {"no_such_parameter": "1"}),
        Call("get", path, 400, {"no_such_parameter": "1", "format": "api"}),
        Call("get", path, 400, {"format": "xml"}),
        Call("get", path, 404, {"page": "9999"}),
    ]
    detail_calls = lambda path, key, geo=False: [  # noqa: E731
        Call("get", path.format(key), 200),
        Call("get", path.format(key), 200, {"format": "csv"}),
        *([Call("get", path.format(key), 200, {"format": "geojson"})] if geo else []),
        Call("get", path.format("no-such-record-0"), 404),
    ]
    exercise = f"{v}/exercises/{{}}/"
    return {
        ("get", f"{v}/exercises/"): [
            *list_calls(f"{v}/exercises/", geo=True),
            Call("get", f"{v}/exercises/", 200, {"format": "csv", "codes": ["cow", "gw"], "country": "cow:365"}),
            Call("get", f"{v}/exercises/", 400, {"codes": "cow"}),
            Call("get", f"{v}/exercises/", 400, {"country": "gw:999"}),
        ],
        ("post", f"{v}/exercises/"): [
            Call("post", f"{v}/exercises/", 201, body={"slug": "new-one", "name": "New one", "parent": "top-level"}),
            Call("post", f"{v}/exercises/", 400, body={"slug": "bad one", "start": "2011-13"}),
            Call("post", f"{v}/exercises/", 401, body={"slug": "x", "name": "X"}, who="anonymous"),
            Call("post", f"{v}/exercises/", 403, body={"slug": "x", "name": "X"}, who="reader"),
        ],
        ("get", f"{v}/exercises/{{slug}}/"): [
            *detail_calls(exercise, "top-level", geo=True),
            Call("get", exercise.format(phase.slug), 200),
            Call("get", exercise.format("deleted-one"), 410),
        ],
        ("put", f"{v}/exercises/{{slug}}/"): [
            Call("put", exercise.format(phase.slug), 428, body=renamed),
            Call("put", exercise.format(phase.slug), 412, body=renamed, headers={"If-Match": '"99"'}),
            Call("put", exercise.format(phase.slug), 200, body=renamed, headers={"If-Match": "*"}),
        ],
        ("patch", f"{v}/exercises/{{slug}}/"): [
            Call("patch", exercise.format("top-level"), 200, body={"notes": "Checked."}, headers={"If-Match": "*"}),
            Call("patch", exercise.format("top-level"), 400, body={"end": "soon"}, headers={"If-Match": "*"}),
            Call("patch", exercise.format("nothing-here"), 404, body={"notes": "x"}, headers={"If-Match": "*"}),
        ],
        ("delete", f"{v}/exercises/{{slug}}/"): [
            Call("delete", exercise.format(phase.slug), 204, headers={"If-Match": "*"}),
        ],
        **part_calls(f"{v}/participations/", participation.pk, top, "participation"),
        **part_calls(f"{v}/troop-figures/", figure.pk, top, "troop figure"),
        ("get", f"{v}/states/"): list_calls(f"{v}/states/"),
        ("get", f"{v}/states/{{code}}/"): detail_calls(f"{v}/states/{{}}/", "kz"),
        ("get", f"{v}/organisations/"): list_calls(f"{v}/organisations/"),
        ("get", f"{v}/organisations/{{acronym}}/"): detail_calls(f"{v}/organisations/{{}}/", "CSTO"),
        ("get", f"{v}/locations/"): list_calls(f"{v}/locations/", geo=True),
        ("get", f"{v}/locations/{{id}}/"): [
            *detail_calls(f"{v}/locations/{{}}/", records["nowhere"].pk, geo=True),
            Call("get", f"{v}/locations/0/", 404),
        ],
        ("get", f"{v}/scenarios/"): list_calls(f"{v}/scenarios/"),
        ("get", f"{v}/scenarios/{{id}}/"): [
            *detail_calls(f"{v}/scenarios/{{}}/", scenario.pk),
            Call("get", f"{v}/scenarios/0/", 404),
        ],
        ("get", f"{v}/sources/"): list_calls(f"{v}/sources/"),
        ("get", f"{v}/sources/{{key}}/"): detail_calls(f"{v}/sources/{{}}/", "no-url"),
        ("get", f"{v}/deletions/"): [
            *list_calls(f"{v}/deletions/"),
            Call("get", f"{v}/deletions/", 200, {"kind": "exercise", "updated_since": "2100-01-01T00:00:00Z"}),
            Call("get", f"{v}/deletions/", 410, {"updated_since": "2001-01-01T00:00:00Z"}),
        ],
        # Data releases (tests/api/test_releases_api.py validates answers about real ones too).
        ("get", f"{v}/releases/"): [
            Call("get", f"{v}/releases/", 200),
            Call("get", f"{v}/releases/", 400, {"no_such_parameter": "1"}),
        ],
        ("get", f"{v}/releases/{{version}}/"): [Call("get", f"{v}/releases/0.0.0/", 404)],
        ("get", f"{v}/releases/{{version}}/{{filename}}"): [Call("get", f"{v}/releases/0.0.0/none.csv", 404)],
        ("get", f"{v}/stats/"): [
            Call("get", f"{v}/stats/", 200),
            Call("get", f"{v}/stats/", 200, {"by": ["year", "state"]}),
            Call("get", f"{v}/stats/", 200, {"by": "vienna"}),
            Call("get", f"{v}/stats/", 400, {"by": "weather"}),
        ],
        ("post", f"{v}/auth/token/"): [
            Call("post", f"{v}/auth/token/", 200, body={"username": editor.username, "password": PASSWORD}),
            Call("post", f"{v}/auth/token/", 400, body={"username": editor.username}),
        ],
        ("post", f"{v}/auth/logout/"): [
            Call("post", f"{v}/auth/logout/", 401, who="anonymous"),
            Call("post", f"{v}/auth/logout/", 204),
        ],
        ("post", f"{v}/auth/logout-all/"): [Call("post", f"{v}/auth/logout-all/", 204)],
    }


def part_calls(base: str, pk: int, exercise, kind: str) -> dict:
    """The calls of an exercise part's endpoint (participations, troop figures)."""
    detail = f"{base}{pk}/"
    if kind == "participation":
        new, change = {"exercise": exercise.slug, "state": "China", "role": "observer"}, {"role": "host"}
        bad = {"exercise": exercise.slug, "state": "Atlantis"}
    else:
        new, change = {"exercise": exercise.slug, "low": 100, "state": "KAZ"}, {"note": "Checked."}
        bad = {"exercise": exercise.slug, "low": -5}
    template = base.rstrip("/") + "/{id}/"
    return {
        ("get", base): [
            Call("get", base, 200),
            Call("get", base, 200, {"format": "csv"}),
            Call("get", base, 400, {"no_such_parameter": "1"}),
        ],
        ("post", base): [Call("post", base, 201, body=new), Call("post", base, 400, body=bad)],
        ("get", template): [Call("get", detail, 200), Call("get", f"{base}0/", 404)],
        ("put", template): [Call("put", detail, 200, body={**new, **change}), Call("put", detail, 400, body=bad)],
        ("patch", template): [Call("patch", detail, 200, body=change)],
        ("delete", template): [Call("delete", detail, 204), Call("delete", detail, 404)],
    }


def operations(schema: dict) -> set[tuple[str, str]]:
    return {(method, path) for path, item in schema["paths"].items() for method in item if method != "parameters"}


def answer(call: Call, editor, reader):
    client = APIClient()
    if call.who == "editor":
        _, token = AuthToken.objects.create(user=editor)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    elif call.who == "reader":
        client.force_authenticate(reader)
    headers = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in call.headers.items()}
    if call.method == "get":
        return client.get(call.path, call.query, **headers)
    body = json.dumps(call.body) if call.body is not None else None
    return getattr(client, call.method)(call.path, body, content_type="application/json", **headers)


OPERATIONS = [
    (method, f"/api/v1/{path}")
    for method, path in [
        ("get", "exercises/"),
        ("post", "exercises/"),
        ("get", "exercises/{slug}/"),
        ("put", "exercises/{slug}/"),
        ("patch", "exercises/{slug}/"),
        ("delete", "exercises/{slug}/"),
        *((m, f"{part}/") for part in ("participations", "troop-figures") for m in ("get", "post")),
        *(
            (m, f"{part}/{{id}}/")
            for part in ("participations", "troop-figures")
            for m in ("get", "put", "patch", "delete")
        ),
        ("get", "states/"),
        ("get", "states/{code}/"),
        ("get", "organisations/"),
        ("get", "organisations/{acronym}/"),
        ("get", "locations/"),
        ("get", "locations/{id}/"),
        ("get", "scenarios/"),
        ("get", "scenarios/{id}/"),
        ("get", "sources/"),
        ("get", "sources/{key}/"),
        ("get", "deletions/"),
        ("get", "stats/"),
        ("get", "releases/"),
        ("get", "releases/{version}/"),
        ("get", "releases/{version}/{filename}"),
        ("post", "auth/token/"),
        ("post", "auth/logout/"),
        ("post", "auth/logout-all/"),
    ]
]


def test_every_operation_of_the_schema_is_called_here(served_schema):
    assert operations(served_schema) == set(OPERATIONS)


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: f"{op[0].upper()} {op[1]}")
def test_real_answers_match_the_served_schema(operation, openapi, awkward, editor, make_user):
    reader = make_user("reader")
    cache.clear()  # failed logins count towards a lockout kept in the cache
    problems = []
    for call in calls(awkward, editor)[operation]:
        response = answer(call, editor, reader)
        label = f"{call.method.upper()} {call.path} {call.query or ''}"
        if response.status_code != call.status:
            problems.append(f"{label}: {response.status_code}, expected {call.status}")
            continue
        try:
            openapi.validate_response(Request(call.method, call.path, call.query), DjangoOpenAPIResponse(response))
        except Exception as exc:  # openapi-core's errors: report every call's, not only the first
            reasons = getattr(exc, "__cause__", None)
            details = getattr(reasons, "schema_errors", None) or [reasons or exc]
            messages = (str(getattr(d, "message", d))[:200] for d in details)
            problems.append(f"{label}: {type(exc).__name__}: " + "; ".join(messages))
    assert not problems, "\n".join(problems)


# -- List rows link to their detail -------------------------------------------------------------------
def list_endpoints_with_details():
    from exercises.api.urls import router

    # Records of the database (releases/ lists files in a storage: tests/api/test_releases_api.py).
    return [
        prefix
        for prefix, viewset, _ in router.registry
        if hasattr(viewset, "retrieve") and getattr(viewset, "queryset", None) is not None
    ]


@pytest.mark.parametrize("prefix", list_endpoints_with_details())
def test_every_list_row_links_to_its_detail(prefix, awkward, api_client):
    rows = api_client.get(f"/api/v1/{prefix}/").json()["results"]
    assert rows
    for row in rows:
        link = row["detail_url"] if prefix == "sources" else row["url"]
        identity = {k: row[k] for k in ("id", "slug", "key", "code", "acronym") if k in row}
        detail = api_client.get(link).json()
        assert identity and {k: detail[k] for k in identity} == identity, link


def test_scenario_rows_carry_the_id_their_detail_is_keyed_by(awkward, api_client):
    [row] = [r for r in api_client.get("/api/v1/scenarios/").json()["results"] if r["title"] == "Incursion"]
    assert row["id"] == awkward["scenario"].pk
    assert row["url"] == f"http://testserver/api/v1/scenarios/{awkward['scenario'].pk}/"
