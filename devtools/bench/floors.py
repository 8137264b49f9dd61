"""The benchmark's questions: each request, and its floor (the same answer from one hand-written SQL
query plus the COUNT the pagination reports), with the check that the two agree."""

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import orjson
from django.db import connection
from django.db.models import Count

from devtools import synthetic
from devtools.bench import BenchError
from exercises.models import Exercise, Organisation, State

PAGE_SIZE = 50
EXPORT_ROWS = 10_000


# -- The floor's SQL ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Dialect:
    """What differs between SQLite and PostgreSQL in the floor's SQL."""

    vendor: str

    @property
    def like(self) -> str:
        return "ILIKE" if self.vendor == "postgresql" else "LIKE"  # SQLite's LIKE ignores ASCII case

    def aggregate(self, column: str, order: str, source: str) -> str:
        """Comma-joined ``column`` of the rows of ``source`` (FROM ... WHERE ...), in ``order``."""
        if self.vendor == "postgresql":
            return f"(SELECT string_agg({column}, ',' ORDER BY {order}) {source})"
        return f"(SELECT GROUP_CONCAT(v, ',') FROM (SELECT {column} AS v {source} ORDER BY {order}))"


#: The compact row's columns, as the list returns them.
COLUMNS = """e.id, e.slug, e.name, e.name_is_descriptive, e.start_date, e.start_precision, e.end_date,
    e.end_precision, e.year, o.acronym AS organisation, e.series, e.reported_troops"""
FROM = "exercises_exercise e LEFT JOIN exercises_organisation o ON o.id = e.organisation_id"
#: A row is a whole exercise (no parent); its parts are its own and its phases' (the API's default).
WHOLE = "e.parent_id IS NULL"
FAMILY = "(SELECT f.id FROM exercises_exercise f WHERE f.id = r.id OR f.parent_id = r.id)"
PARTICIPANTS = (
    f"FROM exercises_participation p JOIN exercises_state s ON s.id = p.state_id WHERE p.exercise_id IN {FAMILY}"
)
PLACES = (
    "FROM exercises_exercise_locations x JOIN exercises_location l ON l.id = x.location_id "
    f"WHERE x.exercise_id IN {FAMILY}"
)
#: The API's default order: year (newest first, unknown last), name, id.
DEFAULT_ORDER = "{t}year DESC NULLS LAST, {t}name, {t}id"
#: ``ordering=-troops`` (troops descending, empty last; ties by id in the same direction). Where the
#: filter excludes empty figures, plain DESC gives the same rows and lets the database read its index
#: backwards instead of sorting (the API does the same).
BY_TROOPS = "{t}reported_troops DESC, {t}id DESC"


def rows_sql(dialect: Dialect, where: str, order: str, limit: int | None) -> str:
    """Compact rows matching ``where`` in ``order``: the page (or all rows) first, then their parts."""
    page = f"LIMIT {limit}" if limit else ""
    participants = dialect.aggregate("DISTINCT s.code", "s.code", PARTICIPANTS)
    places = dialect.aggregate("DISTINCT l.name", "l.name", PLACES)
    return (
        f"WITH r AS (SELECT {COLUMNS} FROM {FROM} WHERE {WHOLE} AND {where} ORDER BY {order.format(t='e.')} {page}) "
        f"SELECT r.*, {participants} AS participants, {places} AS locations FROM r ORDER BY {order.format(t='r.')}"
    )


def count_sql(where: str) -> str:
    return f"SELECT COUNT(*) FROM exercises_exercise e WHERE {WHOLE} AND {where}"


# Each condition comes in two forms: correlated (EXISTS) for a page, which walks the order's index and
# stops after 50 hits, and as a set (id IN ...) for the count, which an index answers at once. Both
# are faster than the other form on SQLite and PostgreSQL alike. States and organisations are named
# by id, resolved before timing as the API resolves them in a query of its own; the planner then
# knows how common each one is. A part of a phase is a part of its whole exercise.
def _some(table: str, alias: str, joined: str, condition: str, correlated: bool) -> str:
    """The whole exercise ``e`` or one of its phases has a row of ``table`` meeting ``condition``."""
    if correlated:
        own = f"EXISTS (SELECT 1 FROM {table} {alias} {joined} WHERE {alias}.exercise_id = e.id AND {condition})"
        phase = (
            f"EXISTS (SELECT 1 FROM {table} {alias} JOIN exercises_exercise ph ON ph.id = {alias}.exercise_id "
            f"{joined} WHERE ph.parent_id = e.id AND {condition})"
        )
        return f"({own} OR {phase})"
    return (
        f"e.id IN (SELECT COALESCE(ph.parent_id, {alias}.exercise_id) FROM {table} {alias} "
        f"JOIN exercises_exercise ph ON ph.id = {alias}.exercise_id {joined} WHERE {condition})"
    )


def took_part(state_param: str, correlated: bool) -> str:
    """The state with id ``%(state_param)s`` took part."""
    return _some("exercises_participation", "p", "", f"p.state_id = %({state_param})s", correlated)


def inside(correlated: bool) -> str:
    """A place of the exercise lies in the box."""
    joined = "JOIN exercises_location l ON l.id = x.location_id"
    box = "l.longitude BETWEEN %(min_lon)s AND %(max_lon)s AND l.latitude BETWEEN %(min_lat)s AND %(max_lat)s"
    return _some("exercises_exercise_locations", "x", joined, box, correlated)


def matches(dialect: Dialect, correlated: bool) -> str:
    """The list's ``search``: name, purpose, description, series, alternative names, episodes or places."""
    like = f"{dialect.like} %(pattern)s"
    own = f"e.name {like} OR e.purpose {like} OR e.description {like} OR e.series {like}"
    named = _some("exercises_exercisename", "n", "", f"n.name {like}", correlated)
    episode = f"(c.title {like} OR c.description {like} OR c.adversary {like})"
    rehearsed = _some("exercises_scenario", "c", "", episode, correlated)
    joined = "JOIN exercises_location l ON l.id = x.location_id"
    held = _some("exercises_exercise_locations", "x", joined, f"l.name {like}", correlated)
    return f"({own} OR {named} OR {rehearsed} OR {held})"


STATS_SQL = (
    "SELECT year, COUNT(*) AS exercises, SUM(reported_troops) AS troops, COUNT(reported_troops) AS with_troops "
    "FROM exercises_exercise WHERE parent_id IS NULL GROUP BY year ORDER BY year"
)


# -- Questions ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Floor:
    """One question's floor: SQL with ``%(name)s`` parameters, and how its answer is shaped."""

    kind: str  # "page": rows + count as the list's JSON; "stats": rows as JSON; "csv": all rows as CSV
    sql: str
    count: str | None = None
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Question:
    """One request of the set: its name in the table, its path, and its floor (None: none to compare)."""

    name: str
    path: str
    floor: Floor | None = None


def questions(dialect: Dialect, detail_slug: str, export_year: int) -> list[Question]:
    """The fixed set; the detail slug and the export's first year are picked from the data."""
    base = "/api/v1/exercises/"

    def page(where: Callable[[bool], str], params: dict, order: str = DEFAULT_ORDER) -> Floor:
        return Floor("page", rows_sql(dialect, where(True), order, PAGE_SIZE), count_sql(where(False)), params)

    ids = resolve({"KZ", "RU", "BY"})
    years = "e.year >= %(year_min)s AND e.year <= %(year_max)s"
    nato = {"year_min": 2000, "year_max": 2010, "organisation": organisation_id("NATO")}
    box = {"min_lon": 45, "min_lat": 40, "max_lon": 80, "max_lat": 55}
    return [
        Question(
            "country + year",
            f"{base}?country=KZ&year=2011",
            page(lambda c: f"e.year = %(year)s AND {took_part('state', c)}", {"state": ids["KZ"], "year": 2011}),
        ),
        Question(
            "all of two countries",
            f"{base}?country_all=RU,BY",
            page(
                lambda c: f"{took_part('first', c)} AND {took_part('second', c)}",
                {"first": ids["RU"], "second": ids["BY"]},
            ),
        ),
        Question(
            "years + organisation",
            f"{base}?year_min=2000&year_max=2010&organisation=NATO",
            page(lambda c: f"{years} AND e.organisation_id = %(organisation)s", nato),
        ),
        Question(
            "troops range, by troops",
            f"{base}?troops_min=1000&troops_max=20000&ordering=-troops",
            page(
                lambda c: "e.reported_troops >= %(low)s AND e.reported_troops <= %(high)s",
                {"low": 1000, "high": 20000},
                BY_TROOPS,
            ),
        ),
        Question("text search", f"{base}?search=Shield", page(lambda c: matches(dialect, c), {"pattern": "%Shield%"})),
        Question("bounding box", f"{base}?bbox=45,40,80,55", page(inside, box)),
        Question("detail", f"{base}{detail_slug}/"),
        Question("stats per year", "/api/v1/stats/?by=year", Floor("stats", STATS_SQL)),
        Question(
            "CSV export",
            f"{base}?format=csv&year_min={export_year}",
            Floor("csv", rows_sql(dialect, "e.year >= %(year_min)s", "{t}id", None), params={"year_min": export_year}),
        ),
    ]


def resolve(codes: set[str]) -> dict[str, int]:
    """The ids of current states by alpha-2 code."""
    return dict(State.objects.filter(alpha2__in=codes, is_historical=False).values_list("alpha2", "pk"))


def organisation_id(acronym: str) -> int | None:
    """The organisation's id, or None (which matches nothing) if it is not in the database."""
    return Organisation.objects.filter(acronym=acronym).values_list("pk", flat=True).first()


def pick_detail_slug() -> str:
    """A synthetic exercise with a typical load of parts: five participants or more, three episodes."""
    first = list(synthetic.synthetic_exercises().order_by("pk").values_list("pk", flat=True)[:2000])
    if not first:
        raise BenchError("No synthetic exercises to ask about.")
    candidates = Exercise.objects.filter(pk__in=first).order_by("pk")
    rich = candidates.annotate(
        people=Count("participations", distinct=True), episodes=Count("scenarios", distinct=True)
    )
    slug = rich.filter(people__gte=5, episodes__gte=3).values_list("slug", flat=True).first()
    return slug or candidates.values_list("slug", flat=True)[0]


def pick_export_year() -> int:
    """The first year from which on the list holds about ``EXPORT_ROWS`` exercises."""
    per_year = dict(Exercise.objects.exclude(year=None).values_list("year").annotate(n=Count("pk")))
    total, chosen = 0, max(per_year, default=2000)
    for year in sorted(per_year, reverse=True):
        if abs(total + per_year[year] - EXPORT_ROWS) > abs(total - EXPORT_ROWS) and total:
            break
        total, chosen = total + per_year[year], year
    return chosen


def floor_answer(floor: Floor) -> bytes:
    """The floor's answer, encoded as the API encodes it (JSON through orjson, or CSV)."""
    with connection.cursor() as cursor:
        count = None
        if floor.count:
            cursor.execute(floor.count, floor.params)
            count = cursor.fetchone()[0]
        cursor.execute(floor.sql, floor.params)
        names = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
    if floor.kind == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(names)
        writer.writerows(rows)
        return buffer.getvalue().encode()
    records = [dict(zip(names, row, strict=True)) for row in rows]
    if floor.kind == "stats":
        return orjson.dumps({"per_year": records})
    for record in records:
        record["participants"] = record["participants"].split(",") if record["participants"] else []
        record["locations"] = record["locations"].split(",") if record["locations"] else []
    return orjson.dumps({"count": count, "results": records}, default=str)


def disagreement(question: Question, api: bytes, floor: bytes) -> str | None:
    """Why the floor's answer is not the API's (other rows, order or count), or None if they agree."""
    kind = question.floor.kind
    if kind == "csv":
        api_rows = [row[0] for row in list(csv.reader(io.StringIO(api.decode())))[1:]]
        floor_rows = [row[1] for row in list(csv.reader(io.StringIO(floor.decode())))[1:]]
        return None if sorted(api_rows) == sorted(floor_rows) else f"{len(api_rows)} rows, floor {len(floor_rows)}"
    api_data, floor_data = json.loads(api), json.loads(floor)
    if kind == "stats":
        same = api_data["per_year"] == floor_data["per_year"]
        return None if same else "per-year totals differ"
    if api_data["count"] != floor_data["count"]:
        return f"count {api_data['count']}, floor {floor_data['count']}"
    api_slugs = [row["slug"] for row in api_data["results"]]
    floor_slugs = [row["slug"] for row in floor_data["results"]]
    return None if api_slugs == floor_slugs else "the page holds other rows or another order"
