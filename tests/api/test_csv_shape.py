"""CSV that data tools read: fixed columns per endpoint whatever the data, nested values as dotted
columns or JSON (never Python repr), a byte order mark on request, clean file names."""

import csv
import io
import json

import pytest

from exercises.api.urls import router
from exercises.choices import AdversaryBasis
from exercises.models import Scenario, State
from tests.api.documented import CSV_COLUMNS

pytestmark = pytest.mark.django_db

CSV_ENDPOINTS = [
    prefix for prefix, viewset, _ in router.registry if any(r.format == "csv" for r in viewset.renderer_classes)
]


def text(response) -> str:
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode()


def header(response) -> list[str]:
    return next(csv.reader(io.StringIO(text(response))))


def test_scenarios_csv_always_has_the_adversary_state_columns(api_client):
    Scenario.objects.update(adversary_state=None)
    columns = header(api_client.get("/api/v1/scenarios/", {"format": "csv"}))
    assert {"adversary_state.code", "adversary_state.name", "adversary_state.alpha2"} <= set(columns)


def test_nested_object_fills_its_dotted_columns(api_client):
    Scenario.objects.filter(key="air-defence-karaganda").update(
        adversary_state=State.objects.lookup("AF"), adversary_basis=AdversaryBasis.INFERRED
    )
    rows = csv.DictReader(io.StringIO(text(api_client.get("/api/v1/scenarios/", {"format": "csv"}))))
    assert [row["adversary_state.code"] for row in rows if row["key"] == "air-defence-karaganda"] == ["AFG"]


def test_scenarios_csv_header_is_the_same_for_an_empty_result(api_client):
    full = header(api_client.get("/api/v1/scenarios/", {"format": "csv"}))
    Scenario.objects.all().delete()
    assert header(api_client.get("/api/v1/scenarios/", {"format": "csv"})) == full


def test_exercise_csv_header_is_the_documented_one_for_an_empty_result(api_client):
    response = api_client.get("/api/v1/exercises/", {"format": "csv", "year": 1901})
    assert text(response) == ",".join(CSV_COLUMNS) + "\r\n"


def test_detail_csv_has_the_same_columns_with_and_without_a_parent(api_client):
    top = header(api_client.get("/api/v1/exercises/tsentr-2011/", {"format": "csv"}))
    phase = header(api_client.get("/api/v1/exercises/tsentr-2011-kyrgyzstan/", {"format": "csv"}))
    assert top == phase and "parent.slug" in top


def test_detail_csv_names_the_parent_in_its_dotted_column(api_client):
    [row] = csv.DictReader(io.StringIO(text(api_client.get("/api/v1/exercises/tsentr-2011-kyrgyzstan/?format=csv"))))
    assert row["parent.slug"] == "tsentr-2011"


def test_lists_of_objects_are_json_text(api_client):
    rows = csv.DictReader(io.StringIO(text(api_client.get("/api/v1/participations/", {"format": "csv"}))))
    citations = [json.loads(row["citations"]) for row in rows]
    assert citations[0][0]["source"] == "kucera-2011-csto-vision"


@pytest.mark.parametrize("prefix", CSV_ENDPOINTS)
def test_no_csv_holds_a_python_repr(api_client, prefix):
    body = text(api_client.get(f"/api/v1/{prefix}/", {"format": "csv"}))
    assert "{'" not in body and "['" not in body and "None" not in body


@pytest.mark.parametrize("url", ["/api/v1/exercises/", "/api/v1/states/", "/api/v1/exercises/tsentr-2011/"])
def test_bom_true_starts_the_csv_with_a_byte_order_mark(api_client, url):
    assert text(api_client.get(url, {"format": "csv", "bom": "true"})).startswith("\ufeff")


def test_csv_has_no_byte_order_mark_by_default(api_client):
    assert not text(api_client.get("/api/v1/states/", {"format": "csv", "bom": "false"})).startswith("\ufeff")


@pytest.mark.parametrize(
    "params", [{"format": "csv", "bom": "yes"}, {"format": "json", "bom": "true"}, {"format": "geojson", "bom": "true"}]
)
def test_bom_is_true_or_false_and_only_with_csv(api_client, params):
    response = api_client.get("/api/v1/locations/", params)
    assert response.status_code == 400 and "bom" in response.json()


@pytest.mark.parametrize(
    "url, name",
    [
        ("/api/v1/exercises/tsentr-2011/?format=csv", "exercise-tsentr-2011.csv"),
        ("/api/v1/exercises/tsentr-2011/?format=geojson", "exercise-tsentr-2011.geojson"),
        ("/api/v1/organisations/CSTO/?format=csv", "organisation-csto.csv"),
    ],
)
def test_detail_export_is_an_attachment_named_for_the_record(api_client, url, name):
    assert api_client.get(url)["Content-Disposition"] == f'attachment; filename="{name}"'
