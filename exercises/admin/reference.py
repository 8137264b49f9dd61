"""Admin pages of reference data and of the parts of exercises, each with its history."""

from django.contrib import admin
from django.db.models import Count
from simple_history.admin import SimpleHistoryAdmin

from exercises import models


class ReadOnlyMixin:
    """A reference table loaded from a generated fixture: viewed here, changed by regenerating it."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StateCodeInline(ReadOnlyMixin, admin.TabularInline):
    model = models.StateCode
    fields = ["system", "number", "letters", "name", "valid_from", "valid_to"]
    readonly_fields = fields
    extra = 0


@admin.register(models.State)
class StateAdmin(admin.ModelAdmin):
    list_display = ["name", "common_name", "alpha2", "alpha3", "code", "is_historical"]
    list_filter = ["is_historical"]
    search_fields = ["name", "common_name", "alpha2", "alpha3", "code", "names__name"]
    inlines = [StateCodeInline]


@admin.register(models.StateCode)
class StateCodeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Correlates of War and Gleditsch-Ward codes (fixtures/state_codes.json, ``manage.py build_state_codes``)."""

    list_display = ["system", "number", "letters", "name", "state", "valid_from", "valid_to"]
    list_filter = ["system"]
    list_select_related = ["state"]
    search_fields = ["=number", "letters", "name", "state__name", "state__code"]


@admin.register(models.StateName)
class StateNameAdmin(admin.ModelAdmin):
    list_display = ["name", "state", "key"]
    search_fields = ["name", "state__name"]
    autocomplete_fields = ["state"]


@admin.register(models.Location)
class LocationAdmin(SimpleHistoryAdmin):
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
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["acronym", "name", "kind", "founded"]
    search_fields = ["acronym", "name"]
    inlines = [MembershipInline]


@admin.register(models.Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["state", "organisation", "status", "started_on", "ended_on"]
    list_filter = ["organisation", "status"]
    search_fields = ["state__name", "organisation__acronym"]
    autocomplete_fields = ["state", "organisation"]


@admin.register(models.Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["key", "title", "publisher", "kind", "published_on", "citation_count"]
    list_filter = ["kind"]
    search_fields = ["key", "title", "author", "publisher"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_count=Count("citations")).order_by("key")

    @admin.display(ordering="citation_count", description="citations")
    def citation_count(self, obj):
        return obj.citation_count


@admin.register(models.Citation)
class CitationAdmin(SimpleHistoryAdmin):
    list_display = ["source", "key", "field", "excerpt", "attributed_to"]
    list_filter = ["source"]
    list_select_related = ["source"]
    search_fields = ["excerpt", "key", "attributed_to"]
    autocomplete_fields = ["source", "via", *models.CITATION_TARGETS]


@admin.register(models.Participation)
class ParticipationAdmin(SimpleHistoryAdmin):
    list_display = ["exercise", "state", "role"]
    list_filter = ["role"]
    list_select_related = ["exercise", "state"]
    search_fields = ["exercise__name", "state__name", "state__alpha3"]
    autocomplete_fields = ["exercise", "state"]


@admin.register(models.TroopFigure)
class TroopFigureAdmin(SimpleHistoryAdmin):
    list_display = ["exercise", "state", "display_value", "qualifier", "basis", "is_reported"]
    list_filter = ["qualifier", "basis", "is_reported"]
    list_select_related = ["exercise", "state"]
    search_fields = ["exercise__name", "key"]
    autocomplete_fields = ["exercise", "state"]


@admin.register(models.Scenario)
class ScenarioAdmin(SimpleHistoryAdmin):
    list_display = ["title", "exercise", "threat_type", "adversary", "adversary_state", "adversary_basis"]
    list_filter = ["threat_type", "adversary_basis"]
    list_select_related = ["exercise", "adversary_state"]
    search_fields = ["title", "description", "adversary", "exercise__name"]
    autocomplete_fields = ["exercise", "adversary_state", "locations", "states", "forces"]


@admin.register(models.Force)
class ForceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "exercise", "kind", "side", "state", "quantity"]
    list_filter = ["kind", "side"]
    list_select_related = ["exercise", "state"]
    search_fields = ["name", "exercise__name"]
    autocomplete_fields = ["exercise", "state"]


@admin.register(models.ExerciseRelation)
class ExerciseRelationAdmin(SimpleHistoryAdmin):
    list_display = ["from_exercise", "kind", "to_exercise"]
    list_filter = ["kind"]
    search_fields = ["from_exercise__name", "to_exercise__name"]
    autocomplete_fields = ["from_exercise", "to_exercise"]


@admin.register(models.ExerciseName)
class ExerciseNameAdmin(SimpleHistoryAdmin):
    list_display = ["name", "exercise", "language"]
    search_fields = ["name", "exercise__name"]
    autocomplete_fields = ["exercise"]


@admin.register(models.OrganisationParticipation)
class OrganisationParticipationAdmin(SimpleHistoryAdmin):
    list_display = ["exercise", "organisation", "role"]
    list_select_related = ["exercise", "organisation"]
    search_fields = ["exercise__name", "organisation__acronym"]
    autocomplete_fields = ["exercise", "organisation"]


@admin.register(models.ExternalIdentifier)
class ExternalIdentifierAdmin(SimpleHistoryAdmin):
    list_display = ["identifier", "source", "exercise"]
    list_filter = ["source"]
    list_select_related = ["exercise", "source"]
    search_fields = ["identifier", "exercise__name"]
    autocomplete_fields = ["exercise", "source"]


@admin.register(models.Removal)
class RemovalAdmin(admin.ModelAdmin):
    """The deletions feed (``deletions/``), read-only: written by deletions and merges themselves."""

    list_display = ["removed_at", "kind", "slug", "exercise", "merged_into", "object_id"]
    list_filter = ["kind"]
    search_fields = ["slug", "exercise", "merged_into"]
    readonly_fields = [field.name for field in models.Removal._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # what a client keeping a copy relies on; purge_deletions ages it out
