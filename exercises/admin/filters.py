"""Change-list filters for exercises. Countries are typed, not picked from a list of 270 links."""

from django.contrib import admin, messages
from django.db.models import Exists, OuterRef, Q

from exercises.choices import Role, ThreatType
from exercises.models import Citation, Exercise, Participation, Scenario, State, UnknownState


class InputFilter(admin.SimpleListFilter):
    """A filter with a text box instead of links."""

    template = "admin/exercises/input_filter.html"

    def lookups(self, request, model_admin):
        return [("", "")]  # Django shows a filter only if it has choices

    def choices(self, changelist):
        query = changelist.get_query_string(remove=[self.parameter_name])
        yield {
            "query_string": query,
            "value": self.value() or "",
            "parameter_name": self.parameter_name,
            "hidden": [(k, v) for k, v in changelist.get_filters_params().items() if k != self.parameter_name],
        }


class ParticipantFilter(InputFilter):
    title = "participating state (code or name)"
    parameter_name = "country"

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            states = list(State.objects.resolve(self.value().split(",")).values())
        except UnknownState as exc:
            messages.error(request, f"Unknown state {exc.value!r}: use an ISO code or an English name.")
            return queryset.none()
        role = request.GET.get("role")
        participations = Participation.objects.filter(exercise=OuterRef("pk"), state__in=states)
        if role:
            participations = participations.filter(role=role)
        return queryset.filter(Exists(participations))


class RoleFilter(admin.SimpleListFilter):
    title = "role of a participant"
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        if not self.value() or request.GET.get("country"):
            return queryset  # with a country, the role narrows that country (ParticipantFilter)
        return queryset.filter(Exists(Participation.objects.filter(exercise=OuterRef("pk"), role=self.value())))


class ThreatFilter(admin.SimpleListFilter):
    title = "threat rehearsed"
    parameter_name = "threat"

    def lookups(self, request, model_admin):
        return ThreatType.choices

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return queryset.filter(Exists(Scenario.objects.filter(exercise=OuterRef("pk"), threat_type=self.value())))


#: From a citation to the exercise it supports, directly or through one of the exercise's parts.
CITED_PATHS = ("exercise", "participation__exercise", "troop_figure__exercise", "scenario__exercise", "force__exercise")


def cited():
    """The exercise (the outer query's row) or one of its parts is cited: one indexed EXISTS per kind
    of record (an OR across joins inside a single EXISTS would read every citation)."""
    exercise = OuterRef("pk")
    condition = Q()
    for path in CITED_PATHS:
        condition |= Q(Exists(Citation.objects.filter(**{path: exercise})))
    return condition


class SourceFilter(admin.SimpleListFilter):
    title = "sources"
    parameter_name = "sourced"

    def lookups(self, request, model_admin):
        return [("no", "Has no source"), ("yes", "Has a source")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(~cited())
        if self.value() == "yes":
            return queryset.filter(cited())
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


class SeriesFilter(InputFilter):
    title = "series"
    parameter_name = "series"

    def queryset(self, request, queryset):
        return queryset.filter(series__iexact=self.value().strip()) if self.value() else queryset


class FlagFilter(admin.SimpleListFilter):
    """One of several boolean flags set (domains, focus)."""

    flags: list[str] = []

    def lookups(self, request, model_admin):
        return [(flag, Exercise._meta.get_field(flag).verbose_name.capitalize()) for flag in self.flags]

    def queryset(self, request, queryset):
        return queryset.filter(**{self.value(): True}) if self.value() in self.flags else queryset


class DomainFilter(FlagFilter):
    title = "domain"
    parameter_name = "domain"
    flags = Exercise.DOMAIN_FLAGS


class FocusFilter(FlagFilter):
    title = "focus"
    parameter_name = "focus"
    flags = Exercise.FOCUS_FLAGS
