"""Reading MME's CSV: the columns it must have, and each row in the project's terms (a :class:`Row`).

Other fields
    Ex_Name "-9" becomes "Unnamed exercise (MME mme123)" with ``name_is_descriptive``. Series_Name is the
    exercise's series, trimmed. The domain (CPX, Air, Land, Sea, Amphibious, Cyber) and focus
    (Warfighting, Peacekeeping, Humanitarian) flags are booleans, "-9" is "not coded". FocusDescription
    is the description, AdditionalParticipantInfo the participants note (where MME writes "NATO" there,
    it stays text: MME did not code it a participant). Rows without an MMEID are skipped.

Locations
    Location with lat/lon is a place: its text and its coordinates, rounded to the 5 decimals the model
    keeps, and only when both are readable. (:mod:`.plan` makes one place per text and coordinates.)
"""

import csv
import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from exercises.importers.cells import cell
from exercises.importers.mme.dates import DATE_COLUMNS, read_dates
from exercises.importers.rows import Place, Row
from exercises.importers.troops import extract_troop_figures, mentions_troops
from exercises.models import Exercise, Location, normalize_name

#: The source every imported record is cited to (``seeds/sources.json``), and how summaries name it.
SOURCE_KEY = "mme-v7"
DATASET = "MME v7"

#: Exercise field for each domain and focus flag column.
FLAG_COLUMNS = {
    "CPX": "cpx",
    "Air": "air",
    "Land": "land",
    "Sea": "sea",
    "Amphibious": "amphibious",
    "Cyber": "cyber",
    "Warfighting": "warfighting",
    "Peacekeeping": "peacekeeping",
    "Humanitarian": "humanitarian",
}
REQUIRED_COLUMNS = (
    "MMEID",
    "Ex_Name",
    "Series_Name",
    "Location",
    "lat",
    "lon",
    *DATE_COLUMNS,
    *FLAG_COLUMNS,
    "FocusDescription",
    "AdditionalParticipantInfo",
    "StateA",
)
PARTICIPANT_COLUMN = re.compile(r"^State[A-Z]{1,2}$")
#: The free-text columns troop figures are read from.
TEXT_COLUMNS = ("FocusDescription", "AdditionalParticipantInfo")
NAME_LENGTH = Exercise._meta.get_field("name").max_length
PLACE_NAME_LENGTH = Location._meta.get_field("name").max_length
COORDINATE = Decimal("0.00001")


class MMEImportError(Exception):
    """The input cannot be imported; the message is one line an analyst can act on."""


def read_csv(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The participant columns and the (line number, row) pairs of an MME CSV, or a readable error."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle, restval="")
            header = reader.fieldnames
            if not header:
                raise MMEImportError(f"{path} is empty: expected the MME v7 CSV.")
            missing = [column for column in REQUIRED_COLUMNS if column not in header]
            if missing:
                raise MMEImportError(f"{path} is not the MME v7 CSV: it lacks the columns {', '.join(missing)}.")
            rows = [(reader.line_num, row) for row in reader]
    except FileNotFoundError:
        raise MMEImportError(f"{path}: no such file.") from None
    except IsADirectoryError:
        raise MMEImportError(f"{path} is a folder: give the path of the MME v7 CSV.") from None
    except UnicodeDecodeError:
        raise MMEImportError(f"{path} is not a UTF-8 text file: expected the MME v7 CSV.") from None
    except csv.Error as exc:
        raise MMEImportError(f"{path} is not a readable CSV ({exc}).") from None
    return [column for column in header if PARTICIPANT_COLUMN.match(column)], rows


def read_flag(row: dict[str, str], column: str) -> tuple[bool | None, list[str]]:
    """MME's 0/1 coding as a boolean; -9 or nothing is "not coded" (None)."""
    value = cell(row[column])
    if value in ("0", "1"):
        return value == "1", []
    if not value:
        return None, []
    return None, [f'{column} "{value}" is neither 0 nor 1; left not coded.']


def read_coordinate(value: str, column: str, limit: int) -> tuple[Decimal | None, list[str]]:
    value = cell(value)
    if not value:
        return None, []
    try:
        number = Decimal(value).quantize(COORDINATE, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return None, [f'{column} "{value}" is not a number; coordinates left empty.']
    if not -limit <= number <= limit:
        return None, [f"{column} {value} is out of range; coordinates left empty."]
    return number, []


def read_place(row: dict[str, str]) -> tuple[Place | None, list[str]]:
    """The row's Location text and coordinates; coordinates only when both are readable."""
    latitude, notes = read_coordinate(row["lat"], "lat", 90)
    longitude, more = read_coordinate(row["lon"], "lon", 180)
    notes += more
    if (latitude is None) != (longitude is None):
        latitude = longitude = None
        notes.append("Only one of lat/lon is given; coordinates left empty.")
    name = cell(row["Location"])
    if not name and latitude is None:
        return None, notes
    if not name:
        name = f"Unnamed place ({latitude}, {longitude})"
    if len(name) > PLACE_NAME_LENGTH:
        notes.append(f"The Location text is longer than {PLACE_NAME_LENGTH} characters; the place's name is shortened.")
        name = f"{name[: PLACE_NAME_LENGTH - 2]} …"
    return Place(name, latitude, longitude), notes


def read_row(line: int, row: dict[str, str], participant_columns: list[str]) -> Row:
    """Everything one row says, except which states its names are (resolved for all rows at once)."""
    mmeid = row["MMEID"].strip()
    review = []
    if None in row:
        review.append(f"The row has {len(row[None])} more values than the header has columns; they are ignored.")
    name = cell(row["Ex_Name"])
    if len(name) > NAME_LENGTH:
        review.append(f"Ex_Name is longer than {NAME_LENGTH} characters; shortened: {name}")
        name = f"{name[: NAME_LENGTH - 2]} …"
    start, end, notes = read_dates(row)
    review += notes
    fields = {
        "name": name or f"Unnamed exercise (MME {mmeid})",
        "name_is_descriptive": not name,
        "series": " ".join(cell(row["Series_Name"]).split()),
        "start_date": start.value,
        "start_precision": start.precision,
        "end_date": end.value,
        "end_precision": end.precision,
        "description": cell(row["FocusDescription"]),
        "participants_note": cell(row["AdditionalParticipantInfo"]),
    }
    for column, attribute in FLAG_COLUMNS.items():
        fields[attribute], notes = read_flag(row, column)
        review += notes
    troop_texts, figures = [], []
    for column in TEXT_COLUMNS:
        if mentions_troops(value := cell(row[column])):
            troop_texts.append(value)
            figures += extract_troop_figures(value, column)
    fields["troops_text"] = "\n".join(troop_texts)
    place, notes = read_place(row)
    review += notes
    participants = [(column, row[column].strip()) for column in participant_columns if row[column].strip()]
    return Row(
        line=line,
        number=mmeid,
        identifier=mmeid,
        locator=mmeid,
        fields=fields,
        series_key=normalize_name(fields["series"]),
        participants=participants,
        figures=figures,
        places=[place] if place else [],
        review=review,
    )


def read_rows(raw_rows: Iterable[tuple[int, dict[str, str]]], participant_columns: list[str]) -> tuple[list[Row], list]:
    """Rows read, and the skipped ones (no MMEID)."""
    rows, skipped = [], []
    for line, raw in raw_rows:
        if not raw["MMEID"].strip():
            skipped.append(f"line {line}: no MMEID")
            continue
        rows.append(read_row(line, raw, participant_columns))
    return rows, skipped
