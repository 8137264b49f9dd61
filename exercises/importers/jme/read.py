"""Reading JME v3's workbook: the sheet and columns it must have, and each row in the project's terms.

The workbook
    An Excel 97 ``.xls`` read as published (xlrd): the sheet ``Sheet1_2`` (the others are empty; a
    workbook without it is read from its first sheet). Numbers are written as the coders typed them
    (``1974.0`` is ``1974``, ``-9.0`` is ``-9``, the missing marker); a cell Excel stores as a date is
    the ``m/d/yyyy`` it shows.

Identity
    A row is ``row<N>``, N its row in the sheet (the header is row 1): every row has one, and the
    unnamed third column (a number for 1,453 rows) is kept in the record as ``number``.

Fields
    Exercise Name "-9" or empty becomes "Unnamed exercise (JME row N)", descriptive. Trimmed Name is
    the series. Start Date and enddate are read with the shared partial-date rules (``m/d/yyyy``,
    ``11/xx/2007``, ``xx/xx/1984``; the 310 rows coded in 2015 have only these strings), completed
    and checked by s.year/s.month/s.day and e.*. JME Type gives the CPX flag: "CPX", "Both CPX &
    FTX", "CPX/FTX" are command post exercises (yes), "FTX" is not (no), "Unsure" or empty is not
    coded. The purpose column is the stated purpose; "Anything interesting" the description, with
    "Part of the Reforger exercise" where JME says so; the institutions involved and the host state
    go into the participants note as JME words them. Troop figures are read from the purpose and
    notes with the shared rules (``importers.troops``).

Places
    Location1 and Location2 are places (JME gives no coordinates); a text that is a state's name is
    that state's place.

Participants
    State A ... State AD (rules in :mod:`.names`). The stray column ``AUS`` (0 or 1 on 310 rows,
    mostly beside an AUS participant) is not read: JME's participants are its State columns.

The news-wire files
    Source(s), the news-wire file(s) the row was coded from, is what JME relays: the citation of the
    exercise names it (``attributed_to``) and the source record keeps the list (``news_wire``).
"""

import re
from pathlib import Path

import xlrd

from exercises.importers.cells import cell
from exercises.importers.partial_dates import PART_NAMES, YearWindow, checked_end, read_date
from exercises.importers.rows import Place, Row
from exercises.importers.troops import extract_troop_figures, mentions_troops
from exercises.models import Exercise, Location, normalize_name

SOURCE_KEY = "jme-v3"
DATASET = "JME v3"
SHEET = "Sheet1_2"
#: JME's two-digit years (rare: it writes four): 70-99 are 19xx, 00-30 are 20xx.
YEARS = YearWindow(1970, 2030)
DATE_COLUMNS = ("Start Date", "s.year", "s.month", "s.day", "enddate", "e.year", "e.month", "e.day")
PURPOSE = "What is the purpose of the JME?"
NOTES = "Anything interesting to note about this exercise?"
HOST = "Which state hosted the exercise?"
INSTITUTIONS = "Institution(s) involved"
REFORGER = "Part of the Reforger Exercise?"
REQUIRED_COLUMNS = (
    "Exercise Name",
    "Location1",
    "Location2",
    *DATE_COLUMNS,
    "JME Type",
    "Trimmed Name",
    "Source(s)",
    "State A",
)
OPTIONAL_COLUMNS = ("Coder", "Timestamp", PURPOSE, NOTES, HOST, INSTITUTIONS, REFORGER)
PARTICIPANT_COLUMN = re.compile(r"^State [A-Z]{1,2}$")
TEXT_COLUMNS = (PURPOSE, NOTES)
CPX = {"cpx": True, "both cpx and ftx": True, "cpx ftx": True, "ftx cpx": True, "ftx": False}
NAME_LENGTH = Exercise._meta.get_field("name").max_length
PLACE_NAME_LENGTH = Location._meta.get_field("name").max_length


class JMEImportError(Exception):
    """The input cannot be imported; the message is one line an analyst can act on."""


def text_of(sheet, row: int, column: int, datemode: int) -> str:
    """A cell as the coder typed it."""
    kind, value = sheet.cell_type(row, column), sheet.cell_value(row, column)
    if kind == xlrd.XL_CELL_DATE and value > 0:
        year, month, day, *_ = xlrd.xldate_as_tuple(value, datemode)
        return f"{month}/{day}/{year}"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return str(value).strip()


def read_workbook(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The (sheet row, cells by column) pairs of a JME workbook, or a readable error."""
    if not path.exists():
        raise JMEImportError(f"{path}: no such file.")
    if path.is_dir():
        raise JMEImportError(f"{path} is a folder: give the path of the JME v3 workbook (.xls).")
    try:
        book = xlrd.open_workbook(path, on_demand=True)
    except Exception as exc:  # xlrd raises several kinds for files that are not Excel 97 workbooks
        raise JMEImportError(f"{path} is not an Excel 97 workbook (.xls): {exc}.".replace("..", ".")) from None
    names = book.sheet_names()
    sheet = book.sheet_by_name(SHEET) if SHEET in names else book.sheet_by_index(0)
    if sheet.nrows == 0:
        raise JMEImportError(f"{path} is empty: expected the JME v3 workbook.")
    header = [text_of(sheet, 0, column, book.datemode) for column in range(sheet.ncols)]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise JMEImportError(f"{path} is not the JME v3 workbook: it lacks the columns {', '.join(missing)}.")
    wanted = {
        index: name
        for index, name in enumerate(header)
        if name in REQUIRED_COLUMNS or name in OPTIONAL_COLUMNS or PARTICIPANT_COLUMN.match(name)
    }
    if header[2] == "":
        wanted[2] = "number"
    rows = []
    for index in range(1, sheet.nrows):
        values = {name: text_of(sheet, index, column, book.datemode) for column, name in wanted.items()}
        if any(values.values()):
            rows.append((index + 1, values))
    return rows


def read_dates(row: dict[str, str]):
    def one(column: str, prefix: str):
        parts = [(f"{prefix}.{part}", row[f"{prefix}.{part}"]) for part in PART_NAMES]
        return read_date((column, row[column]), parts, years=YEARS)

    start, start_notes = one("Start Date", "s")
    end, end_notes = one("enddate", "e")
    end, order_notes = checked_end(start, end, source="JME", raw={column: row[column] for column in DATE_COLUMNS})
    return start, end, start_notes + end_notes + order_notes


def read_row(line: int, row: dict[str, str]) -> Row:
    """Everything one row says, except which states its codes are (resolved for all rows at once)."""
    identifier = f"row{line}"
    review = []
    name = cell(row["Exercise Name"])
    if len(name) > NAME_LENGTH:
        review.append(f"Exercise Name is longer than {NAME_LENGTH} characters; shortened: {name}")
        name = f"{name[: NAME_LENGTH - 2]} …"
    start, end, notes = read_dates(row)
    review += notes
    kind = cell(row["JME Type"])
    notes_text = cell(row.get(NOTES, ""))
    if normalize_name(row.get(REFORGER, "")) == "yes":
        notes_text = "\n".join(filter(None, [notes_text, "Part of the Reforger exercise (JME)."]))
    host, institutions = cell(row.get(HOST, "")), cell(row.get(INSTITUTIONS, ""))
    participants_note = "\n".join(
        filter(
            None,
            [
                f"Institutions involved (JME): {institutions}" if institutions else "",
                f"Host (JME): {host}" if host else "",
            ],
        )
    )
    fields = {
        "name": name or f"Unnamed exercise (JME row {line})",
        "name_is_descriptive": not name,
        "series": " ".join(cell(row["Trimmed Name"]).split()),
        "start_date": start.value,
        "start_precision": start.precision,
        "end_date": end.value,
        "end_precision": end.precision,
        **dict.fromkeys((*Exercise.DOMAIN_FLAGS, *Exercise.FOCUS_FLAGS)),
        "cpx": CPX.get(normalize_name(kind)),
        "purpose": cell(row.get(PURPOSE, "")),
        "description": notes_text,
        "participants_note": participants_note,
    }
    if kind and normalize_name(kind) not in CPX and normalize_name(kind) != "unsure":
        review.append(f'JME Type "{kind}" is none of FTX, CPX, both or Unsure; CPX left not coded.')
    troop_texts, figures = [], []
    for column in TEXT_COLUMNS:
        if mentions_troops(value := cell(row.get(column, ""))):
            troop_texts.append(value)
            figures += extract_troop_figures(value, column)
    fields["troops_text"] = "\n".join(troop_texts)
    places = []
    for column in ("Location1", "Location2"):
        if text := cell(row[column]):
            if len(text) > PLACE_NAME_LENGTH:
                text = f"{text[: PLACE_NAME_LENGTH - 2]} …"
            places.append(Place(text, column=column))
    participants = [(column, value) for column, value in row.items() if PARTICIPANT_COLUMN.match(column) and value]
    wires = [part.strip() for part in row["Source(s)"].split(";") if cell(part)]
    claims = {
        "number": cell(row.get("number", "")),
        "type": kind,
        "host": host,
        "institutions": institutions,
        "news_wire": wires,
        "text": "\n".join(filter(None, [fields["purpose"], notes_text])),
    }
    return Row(
        line=line,
        number=identifier,
        identifier=identifier,
        locator=f"row {line}",
        fields=fields,
        series_key=normalize_name(fields["series"]),
        participants=participants,
        figures=figures,
        places=places,
        review=review,
        claims={key: value for key, value in claims.items() if value},
        attributed_to=f"news wire: {'; '.join(wires)}"[:200] if wires else "",
    )


def read_rows(raw_rows) -> list[Row]:
    return [read_row(line, raw) for line, raw in raw_rows]
