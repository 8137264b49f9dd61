"""The JME importer's sample workbooks, written by the tests (xlwt) with JME v3's real header.

Each row is a dict of the columns it fills; :func:`workbook` writes them to an Excel 97 file in the
sheet JME uses. :data:`MME_ROWS` are rows of an MME CSV (the MME sample's header) describing some of
the same exercises, for the matching and order tests.
"""

import csv
from pathlib import Path

import xlwt
from django.conf import settings

from tests.importers.mme_sample import SAMPLE as MME_SAMPLE

FULL_FILE = Path(settings.BASE_DIR).parent / "shared" / "datasets" / "jme_v3.xls"
STATES = [f"State {letter}" for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"] + [
    "State AA",
    "State AB",
    "State AC",
    "State AD",
]
HEADER = [
    "Coder",
    "Timestamp",
    "",
    "Exercise Name",
    "Location1",
    "Location2",
    "Start Date",
    "s.year",
    "s.month",
    "s.day",
    "enddate",
    "e.year",
    "e.month",
    "e.day",
    "JME Type",
    "Part of the Reforger Exercise?",
    "Trimmed Name",
    "Institution(s) involved",
    "What is the purpose of the JME?",
    "Anything interesting to note about this exercise?",
    "Which state hosted the exercise?",
    "Source(s)",
    *STATES,
    "AUS",
]


def row(name, start, end, states, **cells) -> dict:
    """A JME row: the name, the date strings, the participants, and any other columns by name."""
    values = {"Exercise Name": name, "Start Date": start, "enddate": end, "Source(s)": "19910101--0001-jme_1.txt"}
    values.update(zip(STATES, states, strict=False))
    return values | cells


def workbook(tmp_path: Path, rows: list[dict], header=HEADER, sheet="Sheet1_2", name="jme.xls") -> Path:
    book = xlwt.Workbook()
    if sheet != "Sheet1_2":
        book.add_sheet("Sheet1_2")  # an empty sheet of that name would be read first: here only another one
    page = book.add_sheet(sheet)
    for column, title in enumerate(header):
        page.write(0, column, title)
    for number, values in enumerate(rows, start=1):
        for column, title in enumerate(header):
            if title in values:
                page.write(number, column, values[title])
    path = tmp_path / name
    book.save(str(path))
    return path


def mme_file(tmp_path: Path, rows: list[dict]) -> Path:
    """An MME CSV with the sample's header and these rows (columns by name, the rest empty)."""
    with MME_SAMPLE.open(encoding="utf-8", newline="") as handle:
        header = csv.DictReader(handle).fieldnames
    path = tmp_path / "mme.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


def mme_row(mmeid, name, start, end, states, **cells) -> dict:
    values = {"MMEID": mmeid, "Ex_Name": name, "StartDate": start, "EndDate": end}
    letters = ["A", "B", "C", "D", "E", "F", "G", "H"]
    values.update({f"State{letter}": state for letter, state in zip(letters, states, strict=False)})
    return values | cells
