"""Numbered, frozen releases of the data: one CSV per table, a Frictionless Data Package descriptor and a
changelog against the previous release, written through Django's storage API (``storages["releases"]``:
a local folder by default, object storage when configured).

A release is a folder ``VERSION/`` in that storage. Its ``datapackage.json`` is written last and marks it
complete: a folder without one (a release that failed midway and could not be cleaned up) is never
listed. The registry of releases is the storage itself, so app servers keep no state of their own.

- **Versions** are one to three dot-separated numbers without leading zeros (``1``, ``1.2``, ``2025.1.0``)
  and each new one must be greater than every release before it (``1`` equals ``1.0``), so that the
  previous release is the same by version order and by creation time.
- **The snapshot** is read in one transaction (REPEATABLE READ, READ ONLY on PostgreSQL; a deferred
  read transaction on SQLite, which in WAL mode reads one snapshot without blocking writers), so the
  files agree with each other. Rows are streamed a chunk at a time into temporary files, hashed
  (SHA-256) as they are written, then saved to the storage.
- **The changelog** compares the exercises with the previous release's ``exercises.csv``: a slug that is
  new is *added*; one whose row differs is *changed* (an edit of a part raises the exercise's
  ``version``, so part edits show); one that is gone is *merged* when a live merge took it (``into``:
  the exercise it lives in now), else *removed*.
"""

import csv
import datetime
import decimal
import hashlib
import io
import json
import re
import tempfile
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from exercises import merges
from exercises.models import (
    Citation,
    Exercise,
    ExerciseMerge,
    ExerciseName,
    ExerciseRelation,
    ExternalIdentifier,
    Force,
    Location,
    Membership,
    Organisation,
    OrganisationParticipation,
    Participation,
    Scenario,
    Source,
    State,
    StateCode,
    StateName,
    TroopFigure,
)

STORAGE_ALIAS = "releases"
DESCRIPTOR = "datapackage.json"
CHANGELOG = "CHANGELOG.md"
CHANGES_JSON = "changes.json"
CHANGES_CSV = "changes.csv"
#: A version: one to three numbers, dot-separated, without leading zeros.
VERSION_PATTERN = re.compile(r"(0|[1-9]\d{0,5})(\.(0|[1-9]\d{0,5})){0,2}")
VERSION_RULE = "one to three dot-separated numbers without leading zeros, such as 1, 1.2 or 2025.1.0"
CHANGE_KINDS = ("added", "changed", "removed", "merged")
PACKAGE_NAME = "exercise-db"
PACKAGE_TITLE = "The reference database of military exercises"
CHUNK_SIZE = 2000
CONTENT_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".md": "text/markdown; charset=utf-8",
}


class ReleaseError(Exception):
    """A release that cannot be made: the message says why, in one line."""


# -- The tables ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Table:
    """One CSV of a release: a model's concrete fields (foreign keys as ids), plus readable keys of
    the records they point at (``extra``: column -> lookup), minus internal fields (``exclude``)."""

    name: str
    model: type[models.Model]
    extra: dict[str, str] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    description: str = ""

    def fields(self) -> list[models.Field]:
        return [f for f in self.model._meta.concrete_fields if f.name not in self.exclude]

    def columns(self) -> list[str]:
        return [f.attname for f in self.fields()] + list(self.extra)

    def queryset(self, using: str):
        lookups = [f.attname for f in self.fields()] + list(self.extra.values())
        return self.model._base_manager.using(using).order_by("pk").values_list(*lookups)


def _through(model_field, name: str, description: str) -> Table:
    return Table(name, model_field.remote_field.through, description=description)


#: Everything needed to rebuild the data; not the history, possible duplicates, merges' snapshots,
#: users or tokens. In dependency order (what a row points at comes first).
TABLES = [
    Table("sources", Source, description="The register of sources: articles, statements, data sets."),
    Table("states", State, description="States and territories with ISO 3166 codes."),
    Table("state-names", StateName, {"state_code": "state__code"}, description="Names states go by."),
    Table("state-codes", StateCode, {"state_code": "state__code"}, description="CoW and GW codes over time."),
    Table("organisations", Organisation, description="Alliances and organisations."),
    Table(
        "memberships",
        Membership,
        {"organisation_acronym": "organisation__acronym", "state_code": "state__code"},
        description="Membership periods of states in organisations.",
    ),
    Table("locations", Location, {"state_code": "state__code"}, description="Places exercises were held."),
    Table("exercises", Exercise, {"parent_slug": "parent__slug"}, description="Exercises and their phases."),
    Table("exercise-names", ExerciseName, {"exercise_slug": "exercise__slug"}, description="Alternative names."),
    Table(
        "exercise-relations",
        ExerciseRelation,
        {"from_slug": "from_exercise__slug", "to_slug": "to_exercise__slug"},
        description="Links between exercises.",
    ),
    Table(
        "external-identifiers",
        ExternalIdentifier,
        {"exercise_slug": "exercise__slug", "source_key": "source__key"},
        description="Data sets' own records of exercises.",
    ),
    _through(Exercise.locations.field, "exercise-locations", "Where each exercise was held."),
    Table(
        "participations",
        Participation,
        {"exercise_slug": "exercise__slug", "state_code": "state__code"},
        description="States taking part in exercises.",
    ),
    Table(
        "organisation-participations",
        OrganisationParticipation,
        {"exercise_slug": "exercise__slug", "organisation_acronym": "organisation__acronym"},
        description="Organisations taking part as bodies.",
    ),
    Table(
        "troop-figures",
        TroopFigure,
        {"exercise_slug": "exercise__slug", "state_code": "state__code"},
        description="Troop figures as sources give them.",
    ),
    Table("forces", Force, {"exercise_slug": "exercise__slug"}, description="Units and equipment."),
    Table("scenarios", Scenario, {"exercise_slug": "exercise__slug"}, description="Episodes of exercises."),
    _through(Scenario.locations.field, "scenario-locations", "Places of each episode."),
    _through(Scenario.states.field, "scenario-states", "States in each episode."),
    _through(Scenario.forces.field, "scenario-forces", "Forces in each episode."),
    Table("citations", Citation, {"source_key": "source__key"}, description="What each source supports."),
    Table(
        "merges",
        ExerciseMerge,
        {"kept_slug": "kept__slug"},
        exclude=("snapshot", "merged_by"),
        description="Exercises merged into others: a merged slug now answers with the kept exercise.",
    ),
]
TABLE_NAMES = {table.model: table.name for table in TABLES}
#: The app's models a release leaves out, by label: editors' work queues and feeds, not data.
OMITTED = {
    "exercises.possibleduplicate": "a queue of candidate duplicates for editors",
    "exercises.removal": "the deletions feed of clients that keep a copy; a release's changelog says what left",
}


# -- Schemas (Frictionless Table Schema) -------------------------------------------------------------
def field_type(model_field: models.Field) -> str:
    target = model_field.target_field if model_field.is_relation else model_field
    if isinstance(target, models.BooleanField):
        return "boolean"
    if isinstance(target, models.IntegerField):
        return "integer"
    if isinstance(target, models.DecimalField | models.FloatField):
        return "number"
    if isinstance(target, models.DateTimeField):
        return "datetime"
    if isinstance(target, models.DateField):
        return "date"
    if isinstance(target, models.JSONField):
        default = target.default() if callable(target.default) else target.default
        return "array" if isinstance(default, list) else "object"
    return "string"


def table_schema(table: Table) -> dict:
    fields = []
    foreign_keys = []
    for model_field in table.fields():
        entry = {"name": model_field.attname, "type": field_type(model_field)}
        if model_field.help_text:
            entry["description"] = str(model_field.help_text)
        if model_field.choices and not model_field.is_relation:
            entry["constraints"] = {"enum": [str(value) for value, _ in model_field.flatchoices]}
        fields.append(entry)
        target = model_field.related_model if model_field.is_relation else None
        if target in TABLE_NAMES:
            resource = "" if target is table.model else TABLE_NAMES[target]  # "": this resource itself
            foreign_keys.append({"fields": model_field.attname, "reference": {"resource": resource, "fields": "id"}})
    for column, lookup in table.extra.items():
        fields.append({"name": column, "type": "string", "description": f"{lookup.replace('__', ' ')}."})
    schema = {"fields": fields, "primaryKey": "id"}
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema


CHANGES_SCHEMA = {
    "fields": [
        {"name": "slug", "type": "string", "description": "The exercise's slug."},
        {"name": "change", "type": "string", "constraints": {"enum": list(CHANGE_KINDS), "required": True}},
        {"name": "into", "type": "string", "description": "Merged: the slug of the exercise it lives in now."},
    ]
}


# -- Cells and files ---------------------------------------------------------------------------------
def cell(value) -> str:
    """A value as the CSV writes it: empty for null, ISO 8601 for dates and times, JSON for JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, datetime.date | decimal.Decimal):
        return str(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


class HashingFile:
    """A temporary file that counts and hashes (SHA-256) what is written to it: constant memory."""

    def __init__(self):
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close(): it outlives this call)
        self.sha256 = hashlib.sha256()
        self.bytes = 0

    def write(self, data: bytes):
        self.file.write(data)
        self.sha256.update(data)
        self.bytes += len(data)

    def close(self):
        self.file.close()


class CSVSink:
    """Rows written as RFC 4180 CSV (UTF-8, CRLF) into a ``HashingFile``."""

    def __init__(self, columns: list[str]):
        self.out = HashingFile()
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\r\n")
        self.rows = 0
        self.writerow(columns)
        self.rows = 0

    def writerow(self, values):
        self.writer.writerow(values)
        self.out.write(self.buffer.getvalue().encode())
        self.buffer.seek(0)
        self.buffer.truncate()
        self.rows += 1


# -- Versions and the registry in storage ------------------------------------------------------------
def storage():
    return storages[STORAGE_ALIAS]


def open_file(name: str):
    """A stored file, opened for reading from its start (InMemoryStorage hands out one file object per
    name, wherever the last reader left it)."""
    file = storage().open(name, "rb")
    file.seek(0)
    return file


def version_key(version: str) -> tuple[int, int, int]:
    numbers = [int(part) for part in version.split(".")]
    return tuple(numbers + [0] * (3 - len(numbers)))


def is_version(value: str) -> bool:
    return VERSION_PATTERN.fullmatch(value) is not None


def versions() -> list[str]:
    """Complete releases, newest first."""
    try:
        folders, _ = storage().listdir("")
    except FileNotFoundError:  # a local folder not created yet: no release
        return []
    found = [name for name in folders if is_version(name) and storage().exists(f"{name}/{DESCRIPTOR}")]
    return sorted(found, key=version_key, reverse=True)


def descriptor(version: str) -> dict | None:
    """The release's datapackage.json, with its own size and SHA-256 (``_self``), or None if there is
    no complete release of that version."""
    if not is_version(version):
        return None
    name = f"{version}/{DESCRIPTOR}"
    try:
        with open_file(name) as file:
            content = file.read()
    except (FileNotFoundError, OSError):
        return None
    package = json.loads(content)
    package["_self"] = {"bytes": len(content), "sha256": hashlib.sha256(content).hexdigest()}
    return package


def release_files(package: dict) -> list[dict]:
    """Every file of a release: name, bytes, sha256 (the descriptor last)."""
    files = [
        {"name": resource["path"], "bytes": resource["bytes"], "sha256": resource["hash"].removeprefix("sha256:")}
        for resource in package["resources"]
    ]
    files += [
        {"name": extra["path"], "bytes": extra["bytes"], "sha256": extra["hash"].removeprefix("sha256:")}
        for extra in package.get("x-files", ())
    ]
    files.append({"name": DESCRIPTOR, **package["_self"]})
    return files


def content_type(filename: str) -> str:
    return next((value for suffix, value in CONTENT_TYPES.items() if filename.endswith(suffix)), "text/plain")


# -- Making a release ------------------------------------------------------------------------------
@contextmanager
def snapshot(using: str):
    """One transaction whose reads all see the same state of the database."""
    connection = connections[using]
    if connection.in_atomic_block:  # already inside one (a test, a caller's): it is the snapshot
        with transaction.atomic(using=using):
            yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    if connection.vendor == "sqlite":
        # Django would begin with the project's BEGIN IMMEDIATE (a write lock); a deferred transaction
        # takes a read snapshot at its first SELECT and lets writers go on (WAL).
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("COMMIT")
        return
    with transaction.atomic(using=using):
        yield


def row_digest(row: dict[str, str], columns: list[str]) -> str:
    return hashlib.sha256(json.dumps([row.get(c, "") for c in columns]).encode()).hexdigest()


@dataclass
class Previous:
    """What the changelog needs of the previous release: its version, columns and each slug's digest."""

    version: str
    created: str
    columns: list[str]
    digests: dict[str, str]


def read_previous(version: str) -> Previous:
    package = descriptor(version)
    with open_file(f"{version}/exercises.csv") as file:
        reader = csv.DictReader(io.TextIOWrapper(file, encoding="utf-8", newline=""))
        columns = [c for c in reader.fieldnames or () if c in TABLES_BY_NAME["exercises"].columns()]
        digests = {row["slug"]: row_digest(row, columns) for row in reader}
    return Previous(version, package["created"], columns, digests)


TABLES_BY_NAME = {table.name: table for table in TABLES}


def make_release(version: str, *, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Writes release ``version`` and answers its descriptor; all or nothing (ReleaseError: nothing written)."""
    if not is_version(version):
        raise ReleaseError(f"Bad version {version!r}: give {VERSION_RULE}.")
    existing = versions()
    same = next((v for v in existing if version_key(v) == version_key(version)), None)
    if same is not None:
        also = f" (as {same})" if same != version else ""
        raise ReleaseError(f"Release {version} exists already{also}: releases are frozen, give a new version.")
    if existing and version_key(version) <= version_key(existing[0]):
        raise ReleaseError(f"Version {version} is not after the latest release, {existing[0]}: give a greater one.")
    if _leftovers(version):
        raise ReleaseError(f"The storage holds an incomplete release {version}/: delete that folder first.")
    previous = read_previous(existing[0]) if existing else None
    written: list[str] = []
    try:
        with snapshot(using):
            created = timezone.now()
            resources, changes = _write_tables(version, previous, using, written)
            sources = _sources(using)
        extras = _write_changes(version, previous, changes, written)
        package = _package(version, created, resources, extras, sources, changes, previous)
        body = json.dumps(package, ensure_ascii=False, indent=2).encode()
        _save(f"{version}/{DESCRIPTOR}", ContentFile(body), written)  # last: marks the release complete
    except BaseException:
        for name in reversed(written):
            storage().delete(name)
        raise
    return package


def _leftovers(version: str) -> bool:
    try:
        folders, files = storage().listdir(version)
    except (FileNotFoundError, NotADirectoryError):
        return False
    return bool(folders or files)


def _save(name: str, content, written: list[str]):
    saved = storage().save(name, content)
    written.append(saved)
    if saved != name:  # the storage picked another name: someone else is writing this release
        raise ReleaseError(f"{name} appeared in the storage while the release was written.")


def _write_tables(version, previous, using, written) -> tuple[list[dict], list[dict]]:
    resources = []
    changes = []
    for table in TABLES:
        columns = table.columns()
        sink = CSVSink(columns)
        try:
            if table.name == "exercises":
                changes = _write_exercises(table, sink, columns, previous, using)
            else:
                for row in table.queryset(using).iterator(chunk_size=CHUNK_SIZE):
                    sink.writerow([cell(value) for value in row])
            path = f"{table.name}.csv"
            sink.out.file.seek(0)
            _save(f"{version}/{path}", File(sink.out.file, name=path), written)
        finally:
            sink.out.close()
        resources.append(
            {
                "name": table.name,
                "path": path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": sink.out.bytes,
                "hash": f"sha256:{sink.out.sha256.hexdigest()}",
                "description": table.description,
                "schema": table_schema(table),
                "x-rows": sink.rows,
            }
        )
    return resources, changes


def _write_exercises(table, sink, columns, previous, using) -> list[dict]:
    """Writes the exercises and answers the changes since ``previous`` (every exercise added if none)."""
    changes = []
    seen = set()
    compared = previous.columns if previous else columns
    for values in table.queryset(using).iterator(chunk_size=CHUNK_SIZE):
        row = dict(zip(columns, (cell(value) for value in values), strict=True))
        sink.writerow(row.values())
        slug = row["slug"]
        seen.add(slug)
        before = previous.digests.get(slug) if previous else None
        if before is None:
            changes.append({"slug": slug, "change": "added", "into": ""})
        elif before != row_digest(row, compared):
            changes.append({"slug": slug, "change": "changed", "into": ""})
    for slug in sorted(set(previous.digests) - seen) if previous else ():
        kept = merges.resolve_merged(slug)
        if kept is not None:
            changes.append({"slug": slug, "change": "merged", "into": kept.slug})
        else:
            changes.append({"slug": slug, "change": "removed", "into": ""})
    order = {kind: number for number, kind in enumerate(CHANGE_KINDS)}
    changes.sort(key=lambda change: (order[change["change"]], change["slug"]))
    return changes


def _sources(using) -> list[dict]:
    """The sources the data uses (data sets with records in it, documents cited), as the package's
    ``sources``. The register holds no licence: none is given (see README, Data releases)."""
    used = (
        Source.objects.using(using)
        .filter(
            Exists(ExternalIdentifier.objects.filter(source=OuterRef("pk")))
            | Exists(Citation.objects.filter(Q(source=OuterRef("pk")) | Q(via=OuterRef("pk"))))
        )
        .order_by("key")
    )
    entries = []
    for source in used:
        entry = {"title": str(source)}
        if source.url:
            entry["path"] = source.url
        entry["x-key"] = source.key
        entry["x-kind"] = source.kind
        entries.append(entry)
    return entries


def _write_changes(version, previous, changes, written) -> list[dict]:
    counts = Counter(change["change"] for change in changes)
    summary = {kind: counts.get(kind, 0) for kind in CHANGE_KINDS}
    files = []

    def save(name, body: bytes):
        _save(f"{version}/{name}", ContentFile(body), written)
        files.append({"path": name, "bytes": len(body), "hash": f"sha256:{hashlib.sha256(body).hexdigest()}"})

    sink = CSVSink(["slug", "change", "into"])
    try:
        for change in changes:
            sink.writerow([change["slug"], change["change"], change["into"]])
        sink.out.file.seek(0)
        _save(f"{version}/{CHANGES_CSV}", File(sink.out.file, name=CHANGES_CSV), written)
        changes_csv = {"path": CHANGES_CSV, "bytes": sink.out.bytes, "hash": f"sha256:{sink.out.sha256.hexdigest()}"}
    finally:
        sink.out.close()
    payload = {"version": version, "previous": previous.version if previous else None, "counts": summary}
    save(CHANGES_JSON, json.dumps({**payload, "changes": changes}, ensure_ascii=False, indent=1).encode())
    save(CHANGELOG, changelog_markdown(version, previous, changes, summary).encode())
    return [changes_csv, *files]


def changelog_markdown(version, previous, changes, summary) -> str:
    lines = [f"# Release {version}", ""]
    if previous is None:
        lines += [f"First release: {summary['added']} exercises, all added.", ""]
        return "\n".join(lines)
    lines += [f"Changes since release {previous.version} ({previous.created[:10]}):", ""]
    lines += [f"- {summary[kind]} {kind}" for kind in CHANGE_KINDS]
    for kind in CHANGE_KINDS:
        slugs = [c for c in changes if c["change"] == kind]
        if slugs:
            lines += ["", f"## {kind.capitalize()}", ""]
            lines += [f"- {c['slug']}" + (f" → {c['into']}" if c["into"] else "") for c in slugs]
    return "\n".join(lines) + "\n"


def _package(version, created, resources, extras, sources, changes, previous) -> dict:
    changes_resource = next(extra for extra in extras if extra["path"] == CHANGES_CSV)
    counts = Counter(change["change"] for change in changes)
    package = {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": PACKAGE_TITLE,
        "version": version,
        "created": created.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z"),
        "description": "Every table of the database of military exercises, frozen at this release.",
    }
    licence = getattr(settings, "RELEASES_LICENSE", "")
    if licence:
        package["licenses"] = [{"name": licence}]
    package["sources"] = sources
    package["resources"] = [
        *resources,
        {
            "name": "changes",
            "path": CHANGES_CSV,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": changes_resource["bytes"],
            "hash": changes_resource["hash"],
            "description": "Exercises added, changed, removed and merged since the previous release.",
            "schema": CHANGES_SCHEMA,
            "x-rows": len(changes),
        },
    ]
    package["x-files"] = [extra for extra in extras if extra["path"] != CHANGES_CSV]
    package["x-changes"] = {
        "previous": previous.version if previous else None,
        **{kind: counts.get(kind, 0) for kind in CHANGE_KINDS},
    }
    return package
