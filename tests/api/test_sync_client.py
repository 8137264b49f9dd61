"""The README's sync client, run as printed against a live server while exercises are created, edited,
deleted, merged and split back off: after each run the mirror holds every exercise exactly as the API
lists it now."""

import datetime as dt
import json
import re
import urllib.request
from pathlib import Path

import pytest
from django.db import transaction

from exercises import merges
from exercises.models import Exercise, Participation, State
from tests.factories import exercise

README = Path(__file__).resolve().parents[2] / "README.md"


def client_code() -> str:
    """The Python block of the README's "Keeping a copy in step" section, as printed."""
    section = README.read_text(encoding="utf-8").split("\n## Keeping a copy in step\n", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.fixture
def client(live_server, fixtures_loaded, tmp_path):
    namespace = {"__name__": "sync_client"}
    exec(compile(client_code(), str(README), "exec"), namespace)
    namespace["PAGE_SIZE"] = 2  # many pages, so that edits land between them
    namespace["OVERLAP"] = dt.timedelta(0)  # every write here is committed at once: read only what changed
    api, path = f"{live_server.url}/api/v1/", tmp_path / "exercises.json"
    namespace["run"] = lambda: namespace["sync"](api, path)
    namespace["now"] = lambda: {
        row["slug"]: row for row in namespace["rows"](api + "exercises/", phases="rows", ordering="updated_at")
    }
    namespace["path"] = path
    return namespace


def build(count: int) -> list[Exercise]:
    return [exercise(participants=["KAZ"], year=2011) for _ in range(count)]


def rename(item: Exercise, name: str) -> None:
    item.name = name
    item.save()


def test_a_first_run_mirrors_every_exercise(client):
    build(3)
    mirror = client["run"]()
    assert mirror["exercises"] == client["now"]()
    assert len(mirror["exercises"]) == Exercise.objects.count()


def test_edits_deletions_and_a_merge_between_runs_are_followed(client):
    items = build(6)
    client["run"]()
    rename(items[0], "Renamed between runs")
    Participation.objects.create(exercise=items[1], state=State.objects.lookup("RUS"))  # a part: the exercise moves
    items[2].delete()
    merges.merge_exercises(items[3], items[4], by="test", reason="the same exercise")
    added = exercise(participants=["BLR"], year=2012)
    rows, read = client["rows"], []
    client["rows"] = lambda url, **query: (read.append(row["slug"]) or row for row in rows(url, **query))

    mirror = client["run"]()
    client["rows"] = rows

    assert mirror["exercises"] == client["now"]()
    assert mirror["exercises"][items[0].slug]["name"] == "Renamed between runs"
    assert "RUS" in mirror["exercises"][items[1].slug]["participants"]
    assert items[2].slug not in mirror["exercises"] and items[4].slug not in mirror["exercises"]
    changed = {items[0].slug, items[1].slug, items[3].slug, added.slug}
    assert changed <= set(read) <= changed | {items[5].slug, items[2].slug, items[4].slug}  # + the last one read before


def test_an_exercise_split_back_off_a_merge_comes_back(client):
    keep, other = build(2)
    client["run"]()
    merge = merges.merge_exercises(keep, other, by="test", reason="looked the same")
    client["run"]()
    merges.split(merge, by="test")

    mirror = client["run"]()

    assert mirror["exercises"] == client["now"]()
    assert other.slug in mirror["exercises"]


def test_edits_while_a_run_pages_are_caught_by_that_run_or_the_next(client, monkeypatch):
    items = build(9)
    client["run"]()
    urlopen, calls = urllib.request.urlopen, []

    def edit_between_pages(url, *args, **kwargs):
        calls.append(url)
        if len(calls) == 2:  # the first page read: edit rows before and after the cursor, delete two
            with transaction.atomic():
                rename(items[0], "Edited while paging")
                rename(items[8], "Also edited while paging")
                items[4].delete()
                items[5].delete()
                exercise(participants=["UZB"], year=2013, slug="created-while-paging")
        return urlopen(url, *args, **kwargs)

    monkeypatch.setattr(urllib.request, "urlopen", edit_between_pages)
    for item in items[1:4]:  # several pages of changes: the edits land after the first
        rename(item, "Edited before the run")
    client["run"]()
    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    mirror = client["run"]()

    assert len(calls) > 2
    assert mirror["exercises"] == client["now"]()
    assert {"created-while-paging", items[0].slug, items[8].slug} <= set(mirror["exercises"])
    assert not {items[4].slug, items[5].slug} & set(mirror["exercises"])


def test_a_copy_older_than_the_deletions_kept_starts_over(client, settings):
    items = build(3)
    client["run"]()
    items[0].delete()
    copy = json.loads(client["path"].read_text())
    copy["since"] = (dt.datetime.now(dt.UTC) - dt.timedelta(days=settings.DELETIONS_RETENTION_DAYS + 1)).isoformat()
    copy["exercises"]["no-longer-anywhere"] = {"slug": "no-longer-anywhere", "updated_at": copy["since"]}
    client["path"].write_text(json.dumps(copy))

    mirror = client["run"]()

    assert mirror["exercises"] == client["now"]()
    assert "no-longer-anywhere" not in mirror["exercises"]
