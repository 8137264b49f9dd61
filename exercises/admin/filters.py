"""Change-list filters for exercises: thin adapters over the API's ExerciseFilterSet.

Each adapter shows one of the FilterSet's parameters in the sidebar (a text box for states and series,
links for choices) and claims it from the URL; the FilterSet then applies all of them together, with the
API's meaning (``ExerciseChangeList.get_queryset``), so ``?country=KZ&role=host`` in the admin lists
what ``/api/v1/exercises/?country=KZ&role=host`` lists. Two filters have no API parameter: whether any
source attests an exercise (its stored ``source_count``), and whether its troops are known.
"""

from django.contrib import admin, messages
from django.http import QueryDict

from exercises import selectors
from exercises.filtersets import ExerciseFilterSet
from exercises.models import Exercise, Organisation


class FilterSetFilter(admin.SimpleListFilter):
    """One parameter of :class:`ExerciseFilterSet`, offered as links to its choices."""

    filterset_class = ExerciseFilterSet

    options = None  # a callable giving (value, label) pairs, where the filter declares no choices

    def lookups(self, request, model_admin):
        if self.options is not None:
            return self.options()
        return self.filterset_class.base_filters[self.parameter_name].extra["choices"]

    def queryset(self, request, queryset):
        return queryset  # applied with the other parameters by apply_filterset()


class TypedFilterSetFilter(FilterSetFilter):
    """One parameter of :class:`ExerciseFilterSet`, typed into a text box (codes, names, several with commas)."""

    template = "admin/exercises/input_filter.html"

    def lookups(self, request, model_admin):
        return [("", "")]  # Django shows a filter only if it has choices

    def choices(self, changelist):
        yield {
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "value": self.value() or "",
            "parameter_name": self.parameter_name,
            "placeholder": self.placeholder,
            "hidden": [(k, v) for k, v in changelist.get_filters_params().items() if k != self.parameter_name],
        }


def adapter(parameter: str, title: str, placeholder: str | None = None, options=None) -> type[FilterSetFilter]:
    """The change-list filter for the FilterSet's ``parameter``: typed into a box showing ``placeholder``,
    or without one, links to the filter's choices (or to ``options()``)."""
    assert parameter in ExerciseFilterSet.base_filters, parameter
    base = FilterSetFilter if placeholder is None else TypedFilterSetFilter
    name = "".join(part.title() for part in parameter.split("_")) + "Filter"
    attributes = {"parameter_name": parameter, "title": title, "placeholder": placeholder}
    return type(name, (base,), attributes | {"options": staticmethod(options)} if options else attributes)


def years():
    years = Exercise.objects.filter(year__isnull=False).order_by("-year").values_list("year", flat=True).distinct()
    return [(str(year), str(year)) for year in years]


def organisations():
    return list(Organisation.objects.order_by("acronym").values_list("acronym", "acronym"))


#: The choices of a boolean parameter (``BooleanFilter`` declares none), as its values are typed.
YES_NO = [("true", "yes"), ("false", "no")]

#: The FilterSet's parameters the change list offers, in the sidebar's order.
FILTERSET_FILTERS = [
    adapter("year", "year", options=years),
    adapter("organisation", "organisation", options=organisations),
    adapter("members_of", "a participant was a member of", options=organisations),
    adapter("all_members_of", "every participant was a member of", options=organisations),
    adapter("country", "participating state (code or name)", "KZ, Russia, KGZ…"),
    adapter("country_all", "states that all took part", "RU, BY…"),
    adapter("role", "role of a participant"),
    adapter("threat", "threat rehearsed"),
    adapter("series", "series", "Cobra Gold…"),
    adapter("domain", "domain"),
    adapter("focus", "focus"),
    adapter("source", "attested by (source keys)", "mme-v7, jme-v3…"),
    adapter("source_all", "attested by all of (source keys)", "mme-v7, jme-v3…"),
    adapter("sources_min", "number of sources", options=lambda: [("2", "two or more"), ("3", "three or more")]),
    adapter("disputed", "sources disagree"),
    adapter("vd_notification", "Vienna Document: a claim reaches 9,000", options=lambda: YES_NO),
    adapter("vd_observation", "Vienna Document: a claim reaches 13,000", options=lambda: YES_NO),
    adapter(
        "vd_declared_below_reported_above",
        "Vienna Document: declared under 13,000, reported above",
        options=lambda: YES_NO,
    ),
    adapter("vd_zone", "Vienna Document: zone of application", options=lambda: [("true", "in"), ("false", "outside")]),
]
PARAMETERS = [f.parameter_name for f in FILTERSET_FILTERS]


def apply_filterset(request, queryset, data=None):
    """The change list's rows filtered by ``data`` (default: the FilterSet's parameters in the URL) through
    the FilterSet and the selectors; a value the FilterSet refuses is shown as an error message (with the
    API's wording) and lists nothing."""
    if data is None:
        data = {name: request.GET.getlist(name) for name in PARAMETERS if name in request.GET}
    if not data:
        return queryset
    query = QueryDict(mutable=True)
    for name, values in data.items():
        query.setlist(name, values if isinstance(values, list) else [values])
    # The change list is where phases are edited: each phase is a row of its own, matched on its own row.
    query["phases"] = ExerciseFilterSet.ROWS
    filterset = ExerciseFilterSet(query, queryset=queryset)
    if not filterset.is_valid():
        for name, errors in filterset.errors.items():
            messages.error(request, f"{name}: {' '.join(errors)}")
        return queryset.none()
    return selectors.exercise_queryset(filterset)


class SourceFilter(admin.SimpleListFilter):
    title = "sources"
    parameter_name = "sourced"

    def lookups(self, request, model_admin):
        return [("no", "Has no source"), ("yes", "Has a source")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(source_count=0)
        if self.value() == "yes":
            return queryset.filter(source_count__gt=0)
        return queryset


class TroopsKnownFilter(admin.SimpleListFilter):
    title = "troops"
    parameter_name = "troops"

    def lookups(self, request, model_admin):
        return [("unknown", "Troops unknown"), ("known", "Troops reported")]

    def queryset(self, request, queryset):
        if self.value() == "unknown":
            return queryset.filter(reported_troops__isnull=True)
        if self.value() == "known":
            return queryset.filter(reported_troops__isnull=False)
        return queryset
