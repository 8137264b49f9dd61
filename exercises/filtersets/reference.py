"""The FilterSets of the other list endpoints: exercise parts, states, places, scenarios, organisations,
sources and the deletions feed."""

from django.db.models import Q
from django_filters import rest_framework as filters

from exercises import models
from exercises.choices import ThreatType
from exercises.filtersets.filters import (
    AwareDateTimeFilter,
    BooleanFilter,
    ChangesSinceFilterSet,
    FastFilterSet,
    MultiValueFilter,
    StatesFilter,
)
from exercises.models import state_condition


class ExerciseFilter(filters.CharFilter):
    """The parts of one exercise, by its slug: a whole exercise's parts include its phases' (each part's
    ``exercise`` names the phase it belongs to)."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text", "Slug of the exercise; for a whole exercise, its phases' are included (their exercise says)."
        )
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        return qs.filter(Q(exercise__slug=value) | Q(exercise__parent__slug=value))


class ExercisePartFilterSet(ChangesSinceFilterSet):
    """``participations/`` and ``troop-figures/``: the parts of one exercise."""

    exercise = ExerciseFilter()


class StateFilterSet(ChangesSinceFilterSet):
    search = filters.CharFilter(method="filter_search", help_text="Part of a code or name.")
    historical = BooleanFilter(field_name="is_historical", help_text="true: former states only.")

    class Meta:
        model = models.State
        fields = []

    def filter_search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(common_name__icontains=value) | Q(code__iexact=value) | Q(alpha2__iexact=value)
        )


class LocationFilterSet(ChangesSinceFilterSet):
    state = StatesFilter(method="filter_state", help_text="State the place lies in (code or name).")
    kind = filters.ChoiceFilter(choices=models.Location._meta.get_field("kind").choices)
    search = filters.CharFilter(field_name="name", lookup_expr="icontains", help_text="Part of the name.")

    class Meta:
        model = models.Location
        fields = []

    def filter_state(self, queryset, name, value):
        return queryset.filter(state_condition(value, "state"))  # a place has no date: any state a code denoted


#: An episode's time is its exercise's: a code's period must overlap the exercise's span.
EXERCISE_SPAN = ("exercise__span_start", "exercise__span_end")


class ScenarioFilterSet(ChangesSinceFilterSet):
    exercise = ExerciseFilter()
    threat = MultiValueFilter(
        field_name="threat_type",
        lookup_expr="in",
        choices=ThreatType.choices,
        help_text="Threat type; any of several.",
    )
    country = StatesFilter(method="filter_country", help_text="States taking part in the episode.")
    adversary = StatesFilter(method="filter_adversary", help_text="State the notional adversary stands for.")

    class Meta:
        model = models.Scenario
        fields = []

    def filter_country(self, queryset, name, value):
        return queryset.filter(state_condition(value, "states", EXERCISE_SPAN)).distinct()

    def filter_adversary(self, queryset, name, value):
        return queryset.filter(state_condition(value, "adversary_state", EXERCISE_SPAN))


class OrganisationFilterSet(ChangesSinceFilterSet):
    class Meta:
        model = models.Organisation
        fields = []


class SourceFilterSet(ChangesSinceFilterSet):
    class Meta:
        model = models.Source
        fields = []


class DeletionFilterSet(FastFilterSet):
    """``deletions/``: what left the data since a time, of some kinds."""

    updated_since = AwareDateTimeFilter(
        field_name="removed_at",
        lookup_expr="gte",
        help_text="Only what was removed at or after this time (removed_at), an ISO 8601 date-time with a time zone: "
        "the time of your last full copy or last run. Older than the feed keeps (DELETIONS_RETENTION_DAYS): 410, "
        "download a full copy instead.",
    )
    kind = MultiValueFilter(
        field_name="kind",
        lookup_expr="in",
        choices=models.Removal.Kind.choices,
        help_text="What was removed, any of several: " + ", ".join(models.Removal.Kind.values) + ".",
    )

    class Meta:
        model = models.Removal
        fields = []
