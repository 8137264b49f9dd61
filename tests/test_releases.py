"""Data releases (exercises.releases, manage.py make_release): valid Frictionless Data Packages, the
SHA-256 of each file, the changelog between two releases, all or nothing, storage API only."""

import csv
import hashlib
import io
import json

import pytest
from django.apps import apps
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from frictionless import validate

from exercises import merges, releases
from exercises.models import Exercise
from tests import factories

pytestmark = pytest.mark.django_db

IN_MEMORY = {"BACKEND": "django.core.files.storage.InMemoryStorage"}


@pytest.fixture
def in_memory(settings):
    """The releases storage is Django's InMemoryStorage: nothing reaches a disk but through the storage API."""
    settings.STORAGES = {**settings.STORAGES, "releases": IN_MEMORY}
    return storages["releases"]


@pytest.fixture
def on_disk(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "releases": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path


def read(storage, name: str) -> bytes:
    with storage.open(name, "rb") as file:
        return file.read()


def rows(storage, name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(read(storage, name).decode())))


def changes(storage, version: str) -> set[tuple[str, str, str]]:
    return {(row["slug"], row["change"], row["into"]) for row in rows(storage, f"{version}/changes.csv")}


def test_release_of_the_fixtures_is_a_valid_data_package(on_disk):
    call_command("make_release", "1.0", stdout=io.StringIO())
    report = validate(on_disk / "1.0" / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_release_of_factory_exercises_is_a_valid_data_package(on_disk):
    phase_of = factories.exercise(["KAZ", ("RUS", "lead")], troops=5000, name="Whole")
    factories.exercise(["BLR"], parent=phase_of, name="Phase, with a comma")
    factories.exercise(name='Quoted "name"\nover two lines')
    call_command("make_release", "1", stdout=io.StringIO())
    report = validate(on_disk / "1" / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_a_corrupted_file_fails_validation(on_disk):
    """The validation test can fail: frictionless checks each file's bytes and SHA-256 against the descriptor."""
    call_command("make_release", "1.0", stdout=io.StringIO())
    path = on_disk / "1.0" / "exercises.csv"
    path.write_bytes(path.read_bytes().replace(b"Tsentr", b"Centre"))
    assert not validate(on_disk / "1.0" / "datapackage.json").valid


def test_every_file_has_its_true_size_and_sha256(in_memory):
    package = releases.make_release("1.0")
    files = releases.release_files(releases.descriptor("1.0"))
    assert {f["name"] for f in files} >= {"exercises.csv", "changes.csv", "CHANGELOG.md", "datapackage.json"}
    for file in files:
        content = read(in_memory, f"1.0/{file['name']}")
        assert (file["bytes"], file["sha256"]) == (len(content), hashlib.sha256(content).hexdigest()), file["name"]
    assert package["resources"][0]["hash"].startswith("sha256:")


def test_one_csv_per_table_with_the_models_fields_and_readable_keys(in_memory):
    releases.make_release("1.0")
    participations = rows(in_memory, "1.0/participations.csv")
    assert {"id", "exercise_id", "state_id", "role", "exercise_slug", "state_code"} <= set(participations[0])
    assert ("tsentr-2011", "KAZ") in {(row["exercise_slug"], row["state_code"]) for row in participations}
    assert len(rows(in_memory, "1.0/exercises.csv")) == Exercise.objects.count()


def test_every_model_of_the_app_is_a_table_or_left_out_on_purpose():
    tabled = {table.model for table in releases.TABLES}
    models = [
        model
        for model in apps.get_app_config("exercises").get_models(include_auto_created=True)
        if not model.__name__.startswith("Historical")
    ]
    missing = [model._meta.label_lower for model in models if model not in tabled]
    assert sorted(set(missing) - set(releases.OMITTED)) == []


def test_data_sets_used_are_listed_as_the_packages_sources(in_memory):
    package = releases.make_release("1.0")
    keys = {source["x-key"] for source in package["sources"]}
    assert "kucera-2011-csto-vision" in keys
    assert all(source["title"] for source in package["sources"])


def test_first_release_lists_every_exercise_as_added(in_memory):
    releases.make_release("1.0")
    assert changes(in_memory, "1.0") == {
        (slug, "added", "") for slug in Exercise.objects.values_list("slug", flat=True)
    }
    assert read(in_memory, "1.0/CHANGELOG.md").decode().startswith("# Release 1.0\n\nFirst release")


def test_changelog_lists_exercises_added_changed_removed_and_merged(in_memory):
    kept, other = factories.exercise(name="Kept"), factories.exercise(name="Other")
    removed, changed = factories.exercise(name="Removed"), factories.exercise(name="Changed")
    releases.make_release("1.0")
    added = factories.exercise(name="Added")
    changed.notes = "Checked."
    changed.save()
    removed_slug = removed.slug
    removed.delete()
    merges.merge_exercises(Exercise.objects.get(pk=kept.pk), Exercise.objects.get(pk=other.pk), by="test")

    package = releases.make_release("1.1")

    assert changes(in_memory, "1.1") == {
        (added.slug, "added", ""),
        (changed.slug, "changed", ""),
        (kept.slug, "changed", ""),
        (removed_slug, "removed", ""),
        (other.slug, "merged", kept.slug),
    }
    assert package["x-changes"] == {"previous": "1.0", "added": 1, "changed": 2, "removed": 1, "merged": 1}
    recorded = json.loads(read(in_memory, "1.1/changes.json"))
    assert (recorded["previous"], len(recorded["changes"])) == ("1.0", 5)
    assert f"- {other.slug} → {kept.slug}" in read(in_memory, "1.1/CHANGELOG.md").decode()


def test_unchanged_data_makes_an_empty_changelog(in_memory):
    releases.make_release("1.0")
    releases.make_release("1.0.1")
    assert changes(in_memory, "1.0.1") == set()


@pytest.mark.parametrize("version", ["v1", "1.02", "1.2.3.4", "../1", "1.0/..", "", "1..2"])
def test_bad_version_exits_with_one_line_and_writes_nothing(in_memory, version):
    with pytest.raises(CommandError, match=r"^Bad version .*: give one to three") as raised:
        call_command("make_release", version, stdout=io.StringIO())
    assert "\n" not in str(raised.value)
    assert in_memory.listdir("") == ([], [])


@pytest.mark.parametrize("version, reason", [("1.0", "exists already"), ("1", "exists already"), ("0.9", "not after")])
def test_existing_or_earlier_version_is_refused(in_memory, version, reason):
    releases.make_release("1.0")
    before = in_memory.listdir("")
    with pytest.raises(CommandError, match=reason):
        call_command("make_release", version, stdout=io.StringIO())
    assert in_memory.listdir("") == before


def test_failure_midway_leaves_no_release_and_no_file(in_memory, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(releases, "_sources", fail)  # after every table is written
    with pytest.raises(RuntimeError):
        releases.make_release("1.0")
    assert releases.versions() == []
    _, files = in_memory.listdir("1.0")
    assert files == []


def test_folder_without_descriptor_is_not_a_release_and_blocks_its_version(in_memory):
    in_memory.save("2.0/exercises.csv", io.BytesIO(b"slug\r\n"))
    assert releases.versions() == []
    with pytest.raises(releases.ReleaseError, match="incomplete release 2.0"):
        releases.make_release("2.0")


def test_releases_are_listed_newest_version_first(in_memory):
    for version in ("1", "1.2", "1.10"):
        releases.make_release(version)
    assert releases.versions() == ["1.10", "1.2", "1"]
