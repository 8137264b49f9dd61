"""The load test in its short form: gunicorn with 2 workers, wrk reads for 10 s, an analyst writes."""

import os
import shutil

import pytest
from django.db import connection

from exercises.loadtest import database_url, run, writer_token

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which("wrk"), reason="the load test needs wrk (Debian package wrk)"),
]

SECONDS = int(os.environ.get("LOAD_TEST_SECONDS", "10"))


def test_mixed_reads_under_load_with_concurrent_writes_lose_nothing(fixtures_loaded, capsys):
    report = run(database_url(connection.settings_dict), writer_token(), seconds=SECONDS)

    with capsys.disabled():
        print("\nload test:", *report.lines(), sep="\n  ")
    assert report.requests > 0
    assert report.read_errors == 0, report.wrk_output
    assert report.write_errors == [] and report.lost_writes == []
    assert report.writes_accepted >= 1
