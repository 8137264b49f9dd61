"""The run: ensure the data, time every question every way, and render the report."""

import math
import os
import statistics
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from devtools import synthetic
from devtools.bench import BenchError
from devtools.bench.floors import (
    Dialect,
    Question,
    disagreement,
    floor_answer,
    pick_detail_slug,
    pick_export_year,
    questions,
)
from devtools.bench.servers import Datasette, datasette, gunicorn, hint, http_get
from devtools.loadtest import free_port
from exercises.models import Exercise, State


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
