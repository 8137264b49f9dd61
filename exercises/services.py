"""Writes' shared rules: an exercise's derived fields and the check of the version an edit was based on.

Every path that writes exercises calls these and repeats neither rule: the signals (model saves and
``loaddata``), the admin's form, the API's writes, the importers and the synthetic generator.

- ``derive_dates(exercise)``: year, span_start and span_end of an instance about to be written.
- ``refresh_derived(ids)``: the same fields, and ``reported_troops``, recomputed in the database for a
  set of exercises after their dates, parents or troop figures were written in bulk.
- ``check_version(exercise, expected)``: optimistic locking; ``StaleVersion`` if someone else's edit
  came first.
"""

from collections.abc import Collection, Iterable, Iterator

from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from exercises import dates
from exercises.models import Exercise, TroopFigure

#: Exercises per statement when a set of them is refreshed (well under every database's parameter limit).
BATCH = 500

#: The columns ``derive_dates`` sets.
DERIVED_DATES = ("year", "span_start", "span_end")


class StaleVersion(Exception):
    """The exercise has changed since the version an edit was based on."""

    def __init__(self, current: int | None):
        super().__init__(f"the exercise is now at version {current}")
        self.current = current


def derived_dates(start, end, end_precision, year, parent: dict | None = None) -> tuple:
    """(year, span_start, span_end) of an exercise: the widest span its partial dates allow ("September
    2011" runs from 1 to 30 September; a missing start or end opens the span to the start or end of the
    year). A phase with no dates of its own takes its parent's year and span (``parent``: the parent's
    derived values), when the parent has a year."""
    if start is None and end is None and parent and parent.get("year"):
        return parent["year"], parent["span_start"], parent["span_end"]
    return dates.span(start, end, end_precision, year)


def derive_dates(exercise: Exercise, parent: dict | None = None) -> None:
    """Set the derived dates of an instance about to be written (its dates truncated to their precision
    first). ``parent``: the parent's (year, span_start, span_end) as a dict, where the caller has it;
    otherwise a phase without dates reads it from the database."""
    exercise.start_date = dates.truncate(exercise.start_date, exercise.start_precision)
    exercise.end_date = dates.truncate(exercise.end_date, exercise.end_precision)
    if parent is None and exercise.parent_id and exercise.start_date is None and exercise.end_date is None:
        parent = Exercise.objects.filter(pk=exercise.parent_id).values(*DERIVED_DATES).first()
    exercise.year, exercise.span_start, exercise.span_end = derived_dates(
        exercise.start_date, exercise.end_date, exercise.end_precision, exercise.year, parent
    )


def reported_troops() -> Subquery:
    """An exercise's reported troop figure (the outer query's row): the low end, or the high end where
    only that is known, of its figure flagged reported for the whole exercise."""
    return Subquery(
        TroopFigure.objects.filter(exercise=OuterRef("pk"), is_reported=True, state__isnull=True)
        .annotate(headline=Coalesce("low", "high"))
        .values("headline")[:1]
    )


def headline(low: int | None, high: int | None) -> int | None:
    """The same rule as :func:`reported_troops`, for a figure held in memory (a generator's row)."""
    return low if low is not None else high


def batches(items: Iterable, size: int = BATCH) -> Iterator[list]:
    """``items`` in lists of at most ``size`` (statements stay under every database's parameter limit)."""
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


#: What :func:`refresh_derived` can recompute: an exercise's own year and span from its dates; the year
#: and span of its undated phases from its own; its reported troops from its reported figure.
DERIVED = ("dates", "phases", "troops")


def refresh_derived(exercise_ids: Iterable[int], *, fields: Collection[str] = DERIVED, **also) -> None:
    """Recompute the derived ``fields`` (of :data:`DERIVED`) of these exercises from what the database
    holds now; only rows whose dates change are written. ``also``: more columns set in the
    reported-troops UPDATE (an import's ``updated_at``, a ``version`` raised by an edit of a part), so a
    refresh after a write costs no statement more.
    """
    unknown = set(fields) - set(DERIVED)
    if unknown:
        raise ValueError(f"no derived fields {sorted(unknown)}; choose from {DERIVED}")
    for ids in batches(dict.fromkeys(exercise_ids)):
        if "dates" in fields:
            _refresh_dates(ids)
        if "phases" in fields:
            _follow_parents(ids)
        if "troops" in fields or also:
            updates = ({"reported_troops": reported_troops()} if "troops" in fields else {}) | also
            Exercise.objects.filter(pk__in=ids).update(**updates)


def _refresh_dates(ids: list[int]) -> None:
    columns = ("pk", "start_date", "end_date", "end_precision", "parent_id", *DERIVED_DATES)
    rows = Exercise.objects.filter(pk__in=ids).values(*columns)
    # Undated phases are _follow_parents' business (their parent may be among these, its span changing).
    _write_changed(row for row in rows if not (row["parent_id"] and not row["start_date"] and not row["end_date"]))


def _follow_parents(ids: list[int]) -> None:
    """Undated phases of these exercises (or among them) take their parent's year and span."""
    parent = [f"parent__{name}" for name in DERIVED_DATES]
    rows = (
        Exercise.objects.filter(Q(parent_id__in=ids) | Q(pk__in=ids), parent__isnull=False)
        .filter(start_date__isnull=True, end_date__isnull=True)
        .values("pk", "start_date", "end_date", "end_precision", *DERIVED_DATES, *parent)
    )
    _write_changed(rows, parents=True)


def _write_changed(rows: Iterable[dict], parents: bool = False) -> None:
    """Write the derived dates of the rows whose values :func:`derived_dates` changes, and only those."""
    changed = []
    for row in rows:
        parent = {name: row[f"parent__{name}"] for name in DERIVED_DATES} if parents else None
        values = derived_dates(row["start_date"], row["end_date"], row["end_precision"], row["year"], parent)
        if values != tuple(row[name] for name in DERIVED_DATES):
            changed.append(Exercise(pk=row["pk"], **dict(zip(DERIVED_DATES, values, strict=True))))
    if changed:
        Exercise.objects.bulk_update(changed, DERIVED_DATES, batch_size=BATCH)


def check_version(exercise: Exercise, expected: Collection[int] | None, *, reread: bool = True) -> int:
    """The exercise's version, its row locked until the transaction ends (PostgreSQL; SQLite serialises
    writers), so no other save slips in between this check and the write.

    ``expected``: the versions the edit may be based on (``None``: any). ``reread=False`` where the
    instance was itself read under the lock (the API's writes). Raises :class:`StaleVersion`.
    """
    current = exercise.version
    if reread:
        current = Exercise.objects.select_for_update().filter(pk=exercise.pk).values_list("version", flat=True).first()
    if current is None or (expected is not None and current not in expected):
        raise StaleVersion(current)
    exercise.version = current
    return current
