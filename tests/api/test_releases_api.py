"""``releases/``: the list of data releases with their files and citation, a release's detail, its files
streamed from the storage with their SHA-256 as ETag, and nothing else ever opened."""

import hashlib
import io

import pytest
from django.core.files.storage import storages

from exercises import releases

pytestmark = pytest.mark.django_db

BASE = "/api/v1/releases/"


@pytest.fixture
def storage(settings):
    settings.STORAGES = {**settings.STORAGES, "releases": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    return storages["releases"]


@pytest.fixture
def release(storage):
    return releases.make_release("1.0")


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_no_release_is_an_empty_list(api_client, storage):
    response = api_client.get(BASE)
    assert (response.status_code, response.json()) == (200, [])


def test_list_gives_files_counts_changes_and_how_to_cite(api_client, release):
    [answer] = api_client.get(BASE).json()
    assert answer["version"] == "1.0"
    assert answer["rows"]["exercises"] == next(r["x-rows"] for r in release["resources"] if r["name"] == "exercises")
    assert answer["changes"]["previous"] is None and answer["changes"]["added"] == answer["rows"]["exercises"]
    files = {file["name"]: file for file in answer["files"]}
    assert files["exercises.csv"]["url"] == "http://testserver/api/v1/releases/1.0/exercises.csv"
    assert answer["cite"] == f"{releases.PACKAGE_TITLE}, release 1.0 ({release['created'][:10]}), {answer['url']}"


def test_detail_of_one_release(api_client, release):
    assert api_client.get(f"{BASE}1.0/").json()["url"] == "http://testserver/api/v1/releases/1.0/"


@pytest.mark.parametrize("version", ["2.0", "nope", "1.00"])
def test_unknown_release_is_404(api_client, release, version):
    assert api_client.get(f"{BASE}{version}/").status_code == 404


@pytest.mark.parametrize(
    "name, content_type",
    [
        ("exercises.csv", "text/csv; charset=utf-8"),
        ("datapackage.json", "application/json"),
        ("changes.json", "application/json"),
        ("CHANGELOG.md", "text/markdown; charset=utf-8"),
    ],
)
def test_file_is_streamed_with_its_type_and_sha256_as_etag(api_client, storage, release, name, content_type):
    response = api_client.get(f"{BASE}1.0/{name}")
    sent = body(response)
    with releases.open_file(f"1.0/{name}") as file:
        stored = file.read()
    assert (response.status_code, response["Content-Type"], sent) == (200, content_type, stored)
    assert response["ETag"] == f'"{hashlib.sha256(stored).hexdigest()}"'


def test_file_is_not_sent_again_to_a_client_holding_its_etag(api_client, release):
    tag = api_client.get(f"{BASE}1.0/exercises.csv")["ETag"]
    assert api_client.get(f"{BASE}1.0/exercises.csv", HTTP_IF_NONE_MATCH=tag).status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "1.0/nothing.csv",
        "2.0/exercises.csv",
        "1.0/..%2F..%2Fconfig%2Fsettings.py",
        "..%2F1.0/exercises.csv",
        "1.0/%2E%2E",
        "1.0/%00",
    ],
)
def test_unknown_file_or_a_path_outside_the_release_is_404(api_client, storage, release, path):
    storage.save("secret.txt", io.BytesIO(b"not a release file"))
    assert api_client.get(f"{BASE}{path}").status_code == 404


def test_incomplete_release_is_not_listed_nor_served(api_client, storage, release):
    storage.save("2.0/exercises.csv", io.BytesIO(b"slug\r\n"))
    assert [r["version"] for r in api_client.get(BASE).json()] == ["1.0"]
    assert api_client.get(f"{BASE}2.0/exercises.csv").status_code == 404


@pytest.mark.parametrize("path", ["", "1.0/", "1.0/exercises.csv"])
def test_unknown_query_parameter_is_a_400(api_client, release, path):
    response = api_client.get(f"{BASE}{path}", {"verison": "1"})
    assert response.status_code == 400 and "verison" in response.json()


def test_releases_read_no_database(api_client, release, django_assert_num_queries):
    with django_assert_num_queries(0):
        api_client.get(BASE)


@pytest.mark.parametrize("path", ["", "1.0/"])
def test_real_answers_about_a_release_match_the_served_schema(api_client, release, path):
    from openapi_core import OpenAPI
    from openapi_core.contrib.django import DjangoOpenAPIResponse

    from tests.api.test_schema_truth import Request

    openapi = OpenAPI.from_dict(api_client.get("/api/schema/", {"format": "json"}).json())
    response = api_client.get(f"{BASE}{path}")
    openapi.validate_response(Request("get", f"{BASE}{path}"), DjangoOpenAPIResponse(response))
