"""Reads through PostgreSQL (or SQLite) replicas: a replica alias that mirrors the primary.

These run when DATABASE_REPLICA_URLS is set (``make test`` and ``.ci/run`` run them that way, with a
replica mirroring the test database); otherwise they skip, saying so.
"""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.test.utils import CaptureQueriesContext

from config.routers import PrimaryReplicaRouter
from config.routers import _unpin as new_request
from exercises.models import Exercise

REPLICAS = [alias for alias in settings.DATABASES if alias.startswith("replica")]


def test_replica_urls_become_mirrored_aliases_and_enable_the_router():
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(sorted(settings.DATABASES), settings.DATABASES['replica2']['TEST']['MIRROR'], settings.DATABASE_ROUTERS)"
    )
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "x",
        "DATABASE_URL": "postgres://u@primary:5432/db",
        "DATABASE_REPLICA_URLS": "postgres://u@replica-a:5432/db,postgres://u@replica-b:5432/db",
    }
    output = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert output.strip() == "['default', 'replica1', 'replica2'] default ['config.routers.PrimaryReplicaRouter']"


def test_router_sends_writes_to_the_primary_and_pins_reads_after_a_write(monkeypatch):
    router = PrimaryReplicaRouter()
    monkeypatch.setattr(router, "replicas", lambda: ["replica1"])
    new_request()
    assert router.db_for_read(Exercise) == "replica1"
    assert router.db_for_write(Exercise) == "default"
    assert router.db_for_read(Exercise) == "default"
    new_request()
    assert router.db_for_read(Exercise) == "replica1"


replica = pytest.mark.skipif(not REPLICAS, reason="no replica configured (set DATABASE_REPLICA_URLS)")


@replica
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_list_is_read_from_the_replica_and_sees_what_the_primary_wrote(client):
    call_command("loaddata", "sources", "states", "organisations", verbosity=0)
    Exercise.objects.using("default").create(slug="zapad-2013", name="Zapad-2013")

    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICAS[0]]) as mirror,
    ):
        response = client.get("/api/v1/exercises/", {"search": "Zapad"})
    assert [row["slug"] for row in response.json()["results"]] == ["zapad-2013"]
    assert [q for q in mirror.captured_queries if "exercises_exercise" in q["sql"]]
    assert not [q for q in primary.captured_queries if "exercises_exercise" in q["sql"]]
