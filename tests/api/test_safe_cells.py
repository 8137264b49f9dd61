"""Safe cells (OWASP "CSV injection"): a text a spreadsheet would run is quoted in every API CSV;
numbers, and texts that are only a number, are written as they are."""

import csv
import io
from decimal import Decimal

import pytest

from exercises.api.formats import safe_cell
from exercises.models import Location
from tests.factories import exercise

pytestmark = pytest.mark.django_db

FORMULAS = ['=HYPERLINK("http://x","y")', "@SUM(A1)", "-2+3", "+1+1", "\t=1", "\r=1"]


def rows(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(body.decode())))


@pytest.fixture
def planted():
    """An exercise whose name, series and description would run in a spreadsheet, at a place whose name would too."""
    place = Location.objects.create(slug="planted-place", name="=cmd(1)", kind="site")
    planted = exercise(["KZ"], name='=HYPERLINK("http://x","y")', series="-2+3", description="@SUM(A1)", slug="planted")
    planted.locations.add(place)
    return planted


@pytest.mark.parametrize("text", FORMULAS)
def test_safe_cell_quotes_a_text_a_spreadsheet_would_run(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-12, -12.5, Decimal("-12.5"), 0, "-12.5", "+1", "1e5", "Tsentr-2011", "", None])
def test_safe_cell_leaves_numbers_and_plain_text_as_they_are(value):
    assert safe_cell(value) == value


def test_exercise_list_csv_quotes_planted_formulas(api_client, planted):
    [row] = rows(api_client.get("/api/v1/exercises/", {"format": "csv", "search": "HYPERLINK"}))
    assert (row["name"], row["series"], row["locations"]) == (
        '\'=HYPERLINK("http://x","y")',
        "'-2+3",
        "'=cmd(1)",
    )


def test_exercise_detail_csv_quotes_planted_formulas(api_client, planted):
    [row] = rows(api_client.get("/api/v1/exercises/planted/", {"format": "csv"}))
    assert (row["name"], row["series"], row["description"]) == ('\'=HYPERLINK("http://x","y")', "'-2+3", "'@SUM(A1)")


def test_reference_endpoint_csv_quotes_a_planted_place_name(api_client, planted):
    response = api_client.get("/api/v1/locations/", {"format": "csv", "search": "cmd"})
    assert [row["name"] for row in rows(response)] == ["'=cmd(1)"]


def test_participation_csv_quotes_planted_notes(api_client, planted):
    planted.participations.update(notes="+SUM(1)")
    response = api_client.get("/api/v1/participations/", {"format": "csv", "exercise": "planted"})
    assert [row["notes"] for row in rows(response)] == ["'+SUM(1)"]


def test_negative_coordinates_stay_numbers_in_csv(api_client):
    Location.objects.create(slug="west", name="West of Greenwich", kind="site", latitude=-12.5, longitude=-0.25)
    [row] = rows(api_client.get("/api/v1/locations/", {"format": "csv", "search": "Greenwich"}))
    assert (float(row["latitude"]), float(row["longitude"])) == (-12.5, -0.25)
