"""bench: runs on a tiny data set and prints its table. The timings themselves are not tested."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings

from devtools import synthetic
from devtools.bench import floors
from devtools.bench.floors import Dialect, Floor, Question
from devtools.bench.runner import api_get

pytestmark = pytest.mark.django_db

REQUESTS = [
    "country + year",
    "all of two countries",
    "years + organisation",
    "troops range, by troops",
    "text search",
    "bounding box",
    "detail",
    "stats per year",
    "CSV export",
]


def bench(**options) -> str:
    out = io.StringIO()
    call_command("bench", count=200, seed=1, repeat=2, no_http=True, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def test_bench_prints_a_row_per_request_with_the_floor_ratio():
    report = bench()
    lines = report.splitlines()
    header = next(line for line in lines if line.startswith("request"))
    for column in ("median", "p95", "queries", "bytes", "floor", "API/floor"):
        assert column in header
    for name in REQUESTS:
        row = next(line for line in lines if line.startswith(name))
        if name not in ("detail",):
            assert row.rstrip().endswith("x"), row  # the API/floor ratio
    assert "skipped (--no-http)" in report


def test_bench_generates_the_synthetic_exercises_it_needs():
    bench()
    assert synthetic.synthetic_exercises().count() == 200


def test_floor_gives_the_api_answer_to_every_question():
    # Questions with no rows in so small a data set would agree trivially: these have some.
    synthetic.generate(300, seed=1)
    assert "WARNING" not in bench()


def test_disagreement_between_floor_and_api_is_reported():
    synthetic.generate(300, seed=1)
    dialect = Dialect(connection.vendor)
    right = next(q for q in floors.questions(dialect, "x", 2000) if q.name == "all of two countries")
    wrong_floor = Floor("page", right.floor.sql, right.floor.count, {**right.floor.params, "second": -1})
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        api = api_get(Client(), right.path)
    assert floors.disagreement(right, api, floors.floor_answer(right.floor)) is None
    wrong = Question(right.name, right.path, wrong_floor)
    assert floors.disagreement(wrong, api, floors.floor_answer(wrong_floor)).startswith("count")


def test_verbose_prints_the_queries_and_plans():
    report = bench(verbose=True)
    assert "plan of the API's page query" in report
    assert "plan of the floor" in report
