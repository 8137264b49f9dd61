"""Writes' shared rules: an exercise's derived fields and the check of the version an edit was based on.

Every path that writes exercises calls these and repeats neither rule: the signals (model saves and
``loaddata``), the admin's form, the API's writes, the importers and the synthetic generator.

- ``derive_dates(exercise)``: year, span_start and span_end of an instance about to be written.
- ``refresh_derived(ids)``: the same fields, and ``reported_troops``, recomputed in the database for a
  set of exercises after their dates, parents or troop figures were written in bulk; with
  ``edited=True`` they (and the whole exercises they are phases of) count as edited: ``version`` and
  ``updated_at`` move (``edited_columns``).
- ``check_version(exercise, expected)``: optimistic locking; ``StaleVersion`` if someone else's edit
  came first.

How many sources attest an exercise, and where they disagree (``refresh_derived(..., fields=("sources",))``)
    ``source_count`` counts (and ``source_keys`` names) the distinct sources of the citations of the
    exercise and of its parts (participations, organisations taking part, troop figures, scenarios,
    forces) and of its source records (``ExternalIdentifier``). The ``disputed_*`` flags say that two sources disagree:

    - participants: two sources that each name at least two participants (states or organisations
      taking part, through their citations) name different sets. A source that names one participant
      speaks of that one (a state television on its own contingent), not of who else was absent.
    - dates: two source records give a start, or an end, whose periods exclude each other; a date
      known to the month agrees with every day of that month (``1991-05`` and ``1991-05-12`` agree).
    - places: two source records both name places and no place of one meets a place of the other
      (the same text once case and punctuation are ignored, or one's words contained in the other's:
      "Chelyabinsk" meets "Chelyabinsk, Russia").
    - troops: two sources give whole-exercise troop figures whose ranges do not overlap ("about" is
      taken as 10% either way, "at least" as unbounded above, "up to" as from zero).
"""

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator

from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from exercises import dates
from exercises.choices import Qualifier
from exercises.models import Citation, Exercise, ExternalIdentifier, Source, TroopFigure, normalize_name
from exercises.models.base import DatabaseNow

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
#: and span of its undated phases from its own; its reported troops from its reported figure; the
#: number of sources that attest it and the fields they dispute.
DERIVED = ("dates", "phases", "troops", "sources")


def edited_columns() -> dict:
    """The columns an edit of an exercise or of one of its parts sets: its edit ``version`` is raised
    (stale forms and ETags must see it) and ``updated_at`` moves, by the database's clock."""
    return {"version": F("version") + 1, "updated_at": DatabaseNow()}


def refresh_derived(
    exercise_ids: Iterable[int], *, fields: Collection[str] = DERIVED, edited: bool = False, **also
) -> None:
    """Recompute the derived ``fields`` (of :data:`DERIVED`) of these exercises from what the database
    holds now; only rows whose dates change are written. ``edited``: the exercises or their parts were
    written in bulk or by a part's save, so they count as edited (:func:`edited`), and so do the whole
    exercises they are phases of (a list row shows a whole exercise with its phases' parts).
    ``also``: more columns set. Both go into the reported-troops UPDATE, so a refresh after a write costs
    no statement more.
    """
    unknown = set(fields) - set(DERIVED)
    if unknown:
        raise ValueError(f"no derived fields {sorted(unknown)}; choose from {DERIVED}")
    if edited:
        also = edited_columns() | also
    for ids in batches(dict.fromkeys(exercise_ids)):
        if "dates" in fields:
            _refresh_dates(ids)
        if "phases" in fields:
            _follow_parents(ids)
        if "troops" in fields or also:
            updates = ({"reported_troops": reported_troops()} if "troops" in fields else {}) | also
            rows = Q(pk__in=ids)
            if edited:
                rows |= Q(pk__in=Exercise.objects.filter(pk__in=ids, parent__isnull=False).values("parent_id"))
            Exercise.objects.filter(rows).update(**updates)
        if "sources" in fields:
            _refresh_sources(ids)


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


# -- Curation -----------------------------------------------------------------------------------------
#: The exercise's own fields an import keeps in step with the source it follows (``curated_from``).
CURATED_FIELDS = (
    "name",
    "name_is_descriptive",
    "series",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
    *Exercise.DOMAIN_FLAGS,
    *Exercise.FOCUS_FLAGS,
    "purpose",
    "description",
    "participants_note",
    "troops_text",
    "needs_review",
    "review_notes",
)


def keep_analyst_edit(exercise: Exercise, changed: Iterable[str]) -> bool:
    """An analyst who changes one of the fields an import keeps in step takes the exercise's fields
    over: ``curated_from`` becomes empty, so that no later import undoes the edit (the source's values
    stay in its record). Called by the admin's form and the API's writes before they save; returns
    whether it took the exercise over."""
    if exercise.curated_from_id is None or not set(changed) & set(CURATED_FIELDS):
        return False
    exercise.curated_from = None
    return True


# -- Sources and disputes -----------------------------------------------------------------------------
#: The parts whose citations attest an exercise (each has ``exercise_id``).
ATTESTED_PARTS = ("participation", "organisation_participation", "troop_figure", "scenario", "force")
SOURCE_FIELDS = ("source_count", "source_keys", *(f"disputed_{name}" for name in Exercise.DISPUTABLE))


def _refresh_sources(ids: list[int]) -> None:
    sources = defaultdict(set)  # exercise -> sources attesting it
    participants = defaultdict(lambda: defaultdict(set))  # exercise -> source -> participants named
    for exercise_id, source_id in Citation.objects.filter(exercise_id__in=ids).values_list("exercise_id", "source_id"):
        sources[exercise_id].add(source_id)
    for part in ATTESTED_PARTS:
        cited = Citation.objects.filter(**{f"{part}__exercise_id__in": ids})
        for exercise_id, source_id, part_id in cited.values_list(f"{part}__exercise_id", "source_id", f"{part}_id"):
            sources[exercise_id].add(source_id)
            if part in ("participation", "organisation_participation"):
                participants[exercise_id][source_id].add((part, part_id))
    claims = defaultdict(list)
    for exercise_id, source_id, values in ExternalIdentifier.objects.filter(exercise_id__in=ids).values_list(
        "exercise_id", "source_id", "claims"
    ):
        sources[exercise_id].add(source_id)
        claims[exercise_id].append((source_id, values or {}))
    figures = defaultdict(list)
    whole = Citation.objects.filter(troop_figure__exercise_id__in=ids, troop_figure__state__isnull=True)
    for exercise_id, source_id, low, high, qualifier in whole.values_list(
        "troop_figure__exercise_id", "source_id", "troop_figure__low", "troop_figure__high", "troop_figure__qualifier"
    ):
        figures[exercise_id].append((source_id, figure_range(low, high, qualifier)))
    keys = dict(Source.objects.filter(pk__in={s for found in sources.values() for s in found}).values_list("pk", "key"))
    changed = []
    for row in Exercise.objects.filter(pk__in=ids).values("pk", *SOURCE_FIELDS):
        pk = row["pk"]
        values = {
            "source_count": len(sources[pk]),
            "source_keys": sorted(keys[source_id] for source_id in sources[pk]),
            "disputed_participants": participants_disputed(participants[pk].values()),
            "disputed_dates": dates_disputed(values for _, values in claims[pk]),
            "disputed_places": places_disputed(values.get("places") or [] for _, values in claims[pk]),
            "disputed_troops": troops_disputed(figures[pk]),
        }
        if any(row[name] != value for name, value in values.items()):
            changed.append(Exercise(pk=pk, **values))
    if changed:
        Exercise.objects.bulk_update(changed, SOURCE_FIELDS, batch_size=BATCH)


def participants_disputed(named: Iterable[set]) -> bool:
    """Whether sources that each name two participants or more name different sets."""
    lists = {frozenset(found) for found in named if len(found) >= 2}
    return len(lists) > 1


def _period(text: str | None):
    if not text:
        return None
    value, precision = dates.parse_partial(text)
    return value, dates.period_end(value, precision)


def dates_disputed(records: Iterable[dict]) -> bool:
    """Whether two records give a start (or an end) whose periods exclude each other."""
    records = list(records)
    for part in ("start", "end"):
        periods = [period for values in records if (period := _period(values.get(part)))]
        for i, (first, last) in enumerate(periods):
            if any(last < other_first or other_last < first for other_first, other_last in periods[i + 1 :]):
                return True
    return False


def _meets(a: str, b: str) -> bool:
    a_words, b_words = a.split(), b.split()
    return a == b or _contains(a_words, b_words) or _contains(b_words, a_words)


def _contains(words: list[str], part: list[str]) -> bool:
    size = len(part)
    return any(words[i : i + size] == part for i in range(len(words) - size + 1))


def places_disputed(records: Iterable[Iterable[str]]) -> bool:
    """Whether two records both name places and no place of one meets one of the other."""
    named = [{normalize_name(place) for place in places} for places in records]
    named = [places for places in named if places]
    for i, first in enumerate(named):
        for second in named[i + 1 :]:
            if not any(_meets(a, b) for a in first for b in second):
                return True
    return False


def figure_range(low: int | None, high: int | None, qualifier: str) -> tuple[float, float]:
    """The troop numbers a figure allows: "about" 10% either way, "at least" unbounded, "up to" from 0."""
    if qualifier == Qualifier.AT_LEAST:
        return float(low), float("inf")
    if qualifier == Qualifier.UP_TO:
        return 0.0, float(high)
    if qualifier == Qualifier.ABOUT:
        return low * 0.9, high * 1.1
    return float(low), float(high)


def troops_disputed(figures: Iterable[tuple[int, tuple[float, float]]]) -> bool:
    """Whether two sources give whole-exercise figures whose ranges do not overlap."""
    figures = list(figures)
    return any(
        a_source != b_source and (a[1] < b[0] or b[1] < a[0])
        for i, (a_source, a) in enumerate(figures)
        for b_source, b in figures[i + 1 :]
    )


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
