"""A client generated from the served schema (openapi-python-client) reads the API: lists, pages,
details with null parents and null coordinates, and the CSV export.

The client is generated once per run into a temporary folder (under a second) and calls the application
in-process through httpx's WSGI transport, on the test database.
"""

import importlib
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from rest_framework.test import APIClient

from exercises import models
from tests import factories

pytestmark = pytest.mark.django_db

GENERATOR = Path(sys.executable).parent / "openapi-python-client"


@pytest.fixture(scope="module")
def generated(tmp_path_factory, django_db_blocker):
    """The generated package, imported."""
    folder = tmp_path_factory.mktemp("generated")
    with django_db_blocker.unblock():
        (folder / "schema.json").write_bytes(APIClient().get("/api/schema/", {"format": "json"}).content)
    subprocess.run(
        [
            GENERATOR,
            "generate",
            "--path",
            folder / "schema.json",
            "--meta",
            "none",
            "--output-path",
            folder / "gen_api",
        ],
        check=True,
        capture_output=True,
    )
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module("gen_api")
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name == "gen_api" or name.startswith("gen_api.")]:
            del sys.modules[name]


@pytest.fixture
def client(generated):
    """An anonymous client of the generated package, calling the app in this thread (and transaction)."""
    # The WSGI handler would close the test's database connection at the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    transport = httpx.WSGITransport(app=get_wsgi_application())
    try:
        yield generated.Client(base_url="http://testserver", httpx_args={"transport": transport})
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def api(generated, module: str):
    return importlib.import_module(f"gen_api.api.{module}")


def test_generated_client_pages_through_the_exercise_list(generated, client):
    listing = api(generated, "exercises.v1_exercises_list")
    first = listing.sync(client=client, page_size=2)
    second = listing.sync(client=client, page_size=2, page=2)
    assert first.count == second.count == 3  # the fixtures' whole exercises
    assert (len(first.results), len(second.results)) == (2, 1)
    assert {row.slug for row in first.results}.isdisjoint(row.slug for row in second.results)


def test_generated_client_reads_a_top_level_exercise_with_a_null_parent(generated, client):
    detail = api(generated, "exercises.v1_exercises_retrieve").sync(client=client, slug="tsentr-2011")
    assert isinstance(detail, generated.models.ExerciseDetail)
    assert detail.parent is None
    assert [phase.slug for phase in detail.phases] == ["tsentr-2011-kazakhstan", "tsentr-2011-kyrgyzstan"]


def test_generated_client_reads_a_phase_with_its_parent(generated, client):
    detail = api(generated, "exercises.v1_exercises_retrieve").sync(client=client, slug="tsentr-2011-kazakhstan")
    assert detail.parent.slug == "tsentr-2011"


def test_generated_client_reads_places_without_coordinates_as_none(generated, client):
    nowhere = models.Location.objects.create(slug="nowhere-known", name="Nowhere known", kind="region")
    placed = api(generated, "locations.v1_locations_retrieve").sync(client=client, id=nowhere.pk)
    assert (placed.latitude, placed.longitude, placed.state) == (None, None, None)


def test_generated_client_reads_a_place_with_coordinates_as_floats(generated, client):
    somewhere = models.Location.objects.create(
        slug="somewhere", name="Somewhere", kind="region", latitude=Decimal("43.25"), longitude=Decimal("76.95")
    )
    placed = api(generated, "locations.v1_locations_retrieve").sync(client=client, id=somewhere.pk)
    assert (placed.latitude, placed.longitude) == (43.25, 76.95)


def test_generated_client_follows_a_scenario_row_to_its_detail(generated, client):
    exercise = factories.exercise(["KZ"], slug="with-an-episode")
    models.Scenario.objects.create(exercise=exercise, title="Incursion", threat_type="terrorism")
    rows = api(generated, "scenarios.v1_scenarios_list").sync(client=client, exercise="with-an-episode").results
    detail = api(generated, "scenarios.v1_scenarios_retrieve").sync(client=client, id=rows[0].id)
    assert (detail.title, detail.adversary_state, detail.url) == ("Incursion", None, rows[0].url)
