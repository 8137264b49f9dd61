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
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, NullIf

from exercises import vienna
from exercises.filtersets import ExerciseFilterSet
from exercises.models import (
    Citation,
    Exercise,
    ExternalIdentifier,
    Organisation,
    OrganisationParticipation,
    Participation,
)

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


def _with_phases(rows: list[dict], filterset: ExerciseFilterSet, coordinates=False) -> list[dict]:
    """Rows of whole exercises (the FilterSet's default) gain their phases' participants and places, and
    ``matched_phases``: the slugs of the phases through which they met a condition of the request
    (``ExerciseFilterSet.through_phase``). One query for the rows' phases (their participants, place
    names and matches aggregated in it), one more for their places' coordinates where asked for. Rows
    of exercises and phases alike (``phases=rows``) are left as they are."""
    for row in rows:
        row["matched_phases"] = []
    if not rows or not filterset.whole_exercises:
        return rows
    by_pk = {row["pk"]: row for row in rows}
    through_phase = filterset.through_phase()
    matched = {"matched": Case(When(through_phase, then=True), default=False)} if through_phase else {}
    phases = _split_parts(
        list(
            Exercise.objects.filter(parent_id__in=by_pk)
            .order_by("slug")
            .values("pk", "parent_id", "slug", **_aggregates(), **matched)
        )
    )
    if coordinates and phases:
        _attach_parts(phases)
    for phase in phases:
        row = by_pk[phase["parent_id"]]
        row["participants"] = sorted({*row["participants"], *phase["participants"]})
        row["places"] = sorted({*row["places"], *phase["places"]}, key=lambda place: place[0])
        if phase.get("matched"):
            row["matched_phases"].append(phase["slug"])
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
    page.object_list = _with_phases(_split_parts(list(rows)), filterset)
    return page


def exercise_keyset_page(filterset: ExerciseFilterSet, keyset_for, size: int, columns: tuple[str, ...]) -> list[dict]:
    """Up to ``size`` filtered exercises after a cursor's position, as :func:`exercise_page` gives them (with
    the ordering's fields too, for the next cursor): ``keyset_for(queryset)`` makes the keyset
    (``exercises.api.pagination.Keyset``) of the request's cursor on the exercises' ordering.

    No count: the form is chosen as for exports (:func:`exercise_queryset`), and the page's ids are read
    with the keyset's condition and a LIMIT, so a late page costs what the first does. Two queries: the
    page (its ids a subquery), the page's phases."""
    queryset = exercise_queryset(filterset)
    keyset = keyset_for(queryset)
    ids = keyset.after(queryset).values("pk")[:size]
    rows = (
        Exercise.objects.filter(pk__in=ids)
        .order_by(*keyset.ordering)
        .values(*dict.fromkeys([*columns, *keyset.fields]), **_aggregates())
    )
    return _with_phases(_split_parts(list(rows)), filterset)


def exercise_count(filterset: ExerciseFilterSet) -> int:
    """How many exercises match: on the IN form without any columns, as :func:`exercise_page` counts."""
    return filterset.filtered(IN).count()


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
        chunk = _attach_parts(chunk) if coordinates else _split_parts(chunk)
        yield _with_phases(chunk, filterset, coordinates)


def exercise_stats(filterset: ExerciseFilterSet, series: list[str]) -> dict[str, list[dict]]:
    """Exercises and reported troops per year, per state, per organisation and per organisation by
    membership at the time (``series``: which of ``year``, ``state``, ``organisation``, ``membership``), one
    aggregate query each.

    Rows are whole exercises unless the FilterSet lists phases as rows (``phases=rows``): a whole exercise
    counts once, with its own reported troops (a phase's never add to them), and for each state that took
    part in it or in one of its phases; by membership, for each organisation of which one of those states
    was a member at the time (``members_of``)."""
    exercises = exercise_queryset(filterset).order_by()
    totals = {"exercises": Count("pk"), "troops": Sum("reported_troops"), "with_troops": Count("reported_troops")}
    result = {}
    if "year" in series:
        result["per_year"] = list(exercises.values("year").annotate(**totals).order_by("year"))
    if "state" in series:
        result["per_state"] = _per_state(exercises, filterset.whole_exercises)
    if "organisation" in series:
        rows = exercises.values(acronym=F("organisation__acronym")).annotate(**totals).order_by("-exercises", "acronym")
        result["per_organisation"] = list(rows)
    if "membership" in series:
        result["per_membership"] = _per_membership(exercises, filterset)
    if "vienna" in series:
        result["vienna_per_year"] = vienna.per_year(exercises)
    return result


def _per_state(exercises, whole: bool) -> list[dict]:
    """Per state: the exercises it took part in and their troops. For whole exercises, a state counts
    once per exercise whether it took part in the exercise itself or in one or several of its phases: a
    phase's participation counts only where neither the parent nor an earlier phase has the state."""
    participations = Participation.objects.filter(exercise__in=exercises.values("pk"))
    troops = F("exercise__reported_troops")
    if whole:
        earlier = Participation.objects.filter(state=OuterRef("state")).filter(
            Q(exercise=OuterRef("exercise__parent"))
            | Q(exercise__parent=OuterRef("exercise__parent"), exercise__lt=OuterRef("exercise"))
        )
        in_phases = Participation.objects.filter(exercise__parent__in=exercises.values("pk")).filter(~Exists(earlier))
        participations = participations | in_phases
        # A phase's row counts its parent's troops: the whole exercise's, never the phase's own.
        troops = Case(
            When(exercise__parent__isnull=True, then=F("exercise__reported_troops")),
            default=F("exercise__parent__reported_troops"),
        )
    rows = (
        participations.values(
            code=F("state__code"), name=Coalesce(NullIf("state__common_name", Value("")), "state__name")
        )
        .annotate(exercises=Count("pk"), troops=Sum(troops), with_troops=Count(troops))
        .order_by("-exercises", "code")
    )
    return list(rows)


def _per_membership(exercises, filterset: ExerciseFilterSet) -> list[dict]:
    """Per organisation with a membership history: the exercises in which a member at the time took part
    (as ``members_of`` means it) and their troops, one query for all of them."""
    organisations = list(Organisation.objects.filter(memberships__isnull=False).distinct().order_by("acronym"))
    aggregates = {}
    for organisation in organisations:
        members = filterset.condition("members_of", [organisation])
        aggregates |= {
            f"exercises_{organisation.pk}": Count("pk", filter=members),
            f"troops_{organisation.pk}": Sum("reported_troops", filter=members),
            f"with_troops_{organisation.pk}": Count("reported_troops", filter=members),
        }
    counts = exercises.aggregate(**aggregates) if aggregates else {}
    rows = [
        {
            "acronym": organisation.acronym,
            **{name: counts[f"{name}_{organisation.pk}"] for name in ("exercises", "troops", "with_troops")},
        }
        for organisation in organisations
    ]
    return sorted(rows, key=lambda row: (-row["exercises"], row["acronym"]))


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
