"""The exercise list's row is declared once (formats.ROW): every rendering of a list carries the same rows."""

import csv
import html
import io
import json
import re

import pytest

from exercises.api.formats import EXPORT_COLUMNS, LIST_FIELDS

pytestmark = pytest.mark.django_db

URL = "/api/v1/exercises/"

#: Queries of different shapes: unfiltered, a participant, dates and an ordering, text, a role, a place.
QUERIES = [
    {},
    {"country": "KZ"},
    {"year": 2011, "ordering": "-name"},
    {"search": "Tsentr"},
    {"country": "KG", "role": "host"},
    {"location": "caspian-sea"},
]


def body(response) -> str:
    return b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()


def json_rows(api_client, query) -> list[dict]:
    response = api_client.get(URL, {**query, "page_size": 1000})
    assert response.status_code == 200
    return response.json()["results"]


def browsable_rows(client, query) -> list[dict]:
    """The rows the browsable page shows: the JSON in its <pre> block, as a person reads it."""
    response = client.get(URL, {**query, "page_size": 1000}, HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    [block] = re.findall(
        r'<div class="response-info".*?<pre class="prettyprint">(.*?)</pre>', response.content.decode(), re.DOTALL
    )
    text = html.unescape(re.sub(r"<[^>]+>", "", block))
    return json.loads(text[text.index("{") :])["results"]


def as_csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


@pytest.mark.parametrize("query", QUERIES)
def test_browsable_page_shows_the_json_rows(api_client, client, query):
    rows = json_rows(api_client, query)
    assert rows, "a query that matches nothing proves nothing"
    assert browsable_rows(client, query) == rows


@pytest.mark.parametrize("query", QUERIES)
def test_csv_rows_are_the_json_rows(api_client, query):
    rows = json_rows(api_client, query)
    exported = list(csv.DictReader(io.StringIO(body(api_client.get(URL, {**query, "format": "csv"})))))
    assert len(exported) == len(rows)
    by_slug = {row["slug"]: row for row in exported}
    for row in rows:
        assert {name: by_slug[row["slug"]][name] for name in row} == {k: as_csv_cell(v) for k, v in row.items()}


@pytest.mark.parametrize("query", QUERIES)
def test_geojson_properties_are_the_json_rows(api_client, query):
    rows = {row["slug"]: row for row in json_rows(api_client, query)}
    features = json.loads(body(api_client.get(URL, {**query, "format": "geojson"})))["features"]
    assert features or not any(row["locations"] for row in rows.values())
    for feature in features:
        properties = feature["properties"]
        assert properties["location"] in rows[properties["slug"]]["locations"]
        assert {name: properties[name] for name in rows[properties["slug"]]} == rows[properties["slug"]]


def test_the_json_row_has_the_declared_fields_in_order(api_client):
    [row, *_] = json_rows(api_client, {})
    assert list(row) == [field.name for field in LIST_FIELDS]


def test_exports_add_only_the_parent_to_the_row():
    assert [name for name in EXPORT_COLUMNS if name not in {f.name for f in LIST_FIELDS}] == ["parent"]


IN_FULL = ("locations", "sources", "disputed")  # the detail gives these in full
NOT_IN_DETAIL = (*IN_FULL, "matched_phases")  # how the row answered the list's request


def test_detail_starts_with_the_list_rows_fields_and_values(api_client):
    for row in json_rows(api_client, {"phases": "rows"}) + json_rows(api_client, {}):
        detail = api_client.get(row["url"]).json()
        assert {name: detail[name] for name in row if name not in NOT_IN_DETAIL} == {
            name: value for name, value in row.items() if name not in NOT_IN_DETAIL
        }
        # The detail lists its phases' places too, each marked with its phase; the row, their names.
        assert sorted({place["name"] for place in detail["locations"]}) == row["locations"]
        assert set(row["sources"]) <= {source["key"] for source in detail["sources"]}
        assert [name for name, disputed in detail["disputed"].items() if disputed] == row["disputed"]


def test_schema_documents_the_declared_row(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    documented = schema["components"]["schemas"]["ExerciseList"]["properties"]
    assert list(documented) == [field.name for field in LIST_FIELDS]
