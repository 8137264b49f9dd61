"""The API benchmark: a fixed set of questions, timed through the real Django stack and against floors.

Each question is asked three ways:

- **API**, in process: ``django.test.Client`` through URL routing, middleware, filters, serializers
  and renderer, with ``DEBUG`` off, on the configured database.
- **Floor**: the same answer from one hand-written SQL query (for lists: the same WHERE, ORDER BY and
  page of 50 compact rows, participants and places aggregated in SQL) plus the COUNT the pagination
  reports, encoded with orjson. It is what the answer costs with no framework at all; API/floor says
  how far the API is from it. Before timing, the floor's rows are checked against the API's.
- **Over HTTP** (SQLite only): the API served by gunicorn (one sync worker) against Datasette
  answering the floor's SQL on the same file, both queried over loopback.

``run()`` prints one table; ``--verbose`` adds every query the API ran and the query plans of the
main list query and of the floor.
"""

import csv
import http.client
import io
import json
import math
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field

import orjson
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from exercises import synthetic
from exercises.loadtest import free_port
from exercises.models import Exercise, Organisation, State

PAGE_SIZE = 50
EXPORT_ROWS = 10_000
SERVER_START_TIMEOUT = 60


class BenchError(Exception):
    """The benchmark cannot run as asked (no fixtures, a server that does not start, a bad answer)."""


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
PARTICIPANTS = "FROM exercises_participation p JOIN exercises_state s ON s.id = p.state_id WHERE p.exercise_id = r.id"
PLACES = (
    "FROM exercises_exercise_locations x JOIN exercises_location l ON l.id = x.location_id WHERE x.exercise_id = r.id"
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
    participants = dialect.aggregate("s.code", "s.code", PARTICIPANTS)
    places = dialect.aggregate("l.name", "l.name", PLACES)
    return (
        f"WITH r AS (SELECT {COLUMNS} FROM {FROM} WHERE {where} ORDER BY {order.format(t='e.')} {page}) "
        f"SELECT r.*, {participants} AS participants, {places} AS locations FROM r ORDER BY {order.format(t='r.')}"
    )


def count_sql(where: str) -> str:
    return f"SELECT COUNT(*) FROM exercises_exercise e WHERE {where}"


# Each condition comes in two forms: correlated (EXISTS) for a page, which walks the order's index and
# stops after 50 hits, and as a set (id IN ...) for the count, which an index answers at once. Both
# are faster than the other form on SQLite and PostgreSQL alike. States and organisations are named
# by id, resolved before timing as the API resolves them in a query of its own; the planner then
# knows how common each one is.
def took_part(state_param: str, correlated: bool) -> str:
    """The state with id ``%(state_param)s`` took part."""
    state = f"p.state_id = %({state_param})s"
    if correlated:
        return f"EXISTS (SELECT 1 FROM exercises_participation p WHERE p.exercise_id = e.id AND {state})"
    return f"e.id IN (SELECT p.exercise_id FROM exercises_participation p WHERE {state})"


def inside(correlated: bool) -> str:
    """A place of the exercise lies in the box."""
    joined = "FROM exercises_exercise_locations x JOIN exercises_location l ON l.id = x.location_id"
    box = "l.longitude BETWEEN %(min_lon)s AND %(max_lon)s AND l.latitude BETWEEN %(min_lat)s AND %(max_lat)s"
    if correlated:
        return f"EXISTS (SELECT 1 {joined} WHERE x.exercise_id = e.id AND {box})"
    return f"e.id IN (SELECT x.exercise_id {joined} WHERE {box})"


def matches(dialect: Dialect, correlated: bool) -> str:
    """The list's ``search``: name, purpose, description, series, alternative names or episodes."""
    like = f"{dialect.like} %(pattern)s"
    names = f"FROM exercises_exercisename n WHERE n.name {like}"
    episodes = f"FROM exercises_scenario c WHERE (c.title {like} OR c.description {like} OR c.adversary {like})"
    own = f"e.name {like} OR e.purpose {like} OR e.description {like} OR e.series {like}"
    if correlated:
        named = f"EXISTS (SELECT 1 {names} AND n.exercise_id = e.id)"
        rehearsed = f"EXISTS (SELECT 1 {episodes} AND c.exercise_id = e.id)"
    else:
        named = f"e.id IN (SELECT n.exercise_id {names})"
        rehearsed = f"e.id IN (SELECT c.exercise_id {episodes})"
    return f"({own} OR {named} OR {rehearsed})"


STATS_SQL = (
    "SELECT year, COUNT(*) AS exercises, SUM(reported_troops) AS troops, COUNT(reported_troops) AS with_troops "
    "FROM exercises_exercise GROUP BY year ORDER BY year"
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


# -- Timing ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Timing:
    """Milliseconds over the repeats."""

    median: float
    p95: float


def measure(call: Callable[[], object], repeat: int) -> Timing:
    """Time ``call`` ``repeat`` times after one warm-up run (caches, connections, imports)."""
    call()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return Timing(statistics.median(samples), samples[max(0, math.ceil(0.95 * len(samples)) - 1)])


# -- The API in process and the floor ----------------------------------------------------------------
def api_get(client: Client, path: str) -> bytes:
    """The whole body of a GET, streamed or not; anything but 200 is an error."""
    response = client.get(path)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.status_code != 200:
        raise BenchError(f"{path} answered {response.status_code}{hint(response.status_code)}: {body[:300]!r}")
    return body


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


def captured_queries(client: Client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as context:
        api_get(client, path)
    return [query["sql"] for query in context.captured_queries]


def main_query(queries: list[str]) -> str | None:
    """The list's page query: the one that reads exercises with a LIMIT."""
    for sql in queries:
        if sql.startswith("SELECT") and '"exercises_exercise"' in sql.split(" WHERE ")[0] and " LIMIT " in sql:
            return sql
    return None


def explain(sql: str, params: dict | None = None) -> list[str]:
    """The database's plan for ``sql``: EXPLAIN QUERY PLAN on SQLite (as a tree), EXPLAIN on PostgreSQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            depth, lines = {0: -1}, []
            for node, parent, _, detail in cursor.fetchall():
                depth[node] = depth.get(parent, -1) + 1
                lines.append("  " * depth[node] + detail)
            return lines
        cursor.execute(f"EXPLAIN {sql}", params)
        return [row[0] for row in cursor.fetchall()]


# -- Over HTTP: gunicorn and Datasette ---------------------------------------------------------------
def http_get(port: int, path: str) -> bytes:
    """GET over a fresh loopback connection (gunicorn's sync worker closes each one).

    The request says it came through HTTPS, as from the TLS-terminating proxy the API runs behind in
    production; with DEBUG off the API redirects plain HTTP.
    """
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", path, headers={"X-Forwarded-Proto": "https"})
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    if response.status != 200:
        raise BenchError(
            f"http://127.0.0.1:{port}{path} answered {response.status}{hint(response.status)}: {body[:300]!r}"
        )
    return body


def hint(status: int) -> str:
    return " (throttled: set API_THROTTLE_ANON=off, or fewer --repeat)" if status == 429 else ""


@contextmanager
def server(command: list[str], port: int, ready_path: str, env: dict | None = None):
    """Run ``command`` until the block ends, once ``ready_path`` answers; stop it by its own id."""
    process = subprocess.Popen(
        command, cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                raise BenchError(f"{command[2]} stopped at start: {process.stderr.read()[-2000:]}")
            try:
                http_get(port, ready_path)
                break
            except (OSError, BenchError, http.client.HTTPException):
                if time.monotonic() > deadline:
                    raise BenchError(f"{command[2]} did not answer on port {port}.") from None
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def gunicorn(port: int):
    """The project's WSGI app in one sync worker, on the same database, with DEBUG off."""
    env = os.environ | {"DEBUG": "0", "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-not-secret"}
    env["DATABASE_URL"] = f"sqlite:///{settings.DATABASES['default']['NAME']}"
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}"]
    return server(command, port, "/api/v1/", env)


def datasette(port: int, path: str):
    command = [sys.executable, "-m", "datasette", "serve", path, "--host", "127.0.0.1", "--port", str(port)]
    command += ["--setting", "sql_time_limit_ms", "10000", "--setting", "max_returned_rows", "100000"]
    return server(command, port, "/-/versions.json")


class Datasette:
    """Asks a running Datasette the floor's questions: the same SQL, parameters by name."""

    def __init__(self, port: int, path: str):
        self.port = port
        databases = json.loads(http_get(port, "/-/databases.json"))
        self.database = next(d["name"] for d in databases if d.get("path") and os.path.samefile(d["path"], path))

    def url(self, sql: str, params: dict, shape: str = "json") -> str:
        query = {"sql": re.sub(r"%\((\w+)\)s", r":\1", sql), **{k: str(v) for k, v in params.items()}}
        if shape == "json":
            query["_shape"] = "array"
        return f"/{urllib.parse.quote(self.database)}.{shape}?{urllib.parse.urlencode(query)}"

    def ask(self, floor: Floor) -> bytes:
        """The floor's answer: page and count for a list (two requests), CSV for an export."""
        if floor.kind == "csv":
            return http_get(self.port, self.url(floor.sql, floor.params, shape="csv"))
        body = http_get(self.port, self.url(floor.sql, floor.params))
        if floor.count:
            body += http_get(self.port, self.url(floor.count, floor.params))
        return body


# -- The run -----------------------------------------------------------------------------------------
@dataclass
class Result:
    """What was measured for one question (timings in ms; None where not measured)."""

    question: Question
    api: Timing
    queries: int
    size: int
    floor: Timing | None = None
    http: Timing | None = None
    datasette: Timing | None = None
    rows: int | None = None
    problem: str | None = None


def ensure_data(count: int, seed: int, log: Callable[[str], None]) -> int:
    """At least ``count`` synthetic exercises in the database: generated (after clearing) if fewer."""
    if not State.objects.exists():
        raise BenchError("The database has no states: migrate and load the fixtures first (make bench does).")
    present = synthetic.synthetic_exercises().count()
    if present >= count:
        return present
    log(f"{present:,} synthetic exercises in the database; generating {count:,} (seed {seed}) ...")
    started = time.perf_counter()
    synthetic.generate(count, seed, clear_first=True, progress=True)
    if connection.vendor == "postgresql":
        # What autovacuum would soon do: without it the planner sees the tables as they were before.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    log(f"Generated in {time.perf_counter() - started:.1f} s.")
    return count


def run(count: int, seed: int, repeat: int, verbose: bool, over_http: bool, log: Callable[[str], None]) -> str:
    """Ensure the data, ask every question every way, and return the report."""
    present = ensure_data(count, seed, log)
    dialect = Dialect(connection.vendor)
    asked = questions(dialect, pick_detail_slug(), pick_export_year())
    sqlite_file = settings.DATABASES["default"]["NAME"] if connection.vendor == "sqlite" else None
    skip_http = None
    if not over_http:
        skip_http = "HTTP and Datasette columns skipped (--no-http)."
    elif sqlite_file is None:
        skip_http = "HTTP and Datasette columns skipped: Datasette reads SQLite only."
    elif not os.path.isfile(str(sqlite_file)):
        skip_http = "HTTP and Datasette columns skipped: the SQLite database is not a file."
    details = []
    with override_settings(DEBUG=False, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        client = Client()
        results = [ask_in_process(client, q, repeat, verbose, details) for q in asked]
    if skip_http is None:
        # The servers read the file: what this process wrote must be committed (it is, outside tests).
        with ExitStack() as stack:
            api_port = stack.enter_context(gunicorn(free_port()))
            datasette_port = stack.enter_context(datasette(free_port(), str(sqlite_file)))
            ds = Datasette(datasette_port, str(sqlite_file))
            for result in results:
                ask_over_http(result, api_port, ds, repeat)
    header = describe_run(present, repeat, sqlite_file)
    return "\n".join([header, "", render(results, skip_http is None), "", *notes(results, skip_http), *details])


def ask_in_process(client: Client, question: Question, repeat: int, verbose: bool, details: list[str]) -> Result:
    api_body = api_get(client, question.path)
    queries = captured_queries(client, question.path)
    result = Result(question, measure(lambda: api_get(client, question.path), repeat), len(queries), len(api_body))
    floor = question.floor
    if floor is not None:
        floor_body = floor_answer(floor)
        result.problem = disagreement(question, api_body, floor_body)
        result.floor = measure(lambda: floor_answer(floor), repeat)
    if floor is not None and floor.kind == "csv":
        result.rows = api_body.count(b"\r\n") - 1
    if verbose:
        details += verbose_details(question, queries)
    return result


def ask_over_http(result: Result, api_port: int, ds: Datasette, repeat: int) -> None:
    question = result.question
    result.http = measure(lambda: http_get(api_port, question.path), repeat)
    if question.floor is not None:
        result.datasette = measure(lambda: ds.ask(question.floor), repeat)


def verbose_details(question: Question, queries: list[str]) -> list[str]:
    lines = ["", f"== {question.name}: {question.path}", f"-- {len(queries)} queries:"]
    lines += [f"   {sql[:400]}{' ...' if len(sql) > 400 else ''}" for sql in queries]
    main = main_query(queries)
    if main and question.floor and question.floor.kind == "page":
        lines += ["-- plan of the API's page query:", *(f"   {line}" for line in explain(main))]
        lines += ["-- floor SQL:", f"   {question.floor.sql}", "-- plan of the floor:"]
        lines += [f"   {line}" for line in explain(question.floor.sql, question.floor.params)]
    return lines


# -- The report --------------------------------------------------------------------------------------
def describe_run(present: int, repeat: int, sqlite_file) -> str:
    where = f"SQLite {sqlite_file}" if sqlite_file else f"{connection.vendor} {settings.DATABASES['default']['NAME']}"
    return (
        f"Exercise API benchmark: {present:,} synthetic exercises ({Exercise.objects.count():,} in all), "
        f"{where}; {repeat} timed runs per cell after one warm-up; DEBUG off.\n"
        "API: django.test.Client through the whole stack. Floor: one hand-written SQL query (+ the COUNT) "
        "encoded with orjson. Times in ms."
    )


def ms(timing: Timing | None, part: str = "median") -> str:
    return "" if timing is None else f"{getattr(timing, part):.1f}"


def ratio(numerator: Timing | None, denominator: Timing | None) -> str:
    if numerator is None or denominator is None or denominator.median == 0:
        return ""
    return f"{numerator.median / denominator.median:.1f}x"


def render(results: list[Result], with_http: bool) -> str:
    """A fixed-width table, one line per question."""
    headers = ["request", "median", "p95", "queries", "bytes", "floor", "floor p95", "API/floor"]
    if with_http:
        headers += ["HTTP", "HTTP p95", "Datasette", "HTTP/Datasette"]
    lines = []
    for r in results:
        cells = [r.question.name, ms(r.api), ms(r.api, "p95"), str(r.queries), f"{r.size:,}"]
        cells += [ms(r.floor), ms(r.floor, "p95"), ratio(r.api, r.floor)]
        if with_http:
            cells += [ms(r.http), ms(r.http, "p95"), ms(r.datasette), ratio(r.http, r.datasette)]
        lines.append(cells)
    widths = [max(len(row[i]) for row in [headers, *lines]) for i in range(len(headers))]

    def line(cells):
        first = cells[0].ljust(widths[0])
        return "  ".join([first, *(cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True))])

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, lines)])


def notes(results: list[Result], skip_http: str | None) -> list[str]:
    lines = ["Requests:"]
    lines += [f"  {r.question.name:<24} {r.question.path}" for r in results]
    for r in results:
        if r.rows is not None:
            rate = r.rows / (r.api.median / 1000) if r.api.median else 0
            lines.append(f"{r.question.name}: {r.rows:,} rows, {rate:,.0f} rows/s in process")
            if r.http:
                lines[-1] += f", {r.rows / (r.http.median / 1000):,.0f} rows/s over HTTP"
    if skip_http:
        lines.append(skip_http)
    for r in results:
        if r.problem:
            lines.append(f"WARNING {r.question.name}: the floor does not give the API's answer ({r.problem}).")
    return lines
