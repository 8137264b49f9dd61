"""JSON by default; CSV and GeoJSON exports by ?format= or the Accept header."""

import csv
import io
import json

import pytest
from django.http import StreamingHttpResponse

from tests.api.documented import CSV_COLUMNS

pytestmark = pytest.mark.django_db

URL = "/api/v1/exercises/"


def body(response):
    return b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()


def test_json_is_the_default(api_client):
    assert api_client.get(URL)["Content-Type"] == "application/json"


def test_csv_has_the_documented_columns_and_one_row_per_whole_exercise(api_client):
    response = api_client.get(URL, {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert list(rows[0]) == CSV_COLUMNS
    assert sorted(row["slug"] for row in rows) == ["csto-exercises-2010", "russia-belarus-2011", "tsentr-2011"]


def test_csv_has_a_row_per_phase_when_asked(api_client):
    response = api_client.get(URL, {"format": "csv", "phases": "rows"})
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert len(rows) == 5
    assert {row["parent"] for row in rows} == {"", "tsentr-2011"}


def test_csv_names_the_phases_through_which_an_exercise_matched(api_client):
    response = api_client.get(URL, {"format": "csv", "threat": "air_attack"})
    [row] = csv.DictReader(io.StringIO(body(response)))
    assert (row["slug"], row["matched_phases"]) == ("tsentr-2011", "tsentr-2011-kazakhstan")


def test_csv_is_streamed_as_an_attachment(api_client):
    response = api_client.get(URL, {"format": "csv"})
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"] == 'attachment; filename="exercises.csv"'


def test_csv_by_accept_header(api_client):
    response = api_client.get(URL, HTTP_ACCEPT="text/csv")
    assert response["Content-Type"].startswith("text/csv")


def test_csv_is_filtered_and_flat(api_client):
    response = api_client.get(URL, {"format": "csv", "country": "UZ"})
    [row] = csv.DictReader(io.StringIO(body(response)))
    assert (row["slug"], row["participants"], row["reported_troops"]) == (
        "csto-exercises-2010",
        "ARM;BLR;KAZ;KGZ;RUS;TJK;UZB",
        "1700",
    )


def test_csv_export_is_not_paginated(api_client):
    response = api_client.get(URL, {"format": "csv", "page_size": 1})
    assert len(list(csv.DictReader(io.StringIO(body(response))))) == 3


def test_geojson_has_a_point_per_exercise_location(api_client):
    response = api_client.get(URL, {"format": "geojson", "country": "KG", "role": "host", "phases": "rows"})
    data = json.loads(body(response))
    assert data["type"] == "FeatureCollection"
    [feature] = data["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [74.59, 42.87]}
    assert feature["properties"]["slug"] == "tsentr-2011-kyrgyzstan"
    assert feature["properties"]["participants"] == ["KGZ", "RUS"]


def test_geojson_of_a_whole_exercise_has_its_phases_places(api_client):
    response = api_client.get(URL, {"format": "geojson", "country": "KG", "role": "host"})
    features = json.loads(body(response))["features"]
    assert {feature["properties"]["slug"] for feature in features} == {"tsentr-2011"}
    assert {feature["properties"]["location"] for feature in features} == {
        "Caspian Sea",
        "Karaganda region",
        "Mangistau region",
        "Valley near Bishkek",
    }
    assert features[0]["properties"]["matched_phases"] == ["tsentr-2011-kyrgyzstan"]


def test_geojson_by_accept_header(api_client):
    response = api_client.get(URL, HTTP_ACCEPT="application/geo+json")
    assert response["Content-Type"] == "application/geo+json"
    assert json.loads(body(response))["type"] == "FeatureCollection"


def test_locations_as_geojson(api_client):
    response = api_client.get("/api/v1/locations/", {"format": "geojson"})
    data = json.loads(body(response))
    assert {f["properties"]["slug"] for f in data["features"]} >= {"caspian-sea", "bishkek-vicinity"}


def test_states_as_csv_are_complete_not_a_page(api_client):
    response = api_client.get("/api/v1/states/", {"format": "csv"})
    assert len(list(csv.DictReader(io.StringIO(body(response))))) > 249


def test_geojson_of_one_exercise_gives_the_points_of_its_places(api_client):
    response = api_client.get("/api/v1/exercises/tsentr-2011-kyrgyzstan/", {"format": "geojson"})
    data = json.loads(response.content)
    assert response.status_code == 200
    assert [f["geometry"]["coordinates"] for f in data["features"]] == [[74.59, 42.87]]


def test_geojson_of_one_place_is_its_point(api_client):
    caspian = api_client.get("/api/v1/locations/", {"search": "Caspian"}).json()["results"][0]
    data = json.loads(api_client.get(f"/api/v1/locations/{caspian['id']}/", {"format": "geojson"}).content)
    assert [f["properties"]["slug"] for f in data["features"]] == ["caspian-sea"]


@pytest.mark.parametrize(
    "url, params, field",
    [
        (URL, {"format": "csv", "page_size": 5000}, "page_size"),
        (URL, {"format": "geojson", "page": "first"}, "page"),
        ("/api/v1/states/", {"format": "csv", "page_size": 0}, "page_size"),
        ("/api/v1/locations/", {"format": "geojson", "page_size": "many"}, "page_size"),
    ],
)
def test_export_refuses_a_bad_page_or_page_size_like_a_list(api_client, url, params, field):
    response = api_client.get(url, params)
    assert response.status_code == 400 and field in response.json()
