"""Reads of exercises: a validated FilterSet in, the page, the count, the export chunks or the statistics out.

This is the one place that chooses how a condition on related rows is written (``EXISTS`` or
``IN``, see ``ExerciseFilterSet.related``) and how rows are read: ``values()`` dicts, no model
instances; the participants and places of a page aggregated in its own query, or fetched for a chunk in
one query each; the keys of the sources attesting a page's (or a chunk's) exercises in one more query. The
API's list, exports and statistics and the admin's change list call these, and the API's detail and the
admin's exercise page read what each source says of an exercise here (:func:`according_to`).
"""

from collections import defaultdict
from collections.abc import Iterator

from django.core.paginator import Page, Paginator
from django.db.models import (
    Aggregate,
    CharField,
    Count,
    F,
    OuterRef,
    Prefetch,
    Subquery,
    Sum,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, NullIf

from exercises.filtersets import ExerciseFilterSet
from exercises.models import Citation, Exercise, ExternalIdentifier, OrganisationParticipation, Participation

EXISTS, IN = ExerciseFilterSet.EXISTS, ExerciseFilterSet.IN

#: Parameters under which correlated (EXISTS) checks of related rows pay where no count tells how many
#: rows match (exports, statistics, the admin's list): those that narrow the exercises by an index, and
#: text search, whose IN form reads the whole of the related tables (names, scenarios, places) again for
#: every statement, every export chunk included.
NARROWING = ("year", "year_min", "year_max", "date_from", "date_to", "organisation", "series", "parent", "search")

#: Above this many matches, a page is read by walking the exercises in order (EXISTS form); below, by
#: sorting the matches collected from the related tables' indexes (IN form). With text search the IN
#: form has no index to use, so the walk pays from far fewer matches.
DENSE = 2000
DENSE_TEXT = 100

#: Rows per export chunk: read with a keyset on id (no OFFSET), written to the client as they come.
CHUNK = 2000


#: What :class:`Concat` joins values with: the ASCII unit separator, which no name or code holds
#: (a ``|`` did: a place named "A | B" came back as two places).
SEPARATOR = "\x1f"


class Concat(Aggregate):
    """Values joined by :data:`SEPARATOR` into one text (GROUP_CONCAT on SQLite, string_agg on PostgreSQL)."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s, CHAR(31))"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, function="STRING_AGG", template="%(function)s(%(expressions)s, CHR(31))", **extra
        )


def _joined(rows, column):
    return Subquery(
        rows.filter(exercise=OuterRef("pk")).order_by().values("exercise").annotate(v=Concat(column)).values("v")
    )


def _aggregates() -> dict:
    """The page query's own columns for participants and place names: no extra query per page."""
    return {
        "participant_codes": _joined(Participation.objects.all(), "state__code"),
        "place_names": _joined(Exercise.locations.through.objects.all(), "location__name"),
    }


def _split_parts(rows: list[dict]) -> list[dict]:
    """Turn the aggregated columns into ``participants`` (sorted codes) and ``places`` (sorted
    (name, latitude, longitude), coordinates not read)."""
    for row in rows:
        codes, names = row.pop("participant_codes"), row.pop("place_names")
        row["participants"] = sorted(codes.split(SEPARATOR)) if codes else []
        row["places"] = [(name, None, None) for name in sorted(names.split(SEPARATOR))] if names else []
    return rows


def participant_codes(ids: list[int]) -> dict[int, list[str]]:
    """The alpha-3 codes of each exercise's participants, sorted: one query for all of them."""
    codes = defaultdict(list)
    for exercise_id, code in (
        Participation.objects.filter(exercise_id__in=ids)
        .order_by("state__code")
        .values_list("exercise_id", "state__code")
    ):
        codes[exercise_id].append(code)
    return codes


def _attach_parts(rows: list[dict]) -> list[dict]:
    """Give each row its ``participants`` and its ``places`` with their coordinates: two queries."""
    ids = [row["pk"] for row in rows]
    participants, places = participant_codes(ids), defaultdict(list)
    for exercise_id, name, latitude, longitude in (
        Exercise.locations.through.objects.filter(exercise_id__in=ids)
        .order_by("location__name")
        .values_list("exercise_id", "location__name", "location__latitude", "location__longitude")
    ):
        places[exercise_id].append((name, latitude, longitude))
    for row in rows:
        row["participants"] = participants[row["pk"]]
        row["places"] = places[row["pk"]]
    return rows


def _narrowed(filterset: ExerciseFilterSet) -> bool:
    data = filterset.form.cleaned_data
    return any(data.get(name) not in (None, "", []) for name in NARROWING)


def exercise_queryset(filterset: ExerciseFilterSet, queryset=None):
    """The filtered exercises where no count tells how many match: EXISTS where other parameters
    already narrow them, IN otherwise."""
    return filterset.filtered(EXISTS if _narrowed(filterset) else IN, queryset)


def exercise_page(filterset: ExerciseFilterSet, number: int | str, size: int, columns: tuple[str, ...]) -> Page:
    """Page ``number`` (or ``"last"``) of ``size`` filtered exercises. Its ``object_list`` holds ``values()``
    dicts of ``columns`` (``pk`` among them) with ``participants``, ``places`` (names only) and
    ``sources`` (keys, read in one more query for the page).

    The count runs on the IN form without the page's columns (counting the values() form would join the
    tables its columns come from for nothing); the count then picks the form for the page. Raises
    ``django.core.paginator.InvalidPage`` for a page past the last.
    """
    in_form = filterset.filtered(IN)
    paginator = Paginator(in_form, size)
    page = paginator.page(paginator.num_pages if number == "last" else number)
    if not paginator.count:
        page.object_list = []
        return page
    dense = DENSE_TEXT if filterset.form.cleaned_data.get("search") else DENSE
    queryset = filterset.filtered(EXISTS) if paginator.count > dense else in_form
    start = (page.number - 1) * size
    # The page's ids first (a subquery with LIMIT), its columns after: per-row subqueries such as the
    # aggregated participants then run for the page's rows only, not for every match.
    ids = queryset.values("pk")[start : start + size]
    ordering = queryset.query.order_by or Exercise._meta.ordering
    rows = Exercise.objects.filter(pk__in=ids).order_by(*ordering).values(*columns, **_aggregates())
    page.object_list = _split_parts(list(rows))
    return page


def exercise_chunks(filterset: ExerciseFilterSet, columns: tuple[str, ...], coordinates=False) -> Iterator[list]:
    """Every filtered exercise, :data:`CHUNK` rows at a time in id order, as :func:`exercise_page` gives
    them; ``coordinates``: with the places' latitude and longitude
    (two more queries per chunk instead of the aggregated columns)."""
    rows = exercise_queryset(filterset).order_by("pk")
    rows = rows.values(*columns) if coordinates else rows.values(*columns, **_aggregates())
    last = 0
    while True:
        chunk = list(rows.filter(pk__gt=last)[:CHUNK])
        if not chunk:
            return
        last = chunk[-1]["pk"]
        yield _attach_parts(chunk) if coordinates else _split_parts(chunk)


def exercise_stats(filterset: ExerciseFilterSet, series: list[str]) -> dict[str, list[dict]]:
    """Exercises and reported troops per year, per state and per organisation (``series``: which of
    ``year``, ``state``, ``organisation``), one aggregate query each. An exercise counts fully for each
    state that took part in it."""
    exercises = exercise_queryset(filterset).order_by()
    totals = {"exercises": Count("pk"), "troops": Sum("reported_troops"), "with_troops": Count("reported_troops")}
    result = {}
    if "year" in series:
        result["per_year"] = list(exercises.values("year").annotate(**totals).order_by("year"))
    if "state" in series:
        rows = (
            Participation.objects.filter(exercise__in=exercises.values("pk"))
            .values(code=F("state__code"), name=Coalesce(NullIf("state__common_name", Value("")), "state__name"))
            .annotate(
                exercises=Count("exercise"),
                troops=Sum("exercise__reported_troops"),
                with_troops=Count("exercise__reported_troops"),
            )
            .order_by("-exercises", "code")
        )
        result["per_state"] = list(rows)
    if "organisation" in series:
        rows = exercises.values(acronym=F("organisation__acronym")).annotate(**totals).order_by("-exercises", "acronym")
        result["per_organisation"] = list(rows)
    return result


# -- What each source says of one exercise -------------------------------------------------------------
#: The fields :func:`according_to` tells each source's word on, in the order the API gives them.
TOLD = ("name", "dates", "participants", "places", "troops")


def witness_lookups() -> list:
    """What :func:`according_to` reads of an exercise: its records, its participations and organisations
    taking part and its troop figures with their citations and sources, and the source it follows.
    Relations already prefetched (the API's detail) are not read again."""
    return [
        Prefetch("external_ids", queryset=ExternalIdentifier.objects.select_related("source")),
        Prefetch("participations", queryset=Participation.objects.select_related("state")),
        Prefetch("participations__citations", queryset=Citation.objects.select_related("source", "via")),
        Prefetch(
            "organisation_participations",
            queryset=OrganisationParticipation.objects.select_related("organisation"),
        ),
        Prefetch("organisation_participations__citations", queryset=Citation.objects.select_related("source", "via")),
        Prefetch("troop_figures__citations", queryset=Citation.objects.select_related("source", "via")),
        "curated_from",
    ]


def according_to(exercise: Exercise) -> dict[str, list[dict]]:
    """What each source says of the exercise, per field of :data:`TOLD`: a list of
    ``{"source", "identifier", "locator", "says"}``, by source key. ``identifier`` and ``locator`` are
    those of the source's own record of the exercise (null for a source without one, an article).

    - ``name`` (text), ``dates`` (``{"start", "end"}``, partial ISO dates or null) and ``places`` (texts):
      from each record's claims, one entry per record that says it;
    - ``participants``: from the citations of the participations and organisations taking part, one
      entry per source: the state codes it names, sorted, then the acronyms of the organisations;
    - ``troops``: one entry per citation of a whole-exercise troop figure, the figure as displayed.

    A fixed number of queries (none for what is already prefetched, see :func:`witness_lookups`).
    """
    prefetch_related_objects([exercise], *witness_lookups())
    records = sorted(exercise.external_ids.all(), key=lambda record: (record.source.key, record.identifier))
    first_record = {}
    for record in records:
        first_record.setdefault(record.source_id, record)

    def witness(source, record, says) -> dict:
        return {
            "source": source.key,
            "identifier": record.identifier if record else None,
            "locator": (record.locator or None) if record else None,
            "says": says,
        }

    told = {name: [] for name in TOLD}
    for record in records:
        claims = record.claims or {}
        if claims.get("name"):
            told["name"].append(witness(record.source, record, claims["name"]))
        if claims.get("start") or claims.get("end"):
            told["dates"].append(
                witness(record.source, record, {"start": claims.get("start"), "end": claims.get("end")})
            )
        if claims.get("places"):
            told["places"].append(witness(record.source, record, list(claims["places"])))

    sources, states, organisations = {}, defaultdict(set), defaultdict(set)
    for participation in exercise.participations.all():
        for citation in participation.citations.all():
            sources[citation.source_id] = citation.source
            states[citation.source_id].add(participation.state.code)
    for participation in exercise.organisation_participations.all():
        for citation in participation.citations.all():
            sources[citation.source_id] = citation.source
            organisations[citation.source_id].add(participation.organisation.acronym)
    for source_id, source in sorted(sources.items(), key=lambda item: item[1].key):
        says = sorted(states[source_id]) + sorted(organisations[source_id])
        told["participants"].append(witness(source, first_record.get(source_id), says))

    figures = [
        witness(citation.source, first_record.get(citation.source_id), figure.display_value)
        for figure in exercise.troop_figures.all()
        if figure.state_id is None
        for citation in figure.citations.all()
    ]
    told["troops"] = sorted(figures, key=lambda entry: (entry["source"], entry["says"]))
    return told
