"""The load test: gunicorn with 2 workers, wrk reads for 10 s, an analyst writes, in a throwaway database."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import dj_database_url
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from knox.models import AuthToken

from devtools import loadtest

SECONDS = int(os.environ.get("LOAD_TEST_SECONDS", "10"))
needs_wrk = pytest.mark.skipif(not shutil.which("wrk"), reason="the load test needs wrk (Debian package wrk)")


@pytest.fixture(scope="session")
def prepared():
    """A throwaway database as the load test prepares it (migrated, fixtures, writer): (URL, token).
    Once per session: pytest-django runs this module's database test apart from the others."""
    with loadtest.throwaway_database(settings.DATABASES["default"]) as url:
        yield url, loadtest.in_database(url, "prepare").strip()


def writers_and_tokens(url: str) -> list[int]:
    """How many writers and tokens the database at ``url`` holds, read by a process of its own."""
    code = (
        "import django, json; django.setup(); from django.contrib.auth.models import User; "
        "from knox.models import AuthToken; from devtools.loadtest import WRITER; "
        "print(json.dumps([User.objects.filter(username=WRITER).count(), AuthToken.objects.count()]))"
    )
    env = loadtest.database_env(url)
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@needs_wrk
def test_mixed_reads_under_load_with_concurrent_writes_lose_nothing(prepared, capsys):
    report = loadtest.load(*prepared, seconds=SECONDS, workers=2, connections=16, slug="tsentr-2011")

    with capsys.disabled():
        print("\nload test:", *report.lines(), sep="\n  ")
    assert report.requests > 0
    assert report.read_errors == 0, report.wrk_output
    assert report.write_errors == [] and report.lost_writes == []
    assert report.writes_accepted >= 1


@pytest.mark.django_db
def test_writer_and_token_exist_only_in_the_throwaway_database(prepared):
    url, _ = prepared
    assert writers_and_tokens(url) == [1, 1]
    assert dj_database_url.parse(url)["NAME"] != connection.settings_dict["NAME"]
    assert not get_user_model().objects.filter(username=loadtest.WRITER).exists()
    assert not AuthToken.objects.exists()


def test_throwaway_database_is_removed_even_when_the_load_test_fails():
    with (
        pytest.raises(RuntimeError, match="wrk failed"),
        loadtest.throwaway_database(settings.DATABASES["default"]) as url,
    ):
        assert database_present(url)
        raise RuntimeError("wrk failed")
    assert not database_present(url)


def database_present(url: str) -> bool:
    """Whether the throwaway database at ``url`` is there: its folder (SQLite), its catalogue row (PostgreSQL)."""
    database = dj_database_url.parse(url)
    if database["ENGINE"].endswith("sqlite3"):
        return Path(database["NAME"]).parent.is_dir()
    import psycopg

    credentials = {key.lower(): database.get(key) or None for key in ("USER", "PASSWORD", "HOST", "PORT")}
    with psycopg.connect(dbname="postgres", **credentials) as server:
        return server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database["NAME"]]).fetchone() is not None
