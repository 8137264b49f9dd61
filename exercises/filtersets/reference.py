"""The FilterSets of the other list endpoints: exercise parts, states, places and scenarios."""

from django.db.models import Q
from django_filters import rest_framework as filters

from exercises import models
from exercises.choices import ThreatType
from exercises.filtersets.filters import BooleanFilter, FastFilterSet, MultiValueFilter, StatesFilter


class ExercisePartFilterSet(FastFilterSet):
    """``participations/`` and ``troop-figures/``: the parts of one exercise."""

    exercise = filters.CharFilter(field_name="exercise__slug", help_text="Slug of the exercise.")


class StateFilterSet(FastFilterSet):
    search = filters.CharFilter(method="filter_search", help_text="Part of a code or name.")
    historical = BooleanFilter(field_name="is_historical", help_text="true: former states only.")

    class Meta:
        model = models.State
        fields = []

    def filter_search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(common_name__icontains=value) | Q(code__iexact=value) | Q(alpha2__iexact=value)
        )


class LocationFilterSet(FastFilterSet):
    state = StatesFilter(method="filter_state", help_text="State the place lies in (code or name).")
    kind = filters.ChoiceFilter(choices=models.Location._meta.get_field("kind").choices)
    search = filters.CharFilter(field_name="name", lookup_expr="icontains", help_text="Part of the name.")

    class Meta:
        model = models.Location
        fields = []

    def filter_state(self, queryset, name, value):
        return queryset.filter(state__in=value)


class ScenarioFilterSet(FastFilterSet):
    exercise = filters.CharFilter(field_name="exercise__slug", help_text="Slug of the exercise.")
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
        return queryset.filter(states__in=value).distinct()

    def filter_adversary(self, queryset, name, value):
        return queryset.filter(adversary_state__in=value)
