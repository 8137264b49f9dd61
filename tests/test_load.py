"""The load test in its short form: gunicorn with 2 workers, wrk reads for 10 s, an analyst writes."""

import os
import shutil

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from knox.models import AuthToken

from exercises.loadtest import run
from tests.conftest import FIXTURES

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which("wrk"), reason="the load test needs wrk (Debian package wrk)"),
]

SECONDS = int(os.environ.get("LOAD_TEST_SECONDS", "10"))


def test_mixed_reads_under_load_with_concurrent_writes_lose_nothing(django_user_model, capsys):
    call_command("loaddata", *FIXTURES, verbosity=0)
    writer = django_user_model.objects.create_user("writer", password="a-long-test-password")
    writer.user_permissions.add(Permission.objects.get(codename="change_exercise"))
    _, token = AuthToken.objects.create(user=writer)
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{database['NAME']}"
    else:
        url = "postgres://{USER}:{PASSWORD}@{HOST}:{PORT}/{NAME}".format(**database)

    report = run(url, token, seconds=SECONDS)

    with capsys.disabled():
        print("\nload test:", *report.lines(), sep="\n  ")
    assert report.requests > 0
    assert report.read_errors == 0, report.wrk_output
    assert report.write_errors == [] and report.lost_writes == []
    assert report.writes_accepted >= 1
