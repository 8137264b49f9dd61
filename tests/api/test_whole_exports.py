"""Every list endpoint's exports are the whole filtered result set, streamed, with a file name: the
router is walked, so a new endpoint is held to it too."""

import csv
import io
import json

import pytest
from django.http import StreamingHttpResponse

from exercises.api.formats import EXPORT_FORMATS
from exercises.api.urls import router
from exercises.models import Location
from tests import factories

pytestmark = pytest.mark.django_db

PAGE_SIZE = 2  # the fixtures hold more than two rows on every endpoint: several pages each

EXPORTS = [
    (prefix, export)
    for prefix, viewset, _ in router.registry
    for export in EXPORT_FORMATS
    if any(renderer.format == export for renderer in viewset.renderer_classes)
]


def body(response) -> str:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode()


def every_record(api_client, prefix: str) -> list[dict]:
    """The JSON list, every page of it."""
    first = api_client.get(f"/api/v1/{prefix}/", {"page_size": 1000}).json()
    assert first["next"] is None
    return first["results"]


#: Not lists of rows: statistics are aggregates, releases/ lists frozen snapshots (their files are the exports).
NOT_ROWS = {"stats", "releases"}


def test_every_list_endpoint_with_a_renderer_has_a_csv_export():
    assert {prefix for prefix, export in EXPORTS if export == "csv"} == {
        prefix for prefix, viewset, _ in router.registry if prefix not in NOT_ROWS
    }


@pytest.mark.parametrize("prefix", [prefix for prefix, export in EXPORTS if export == "csv"])
def test_csv_export_has_every_row_the_json_list_counts(api_client, prefix):
    if prefix == "deletions":  # the fixtures delete nothing
        for _ in range(PAGE_SIZE + 1):
            factories.exercise().delete()
    page = api_client.get(f"/api/v1/{prefix}/", {"page_size": PAGE_SIZE}).json()
    assert page["count"] > PAGE_SIZE  # more than one page
    response = api_client.get(f"/api/v1/{prefix}/", {"format": "csv", "page_size": PAGE_SIZE})
    assert len(list(csv.DictReader(io.StringIO(body(response))))) == page["count"]


@pytest.mark.parametrize("prefix", [prefix for prefix, export in EXPORTS if export == "geojson"])
def test_geojson_export_has_every_located_record(api_client, prefix):
    Location.objects.create(slug="nowhere", name="Unlocated place", kind="site")  # no coordinates: no point
    records = every_record(api_client, prefix)
    response = api_client.get(f"/api/v1/{prefix}/", {"format": "geojson", "page_size": PAGE_SIZE})
    features = json.loads(body(response))["features"]
    if prefix == "locations":
        assert len(features) == sum(r["latitude"] is not None and r["longitude"] is not None for r in records)
    else:  # exercises: a point per located place of each exercise
        located = {loc.name for loc in Location.objects.exclude(latitude=None).exclude(longitude=None)}
        expected = sum(name in located for r in records for name in r["locations"])
        assert len(features) == expected


@pytest.mark.parametrize("prefix, export", EXPORTS)
def test_export_is_an_attachment_named_for_the_endpoint(api_client, prefix, export):
    response = api_client.get(f"/api/v1/{prefix}/", {"format": export})
    assert response["Content-Disposition"] == f'attachment; filename="{prefix}.{export}"'


def test_csv_export_is_filtered(api_client):
    response = api_client.get("/api/v1/participations/", {"format": "csv", "exercise": "tsentr-2011-kyrgyzstan"})
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert {row["code"] for row in rows} == {"KGZ", "RUS"}


def test_csv_export_refuses_a_bad_filter_with_a_json_400(api_client):
    response = api_client.get("/api/v1/states/", {"format": "csv", "historical": "perhaps"})
    assert response.status_code == 400 and "historical" in response.json()
