"""Writing planned rows fast: primary keys handed out in advance, exercises through ``bulk_create``,
the millions of rows attached to them through one ``executemany`` per table."""

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone
from tqdm import tqdm

from exercises import services
from exercises.models import (
    Citation,
    Exercise,
    ExerciseName,
    ExerciseRelation,
    Force,
    Location,
    Participation,
    Scenario,
    Source,
    TroopFigure,
)

if TYPE_CHECKING:
    from devtools.synthetic.planner import Planner


class Ids:
    """Primary keys handed out in advance, after the highest in each table.

    Rows link by these ids as they are planned, so nothing waits for the database to return keys.
    The generator runs in one transaction on a database nobody else writes to meanwhile.
    """

    def __init__(self):
        self.next: dict[type, int] = {}

    def __call__(self, model) -> int:
        if model not in self.next:
            self.next[model] = (model.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 1
        value = self.next[model]
        self.next[model] = value + 1
        return value


def insert_statement(model) -> tuple[str, list[str], dict]:
    """The INSERT for every column of ``model``, the columns' attribute names and their fixed defaults."""
    fields = model._meta.concrete_fields
    defaults = {}
    for model_field in fields:
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
            defaults[model_field.attname] = model_field.get_db_prep_save(timezone.now(), connection)
        elif not (model_field.has_default() and callable(model_field.default)):  # a fresh key comes with the row
            defaults[model_field.attname] = model_field.get_db_prep_save(model_field.get_default(), connection)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
    return sql, [f.attname for f in fields], defaults


def insert_rows(model, rows: list[dict], batch_size: int) -> int:
    """Insert plain rows (attribute name -> database value), batch by batch, with ``executemany``.

    Child rows are written this way rather than with ``bulk_create``: building a model instance
    per row and compiling each of its values took two thirds of the time (194 s for 100,000
    exercises, against ~70 s). Columns a row leaves out get the field's default, as with
    ``bulk_create``; the values given are ids, text, numbers and booleans, which need no conversion.
    """
    sql, names, defaults = insert_statement(model)
    with connection.cursor() as cursor:
        for first in range(0, len(rows), batch_size):
            batch = rows[first : first + batch_size]
            cursor.executemany(sql, [[row[n] if n in row else defaults[n] for n in names] for row in batch])
    return len(rows)


#: Insertion order of the rows attached to exercises: every row after the rows it points at.
CHILDREN = (
    Participation,
    TroopFigure,
    ExerciseName,
    ExerciseRelation,
    Scenario,
    Force,
    Exercise.locations.through,
    Scenario.states.through,
    Scenario.locations.through,
    Scenario.forces.through,
    Citation,
)


@dataclass
class Chunk:
    """A run of planned exercises (unsaved instances, their derived fields set) and the rows attached to
    them (plain dicts), in planning order: a parent before its phases."""

    exercises: list[Exercise] = field(default_factory=list)
    rows: dict[type, list[dict]] = field(default_factory=lambda: {model: [] for model in CHILDREN})

    @property
    def size(self) -> int:
        return len(self.exercises)

    def write(self, batch_size: int) -> Counter:
        Exercise.objects.bulk_create(self.exercises, batch_size=batch_size)
        written = Counter({Exercise._meta.label: self.size})
        for model in CHILDREN:
            written[model._meta.label] += insert_rows(model, self.rows[model], batch_size)
        # Who attests each exercise, and what its sources dispute: read back from the rows just written.
        services.refresh_derived([exercise.pk for exercise in self.exercises], fields=("sources",))
        return written


def write(planner: "Planner", count: int, batch_size: int, progress: bool) -> Counter:
    """The pools of sources and places, then the exercises chunk by chunk, behind a progress bar."""
    written = Counter()
    for model, pool in [(Source, planner.sources), (Location, planner.locations)]:
        model.objects.bulk_create(pool, batch_size=batch_size)
        written[model._meta.label] = len(pool)
    with tqdm(total=count, unit=" exercises", disable=not progress, smoothing=0.1) as bar:
        for chunk in planner.chunks(count):
            written += chunk.write(batch_size)
            bar.update(chunk.size)
    reset_sequences()
    return written


def reset_sequences() -> None:
    """Move PostgreSQL's id sequences past the keys handed out here (SQLite follows by itself)."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Source, Location, Exercise, *CHILDREN]):
            cursor.execute(statement)
