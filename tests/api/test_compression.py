"""gzip of JSON, CSV and GeoJSON reads of 1 KB or more (streamed exports too); never of HTML or writes."""

import gzip
import json

import pytest

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate"}


def body(response):
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return gzip.decompress(raw) if response.get("Content-Encoding") == "gzip" else raw


def test_json_page_is_gzipped_for_a_client_that_accepts_it(api_client):
    response = api_client.get("/api/v1/exercises/", {"page_size": 1000}, **GZIP)
    assert response["Content-Encoding"] == "gzip" and json.loads(body(response))["count"] >= 1


def test_json_is_plain_for_a_client_that_does_not_ask(api_client):
    response = api_client.get("/api/v1/exercises/", {"page_size": 1000})
    assert "Content-Encoding" not in response and response.json()["count"] >= 1


def test_gzip_refused_with_q_zero_is_not_used(api_client):
    response = api_client.get("/api/v1/exercises/", HTTP_ACCEPT_ENCODING="gzip;q=0, identity")
    assert "Content-Encoding" not in response


def test_streamed_csv_export_is_gzipped(api_client):
    response = api_client.get("/api/v1/exercises/", {"format": "csv"}, **GZIP)
    assert response.streaming and response["Content-Encoding"] == "gzip"
    assert body(response).startswith(b"slug,name,")


def test_streamed_geojson_export_is_gzipped(api_client):
    response = api_client.get("/api/v1/exercises/", {"format": "geojson"}, **GZIP)
    assert response["Content-Encoding"] == "gzip" and json.loads(body(response))["type"] == "FeatureCollection"


def test_small_answer_is_not_gzipped(api_client):
    response = api_client.get("/api/v1/exercises/", {"page_size": 1, "country": "ZW"}, **GZIP)
    assert len(response.content) < 1024 and "Content-Encoding" not in response


def test_browsable_html_is_never_gzipped(api_client):
    response = api_client.get("/api/v1/exercises/", HTTP_ACCEPT="text/html", **GZIP)
    assert response["Content-Type"].startswith("text/html") and "Content-Encoding" not in response


def test_compressible_answers_vary_on_accept_encoding(api_client):
    assert "Accept-Encoding" in api_client.get("/api/v1/exercises/")["Vary"]


def test_gzipped_answer_has_a_strong_etag_of_its_own(api_client):
    plain = api_client.get("/api/v1/exercises/tsentr-2011/")["ETag"]
    coded = api_client.get("/api/v1/exercises/tsentr-2011/", **GZIP)["ETag"]
    assert coded == plain[:-1] + '-gzip"' and not coded.startswith("W/")


def test_gzipped_etag_answers_304_to_a_gzip_client(api_client):
    tag = api_client.get("/api/v1/exercises/tsentr-2011/", **GZIP)["ETag"]
    assert api_client.get("/api/v1/exercises/tsentr-2011/", HTTP_IF_NONE_MATCH=tag, **GZIP).status_code == 304
