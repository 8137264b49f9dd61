"""What each parameter of ``/api/v1/exercises/`` (and ``stats/``, and the admin's change list) means.

The FilterSet validates the parameters (through the fields in ``fields.py``) and turns them into
conditions; ``exercises.selectors`` runs the queries and chooses how conditions on related rows are
written. The admin's list filters adapt this same FilterSet (``exercises.admin.filters``).
"""

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django_filters import rest_framework as filters

from exercises import vienna
from exercises.choices import MembershipStatus, Role, ThreatType
from exercises.filtersets.filters import (
    BBoxFilter,
    BooleanFilter,
    ChangesSinceFilterSet,
    CountFilter,
    DisputedFilter,
    LocationsFilter,
    MultiValueFilter,
    NullsLastOrderingFilter,
    OrganisationsFilter,
    PartialDateFilter,
    SearchFilter,
    SourceCountFilter,
    SourcesFilter,
    StatesFilter,
    YearFilter,
)
from exercises.models import (
    Citation,
    Exercise,
    ExternalIdentifier,
    Membership,
    OrganisationParticipation,
    Participation,
    Scenario,
    state_condition,
)
from exercises.models.exercises import ExerciseQuerySet
from exercises.services import ATTESTED_PARTS

#: The span a code's period must overlap (``country=cow:260``: Germany while CoW 260 denoted it).
EXERCISE_SPAN = ("exercise__span_start", "exercise__span_end")


def _participations(states=None, role=None):
    participations = Participation.objects.all()
    if states is not None:
        # Plain states: ``state IN (...)`` as ever; a code's states, each during its period (one more join).
        participations = participations.filter(state_condition(states, "state", EXERCISE_SPAN))
    if role:
        participations = participations.filter(role=role)
    return participations


def _attesting(sources) -> list:
    """The rows through which ``sources`` attest exercises (each has an ``exercise`` column): their records
    of exercises, their citations of exercises and of the exercises' parts. The same sources an
    exercise's ``source_count`` counts (``services.refresh_derived``)."""
    parts = [Citation._meta.get_field(part).related_model for part in ATTESTED_PARTS]
    return [
        ExternalIdentifier.objects.filter(source__in=sources),
        Citation.objects.filter(source__in=sources, exercise__isnull=False),
        *(model.objects.filter(citations__source__in=sources) for model in parts),
    ]


def _memberships(organisations):
    """A participation's state's membership of one of ``organisations`` at the time of its exercise
    (the periods overlap the exercise's widest span; an open end lasts)."""
    return Membership.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=OuterRef("exercise__span_start")),
        organisation__in=organisations,
        status=MembershipStatus.MEMBER,
        state=OuterRef("state"),
        started_on__lte=OuterRef("exercise__span_end"),
    )


class Conditions(ExerciseQuerySet):
    """Stands in for the exercises a filter narrows and records, instead of applying them, the conditions
    it sets (one per ``filter()`` or ``exclude()`` call): :meth:`ExerciseFilterSet.condition`."""

    def __init__(self):
        super().__init__(model=Exercise)
        self.conditions: list[Q] = []

    def filter(self, *args, **kwargs):
        self.conditions.append(
            args[0] if len(args) == 1 and not kwargs and isinstance(args[0], Q) else Q(*args, **kwargs)
        )
        return self

    def exclude(self, *args, **kwargs):
        self.conditions.append(~Q(*args, **kwargs))
        return self

    def distinct(self, *fields):
        return self


class ExerciseFilterSet(ChangesSinceFilterSet):
    """The filters of ``/api/v1/exercises/`` (and ``stats/``). ``updated_since`` reads the exercise's own
    row, which the receivers on its parts and its phases' keep moving (``services.edited_columns``)."""

    country = StatesFilter(
        method="filter_participants",
        help_text="States that took part, any of them: ISO alpha-2 or alpha-3 codes or English names, any case; "
        "repeat the parameter or separate with commas (country=KZ,Russia). Correlates of War and Gleditsch-Ward "
        "codes with their prefix (cow:365, cow:RUS, gw:260) mean the states they denoted while they did.",
    )
    country_all = StatesFilter(
        method="filter_participants", help_text="States that all took part (same forms as country)."
    )
    role = filters.ChoiceFilter(
        choices=Role.choices,
        method="filter_participants",
        help_text="Narrows country and country_all to states in this role; alone, exercises with any "
        "participant in this role.",
    )
    year = YearFilter(field_name="year", help_text="The exercise's year (its start; its end if the start is unknown).")
    year_min = YearFilter(field_name="year", lookup_expr="gte", help_text="Year at least this.")
    year_max = YearFilter(field_name="year", lookup_expr="lte", help_text="Year at most this.")
    date_from = PartialDateFilter(
        method="filter_dates",
        help_text="Exercises whose span reaches this date or later (YYYY, YYYY-MM or YYYY-MM-DD). Partial "
        "dates count by their precision: an exercise known only as 2011-09 overlaps 2011-09-25.",
    )
    date_to = PartialDateFilter(method="filter_dates", help_text="Exercises whose span begins by this date.")
    organisation = OrganisationsFilter(
        method="filter_organisation",
        help_text="Acronym of an organisation (CSTO, NATO), any of several: the exercise was held under its flag, "
        "or the organisation took part as a body (MME's participant 'NATO').",
    )
    members_of = OrganisationsFilter(
        method="filter_members_of",
        help_text="Acronym of an organisation (NATO, WP, SCO ...), any of several: at least one participant was a "
        "member at the time of the exercise (its membership overlaps the exercise's span, as partial dates allow: "
        "a state that joined during the exercise counts). Exercises without dates match nothing.",
    )
    all_members_of = OrganisationsFilter(
        method="filter_all_members_of",
        help_text="Acronym of an organisation: every participant was a member at the time of the exercise (as in "
        "members_of); several: members of each of them. Exercises without participants match nothing.",
    )
    troops_min = CountFilter(
        field_name="reported_troops", lookup_expr="gte", help_text="Reported troop figure at least this."
    )
    troops_max = CountFilter(
        field_name="reported_troops", lookup_expr="lte", help_text="Reported troop figure at most this."
    )
    threat = MultiValueFilter(
        method="filter_threat",
        choices=ThreatType.choices,
        help_text="Threat type rehearsed in any episode; any of several. One of: " + ", ".join(ThreatType.values),
    )
    location = LocationsFilter(
        method="filter_location", help_text="Location id, slug or name, where the exercise or an episode took place."
    )
    bbox = BBoxFilter(
        method="filter_bbox",
        help_text="min_lon,min_lat,max_lon,max_lat: exercises with a location inside this box.",
    )
    series = filters.CharFilter(
        field_name="series", lookup_expr="iexact", help_text='The series, e.g. "Cobra Gold" (any case).'
    )
    domain = MultiValueFilter(
        method="filter_flags",
        choices=[(flag, Exercise.flag_label(flag)) for flag in Exercise.DOMAIN_FLAGS],
        help_text="Domain coded for the exercise; any of: " + ", ".join(Exercise.DOMAIN_FLAGS),
    )
    focus = MultiValueFilter(
        method="filter_flags",
        choices=[(flag, Exercise.flag_label(flag)) for flag in Exercise.FOCUS_FLAGS],
        help_text="Focus coded for the exercise; any of: " + ", ".join(Exercise.FOCUS_FLAGS),
    )
    parent = filters.CharFilter(field_name="parent__slug", help_text="Slug of the exercise whose phases to list.")
    top_level = BooleanFilter(
        field_name="parent",
        lookup_expr="isnull",
        help_text="true: only whole exercises, each matched on its own row; false: only phases. Makes phases "
        "rows of their own (as phases=rows).",
    )
    phases = filters.ChoiceFilter(
        choices=[
            ("whole", "Whole exercises, each with its phases, counted once"),
            ("rows", "Exercises and phases, each a row of its own"),
        ],
        method="choose_rows",
        help_text="whole (the default): each row is a whole exercise; a condition on its parts (participants, "
        "places, episodes, sources, claims) is met by its own or its phases' (matched_phases say which phases), one "
        "on its own fields (year, dates, troops, counts) by its own row; a phase is never a row, and its troops never "
        "add to its parent's. rows: phases are rows of their own, each matched on its own row (parent= and "
        "top_level= imply it).",
    )
    source = SourcesFilter(
        method="filter_source",
        help_text="Sources that attest the exercise, any of them: a source attests it if it has a record of it (a "
        "data set's row) or cites it or one of its parts. Source keys (mme-v7, jme-v3), repeated or separated "
        "with commas: like country, several mean any of them (source_all for all of them).",
    )
    source_all = SourcesFilter(
        method="filter_source_all",
        help_text="Sources that all attest the exercise (source_all=mme-v7,jme-v3: in both data sets).",
    )
    sources_min = SourceCountFilter(
        field_name="source_count",
        lookup_expr="gte",
        help_text="Attested by at least this many sources (1 or more; the row's source_count).",
    )
    disputed = DisputedFilter(
        method="filter_disputed",
        help_text="true: two of its sources disagree on some field; false: on none; or field names, repeated or "
        "separated with commas (disputed=participants,dates): disputed on at least one of them. One of: true, "
        "false, " + ", ".join(Exercise.DISPUTABLE) + ".",
    )
    vd_notification = BooleanFilter(
        method="filter_vd_notification",
        help_text="true: a whole-exercise troop claim is at or above the Vienna Document's 9,000 for prior "
        f"notification ({vienna.SOURCE}): by its low end, so 'at least 9,000' and '9,000-12,000' are, 'up to "
        "15,000' is not; false: none is (exercises without figures included). Whatever the zone (vd_zone).",
    )
    vd_observation = BooleanFilter(
        method="filter_vd_observation",
        help_text=f"true: a whole-exercise troop claim is at or above 13,000, from which the Vienna Document "
        f"({vienna.SOURCE}) invites observers (counted as vd_notification counts); false: none is.",
    )
    vd_declared_below_reported_above = BooleanFilter(
        method="filter_vd_declared_below_reported_above",
        help_text="true: a whole-exercise figure declared by a government is under 13,000 (its high end) while "
        f"another whole-exercise claim, of any basis or source, is at or above it ({vienna.SOURCE}'s threshold "
        "for observation); false: not so.",
    )
    vd_zone = BooleanFilter(
        method="filter_vd_zone",
        help_text=f"true: held, at least in part, in the Vienna Document's zone of application ({vienna.SOURCE}: "
        "Europe, Russia west of 60 E, the South Caucasus, Turkey and the five Central Asian states), by its "
        "places or, with no place recorded, by participants all lying wholly inside; false: every place outside, "
        "or with none, every participant wholly outside. Undetermined exercises (a place without a state, in "
        "Russia without coordinates, mixed participants) match neither.",
    )
    search = SearchFilter(
        method="filter_search",
        help_text="Words (all of them, any case) in the name, series, alternative names, purpose, description, "
        "episodes or place names.",
    )
    ordering = NullsLastOrderingFilter(
        fields=[
            ("span_start", "start_date"),
            ("year", "year"),
            ("reported_troops", "troops"),
            ("name", "name"),
            ("updated_at", "updated_at"),
        ],
        help_text="start_date, year, troops, name or updated_at (a copy kept in step pages through the changes in "
        "the order they were made); prefix - for descending; several separated by commas.",
    )

    class Meta:
        model = Exercise
        fields = []

    # -- Whole exercises and their phases ---------------------------------------------------------------
    # The policy (README, "Whole exercises and their phases"): by default every row is a whole exercise
    # (one without a parent). A condition on an exercise's parts (participants, places, episodes,
    # sources, memberships, troop claims, alternative names) holds for a whole exercise when it or one of
    # its phases has such a part ("Kazakhstan took part" when it took part in one phase), and a negative
    # one ("no participant outside NATO") when neither it nor any phase has; a condition on the
    # exercise's own fields (year, dates, series, domains, troop and source counts, disputes) reads the
    # whole exercise's own row: a phase's figure never stands in for the whole's. ``phases=rows`` (or
    # ``parent=``, ``top_level=``) makes every phase a row of its own, matched on its own row. All of it
    # is in :meth:`related`, the one place conditions on parts are written.
    WHOLE, ROWS = "whole", "rows"
    #: Parameters that choose rows rather than test them; they make phases rows of their own.
    CHOOSE_ROWS = ("parent", "top_level")

    @property
    def whole_exercises(self) -> bool:
        """Whether the rows are whole exercises (the default), not exercises and phases alike."""
        data = self.form.cleaned_data
        return data.get("phases") != self.ROWS and all(data.get(name) in (None, "") for name in self.CHOOSE_ROWS)

    def choose_rows(self, queryset, name, value):
        return queryset  # read by filter_queryset() and related()

    def filter_queryset(self, queryset):
        """The filtered rows: whole exercises unless phases are asked for as rows. ``parts`` keeps the
        related rows the conditions read, for the selectors to tell which phases matched
        (:meth:`through_phase`)."""
        self.parts = []
        if self.whole_exercises:
            queryset = queryset.filter(parent__isnull=True)
        return super().filter_queryset(queryset)

    def condition(self, name: str, value) -> Q:
        """What parameter ``name`` with the (cleaned) ``value`` means, as one condition on the rows this
        FilterSet lists: for the statistics' series that count by a parameter (``stats/?by=membership``).
        Related rows are read in the IN form."""
        recorded = Conditions()
        self.filters[name].filter(recorded, value)
        return Q(*recorded.conditions)

    def through_phase(self) -> Q | None:
        """A phase through which its exercise met a condition of the request: the phase has a part the
        condition reads, its parent has none. None without conditions on parts. Call after filtering."""
        parts = getattr(self, "parts", [])
        if not parts:
            return None
        return Q.create(
            [
                Exists(rows.filter(exercise=OuterRef("pk"))) & ~Exists(rows.filter(exercise=OuterRef("parent_id")))
                for rows in parts
            ],
            connector=Q.OR,
        )

    #: How a condition on related rows is written (see :meth:`related`). The selectors choose it for
    #: each query they run (exercises.selectors); a FilterSet used alone writes ``IN``.
    EXISTS, IN = "exists", "in"
    related_form = IN

    def related(self, rows) -> Q:
        """Exercises that some of ``rows`` (which have an ``exercise`` column) belong to: a correlated
        ``EXISTS`` (the database can walk the exercises in the order asked for and stop after a page),
        or ``id IN (...)`` (the matching ids collected from the related table's index: best for counting
        and for rare matches). For whole exercises, rows of their phases count as theirs."""
        whole = self.whole_exercises
        if whole and hasattr(self, "parts"):
            self.parts.append(rows)
        if self.related_form == self.EXISTS:
            condition = Q(Exists(rows.filter(exercise=OuterRef("pk"))))
            return condition | Q(Exists(rows.filter(exercise__parent=OuterRef("pk")))) if whole else condition
        if whole:
            return Q(pk__in=rows.values(whole=Coalesce("exercise__parent_id", "exercise_id")))
        return Q(pk__in=rows.values("exercise_id"))

    def filtered(self, form: str, queryset=None):
        """The filtered exercises (of ``queryset``, default the FilterSet's own), with every condition on
        related rows written in ``form``. Call on a valid FilterSet."""
        self.related_form = form
        try:
            return self.filter_queryset(self.queryset.all() if queryset is None else queryset)
        finally:
            del self.related_form

    @property
    def non_null_fields(self) -> set[str]:
        data = self.form.cleaned_data
        bounded = data.get("troops_min") is not None or data.get("troops_max") is not None
        return {"reported_troops"} if bounded else set()

    def is_valid(self):
        valid = super().is_valid()
        if valid:
            data = self.form.cleaned_data
            for low, high in [("year_min", "year_max"), ("troops_min", "troops_max")]:
                if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
                    self.form.add_error(
                        low, ValidationError("%(low)s is above %(high)s.", params={"low": low, "high": high})
                    )
            if data.get("date_from") and data.get("date_to") and data["date_from"][0] > data["date_to"][1]:
                self.form.add_error("date_from", ValidationError("date_from is after date_to."))
        return self.form.is_valid()

    # Filters that read several parameters act once, on the first of them that is present.
    def filter_participants(self, queryset, name, value):
        data = self.form.cleaned_data
        present = [n for n in ("country", "country_all", "role") if data.get(n)]
        if name != present[0]:
            return queryset
        role = data.get("role") or None
        if data.get("country"):
            queryset = queryset.filter(self.related(_participations(data["country"], role)))
        for state in data.get("country_all") or []:
            queryset = queryset.filter(self.related(_participations([state], role)))
        if role and not data.get("country") and not data.get("country_all"):
            queryset = queryset.filter(self.related(_participations(role=role)))
        return queryset

    def filter_dates(self, queryset, name, value):
        data = self.form.cleaned_data
        if name == "date_to" and data.get("date_from"):
            return queryset
        if data.get("date_from"):
            queryset = queryset.filter(span_end__gte=data["date_from"][0])
        if data.get("date_to"):
            queryset = queryset.filter(span_start__lte=data["date_to"][1])
        return queryset

    def filter_organisation(self, queryset, name, value):
        as_body = OrganisationParticipation.objects.filter(organisation__in=value)
        return queryset.filter(Q(organisation__in=value) | self.related(as_body))

    def filter_members_of(self, queryset, name, value):
        return queryset.filter(self.related(Participation.objects.filter(Exists(_memberships(value)))))

    def filter_all_members_of(self, queryset, name, value):
        queryset = queryset.filter(self.related(Participation.objects.all()))
        for organisation in value:
            outsiders = Participation.objects.filter(~Exists(_memberships([organisation])))
            queryset = queryset.filter(~self.related(outsiders))
        return queryset

    def filter_threat(self, queryset, name, value):
        return queryset.filter(self.related(Scenario.objects.filter(threat_type__in=value)))

    def filter_location(self, queryset, name, value):
        places = Exercise.locations.through.objects.filter(location__in=value)
        episodes = Scenario.objects.filter(locations__in=value)
        return queryset.filter(self.related(places) | self.related(episodes))

    def filter_bbox(self, queryset, name, value):
        min_lon, min_lat, max_lon, max_lat = value
        places = Exercise.locations.through.objects.filter(
            location__longitude__range=(min_lon, max_lon), location__latitude__range=(min_lat, max_lat)
        )
        return queryset.filter(self.related(places))

    def filter_flags(self, queryset, name, value):
        return queryset.filter(Q.create([(flag, True) for flag in value], connector=Q.OR))

    def filter_source(self, queryset, name, value):
        return queryset.filter(self.attested(value))

    def filter_source_all(self, queryset, name, value):
        for source in value:
            queryset = queryset.filter(self.attested([source]))
        return queryset

    def attested(self, sources) -> Q:
        """Exercises that one of ``sources`` attests, in the FilterSet's form of related conditions."""
        return Q.create([self.related(rows) for rows in _attesting(sources)], connector=Q.OR)

    def filter_disputed(self, queryset, name, value):
        disputed, fields = value
        any_disputed = Q.create([(f"disputed_{field}", True) for field in fields], connector=Q.OR)
        # "Not disputed" is the negation of "disputed": for a whole exercise, on none of its phases either.
        return queryset.filter(any_disputed) if disputed else queryset.exclude(any_disputed)

    def filter_vd_notification(self, queryset, name, value):
        condition = vienna.at_or_above_notification(self.related)
        return queryset.filter(condition if value else ~condition)

    def filter_vd_observation(self, queryset, name, value):
        condition = vienna.at_or_above_observation(self.related)
        return queryset.filter(condition if value else ~condition)

    def filter_vd_declared_below_reported_above(self, queryset, name, value):
        condition = vienna.declared_below_reported_above(self.related)
        return queryset.filter(condition if value else ~condition)

    def filter_vd_zone(self, queryset, name, value):
        # Not a negation: undetermined exercises are neither in nor outside.
        return queryset.filter(vienna.in_zone(self.related) if value else vienna.outside_zone(self.related))

    def filter_search(self, queryset, name, value):
        return queryset.search(value, self.related)
