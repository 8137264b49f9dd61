"""The admin's exports write safe cells: quoted formulas in CSV, plain strings (never formulas) in XLSX."""

import csv
import io

import openpyxl
import pytest
from django.contrib import admin
from django.urls import reverse

from exercises.models import Exercise
from tests.factories import exercise

pytestmark = pytest.mark.django_db

EXPORT = reverse("admin:exercises_exercise_export")
COLUMNS = ["slug", "name", "series", "purpose", "description", "year"]


@pytest.fixture
def planted():
    return exercise(
        ["KZ"],
        slug="planted",
        name='=HYPERLINK("http://x","y")',
        series="-2+3",
        purpose="+1",
        description="@SUM(A1)",
        year=2011,
    )


def export(admin_client, title: str) -> bytes:
    titles = [f().get_title() for f in admin.site._registry[Exercise].get_export_formats()]
    response = admin_client.post(
        EXPORT,
        {
            "format": str(titles.index(title)),
            "resource": "0",
            "export_items": [],
            **{f"exerciseresource_{name}": "on" for name in COLUMNS},
        },
    )
    assert response.status_code == 200
    return response.content


def planted_row(rows: list[dict]) -> dict:
    [row] = [row for row in rows if row["slug"] == "planted"]
    return row


def test_admin_csv_export_quotes_planted_formulas(admin_client, planted):
    row = planted_row(list(csv.DictReader(io.StringIO(export(admin_client, "csv").decode("utf-8-sig")))))
    assert (row["name"], row["series"], row["description"]) == ('\'=HYPERLINK("http://x","y")', "'-2+3", "'@SUM(A1)")


def test_admin_csv_export_leaves_numbers_and_numeric_text(admin_client, planted):
    row = planted_row(list(csv.DictReader(io.StringIO(export(admin_client, "csv").decode("utf-8-sig")))))
    assert (row["purpose"], row["year"]) == ("+1", "2011")


def test_admin_xlsx_export_has_no_formula_cells(admin_client, planted):
    sheet = openpyxl.load_workbook(io.BytesIO(export(admin_client, "xlsx"))).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    assert '\'=HYPERLINK("http://x","y")' in [cell.value for cell in cells]
