"""Property-based fuzzing of every API operation against the project's own OpenAPI schema.

Schemathesis reads ``/api/schema/`` (drf-spectacular) and calls each operation in-process through the
WSGI application, on the test database with the fixtures loaded, with valid and invalid inputs in
every part of the request (path, query, body). Writes authenticate with the token of an editor who
holds the model permissions and send ``If-Match: *``, so exercise writes are not refused for want of
a precondition. Each call runs in a savepoint that is rolled back: every case starts from the same data.

Checked for every response: no 5xx; a documented status code (the schema documents the error
responses too: see ``exercises.api.schema``); a documented content type; a JSON or GeoJSON body that
matches its schema.

``SCHEMATHESIS_MAX_EXAMPLES`` (default 100) sets the number of generated cases per operation in the
fuzzing phase; the coverage phase adds its boundary and negative cases to those.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from knox.models import AuthToken
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import TestPhase
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from exercises import models

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "100"))

application = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=MAX_EXAMPLES,
    deterministic=True,
    database="none",
)


# -- Checks ------------------------------------------------------------------------------------------
def json_body_conforms(ctx, response, case):
    """Schemathesis' response schema conformance, for JSON bodies (GeoJSON included); a CSV body is
    text, documented as such."""
    content_type = (response.headers.get("content-type") or [""])[0].split(";")[0].strip()
    if content_type not in ("application/json", "application/geo+json"):
        return None
    return response_schema_conformance(ctx, response, case)


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, json_body_conforms]


def known_bug(case) -> str | None:
    """Cases to leave out because they hit a known bug (none at present: each one found was fixed and
    has a regression test at the end of this module)."""
    return None


# -- Real records to address: generated values alone would only ever find 404s ----------------------
STATE_NAMES = ["KZ", "kaz", "RUS", "Armenia", "CHN", "SUHH", "by"]

#: Known values by operation path, read once per test run (every case starts from the same data).
_known: dict[str, dict[str, list]] = {}


def known_values(path: str) -> dict[str, list]:
    """Values naming records in the database, by path parameter or body field, for the operation at
    ``path``; none while the database is closed (schema examples are drawn at collection)."""
    if path not in _known:
        try:
            _known[path] = _read_known_values(path)
        except RuntimeError:  # pytest-django: no database access at collection
            return {}
    return _known[path]


def _read_known_values(path: str) -> dict[str, list]:
    pks = {
        "participations": models.Participation.objects.values_list("pk", flat=True),
        "troop-figures": models.TroopFigure.objects.values_list("pk", flat=True),
        "locations": models.Location.objects.values_list("pk", flat=True),
        "scenarios": models.Scenario.objects.values_list("pk", flat=True),
    }
    endpoint = path.split("/")[3]
    exercises = list(models.Exercise.objects.values_list("slug", flat=True))
    acronyms = list(models.Organisation.objects.values_list("acronym", flat=True))
    values = {
        "slug": exercises,
        "exercise": exercises,
        "parent": exercises,
        "id": list(pks[endpoint]) if endpoint in pks else [],
        "code": STATE_NAMES,
        "state": STATE_NAMES,
        "acronym": acronyms,
        "organisation": acronyms,
        "key": list(models.Source.objects.values_list("key", flat=True)) if endpoint == "sources" else [],
    }
    return {name: found for name, found in values.items() if found}


def sometimes_known(values, ctx):
    """Replace each field that names a record by a real one about half of the time."""
    if not isinstance(values, dict):
        return st.just(values)
    known = known_values(ctx.operation.path)
    fields = {
        name: st.one_of(st.just(value), st.sampled_from(known[name])) for name, value in values.items() if name in known
    }
    return st.fixed_dictionaries(fields).map(lambda chosen: {**values, **chosen})


@schema.hook
def flatmap_path_parameters(ctx, path_parameters):
    return sometimes_known(path_parameters, ctx)


@schema.hook
def flatmap_body(ctx, body):
    return sometimes_known(body, ctx)


def address_a_record(case):
    """Coverage cases vary one part of a request and keep the rest at a fixed value: unless they vary the
    path, point it at a real record, so that their bodies and queries are not all answered 404."""
    phase = case.meta.phase if case.meta else None
    if phase is None or phase.name != TestPhase.COVERAGE or phase.data.parameter_location == ParameterLocation.PATH:
        return
    known = known_values(case.operation.path)
    for name in case.path_parameters or {}:
        if known.get(name):
            case.path_parameters[name] = known[name][0]


# -- The test ----------------------------------------------------------------------------------------
@pytest.fixture
def in_process_calls():
    """Calls through the WSGI application inside the test's transaction: requests must not close its
    connection (Django's test client disconnects the same receivers); known records are read afresh."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    _known.clear()
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def editor_token(editor):
    return AuthToken.objects.create(user=editor)[1]


@pytest.mark.django_db
@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_api_conforms_to_its_schema(case, editor_token, in_process_calls):
    if known_bug(case):
        return
    # identity: the in-process client asks for gzip but does not decode it (compression has tests of its own)
    case.headers = {
        **(case.headers or {}),
        "Authorization": f"Token {editor_token}",
        "If-Match": "*",
        "Accept-Encoding": "identity",
    }
    address_a_record(case)
    with transaction.atomic():
        case.call_and_validate(checks=CHECKS)
        transaction.set_rollback(True)


# -- Bugs found, left out above until they are fixed ------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/exercises/tsentr-2011/", "/api/v1/locations/{pk}/"])
def test_geojson_of_a_single_record_is_not_a_server_error(api_client, url):
    location = models.Location.objects.order_by("pk").first()
    api_client.raise_request_exception = False
    assert api_client.get(url.format(pk=location.pk), {"format": "geojson"}).status_code < 500


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, params", [("/api/v1/exercises/", {"ordering": "name,"}), ("/api/v1/stats/", {"ordering": ","})]
)
def test_empty_ordering_item_is_not_a_server_error(api_client, url, params):
    api_client.raise_request_exception = False
    assert api_client.get(url, params).status_code < 500


@pytest.mark.django_db
@pytest.mark.parametrize(
    "method, url, body",
    [
        ("get", "/api/v1/exercises/%00/", None),
        ("get", "/api/v1/sources/%00/", None),
        ("post", "/api/v1/participations/", {"exercise": "\x00", "state": "KZ"}),
        ("post", "/api/v1/troop-figures/", {"exercise": "tsentr-2011", "state": "\x00", "low": 1, "high": 1}),
        ("post", "/api/v1/exercises/", {"slug": "nul", "name": "NUL", "organisation": "\x00"}),
    ],
)
def test_nul_byte_in_a_key_is_a_400_or_404_not_a_server_error(api_client, django_user_model, method, url, body):
    api_client.force_authenticate(django_user_model.objects.create_superuser("nul", password="a-long-nul-password"))
    api_client.raise_request_exception = False
    response = api_client.get(url) if body is None else getattr(api_client, method)(url, body, format="json")
    assert response.status_code in (400, 404)


# -- Bugs found and fixed since: regressions ---------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, params",
    [
        ("/api/v1/exercises/", {"location": "²"}),
        ("/api/v1/stats/", {"location": "²"}),
        ("/api/v1/exercises/", {"page": "²"}),
    ],
)
def test_superscript_digit_is_a_400_or_404_not_a_server_error(api_client, url, params):
    api_client.raise_request_exception = False
    assert api_client.get(url, params).status_code in (400, 404)
