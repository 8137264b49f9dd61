"""The exercise workbench: a fast change list and one page to edit an exercise with all its parts."""

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import Prefetch
from django.utils.html import format_html, format_html_join
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from simple_history.admin import SimpleHistoryAdmin

from exercises import models, selectors
from exercises.admin import filters
from exercises.admin.duplicates import MergeActionMixin
from exercises.admin.forms import ExerciseAdminForm, cited_form
from exercises.admin.resources import ExerciseResource


class ExerciseNameInline(admin.TabularInline):
    model = models.ExerciseName
    extra = 0
    verbose_name = "alternative name or transliteration"
    verbose_name_plural = "alternative names and transliterations"


class CitedInlineMixin:
    """Rows edited with their first citation: the rows' citations in one query for all of them, and
    the records their labels name joined in, rather than a few queries per row."""

    related = ("exercise", "state")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(*self.related)
            .prefetch_related(
                Prefetch("citations", queryset=models.Citation.objects.select_related("source").order_by("pk"))
            )
        )


class ParticipationInline(CitedInlineMixin, admin.TabularInline):
    model = models.Participation
    form = cited_form("participation")
    extra = 0
    fields = ["state", "role", "notes", "attested_by", "cite_source", "cite_excerpt", "cite_attributed_to"]
    readonly_fields = ["attested_by"]
    autocomplete_fields = ["state"]

    @admin.display(description="attested by")
    def attested_by(self, participation):
        """The sources citing the participation (one alone: only that source names the participant)."""
        keys = sorted({citation.source.key for citation in participation.citations.all()})
        return " ".join(keys) or "—"


class OrganisationParticipationInline(admin.TabularInline):
    model = models.OrganisationParticipation
    extra = 0
    autocomplete_fields = ["organisation"]
    verbose_name_plural = "organisations taking part as a body"


class TroopFigureInline(CitedInlineMixin, admin.TabularInline):
    model = models.TroopFigure
    form = cited_form("troop_figure")
    extra = 0
    fields = [
        "state",
        "low",
        "high",
        "qualifier",
        "basis",
        "is_reported",
        "note",
        "cite_source",
        "cite_excerpt",
        "cite_attributed_to",
    ]
    autocomplete_fields = ["state"]


class LocationInline(admin.TabularInline):
    model = models.Exercise.locations.through
    extra = 0
    autocomplete_fields = ["location"]
    verbose_name = "place"
    verbose_name_plural = "places"


class ForceInline(CitedInlineMixin, admin.TabularInline):
    model = models.Force
    form = cited_form("force")
    extra = 0
    fields = ["name", "kind", "side", "state", "quantity", "cite_source", "cite_excerpt"]
    autocomplete_fields = ["state"]


class ScenarioInline(CitedInlineMixin, admin.StackedInline):
    model = models.Scenario
    related = ("exercise", "adversary_state")
    form = cited_form("scenario")
    extra = 0
    fields = [
        ("sequence", "title", "threat_type"),
        "description",
        ("adversary", "adversary_state", "adversary_basis"),
        ("locations", "states"),
        "forces",
        ("cite_source", "cite_attributed_to"),
        "cite_excerpt",
    ]
    autocomplete_fields = ["adversary_state", "locations", "states"]
    filter_horizontal = ["forces"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # Offer only the forces of the exercise being edited, not every force in the database.
        if db_field.name == "forces":
            exercise_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = models.Force.objects.filter(exercise_id=exercise_id).select_related("state")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class CitationInline(admin.TabularInline):
    model = models.Citation
    fk_name = "exercise"
    extra = 0
    fields = ["source", "field", "excerpt", "attributed_to", "via", "locator"]
    autocomplete_fields = ["source", "via"]
    verbose_name_plural = "citations of the exercise itself (name, dates, purpose ...)"


class ExerciseChangeList(ChangeList):
    """Filters with the API's FilterSet, and adds the participants the page shows per row in one query
    per page, read by the selectors (the number of sources and the disputes are stored columns)."""

    def get_queryset(self, request, exclude_parameters=None):
        return filters.apply_filterset(request, super().get_queryset(request, exclude_parameters))

    def get_results(self, request):
        super().get_results(request)
        ids = [exercise.pk for exercise in self.result_list]
        participants = selectors.participant_codes(ids)
        for exercise in self.result_list:
            exercise.participant_codes = participants[exercise.pk]


@admin.register(models.Exercise)
class ExerciseAdmin(MergeActionMixin, ImportExportMixin, SimpleHistoryAdmin):
    form = ExerciseAdminForm
    resource_classes = [ExerciseResource]
    formats = [CSV, XLSX]

    list_display = ["name", "year", "dates", "organisation", "participants", "reported_troops", "sources", "disputed"]
    list_display_links = ["name"]
    list_filter = [
        *filters.FILTERSET_FILTERS,
        filters.SourceFilter,
        filters.TroopsKnownFilter,
        "needs_review",
        "name_is_descriptive",
    ]
    list_select_related = ["organisation"]
    list_per_page = 50
    show_full_result_count = False  # no second COUNT(*) of the whole table on filtered pages
    # The FilterSet applies its parameters together, so a count per choice of one of them would need a
    # query of its own per choice: no facet counts.
    show_facets = admin.ShowFacets.NEVER
    date_hierarchy = "span_start"
    search_fields = ["name"]  # widened in get_search_results
    search_help_text = (
        "Every word in a name, alternative name, series, purpose, description, scenario or place name "
        "(as the API's search)."
    )
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["organisation", "parent", "curated_from"]
    readonly_fields = [
        "span_start",
        "span_end",
        "reported_troops",
        "what_the_sources_say",
        "created_at",
        "updated_at",
    ]
    save_on_top = True
    fieldsets = [
        (
            "Exercise",
            {"fields": [("name", "name_is_descriptive"), "slug", ("organisation", "parent"), "series", "seen_version"]},
        ),
        (
            "When",
            {
                "fields": [("start_date", "start_precision"), ("end_date", "end_precision"), "year"],
                "description": "Give what the source gives: a month-precision date is stored as the 1st of the "
                "month. Set the year by hand only when no date is known.",
            },
        ),
        ("What", {"fields": ["purpose", "description"]}),
        (
            "Domains and focus",
            {
                "fields": [
                    models.Exercise.DOMAIN_FLAGS,
                    models.Exercise.FOCUS_FLAGS,
                ],
                "classes": ["collapse"],
            },
        ),
        ("Review", {"fields": ["needs_review", "review_notes", "notes", "troops_text", "participants_note"]}),
        (
            "Sources",
            {
                "fields": ["curated_from", "what_the_sources_say"],
                "description": "What each source says of the exercise (its records, and the citations of its "
                "participants and troop figures); the fields two sources disagree on are marked.",
            },
        ),
        (
            "Derived and record",
            {
                "fields": [("span_start", "span_end"), "reported_troops", ("created_at", "updated_at")],
                "classes": ["collapse"],
            },
        ),
    ]
    inlines = [
        ExerciseNameInline,
        ParticipationInline,
        OrganisationParticipationInline,
        TroopFigureInline,
        LocationInline,
        ScenarioInline,
        ForceInline,
        CitationInline,
    ]

    def get_changelist(self, request, **kwargs):
        return ExerciseChangeList

    def get_search_results(self, request, queryset, search_term):
        """The API's ``search``, through the same FilterSet and selector."""
        if not search_term.strip():
            return queryset, False
        return filters.apply_filterset(request, queryset, {"search": search_term}), False

    @admin.display(description="dates", ordering="span_start")
    def dates(self, exercise):
        start, end = exercise.start, exercise.end
        if start and end:
            return start if start == end else f"{start} – {end}"
        return start and f"from {start}" or end and f"until {end}" or "—"

    @admin.display(description="participants")
    def participants(self, exercise):
        return " ".join(getattr(exercise, "participant_codes", [])) or "—"

    @admin.display(description="sources", ordering="source_count")
    def sources(self, exercise):
        return exercise.source_count

    @admin.display(description="disputed")
    def disputed(self, exercise):
        """The fields the exercise's sources disagree on (its stored flags)."""
        fields = [name for name in models.Exercise.DISPUTABLE if getattr(exercise, f"disputed_{name}")]
        return format_html('<strong class="disputed">⚠ {}</strong>', ", ".join(fields)) if fields else "—"

    @admin.display(description="what the sources say")
    def what_the_sources_say(self, exercise):
        """One row per source's word on a field (``selectors.according_to``), disputed fields marked."""
        if exercise is None or exercise.pk is None:
            return "—"
        rows = [
            (
                format_html('<strong class="disputed">{} ⚠ disputed</strong>', field)
                if getattr(exercise, f"disputed_{field}", False)
                else field,
                witness["source"],
                record_of(witness),
                said(witness["says"]),
            )
            for field, witnesses in selectors.according_to(exercise).items()
            for witness in witnesses
        ]
        if not rows:
            return "No source record or cited participant or figure."
        body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
        return format_html(
            '<table class="according-to"><thead><tr><th>field</th><th>source</th><th>record</th><th>says</th></tr>'
            "</thead><tbody>{}</tbody></table>",
            body,
        )


def record_of(witness: dict) -> str:
    """The source's record a word comes from: its identifier (and where it is), or a dash."""
    identifier, locator = witness["identifier"], witness["locator"]
    return f"{identifier} ({locator})" if identifier and locator else identifier or "—"


def said(says) -> str:
    """A source's word as text: lists joined, dates as start – end."""
    if isinstance(says, dict):
        return " – ".join(value or "?" for value in (says.get("start"), says.get("end")))
    if isinstance(says, list):
        return ", ".join(says)
    return str(says)
