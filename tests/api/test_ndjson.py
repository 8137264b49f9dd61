"""NDJSON (``format=ndjson`` or ``Accept: application/x-ndjson``) on every list: streamed, one compact JSON
object per line, exactly the rows of the JSON list, every matching one."""

import json

import orjson
import pytest
from django.http import StreamingHttpResponse

from exercises.api.urls import router
from tests.factories import exercise

pytestmark = pytest.mark.django_db
LISTS = [
    prefix
    for prefix, viewset, _ in router.registry
    if any(renderer.format == "ndjson" for renderer in viewset.renderer_classes)
]


def lines(response) -> list[bytes]:
    assert response.status_code == 200, response.content
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "application/x-ndjson"
    text = b"".join(response.streaming_content)
    assert text.endswith(b"\n")
    return text.split(b"\n")[:-1]


def key(row: dict) -> str:
    return json.dumps(row, sort_keys=True)


def test_every_list_endpoint_with_a_csv_export_has_ndjson():
    csv = {prefix for prefix, viewset, _ in router.registry if any(r.format == "csv" for r in viewset.renderer_classes)}
    assert set(LISTS) == csv and "exercises" in csv


@pytest.mark.parametrize("prefix", LISTS)
def test_ndjson_lines_are_every_row_of_the_json_list(api_client, prefix):
    for _ in range(3):
        exercise(participants=["KZ"]).delete()  # rows of the deletions feed
    url = f"/api/v1/{prefix}/"
    rows = api_client.get(url, {"page_size": 1000}).json()["results"]
    assert len(rows) > 2
    streamed = [orjson.loads(line) for line in lines(api_client.get(url, {"format": "ndjson", "page_size": 2}))]
    assert sorted(map(key, streamed)) == sorted(map(key, rows))


def test_exercise_ndjson_follows_the_filters(api_client):
    params = {"country": "KZ"}
    rows = api_client.get("/api/v1/exercises/", params).json()["results"]
    streamed = [
        orjson.loads(line) for line in lines(api_client.get("/api/v1/exercises/", {**params, "format": "ndjson"}))
    ]
    assert sorted(row["slug"] for row in streamed) == sorted(row["slug"] for row in rows)
    assert 0 < len(rows) < api_client.get("/api/v1/exercises/").json()["count"]


def test_each_line_is_compact_json(api_client):
    for line in lines(api_client.get("/api/v1/exercises/", {"format": "ndjson"})):
        assert line == orjson.dumps(orjson.loads(line))


def test_accept_header_asks_for_ndjson(api_client):
    response = api_client.get("/api/v1/states/", HTTP_ACCEPT="application/x-ndjson")
    assert len(lines(response)) == api_client.get("/api/v1/states/").json()["count"]


@pytest.mark.parametrize("params", [{"page_size": "0"}, {"page": "x"}, {"cursor": "forged"}])
def test_bad_paging_parameters_are_refused_with_ndjson_too(api_client, params):
    response = api_client.get("/api/v1/exercises/", {**params, "format": "ndjson"})
    assert response.status_code == 400 and set(params) <= set(response.json())
    assert response["Content-Type"] == "application/json"


def test_a_record_in_ndjson_is_one_line(api_client):
    response = api_client.get("/api/v1/states/KZ/", {"format": "ndjson"})
    assert response.status_code == 200
    assert response.content.count(b"\n") == 1 and orjson.loads(response.content)["alpha2"] == "KZ"
