"""What each parameter of ``/api/v1/exercises/`` (and ``stats/``, and the admin's change list) means.

The FilterSet validates the parameters (through the fields in ``fields.py``) and turns them into
conditions; ``exercises.selectors`` runs the queries and chooses how conditions on related rows are
written. The admin's list filters adapt this same FilterSet (``exercises.admin.filters``).
"""

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django_filters import rest_framework as filters

from exercises.choices import MembershipStatus, Role, ThreatType
from exercises.filtersets.filters import (
    BBoxFilter,
    BooleanFilter,
    CountFilter,
    DisputedFilter,
    FastFilterSet,
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
)
from exercises.services import ATTESTED_PARTS


def _participations(states=None, role=None):
    participations = Participation.objects.all()
    if states is not None:
        participations = participations.filter(state__in=states)
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


class ExerciseFilterSet(FastFilterSet):
    """The filters of ``/api/v1/exercises/`` (and ``stats/``)."""

    country = StatesFilter(
        method="filter_participants",
        help_text="States that took part, any of them: ISO alpha-2 or alpha-3 codes or English names, any case; "
        "repeat the parameter or separate with commas (country=KZ,Russia).",
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
        field_name="parent", lookup_expr="isnull", help_text="true: only whole exercises, no phases."
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
    search = SearchFilter(
        method="filter_search",
        help_text="Words (all of them, any case) in the name, series, alternative names, purpose, description, "
        "episodes or place names.",
    )
    ordering = NullsLastOrderingFilter(
        fields=[("span_start", "start_date"), ("year", "year"), ("reported_troops", "troops"), ("name", "name")],
        help_text="start_date, year, troops or name; prefix - for descending; several separated by commas.",
    )

    class Meta:
        model = Exercise
        fields = []

    #: How a condition on related rows is written (see :meth:`related`). The selectors choose it for
    #: each query they run (exercises.selectors); a FilterSet used alone writes ``IN``.
    EXISTS, IN = "exists", "in"
    related_form = IN

    def related(self, rows) -> Q:
        """Exercises that some of ``rows`` (which have an ``exercise`` column) belong to: a correlated
        ``EXISTS`` (the database can walk the exercises in the order asked for and stop after a page),
        or ``id IN (...)`` (the matching ids collected from the related table's index: best for counting
        and for rare matches)."""
        if self.related_form == self.EXISTS:
            return Q(Exists(rows.filter(exercise=OuterRef("pk"))))
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
        if disputed:
            return queryset.filter(Q.create([(f"disputed_{field}", True) for field in fields], connector=Q.OR))
        return queryset.filter(**{f"disputed_{field}": False for field in fields})

    def filter_search(self, queryset, name, value):
        return queryset.search(value, self.related)
