"""The admin: every model registered; exercises edited with their parts on one page.

A later issue turns this into the analysts' full workbench; here it is complete but plain.
"""

from django.contrib import admin
from django.db.models import Count

from exercises import models


class CitationInline(admin.TabularInline):
    model = models.Citation
    fk_name = "exercise"
    extra = 0
    fields = ["source", "field", "excerpt", "attributed_to", "via", "locator"]
    autocomplete_fields = ["source", "via"]


class ExerciseNameInline(admin.TabularInline):
    model = models.ExerciseName
    extra = 0


class ParticipationInline(admin.TabularInline):
    model = models.Participation
    extra = 0
    autocomplete_fields = ["state"]


class TroopFigureInline(admin.TabularInline):
    model = models.TroopFigure
    extra = 0
    fields = ["state", "low", "high", "qualifier", "basis", "is_reported", "note"]
    autocomplete_fields = ["state"]


class ForceInline(admin.TabularInline):
    model = models.Force
    extra = 0
    fields = ["name", "kind", "side", "state", "quantity", "note"]
    autocomplete_fields = ["state"]


class ScenarioInline(admin.StackedInline):
    model = models.Scenario
    extra = 0
    fields = [
        ("sequence", "title", "threat_type"),
        "description",
        ("adversary", "adversary_state", "adversary_basis"),
        "locations",
        "states",
        "forces",
    ]
    autocomplete_fields = ["adversary_state", "locations", "states"]
    filter_horizontal = ["forces"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # Offer only the forces of the exercise being edited, not every force in the database.
        if db_field.name == "forces":
            exercise_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = models.Force.objects.filter(exercise_id=exercise_id).select_related("state")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(models.Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "start", "end", "organisation", "reported_troops", "parent"]
    list_filter = ["year", "organisation", "name_is_descriptive"]
    list_select_related = ["organisation", "parent"]
    search_fields = ["name", "slug", "alternative_names__name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["organisation", "parent", "locations"]
    readonly_fields = ["span_start", "span_end", "reported_troops", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "name_is_descriptive", "slug", "organisation", "parent"]}),
        ("When", {"fields": [("start_date", "start_precision"), ("end_date", "end_precision"), "year"]}),
        ("What", {"fields": ["purpose", "description", "locations", "notes"]}),
        ("Derived", {"fields": [("span_start", "span_end"), "reported_troops", ("created_at", "updated_at")]}),
    ]
    inlines = [
        ExerciseNameInline,
        ParticipationInline,
        TroopFigureInline,
        ForceInline,
        ScenarioInline,
        CitationInline,
    ]


@admin.register(models.State)
class StateAdmin(admin.ModelAdmin):
    list_display = ["name", "common_name", "alpha2", "alpha3", "code", "is_historical"]
    list_filter = ["is_historical"]
    search_fields = ["name", "common_name", "alpha2", "alpha3", "code", "names__name"]


@admin.register(models.StateName)
class StateNameAdmin(admin.ModelAdmin):
    list_display = ["name", "state", "key"]
    search_fields = ["name", "state__name"]
    autocomplete_fields = ["state"]


@admin.register(models.Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "state", "admin_region", "latitude", "longitude"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "admin_region"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["state"]


class MembershipInline(admin.TabularInline):
    model = models.Membership
    extra = 0
    autocomplete_fields = ["state"]


@admin.register(models.Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["acronym", "name", "kind", "founded"]
    search_fields = ["acronym", "name"]
    inlines = [MembershipInline]


@admin.register(models.Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["state", "organisation", "status", "started_on", "ended_on"]
    list_filter = ["organisation", "status"]
    search_fields = ["state__name", "organisation__acronym"]
    autocomplete_fields = ["state", "organisation"]


@admin.register(models.Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["key", "title", "publisher", "kind", "published_on", "citation_count"]
    list_filter = ["kind"]
    search_fields = ["key", "title", "author", "publisher"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_count=Count("citations"))

    @admin.display(ordering="citation_count", description="citations")
    def citation_count(self, obj):
        return obj.citation_count


@admin.register(models.Citation)
class CitationAdmin(admin.ModelAdmin):
    list_display = ["source", "key", "field", "excerpt", "attributed_to"]
    list_filter = ["source"]
    list_select_related = ["source"]
    search_fields = ["excerpt", "key", "attributed_to"]
    autocomplete_fields = [
        "source",
        "via",
        "exercise",
        "participation",
        "troop_figure",
        "scenario",
        "force",
        "location",
        "membership",
        "organisation",
        "organisation_participation",
        "relation",
    ]


@admin.register(models.Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ["exercise", "state", "role"]
    list_filter = ["role"]
    list_select_related = ["exercise", "state"]
    search_fields = ["exercise__name", "state__name", "state__alpha3"]
    autocomplete_fields = ["exercise", "state"]


@admin.register(models.TroopFigure)
class TroopFigureAdmin(admin.ModelAdmin):
    list_display = ["exercise", "state", "display_value", "qualifier", "basis", "is_reported"]
    list_filter = ["qualifier", "basis", "is_reported"]
    list_select_related = ["exercise", "state"]
    search_fields = ["exercise__name", "key"]
    autocomplete_fields = ["exercise", "state"]


@admin.register(models.Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ["title", "exercise", "threat_type", "adversary", "adversary_state", "adversary_basis"]
    list_filter = ["threat_type", "adversary_basis"]
    list_select_related = ["exercise", "adversary_state"]
    search_fields = ["title", "description", "adversary", "exercise__name"]
    autocomplete_fields = ["exercise", "adversary_state", "locations", "states", "forces"]


@admin.register(models.Force)
class ForceAdmin(admin.ModelAdmin):
    list_display = ["name", "exercise", "kind", "side", "state", "quantity"]
    list_filter = ["kind", "side"]
    list_select_related = ["exercise", "state"]
    search_fields = ["name", "exercise__name"]
    autocomplete_fields = ["exercise", "state"]


@admin.register(models.ExerciseRelation)
class ExerciseRelationAdmin(admin.ModelAdmin):
    list_display = ["from_exercise", "kind", "to_exercise"]
    list_filter = ["kind"]
    search_fields = ["from_exercise__name", "to_exercise__name"]
    autocomplete_fields = ["from_exercise", "to_exercise"]


@admin.register(models.ExerciseName)
class ExerciseNameAdmin(admin.ModelAdmin):
    list_display = ["name", "exercise", "language"]
    search_fields = ["name", "exercise__name"]
    autocomplete_fields = ["exercise"]


@admin.register(models.OrganisationParticipation)
class OrganisationParticipationAdmin(admin.ModelAdmin):
    list_display = ["exercise", "organisation", "role"]
    list_select_related = ["exercise", "organisation"]
    search_fields = ["exercise__name", "organisation__acronym"]
    autocomplete_fields = ["exercise", "organisation"]


@admin.register(models.ExternalIdentifier)
class ExternalIdentifierAdmin(admin.ModelAdmin):
    list_display = ["identifier", "source", "exercise"]
    list_filter = ["source"]
    list_select_related = ["exercise", "source"]
    search_fields = ["identifier", "exercise__name"]
    autocomplete_fields = ["exercise", "source"]
