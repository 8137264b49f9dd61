"""Import the Multinational Military Exercises data set, version 7 (MME v7).

MME (Vito D'Orazio and Christian Galambos; Harvard Dataverse, doi:10.7910/DVN/KHFODX) has one row per
exercise, 1980-2010. :func:`import_mme` reads its CSV, maps every row onto an :class:`Exercise` and the
records around it, and writes only the differences with the database, in one transaction: importing
the same file again changes nothing, a corrected file changes what was corrected. Every record it
writes is cited to the source ``mme-v7`` (``seeds/sources.json``) with the MMEID and column as locator.

How MME's values are read; each decision is one an analyst needs when reading imported data.

Identity
    An exercise is found again by ``ExternalIdentifier(source=mme-v7, identifier=MMEID)``; its slug
    (``mme87-readex-1-80``) is set when it is created and then kept. MME gives a few MMEIDs to two
    different exercises (mme3457, mme3458 and mme3460 in v7): the second row in file order is stored
    as ``mme3457_2``, and both rows are flagged for review. Rows without an MMEID are skipped.

Participants (StateA ... StateAM)
    Names resolve through ``State.objects.resolve``. The R countrycode spellings MME carries ("Congo -
    Kinshasa", "St. Vincent & Grenadines", "st. christopher") are names of their states in
    ``fixtures/states.json`` (exercises.importers.iso3166).
    "Federal Republic of Germany" is Germany (DEU): the FRG used DE and unified Germany continued it.
    "German Democratic Republic", "Czechoslovakia" and "Yugoslavia" are the former states DDDE, CSHH, YUCS.
    "Russia" in an exercise that starts before 26 December 1991 is the Soviet Union (SUHH): MME, like the
    Correlates of War codes it builds on, calls the USSR "Russia" (a 1991 row reads "first joint sea
    exercises with the soviet navy"). The participation's notes keep 'MME lists "Russia"'.
    Territories are their own ISO entries: Bermuda BMU, Netherlands Antilles ANHH, Hong Kong HKG,
    New Caledonia NCL.
    "NATO" takes part as a body: an OrganisationParticipation of NATO, not a participation of its members.
    "Baltic States" means Estonia, Latvia and Lithuania: one participation each, noted 'MME lists "Baltic
    States"'; a Baltic state also listed by name still has one participation.
    "-9" is a participant MME could not name: no participation; participants_note says how many.
    A state listed twice in a row is one participation; its citation names both columns.
    A name that matches no state makes no participation: the row is flagged with the name, and the
    summary counts it. Add the spelling to exercises.importers.iso3166 rather than matching it here.

Dates
    StartDate and EndDate come as ``m/d/yy`` (two-digit years 80-99 are 19xx, 00-30 are 20xx) or as
    ``yyyy-mm-xx`` (xx: the day is unknown, so month precision). s.year/s.month/s.day and e.* fill in
    the parts the text leaves unknown and are checked against it: where they disagree the text wins and
    the row is flagged. "-9" or nothing is unknown. A date is stored as the first day of its known period
    with its precision. An impossible day or month is dropped to the coarser precision, flagged. An end
    before the start keeps the start, leaves the end empty and flags the row with the raw values: a
    date is never invented.

Other fields
    Ex_Name "-9" becomes "Unnamed exercise (MME mme123)" with ``name_is_descriptive``. Series_Name is the
    exercise's series, trimmed; spellings that differ only in case or spacing ("Autumn forge") are
    written as the series' most common spelling, so one series is one query. The domain (CPX, Air, Land,
    Sea, Amphibious, Cyber) and focus (Warfighting, Peacekeeping, Humanitarian) flags are booleans,
    "-9" is "not coded". FocusDescription is the description, AdditionalParticipantInfo the
    participants note (where MME writes "NATO" there, it stays text: MME did not code it a participant).

Locations
    Location with lat/lon is one Location per distinct text (case and punctuation ignored; named as
    the file first writes it) and coordinates (rounded to the 5 decimals the model keeps), slug
    ``mme-<text>`` (``-2``, ``-3`` for the same text with other coordinates, in coordinate order). A
    text that is a state's name is kind "country" with that state; any other text is a "site" without
    a state (an analyst can place it). Places no row names any more, and nothing else uses, are deleted.

Troop figures
    MME has troop numbers only as free text. The texts that mention troops with a number are kept in
    ``troops_text``; figures are taken only where the wording is clear: "[qualifier] number [up to four
    words] troop noun" ("more than 1,000 personnel", "about 5000 soldiers", "2,500 French, British and
    U.S. troops", "45 thousand military personnel"). "more than", "over", "at least" give at least;
    "about", "some", "around", "approximately", "nearly", "almost", "close to", "estimated" give about;
    "up to", "no more than", "as many as" give up to; none gives exact. Numbers in words, figures
    written after their noun and "armoured personnel carriers" stay text. Each figure is
    ``basis=reported``, ``is_extracted``, cited with the matched phrase. It is the exercise's reported
    figure only when it is the row's only figure and counts the whole exercise: the words between
    number and noun are generic ("military", "army and navy"), not a nationality ("1,200 U.S. troops"
    counts one participant), and no other number of people is joined to it by "and" ("about 140 army
    and 120 air force personnel"). Extraction is a reading aid: ``is_extracted`` says to check the text.

Likely duplicates
    Pairs of rows with the same year and the same participants (after names are resolved, so spellings
    do not matter) and either the same name, or the same series or name apart from numbers and dates
    that overlap, are reported in the summary, not merged.
"""

import csv
import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import combinations
from pathlib import Path

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm

from exercises import dates, services
from exercises.choices import DatePrecision, FigureBasis, LocationKind, Qualifier
from exercises.models import (
    CITATION_TARGETS,
    Citation,
    Exercise,
    ExternalIdentifier,
    Location,
    Organisation,
    OrganisationParticipation,
    Participation,
    Source,
    State,
    StateName,
    TroopFigure,
    UnknownState,
    normalize_name,
)
from exercises.models.sources import MAX_EXCERPT_WORDS

__all__ = ["ImportSummary", "MMEImportError", "SOURCE_KEY", "extract_troop_figures", "import_mme"]

SOURCE_KEY = "mme-v7"
MISSING = "-9"

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
DATE_COLUMNS = ("StartDate", "s.year", "s.month", "s.day", "EndDate", "e.year", "e.month", "e.day")
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

#: Participants that are organisations taking part as a body (normalised name -> acronym).
ORGANISATIONS = {"nato": "NATO"}
#: Participants that stand for several states (normalised name -> state codes).
GROUPS = {"baltic states": ("EST", "LVA", "LTU")}
#: MME (like Correlates of War, code 365) calls the USSR "Russia": before the given day it is the USSR.
PREDECESSORS = {"RUS": ("SUHH", dt.date(1991, 12, 26))}

EXERCISE_FIELDS = (
    "name",
    "name_is_descriptive",
    "series",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
    *FLAG_COLUMNS.values(),
    "description",
    "participants_note",
    "troops_text",
    "needs_review",
    "review_notes",
)
FIGURE_FIELDS = ("low", "high", "qualifier", "basis", "is_reported", "is_extracted", "note")
LOCATION_FIELDS = ("name", "kind", "state_id", "latitude", "longitude")
CITATION_FIELDS = ("excerpt", "locator", "field", *(f"{target}_id" for target in CITATION_TARGETS))
NAME_LENGTH = Exercise._meta.get_field("name").max_length
COORDINATE = Decimal("0.00001")


class MMEImportError(Exception):
    """The input cannot be imported; the message is one line an analyst can act on."""


# -- Reading ----------------------------------------------------------------------------------------
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


def cell(value: str | None) -> str:
    """A cell's text, empty where MME writes -9 (missing)."""
    value = (value or "").strip()
    return "" if value == MISSING else value


def excerpt(value: str) -> str:
    """``value`` as a citation excerpt: at most 25 words (the ellipsis of a cut counts as one), 300 characters."""
    words = value.split()
    short = " ".join(words) if len(words) <= MAX_EXCERPT_WORDS else " ".join(words[: MAX_EXCERPT_WORDS - 1]) + " …"
    return short if len(short) <= 300 else f"{short[:298]} …"


# -- Dates ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PartialDate:
    """A date as the model stores it: the first day of the known period, and its precision."""

    value: dt.date | None = None
    precision: str = DatePrecision.UNKNOWN


_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}|xx))?(?:-(\d{1,2}|xx))?$", re.IGNORECASE)
Parts = tuple[int | None, int | None, int | None]


def expand_year(digits: str) -> int:
    """A year from MME's ``m/d/yy``: 80-99 are 19xx, 00-30 are 20xx, four digits are themselves."""
    year = int(digits)
    if len(digits) == 4:
        return year
    if 80 <= year <= 99:
        return 1900 + year
    if year <= 30:
        return 2000 + year
    raise ValueError(f"two-digit year {digits} is neither 80-99 nor 00-30")


def date_parts(value: str) -> Parts:
    """Year, month and day of a StartDate/EndDate text; None for each part it leaves unknown."""
    value = cell(value)
    if not value:
        return None, None, None
    if match := _US_DATE.match(value):
        return expand_year(match[3]), int(match[1]), int(match[2])
    if match := _ISO_DATE.match(value):
        return int(match[1]), _number(match[2]), _number(match[3])
    raise ValueError("neither m/d/yy nor yyyy-mm-dd")


def _number(value: str | None) -> int | None:
    return None if value is None or value.lower() == "xx" else int(value)


def column_parts(row: dict[str, str], prefix: str) -> tuple[Parts, list[str]]:
    """Year, month and day from the ``s.*``/``e.*`` columns, with a note for any unreadable one."""
    parts, notes = [], []
    for part in ("year", "month", "day"):
        raw = cell(row[f"{prefix}.{part}"])
        if raw and raw.lower() != "xx" and not raw.isdecimal():
            notes.append(f'{prefix}.{part} "{raw}" is not a number; ignored.')
            raw = ""
        parts.append(int(raw) if raw.isdecimal() else None)
    return tuple(parts), notes


def partial_date(year: int | None, month: int | None, day: int | None, label: str) -> tuple[PartialDate, list[str]]:
    """The stored form of what is known of a date; an impossible part is dropped, with a note."""
    if year is None:
        return PartialDate(), []
    if not 1900 <= year <= 2100:
        return PartialDate(), [f"{label}: year {year} is outside 1900-2100; left empty."]
    if month is None:
        return PartialDate(dt.date(year, 1, 1), DatePrecision.YEAR), []
    if not 1 <= month <= 12:
        return PartialDate(dt.date(year, 1, 1), DatePrecision.YEAR), [f"{label}: no month {month}; kept the year."]
    if day is None:
        return PartialDate(dt.date(year, month, 1), DatePrecision.MONTH), []
    try:
        return PartialDate(dt.date(year, month, day), DatePrecision.DAY), []
    except ValueError:
        note = f"{label}: no day {day} in {year}-{month:02d}; kept the month."
        return PartialDate(dt.date(year, month, 1), DatePrecision.MONTH), [note]


def read_date(row: dict[str, str], column: str, prefix: str) -> tuple[PartialDate, list[str]]:
    """A start or end date from its text column, completed and checked by its three part columns."""
    raw = row[column].strip()
    notes = []
    try:
        from_text = date_parts(raw)
    except ValueError as exc:
        notes.append(f'{column} "{raw}" is unreadable ({exc}).')
        from_text = (None, None, None)
    from_columns, column_notes = column_parts(row, prefix)
    notes += column_notes
    parts = []
    for part, in_text, in_columns in zip(("year", "month", "day"), from_text, from_columns, strict=True):
        if in_text is not None and in_columns is not None and in_text != in_columns:
            notes.append(f'{column} "{raw}" and {prefix}.{part} "{in_columns}" disagree; kept {in_text}.')
        parts.append(in_text if in_text is not None else in_columns)
    date, date_notes = partial_date(*parts, label=column)
    return date, notes + date_notes


def read_dates(row: dict[str, str]) -> tuple[PartialDate, PartialDate, list[str]]:
    """Start and end; an end before the start is left empty (never guessed) and noted with raw values."""
    start, start_notes = read_date(row, "StartDate", "s")
    end, end_notes = read_date(row, "EndDate", "e")
    notes = start_notes + end_notes
    if start.value and end.value and dates.period_end(end.value, end.precision) < start.value:
        raw = {column: row[column].strip() for column in DATE_COLUMNS}
        values = ", ".join(f'{column} "{value}"' for column, value in raw.items())
        notes.append(f"The end is before the start in MME ({values}); kept the start, left the end empty.")
        end = PartialDate()
    return start, end, notes


# -- Flags, places, troop figures -------------------------------------------------------------------
def read_flag(row: dict[str, str], column: str) -> tuple[bool | None, list[str]]:
    """MME's 0/1 coding as a boolean; -9 or nothing is "not coded" (None)."""
    value = cell(row[column])
    if value in ("0", "1"):
        return value == "1", []
    if not value:
        return None, []
    return None, [f'{column} "{value}" is neither 0 nor 1; left not coded.']


@dataclass(frozen=True)
class Place:
    """A Location as MME gives it: its text and coordinates (already rounded as stored)."""

    name: str
    latitude: Decimal | None
    longitude: Decimal | None

    @property
    def identity(self) -> tuple:
        return normalize_name(self.name), self.latitude, self.longitude


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
    max_length = Location._meta.get_field("name").max_length
    if len(name) > max_length:
        notes.append(f"The Location text is longer than {max_length} characters; the place's name is shortened.")
        name = f"{name[: max_length - 2]} …"
    return Place(name, latitude, longitude), notes


@dataclass(frozen=True)
class Figure:
    """A troop figure taken from MME's free text."""

    column: str
    phrase: str
    qualifier: str
    value: int
    whole: bool

    @property
    def bounds(self) -> tuple[int | None, int | None]:
        """``(low, high)`` as the model's constraint wants them for this qualifier."""
        if self.qualifier == Qualifier.AT_LEAST:
            return self.value, None
        if self.qualifier == Qualifier.UP_TO:
            return None, self.value
        return self.value, self.value


_QUALIFIERS = {
    "more than": Qualifier.AT_LEAST,
    "over": Qualifier.AT_LEAST,
    "at least": Qualifier.AT_LEAST,
    "in excess of": Qualifier.AT_LEAST,
    "upwards of": Qualifier.AT_LEAST,
    "about": Qualifier.ABOUT,
    "some": Qualifier.ABOUT,
    "around": Qualifier.ABOUT,
    "approximately": Qualifier.ABOUT,
    "roughly": Qualifier.ABOUT,
    "nearly": Qualifier.ABOUT,
    "almost": Qualifier.ABOUT,
    "close to": Qualifier.ABOUT,
    "an estimated": Qualifier.ABOUT,
    "estimated": Qualifier.ABOUT,
    "up to": Qualifier.UP_TO,
    "no more than": Qualifier.UP_TO,
    "as many as": Qualifier.UP_TO,
}
_TROOP_NOUNS = (
    r"troops|soldiers|personnel|servicemen|servicewomen|service\s+members|men|marines|sailors|seamen|airmen"
    r"|paratroop(?:er)?s|participants|officers|reservists|army-?men|peacekeepers|commandos|conscripts"
)
#: Words that end a figure's phrase: the number counts these, not people.
_NOT_PEOPLE = (
    r"(?:war)?ships?|vessels?|aircraft|planes?|jets?|fighters?|helicopters?|tanks?|vehicles?|guns?|submarines?"
    r"|boats?|craft|sorties|countries|nations|states|member-states|armies|units?|days?|weeks?|months?|years?"
    r"|hours?|miles?|kilomet(?:er|re)s?|km|each|per"
)
_QUALIFIER_WORDS = "|".join(q.replace(" ", r"\s+") for q in sorted(_QUALIFIERS, key=len, reverse=True))
_WORD = r"(?:(?!(?:" + _NOT_PEOPLE + r")\b)[^\W\d][\w.'’&/-]*,?\s+)"
_FIGURE = re.compile(
    r"(?<![\w.,/-])"
    rf"(?:(?P<qualifier>{_QUALIFIER_WORDS})\s+)?"
    r"(?P<number>\d{1,3}(?:,\s?\d{3})+|\d+)(?P<thousand>\s+thousand)?\s+"
    rf"(?P<between>{_WORD}{{0,4}}?)"
    rf"(?P<noun>{_TROOP_NOUNS})\b(?!\s+(?:each|carriers?)\b)",
    re.IGNORECASE,
)
#: A number of people just before, joined by "and" ("140 army and 120 air force personnel"): a part.
_JOINED = re.compile(rf"\d[\d,]*(?:\s+thousand)?\s+{_WORD}{{1,4}}and\s+$", re.IGNORECASE)
#: Words between number and noun that keep a figure about the whole exercise.
_GENERIC = {"military", "service", "armed", "army", "navy", "naval", "air", "force", "forces", "sea", "land"}
_GENERIC |= {"ground", "amphibious", "and", "combat", "multinational", "allied", "total"}
_NUMBER_WORDS = r"one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|hundreds?|thousands?"
_QUANTITY = rf"(?:\d|\b(?:{_NUMBER_WORDS}|dozens?)\b)"
_PEOPLE = rf"\b(?:{_TROOP_NOUNS}|people)\b"
_MENTION = re.compile(rf"{_QUANTITY}[^;\n]{{0,60}}?{_PEOPLE}|{_PEOPLE}[^;\n]{{0,60}}?{_QUANTITY}", re.IGNORECASE)


def extract_troop_figures(value: str, column: str) -> list[Figure]:
    """The clear troop figures in ``value`` (see the module docstring for what counts as clear)."""
    figures = []
    for match in _FIGURE.finditer(value):
        number = int(re.sub(r"\D", "", match["number"])) * (1000 if match["thousand"] else 1)
        qualifier = _QUALIFIERS[" ".join(match["qualifier"].lower().split())] if match["qualifier"] else "exact"
        between = {word.strip(",").lower() for word in match["between"].split()}
        whole = between <= _GENERIC and not _JOINED.search(value[: match.start()])
        figures.append(Figure(column, " ".join(match[0].split()), qualifier, number, whole))
    return figures


def mentions_troops(value: str) -> bool:
    """Whether ``value`` gives a number of people (in digits or words) near a troop noun."""
    return bool(_MENTION.search(value))


# -- Rows -------------------------------------------------------------------------------------------
@dataclass
class Row:
    """One MME row in the project's terms, before its names are resolved."""

    line: int
    mmeid: str
    identifier: str
    locator: str
    fields: dict
    series_key: str
    participants: list[tuple[str, str]]
    figures: list[Figure]
    place: Place | None
    review: list[str]

    @property
    def start(self) -> PartialDate:
        return PartialDate(self.fields["start_date"], self.fields["start_precision"])

    @property
    def end(self) -> PartialDate:
        return PartialDate(self.fields["end_date"], self.fields["end_precision"])


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
    for column in ("FocusDescription", "AdditionalParticipantInfo"):
        if mentions_troops(value := cell(row[column])):
            troop_texts.append(value)
            figures += extract_troop_figures(value, column)
    fields["troops_text"] = "\n".join(troop_texts)
    place, notes = read_place(row)
    review += notes
    participants = [(column, row[column].strip()) for column in participant_columns if row[column].strip()]
    return Row(
        line=line,
        mmeid=mmeid,
        identifier=mmeid,
        locator=mmeid,
        fields=fields,
        series_key=normalize_name(fields["series"]),
        participants=participants,
        figures=figures,
        place=place,
        review=review,
    )


def read_rows(raw_rows: Iterable[tuple[int, dict[str, str]]], participant_columns: list[str]) -> tuple[list[Row], list]:
    """Rows read, and the skipped ones (no MMEID); MMEIDs given twice are told apart and flagged."""
    rows, skipped = [], []
    for line, raw in raw_rows:
        if not raw["MMEID"].strip():
            skipped.append(f"line {line}: no MMEID")
            continue
        rows.append(read_row(line, raw, participant_columns))
    tell_apart_repeated_ids(rows)
    unify_series_spellings(rows)
    unify_places(rows)
    return rows, skipped


def tell_apart_repeated_ids(rows: list[Row]) -> None:
    """Give the second and later rows that share an MMEID the identifier ``<MMEID>_<n>``; flag them all."""
    by_id = defaultdict(list)
    for row in rows:
        by_id[row.mmeid].append(row)
    for mmeid, same in by_id.items():
        if len(same) == 1:
            continue
        lines = ", ".join(str(row.line) for row in same)
        for number, row in enumerate(same, start=1):
            row.identifier = mmeid if number == 1 else f"{mmeid}_{number}"
            row.locator = f"{mmeid} (row {number} of {len(same)} with this MMEID)"
            row.review.append(
                f"MME gives the MMEID {mmeid} to {len(same)} different rows (lines {lines}); "
                f"this one is stored as {row.identifier}."
            )
            if row.fields["name_is_descriptive"]:
                row.fields["name"] = f"Unnamed exercise (MME {row.identifier})"


def unify_series_spellings(rows: list[Row]) -> None:
    """Write each series in its most common spelling, so that one series is one query."""
    spellings = defaultdict(Counter)
    for row in rows:
        if row.series_key:
            spellings[row.series_key][row.fields["series"]] += 1
    for row in rows:
        if row.series_key:
            row.fields["series"] = spellings[row.series_key].most_common(1)[0][0]


def unify_places(rows: list[Row]) -> None:
    """One Place per text (case and punctuation ignored) and coordinates, named as the file first has it."""
    first = {}
    for row in rows:
        if row.place:
            row.place = first.setdefault(row.place.identity, row.place)


# -- Names ------------------------------------------------------------------------------------------
def resolve_states(values: Iterable[str]) -> tuple[dict[str, State], set[str]]:
    """The states ``values`` name (through ``State.objects.resolve``) and the values that name none.

    ``resolve`` stops at the first unknown value. Texts that are neither a registered name nor short
    enough to be a code (most Location texts) are set aside first, against the names ``resolve``
    reads, so that resolving costs two queries and one more per unknown code-like value.
    """
    values = {value.strip() for value in values if value.strip()}
    names = set(StateName.objects.values_list("key", flat=True))
    candidates = {value for value in values if len(value) <= 4 or normalize_name(value) in names}
    unmatched = values - candidates
    while True:
        try:
            return State.objects.resolve(sorted(candidates)), unmatched
        except UnknownState as exc:
            candidates.discard(exc.value)
            unmatched.add(exc.value)


@dataclass
class Listing:
    """A participant as the plan has it: the MME columns and names behind it, and a note."""

    columns: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, column: str, label: str, note: str = "") -> None:
        self.columns.append(column)
        if label not in self.labels:
            self.labels.append(label)
        if note and note not in self.notes:
            self.notes.append(note)


@dataclass
class Plan:
    """What the database should hold for one row: its participants by state code and acronym."""

    row: Row
    states: dict[str, Listing] = field(default_factory=dict)
    organisations: dict[str, Listing] = field(default_factory=dict)
    matched: int = 0
    unmatched: list[str] = field(default_factory=list)
    unnamed: int = 0
    repeated: int = 0

    @property
    def participant_set(self) -> frozenset[str]:
        return frozenset(self.states) | frozenset(self.organisations)


def reference_day(row: Row) -> dt.date | None:
    return row.start.value or row.end.value


def plan_participants(row: Row, states: dict[str, State]) -> Plan:
    """Turn the row's participant names into states and organisations (see the module docstring).

    Names that match nothing and participants MME could not name are written into the row's review
    notes and participants note, so nothing the row says is lost.
    """
    plan = Plan(row)
    for column, label in row.participants:
        key = normalize_name(label)
        if label == MISSING:
            plan.unnamed += 1
            continue
        if key in ORGANISATIONS:
            listing, note = plan.organisations.setdefault(ORGANISATIONS[key], Listing()), ""
        elif key in GROUPS:
            for code in GROUPS[key]:
                plan.states.setdefault(code, Listing()).add(column, label, f'MME lists "{label}"')
            plan.matched += 1
            continue
        elif label in states:
            code, note = participant_code(states[label], label, reference_day(row))
            listing = plan.states.setdefault(code, Listing())
            plan.matched += 1
        else:
            plan.unmatched.append(label)
            row.review.append(f'{column} "{label}" matches no state; no participation was made for it.')
            continue
        plan.repeated += bool(listing.columns)
        listing.add(column, label, note)
    if plan.unnamed:
        unnamed = f"MME lists {plan.unnamed} participant(s) it could not name (-9)."
        row.fields["participants_note"] = "\n".join(filter(None, [row.fields["participants_note"], unnamed]))
    row.fields["needs_review"] = bool(row.review)
    row.fields["review_notes"] = "\n".join(row.review)
    return plan


def participant_code(state: State, label: str, day: dt.date | None) -> tuple[str, str]:
    """The state a resolved MME name stands for on ``day`` (Russia before 1992 is the USSR), and a note."""
    if state.code in PREDECESSORS and day:
        predecessor, until = PREDECESSORS[state.code]
        if day < until:
            return predecessor, f'MME lists "{label}"'
    return state.code, ""


def plan_rows(rows: list[Row]) -> tuple[list[Plan], dict[str, State], dict[Place, State]]:
    """Resolve every participant and place name at once (two queries), then plan each row.

    Returns the plans, the states by code, and the state each place's text names, if any.
    """
    names = {label for row in rows for _, label in row.participants if label != MISSING}
    names = {label for label in names if normalize_name(label) not in ORGANISATIONS.keys() | GROUPS.keys()}
    place_names = {row.place.name for row in rows if row.place}
    codes = {code for codes in GROUPS.values() for code in codes} | {code for code, _ in PREDECESSORS.values()}
    resolved, _ = resolve_states(names | place_names | codes)
    states = {state.code: state for state in resolved.values()}
    if missing := sorted(codes - set(states)):
        raise MMEImportError(
            f"The states {', '.join(missing)} are missing: load them with `manage.py loaddata states`."
        )
    plans = [plan_participants(row, resolved) for row in rows]
    places = {row.place: resolved[row.place.name] for row in rows if row.place and row.place.name in resolved}
    return plans, states, places


# -- Duplicates -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DuplicatePair:
    """Two rows that are likely one exercise."""

    first: str
    second: str
    year: int
    names: tuple[str, str]
    reason: str

    def __str__(self):
        return f'{self.first} ~ {self.second} ({self.year}): "{self.names[0]}" / "{self.names[1]}"; {self.reason}'


def span(row: Row) -> tuple[dt.date, dt.date] | None:
    """The widest span the row's dates allow, as ``Exercise.derive_dates`` computes it."""
    year, first, last = dates.span(row.start.value, row.end.value, row.end.precision)
    return None if year is None else (first, last)


def _without_numbers(name: str) -> str:
    return " ".join(re.sub(r"\d+", " ", normalize_name(name)).split())


def duplicate_reason(a: Row, b: Row) -> str | None:
    """Why ``a`` and ``b`` (same year, same participants) look like one exercise, or None."""
    named = not a.fields["name_is_descriptive"] and not b.fields["name_is_descriptive"]
    if named and normalize_name(a.fields["name"]) == normalize_name(b.fields["name"]):
        return "same name"
    span_a, span_b = span(a), span(b)
    if not (span_a and span_b and span_a[0] <= span_b[1] and span_b[0] <= span_a[1]):
        return None
    if a.series_key and a.series_key == b.series_key:
        return "same series, dates overlap"
    if named and _without_numbers(a.fields["name"]) == _without_numbers(b.fields["name"]):
        return "same name apart from numbers, dates overlap"
    return None


def likely_duplicates(plans: list[Plan]) -> list[DuplicatePair]:
    """Pairs of rows that are likely the same exercise (reported, never merged)."""
    groups = defaultdict(list)
    for plan in plans:
        day = reference_day(plan.row)
        if day and plan.participant_set:
            groups[(day.year, plan.participant_set)].append(plan.row)
    pairs = []
    for (year, _), rows in groups.items():
        for a, b in combinations(rows, 2):
            if reason := duplicate_reason(a, b):
                names = (a.fields["name"], b.fields["name"])
                pairs.append(DuplicatePair(a.identifier, b.identifier, year, names, reason))
    return sorted(pairs, key=lambda pair: (pair.year, pair.first, pair.second))


# -- Summary ----------------------------------------------------------------------------------------
@dataclass
class ImportSummary:
    """What an import did, for the command to print and the tests to check."""

    path: Path
    dry_run: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    participants_matched: int = 0
    organisations_matched: int = 0
    unnamed_participants: int = 0
    repeated_participants: int = 0
    unmatched: Counter = field(default_factory=Counter)
    duplicates: list[DuplicatePair] = field(default_factory=list)
    flagged: dict[str, list[str]] = field(default_factory=dict)
    figures: int = 0
    reported_figures: int = 0
    places: int = 0
    written: Counter = field(default_factory=Counter)
    not_in_file: int = 0

    def lines(self) -> list[str]:
        """The summary as the command prints it."""
        unmatched = ", ".join(f'"{name}" ({count})' for name, count in sorted(self.unmatched.items()))
        written = ", ".join(f"{what} {count}" for what, count in sorted(self.written.items()) if count)
        lines = [
            f"MME v7 from {self.path}: {self.rows} rows.",
            f"Exercises: {self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.skipped)} skipped.",
            *(f"  skipped {reason}" for reason in self.skipped),
            f"Participants matched: {self.participants_matched} names to states, {self.organisations_matched} to "
            f"organisations; {self.unnamed_participants} unnamed (-9), counted in participants notes; "
            f"{self.repeated_participants} repeated within their row, kept once.",
            f"Names not matched: {unmatched or 'none'}.",
            f"Troop figures extracted: {self.figures} ({self.reported_figures} taken as the exercise's reported "
            f"figure). Places: {self.places}.",
            f"Records written: {written or 'none'}.",
            f"Likely duplicates (reported, not merged): {len(self.duplicates)}",
            *(f"  {pair}" for pair in self.duplicates),
            f"Rows flagged for review: {len(self.flagged)}",
            *(f"  {identifier}: {' '.join(notes)}" for identifier, notes in self.flagged.items()),
        ]
        if self.not_in_file:
            lines.append(
                f"Exercises imported from MME before but not in this file, left as they are: {self.not_in_file}"
            )
        if self.dry_run:
            lines.append("Dry run: rolled back, nothing was written.")
        return lines


# -- Writing ----------------------------------------------------------------------------------------
def exercise_slug(row: Row) -> str:
    """``mme87-readex-1-80``: the identifier keeps it unique, the name makes it readable."""
    name = "" if row.fields["name_is_descriptive"] else slugify(row.fields["name"])
    slug = f"{row.identifier.lower()}-{name or 'unnamed'}"
    return slug[: Exercise._meta.get_field("slug").max_length].rstrip("-")


def place_slugs(places: Iterable[Place]) -> dict[Place, str]:
    """``mme-<text>`` per place; the same text with other coordinates gets -2, -3 in coordinate order."""
    by_base = defaultdict(set)
    for place in places:
        # At most 95 characters with a suffix: the slug is also the place's citation key (100 at most).
        by_base[f"mme-{slugify(place.name)[:85].rstrip('-') or 'place'}"].add(place)
    slugs = {}
    for base, same in by_base.items():
        ordered = sorted(same, key=lambda p: (p.latitude is None, p.latitude or 0, p.longitude or 0, p.identity[0]))
        for number, place in enumerate(ordered, start=1):
            slugs[place] = base if number == 1 else f"{base}-{number}"
    return slugs


def batched(items: list, size: int = 500) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def delete_in_batches(model, pks: list[int]) -> None:
    for batch in batched(pks):
        model.objects.filter(pk__in=batch).delete()


class Writer:
    """Brings the database in line with the plans, in bulk, and records which exercises changed.

    Each step loads what the database holds for the source in one query, compares it with the plans
    and writes only the differences. Ownership: participations, organisation participations and places
    that carry a citation of ``mme-v7``, and troop figures keyed ``mme-troops-*``, are the importer's;
    only those are removed when a corrected file no longer lists them, so analysts' own records on the
    same exercises stay.
    """

    def __init__(self, source: Source, plans: list[Plan], states: dict[str, State], place_states: dict[Place, State]):
        self.source = source
        self.plans = plans
        self.states = states
        self.place_states = place_states
        self.place_slugs = place_slugs({plan.row.place for plan in plans if plan.row.place})
        self.exercise_ids: dict[str, int] = {}  # identifier -> Exercise pk
        self.identifiers: dict[int, str] = {}  # Exercise pk -> identifier
        self.created: set[str] = set()
        self.changed: set[str] = set()
        self.written: Counter = Counter()
        self.not_in_file = 0
        self.location_ids: dict[str, int] = {}
        self.owned_locations: set[int] = set()
        self.organisation_ids: dict[str, int] = {}
        self.member_ids: dict[str, dict[tuple[int, int], int]] = {}
        self.figure_ids: dict[tuple[int, str], int] = {}
        self.figure_exercises: set[int] = set()
        self.reported_figures = 0

    def run(self, progress: bool) -> None:
        steps = [
            self.write_exercises,
            self.write_locations,
            self.write_participations,
            self.write_organisation_participations,
            self.write_figures,
            self.write_location_links,
            self.delete_orphan_locations,
            self.write_citations,
            self.refresh_reported_troops,
            self.touch_changed_exercises,
        ]
        for step in tqdm(steps, desc="Writing MME v7", unit="step", disable=not progress):
            step()

    def mark(self, exercise_id: int) -> None:
        """Count the exercise as updated (unless it was created in this run)."""
        self.changed.add(self.identifiers[exercise_id])

    def owned(self, target: str) -> set[int]:
        """Primary keys of the ``target`` records that carry a citation of the source."""
        cited = Citation.objects.filter(source=self.source, **{f"{target}__isnull": False})
        return set(cited.values_list(f"{target}_id", flat=True))

    def of_source(self, model):
        """The ``model`` rows of exercises that have an identifier from the source."""
        return model.objects.filter(exercise__external_ids__source=self.source)

    # Exercises ---------------------------------------------------------------------------------
    def write_exercises(self) -> None:
        known = dict(ExternalIdentifier.objects.filter(source=self.source).values_list("identifier", "exercise_id"))
        existing = {
            values["pk"]: values
            for values in Exercise.objects.filter(external_ids__source=self.source).values(
                "pk", "parent_id", *EXERCISE_FIELDS
            )
        }
        new, new_plans, updated = [], [], []
        for plan in self.plans:
            identifier, fields = plan.row.identifier, plan.row.fields
            pk = known.get(identifier)
            if pk is None:
                new.append(Exercise(slug=exercise_slug(plan.row), **fields))
                new_plans.append(plan)
                continue
            self.exercise_ids[identifier] = pk
            if any(existing[pk][name] != fields[name] for name in EXERCISE_FIELDS):
                updated.append(Exercise(pk=pk, parent_id=existing[pk]["parent_id"], **fields))
                self.changed.add(identifier)
        for exercise in new + updated:
            services.derive_dates(exercise)  # bulk writes skip the pre_save receiver that does this
        Exercise.objects.bulk_create(new, batch_size=500)
        Exercise.objects.bulk_update(updated, [*EXERCISE_FIELDS, "year", "span_start", "span_end"], batch_size=500)
        identifiers = [
            ExternalIdentifier(exercise=exercise, source=self.source, identifier=plan.row.identifier)
            for plan, exercise in zip(new_plans, new, strict=True)
        ]
        ExternalIdentifier.objects.bulk_create(identifiers, batch_size=500)
        self.exercise_ids.update(
            {plan.row.identifier: exercise.pk for plan, exercise in zip(new_plans, new, strict=True)}
        )
        self.identifiers = {pk: identifier for identifier, pk in self.exercise_ids.items()}
        self.created = {plan.row.identifier for plan in new_plans}
        self.not_in_file = len(set(known) - set(self.exercise_ids))
        self.written.update({"exercises created": len(new), "exercises updated": len(updated)})

    # Places ------------------------------------------------------------------------------------
    def location_fields(self, place: Place) -> dict:
        state = self.place_states.get(place)
        return {
            "name": place.name,
            "kind": LocationKind.COUNTRY if state else LocationKind.SITE,
            "state_id": state.pk if state else None,
            "latitude": place.latitude,
            "longitude": place.longitude,
        }

    def write_locations(self) -> None:
        existing = {
            values["slug"]: values
            for values in Location.objects.filter(slug__startswith="mme-").values("pk", "slug", *LOCATION_FIELDS)
        }
        new, updated = [], []
        rows_at = defaultdict(list)  # place -> the rows held there, to mark changed when it changes
        for plan in self.plans:
            rows_at[plan.row.place].append(plan.row.identifier)
        for place, slug in self.place_slugs.items():
            fields = self.location_fields(place)
            if slug not in existing:
                new.append(Location(slug=slug, **fields))
            elif any(existing[slug][name] != value for name, value in fields.items()):
                updated.append(Location(pk=existing[slug]["pk"], slug=slug, **fields))
                self.changed.update(rows_at[place])
        Location.objects.bulk_create(new, batch_size=500)
        Location.objects.bulk_update(updated, list(LOCATION_FIELDS), batch_size=500)
        wanted = set(self.place_slugs.values())
        self.location_ids = {slug: values["pk"] for slug, values in existing.items() if slug in wanted}
        self.location_ids.update({location.slug: location.pk for location in new})
        self.owned_locations = self.owned("location") | set(self.location_ids.values())
        self.written.update({"places created": len(new), "places updated": len(updated)})

    def write_location_links(self) -> None:
        through = Exercise.locations.through
        existing = {
            (values["exercise_id"], values["location_id"]): values["pk"]
            for values in through.objects.filter(exercise__external_ids__source=self.source).values(
                "pk", "exercise_id", "location_id"
            )
            if values["location_id"] in self.owned_locations and values["exercise_id"] in self.identifiers
        }
        wanted = {
            (self.exercise_ids[plan.row.identifier], self.location_ids[self.place_slugs[plan.row.place]])
            for plan in self.plans
            if plan.row.place
        }
        stale = [link for link in existing if link not in wanted]
        missing = sorted(wanted - set(existing))
        delete_in_batches(through, [existing[link] for link in stale])
        through.objects.bulk_create([through(exercise_id=e, location_id=loc) for e, loc in missing], batch_size=500)
        for exercise_id, _ in missing + stale:
            self.mark(exercise_id)
        self.written.update({"place links added": len(missing), "place links removed": len(stale)})

    def delete_orphan_locations(self) -> None:
        """Delete places the importer made that no row names any more and nothing else uses."""
        orphans = self.owned_locations - set(self.location_ids.values())
        unused = Location.objects.filter(pk__in=orphans, exercises__isnull=True, scenarios__isnull=True)
        self.written["places deleted"] += unused.delete()[1].get(Location._meta.label, 0) if orphans else 0

    # Participants ------------------------------------------------------------------------------
    def sync_members(self, model, target: str, member: str, wanted: dict[tuple[int, int], str]) -> None:
        """Make the ``model`` rows (one per exercise and ``member``) those in ``wanted`` (key -> notes)."""
        owned = self.owned(target)
        existing = {
            (values["exercise_id"], values[f"{member}_id"]): values
            for values in self.of_source(model).values("pk", "exercise_id", f"{member}_id", "notes")
            if values["exercise_id"] in self.identifiers  # exercises not in this file are left alone
        }
        new = [
            model(exercise_id=e, notes=notes, **{f"{member}_id": m})
            for (e, m), notes in wanted.items()
            if (e, m) not in existing
        ]
        changed = [key for key, notes in wanted.items() if key in existing and existing[key]["notes"] != notes]
        stale = [key for key, values in existing.items() if key not in wanted and values["pk"] in owned]
        delete_in_batches(model, [existing[key]["pk"] for key in stale])
        model.objects.bulk_create(new, batch_size=500)
        model.objects.bulk_update(
            [model(pk=existing[key]["pk"], notes=wanted[key]) for key in changed], ["notes"], batch_size=500
        )
        for exercise_id, _ in [*((o.exercise_id, None) for o in new), *changed, *stale]:
            self.mark(exercise_id)
        ids = {key: values["pk"] for key, values in existing.items() if key in wanted}
        ids.update({(o.exercise_id, getattr(o, f"{member}_id")): o.pk for o in new})
        self.member_ids[target] = ids
        what = target.replace("_", " ") + "s"
        self.written.update(
            {f"{what} created": len(new), f"{what} updated": len(changed), f"{what} removed": len(stale)}
        )

    def write_participations(self) -> None:
        wanted = {
            (self.exercise_ids[plan.row.identifier], self.states[code].pk): "; ".join(listing.notes)
            for plan in self.plans
            for code, listing in plan.states.items()
        }
        self.sync_members(Participation, "participation", "state", wanted)

    def write_organisation_participations(self) -> None:
        acronyms = {acronym for plan in self.plans for acronym in plan.organisations}
        self.organisation_ids = dict(Organisation.objects.filter(acronym__in=acronyms).values_list("acronym", "pk"))
        if missing := sorted(acronyms - set(self.organisation_ids)):
            missing = ", ".join(missing)
            raise MMEImportError(
                f"The organisations {missing} are missing: load them with `manage.py loaddata organisations`."
            )
        wanted = {
            (self.exercise_ids[plan.row.identifier], self.organisation_ids[acronym]): ""
            for plan in self.plans
            for acronym in plan.organisations
        }
        self.sync_members(OrganisationParticipation, "organisation_participation", "organisation", wanted)

    # Troop figures -----------------------------------------------------------------------------
    def wanted_figures(self, plan: Plan, reported_elsewhere: bool) -> dict[str, dict]:
        """The figure rows for one exercise, by key; one is reported only if it is the single whole one."""
        figures = plan.row.figures
        reported = len(figures) == 1 and figures[0].whole and not reported_elsewhere
        self.reported_figures += reported
        wanted = {}
        for number, figure in enumerate(figures, start=1):
            low, high = figure.bounds
            wanted[f"mme-troops-{number}"] = {
                "low": low,
                "high": high,
                "qualifier": figure.qualifier,
                "basis": FigureBasis.REPORTED,
                "is_reported": reported,
                "is_extracted": True,
                "note": f'Extracted from MME {figure.column}: "{figure.phrase}"'[:300],
            }
        return wanted

    def write_figures(self) -> None:
        existing = defaultdict(dict)
        reported_elsewhere = set()  # an analyst's reported figure stays the exercise's reported one
        for values in self.of_source(TroopFigure).values("pk", "exercise_id", "key", "state_id", *FIGURE_FIELDS):
            if values["key"].startswith("mme-troops-"):
                existing[values["exercise_id"]][values["key"]] = values
            elif values["is_reported"] and values["state_id"] is None:
                reported_elsewhere.add(values["exercise_id"])
        stale, new = [], []
        for plan in self.plans:
            exercise_id = self.exercise_ids[plan.row.identifier]
            have = existing[exercise_id]
            wanted = self.wanted_figures(plan, exercise_id in reported_elsewhere)
            if {key: {name: values[name] for name in FIGURE_FIELDS} for key, values in have.items()} == wanted:
                self.figure_ids.update({(exercise_id, key): values["pk"] for key, values in have.items()})
                continue
            # Replace the exercise's figures as a whole: no swap of the one reported figure can collide.
            stale += [values["pk"] for values in have.values()]
            new += [TroopFigure(exercise_id=exercise_id, key=key, **fields) for key, fields in wanted.items()]
            self.figure_exercises.add(exercise_id)
            self.mark(exercise_id)
        delete_in_batches(TroopFigure, stale)
        TroopFigure.objects.bulk_create(new, batch_size=500)
        self.figure_ids.update({(figure.exercise_id, figure.key): figure.pk for figure in new})
        self.written.update({"troop figures created": len(new), "troop figures removed": len(stale)})

    def refresh_reported_troops(self) -> None:
        for ids in batched(sorted(self.figure_exercises)):
            services.refresh_derived(ids, fields=("troops",))

    def touch_changed_exercises(self) -> None:
        """Stamp the exercises this run changed (fields or parts) as edited, once each.

        ``updated_at`` and the edit ``version`` are raised by ``save()`` and by the receivers on part
        saves; bulk writes bypass both, so a changed exercise gets them here.
        """
        ids = sorted(self.exercise_ids[identifier] for identifier in self.changed - self.created)
        stamp = {"updated_at": timezone.now(), "version": F("version") + 1}
        for batch in batched(ids):
            Exercise.objects.filter(pk__in=batch).update(**stamp)

    # Citations ---------------------------------------------------------------------------------
    def wanted_citations(self) -> dict[str, tuple[str | None, dict]]:
        """Every citation the plans call for: key -> (identifier of the exercise it belongs to, values)."""
        wanted = {}

        def cite(key, owner, target, target_id, words, locator):
            values = dict.fromkeys(CITATION_FIELDS)
            values.update(excerpt=excerpt(words), locator=locator[:100], field="", **{f"{target}_id": target_id})
            wanted[key] = (owner, values)

        first_row = {}
        for plan in self.plans:
            row, identifier = plan.row, plan.row.identifier
            exercise_id = self.exercise_ids[identifier]
            name = "" if row.fields["name_is_descriptive"] else row.fields["name"]
            cite(identifier, identifier, "exercise", exercise_id, name, row.locator)
            for code, listing in plan.states.items():
                pk = self.member_ids["participation"][(exercise_id, self.states[code].pk)]
                locator = f"{row.locator} {', '.join(listing.columns)}"
                cite(
                    f"{identifier}-participation-{code}",
                    identifier,
                    "participation",
                    pk,
                    "; ".join(listing.labels),
                    locator,
                )
            for acronym, listing in plan.organisations.items():
                pk = self.member_ids["organisation_participation"][(exercise_id, self.organisation_ids[acronym])]
                locator = f"{row.locator} {', '.join(listing.columns)}"
                key = f"{identifier}-organisation-{acronym}"
                cite(key, identifier, "organisation_participation", pk, "; ".join(listing.labels), locator)
            for number, figure in enumerate(row.figures, start=1):
                pk = self.figure_ids[(exercise_id, f"mme-troops-{number}")]
                locator = f"{row.locator} {figure.column}"
                cite(f"{identifier}-troops-{number}", identifier, "troop_figure", pk, figure.phrase, locator)
            if row.place:
                first_row.setdefault(row.place, row)
        for place, row in first_row.items():
            slug = self.place_slugs[place]
            cite(slug, None, "location", self.location_ids[slug], place.name, f"{row.locator} Location")
        return wanted

    def write_citations(self) -> None:
        wanted = self.wanted_citations()
        existing = {
            values["key"]: values
            for values in Citation.objects.filter(source=self.source).values("pk", "key", *CITATION_FIELDS)
        }
        new, updated = [], []
        for key, (owner, values) in wanted.items():
            if key not in existing:
                new.append(Citation(source=self.source, key=key, **values))
            elif any(existing[key][name] != value for name, value in values.items()):
                updated.append(Citation(pk=existing[key]["pk"], **values))
            else:
                continue
            if owner:
                self.changed.add(owner)
        Citation.objects.bulk_create(new, batch_size=500)
        Citation.objects.bulk_update(updated, list(CITATION_FIELDS), batch_size=500)
        self.written.update({"citations created": len(new), "citations updated": len(updated)})


# -- Entry point ------------------------------------------------------------------------------------
def import_mme(path: Path | str, *, dry_run: bool = False, progress: bool = False) -> ImportSummary:
    """Import the MME v7 CSV at ``path`` in one transaction; with ``dry_run``, roll it back.

    Raises :class:`MMEImportError`, with nothing written, when the file cannot be read as the MME CSV
    or the database lacks the source ``mme-v7`` or the states and organisations the file needs.
    """
    path = Path(path)
    participant_columns, raw_rows = read_csv(path)
    summary = ImportSummary(path=path, dry_run=dry_run, rows=len(raw_rows))
    reading = tqdm(raw_rows, desc="Reading MME v7", unit="row", disable=not progress)
    rows, summary.skipped = read_rows(reading, participant_columns)
    with transaction.atomic():
        source = Source.objects.filter(key=SOURCE_KEY).first()
        if source is None:
            raise MMEImportError(
                f"The source {SOURCE_KEY!r} is not registered: load the register with `manage.py loaddata sources`."
            )
        plans, states, place_states = plan_rows(rows)
        writer = Writer(source, plans, states, place_states)
        writer.run(progress)
        summarise(summary, plans, writer)
        if dry_run:
            transaction.set_rollback(True)
    return summary


def summarise(summary: ImportSummary, plans: list[Plan], writer: Writer) -> None:
    """Fill in the summary from the plans and from what the writer did."""
    for plan in plans:
        identifier = plan.row.identifier
        if identifier in writer.created:
            summary.created += 1
        elif identifier in writer.changed:
            summary.updated += 1
        else:
            summary.unchanged += 1
        summary.participants_matched += plan.matched
        summary.organisations_matched += sum(len(listing.columns) for listing in plan.organisations.values())
        summary.unnamed_participants += plan.unnamed
        summary.repeated_participants += plan.repeated
        summary.unmatched.update(plan.unmatched)
        summary.figures += len(plan.row.figures)
        if plan.row.review:
            summary.flagged[identifier] = plan.row.review
    summary.reported_figures = writer.reported_figures
    summary.places = len(writer.place_slugs)
    summary.duplicates = likely_duplicates(plans)
    summary.written = writer.written
    summary.not_in_file = writer.not_in_file
