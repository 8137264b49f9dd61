"""The API's endpoints: short declarations. Lists of exercises are read by ``exercises.selectors``;
the other endpoints shape their queries in ``get_queryset``."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponsePermanentRedirect, StreamingHttpResponse
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response

from exercises import filtersets, merges, models, selectors, services, vienna
from exercises.api import caching, deletions, formats, serializers
from exercises.api.errors import PreconditionFailed, PreconditionRequired
from exercises.api.formats import EXPORT_FORMATS, CSVRenderer, FastJSONRenderer, GeoJSONRenderer, NDJSONRenderer
from exercises.api.mixins import ExportMixin, StrictQueryMixin
from exercises.choices import CodeSystem
from exercises.filtersets.fields import CodeSystemsField

READ_RENDERERS = [FastJSONRenderer, BrowsableAPIRenderer, CSVRenderer, NDJSONRenderer]
GEO_RENDERERS = [*READ_RENDERERS, GeoJSONRenderer]


def cited() -> Prefetch:
    """A record's citations with their sources, as every answer shows them."""
    return Prefetch("citations", queryset=models.Citation.objects.select_related("source", "via"))


def scenario_parts() -> list:
    """What a scenario shows: its citations, states, places and forces (each force cited)."""
    return [
        cited(),
        Prefetch("states", queryset=models.State.objects.order_by("name")),
        Prefetch("locations", queryset=models.Location.objects.select_related("state")),
        Prefetch("forces", queryset=models.Force.objects.select_related("state").prefetch_related(cited())),
    ]


# -- Exercises ---------------------------------------------------------------------------------------
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag of the exercise's JSON you read (strong: a `W/` tag never matches), or `*`: 428 "
    "without it, 412 if the exercise, or anything its detail shows, has changed since.",
)


def etag_header(*codes):
    return OpenApiParameter(
        "ETag",
        str,
        OpenApiParameter.HEADER,
        response=list(codes),
        description="The representation's ETag: its version and a digest of the answer (distinct per format "
        "and content coding). Send it back in If-Match with a change, or in If-None-Match for a 304.",
    )


CODES = OpenApiParameter(
    formats.CODES_PARAM,
    str,
    enum=CodeSystem.values,
    description="With format=csv only: add the participants' codes in these political-science state lists, "
    "after participants: cow adds cown and cowc (Correlates of War number and letters), gw adds gwn and gwc "
    "(Gleditsch-Ward). One entry per participant, in the participants' order: its code at the exercise's dates "
    "(empty if none; several joined with /). Repeat or comma-separate; anything else is a 400.",
)


@extend_schema_view(
    list=extend_schema(parameters=[CODES]),
    retrieve=extend_schema(
        parameters=[etag_header(200)],
        responses={
            200: serializers.ExerciseDetailSerializer,
            301: OpenApiResponse(
                description="The slug was merged into another exercise: `Location` is that exercise's address."
            ),
            410: OpenApiResponse(description="The exercise was deleted (deletions/ lists it)."),
        },
    ),
    create=extend_schema(parameters=[etag_header(201)]),
    update=extend_schema(parameters=[IF_MATCH, etag_header(200)]),
    partial_update=extend_schema(parameters=[IF_MATCH, etag_header(200)]),
    destroy=extend_schema(parameters=[IF_MATCH]),
)
class ExerciseViewSet(StrictQueryMixin, viewsets.ModelViewSet):
    """Exercises: a filtered, paginated list; details with every figure's citations; writes for editors."""

    optimistic_locking = True  # writes need If-Match (documented in the schema: 412, 428)

    queryset = models.Exercise.objects.all()
    lookup_field = "slug"
    filterset_class = filtersets.ExerciseFilterSet
    renderer_classes = GEO_RENDERERS
    extra_repeatable_params = (formats.CODES_PARAM,)

    def allowed_query_params(self) -> set[str]:
        allowed = super().allowed_query_params()
        return allowed | {formats.CODES_PARAM} if getattr(self, "action", "list") == "list" else allowed

    def code_systems(self, request) -> list[str]:
        """``codes=cow,gw``: the state lists whose codes the CSV adds (none without it); a 400 otherwise."""
        field = CodeSystemsField(required=False)
        try:
            systems = field.clean(field.widget.value_from_datadict(request.query_params, {}, formats.CODES_PARAM))
        except DjangoValidationError as exc:
            raise ValidationError({formats.CODES_PARAM: exc.messages}) from None
        if systems and request.accepted_renderer.format != "csv":
            raise ValidationError(
                {formats.CODES_PARAM: ["Only with format=csv (the states/ endpoint lists every state's codes)."]}
            )
        return systems

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            return queryset  # read by the selectors (list), never through a serializer
        if self.action in ("update", "partial_update", "destroy"):
            # Only the exercise's own row, locked until the write's transaction ends (PostgreSQL;
            # SQLite serialises writers). The answer is read afterwards with detail_queryset().
            return queryset.select_for_update()
        return self.detail_queryset()

    def filter_queryset(self, queryset):
        # One exercise is named by its slug, a phase as well as a whole exercise: the list's parameters
        # (which list whole exercises by default) do not apply to it.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def detail_queryset(self):
        """An exercise with everything its detail shows, its phases' parts too, in a fixed number of queries."""
        queryset = super().get_queryset().select_related("organisation", "parent")
        phases = models.Exercise.objects.order_by("name").prefetch_related(*self.part_lookups())
        return queryset.prefetch_related(
            *self.part_lookups(),
            Prefetch("phases", queryset=phases),
            Prefetch("relations_from", queryset=models.ExerciseRelation.objects.select_related("to_exercise")),
            Prefetch("relations_to", queryset=models.ExerciseRelation.objects.select_related("from_exercise")),
            Prefetch(
                "organisation_participations",
                queryset=models.OrganisationParticipation.objects.select_related("organisation"),
            ),
            Prefetch("external_ids", queryset=models.ExternalIdentifier.objects.select_related("source")),
            "alternative_names",
            cited(),
        )

    @staticmethod
    def part_lookups() -> list[Prefetch]:
        """The parts the detail shows of an exercise and of each of its phases (each part with its citations)."""
        return [
            Prefetch(
                "participations",
                queryset=models.Participation.objects.select_related("state").prefetch_related(cited()),
            ),
            Prefetch(
                "troop_figures", queryset=models.TroopFigure.objects.select_related("state").prefetch_related(cited())
            ),
            Prefetch("forces", queryset=models.Force.objects.select_related("state").prefetch_related(cited())),
            Prefetch(
                "scenarios",
                queryset=models.Scenario.objects.select_related("adversary_state").prefetch_related(*scenario_parts()),
            ),
            Prefetch("locations", queryset=models.Location.objects.select_related("state").order_by("name")),
        ]

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.ExerciseListSerializer  # the schema's description of formats.ROW
        if self.action == "retrieve":
            return serializers.ExerciseDetailSerializer
        return serializers.ExerciseWriteSerializer

    def list(self, request, *args, **kwargs):
        """JSON pages, by number or by cursor (and the browsable page, which shows that JSON), CSV, NDJSON
        and GeoJSON: the compact rows of formats.ROW, read by the selectors."""
        filterset = self.valid_filterset(request)
        systems = self.code_systems(request)
        export = request.accepted_renderer.format
        if export in EXPORT_FORMATS:
            self.paginator.check_params(request)
            return self.export(filterset, export, systems)
        rows = self.paginator.paginate_selected(
            request,
            lambda number, size: selectors.exercise_page(filterset, number, size, formats.ROW_COLUMNS),
            lambda keyset_for, size: selectors.exercise_keyset_page(filterset, keyset_for, size, formats.ROW_COLUMNS),
            lambda: selectors.exercise_count(filterset),
        )
        return self.paginator.get_paginated_response(list(formats.compact(rows, request)))

    def export(self, filterset, export, systems=()):
        if export == "csv":
            chunks = selectors.exercise_chunks(filterset, formats.ROW_COLUMNS)
            response = StreamingHttpResponse(
                formats.csv_chunks(chunks, self.request, systems), content_type="text/csv; charset=utf-8"
            )
        elif export == "ndjson":
            chunks = selectors.exercise_chunks(filterset, formats.ROW_COLUMNS)
            response = StreamingHttpResponse(formats.ndjson_chunks(chunks, self.request), content_type=formats.NDJSON)
        else:
            chunks = selectors.exercise_chunks(filterset, formats.ROW_COLUMNS, coordinates=True)
            response = StreamingHttpResponse(
                formats.geojson_chunks(chunks, self.request), content_type="application/geo+json"
            )
        response["Content-Disposition"] = f'attachment; filename="exercises.{export}"'
        return response

    def retrieve(self, request, *args, **kwargs):
        """The exercise; a slug merged into another answers 301 with the kept exercise's address (the
        query string kept), a deleted one 410. Writes to a merged slug stay 404: a write must name the
        exercise it changes."""
        try:
            response = super().retrieve(request, *args, **kwargs)
        except Http404:
            kept = merges.resolve_merged(kwargs["slug"])
            if kept is None:
                raise deletions.exercise_gone(kwargs["slug"]) or NotFound() from None
            location = reverse(
                "exercises-api:exercise-detail",
                kwargs={"slug": kept.slug, **({"format": kwargs["format"]} if kwargs.get("format") else {})},
            )
            query = request.META.get("QUERY_STRING")
            return HttpResponsePermanentRedirect(f"{location}?{query}" if query else location)
        return caching.mark_for_etag(response, self.object.version)

    def get_object(self):
        """The exercise addressed, fetched once per request (the precondition and the write share it)."""
        if getattr(self, "object", None) is None:
            self.object = super().get_object()
        return self.object

    def check_if_match(self, exercise):
        """Writes must name the representation they were based on (optimistic locking, as in the admin):
        an ETag of the exercise's current JSON in If-Match, compared strongly (RFC 9110 13.1.1), or ``*``
        for any. The current one is rendered here, under the lock: writes are rare, reads cost nothing."""
        header = self.request.headers.get("If-Match")
        if not header:
            raise PreconditionRequired()
        if header.strip() == "*":
            expected = None
        else:
            current = caching.etag_for(self.current_json(exercise), "application/json", exercise.version)
            expected = {exercise.version} if caching.matches_strongly(header, current) else set()
        try:
            services.check_version(exercise, expected, reread=False)  # get_object() read it under the lock
        except services.StaleVersion:
            raise PreconditionFailed() from None

    def current_json(self, exercise) -> bytes:
        """The exercise's detail as a JSON read would get it now, byte for byte (its ETag's input)."""
        detail = serializers.ExerciseDetailSerializer(
            self.detail_queryset().get(pk=exercise.pk), context=self.get_serializer_context()
        )
        return FastJSONRenderer().render(detail.data, "application/json", self.get_renderer_context())

    def update(self, request, *args, **kwargs):
        with transaction.atomic():
            self.check_if_match(self.get_object())
            response = super().update(request, *args, **kwargs)
        return caching.mark_for_etag(response, self.object.version)

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            self.check_if_match(self.get_object())
            return super().destroy(request, *args, **kwargs)

    def perform_update(self, serializer):
        self.object = serializer.save()
        self.answer_with_detail(serializer)

    def perform_create(self, serializer):
        with transaction.atomic():
            self.object = serializer.save()
        self.answer_with_detail(serializer)

    def answer_with_detail(self, serializer):
        """Answer a write with the exercise as a detail read shows it, read with its prefetches
        (the saved instance would load each relation lazily, one query per row of each)."""
        serializer.instance = self.detail_queryset().get(pk=self.object.pk)

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        return caching.mark_for_etag(response, self.object.version)


class ParticipationViewSet(StrictQueryMixin, ExportMixin, viewsets.ModelViewSet):
    """Which state took part in which exercise, in what role. Editors add and correct them here."""

    queryset = models.Participation.objects.select_related("exercise", "state").prefetch_related(cited())
    serializer_class = serializers.ParticipationWriteSerializer
    filterset_class = filtersets.ExercisePartFilterSet
    renderer_classes = READ_RENDERERS


class TroopFigureViewSet(StrictQueryMixin, ExportMixin, viewsets.ModelViewSet):
    """Troop figures, every claim with its source; editors add competing figures here."""

    queryset = models.TroopFigure.objects.select_related("exercise", "state")
    serializer_class = serializers.TroopFigureWriteSerializer
    filterset_class = filtersets.ExercisePartFilterSet
    renderer_classes = READ_RENDERERS

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.save()

    def perform_update(self, serializer):
        with transaction.atomic():
            serializer.save()


# -- Reference data ----------------------------------------------------------------------------------
class StateViewSet(StrictQueryMixin, ExportMixin, viewsets.ReadOnlyModelViewSet):
    """States and territories (ISO 3166-1, and former ones from ISO 3166-3) with their exercise counts and
    their Correlates of War and Gleditsch-Ward codes.

    ``states/{code}/`` takes an alpha-2, alpha-3 or ISO 3166-3 code in any case.
    """

    queryset = (
        models.State.objects.annotate(exercise_count=Count("participations"))
        .prefetch_related("names", "codes")
        .order_by("name")
    )
    serializer_class = serializers.StateSerializer
    filterset_class = filtersets.StateFilterSet
    lookup_field = "code"
    renderer_classes = READ_RENDERERS

    def get_object(self):
        code = self.kwargs["code"].upper()
        match = (
            Q(alpha2=code, is_historical=False)
            if len(code) == 2
            else Q(alpha3=code, is_historical=False) | Q(code=code)
        )
        state = self.get_queryset().filter(match).first()
        if state is None:
            raise NotFound("No state with this alpha-2, alpha-3 or ISO 3166-3 code.")
        return state


class OrganisationViewSet(StrictQueryMixin, ExportMixin, viewsets.ReadOnlyModelViewSet):
    """Organisations with their members' periods (member, suspended ...), each period cited."""

    queryset = (
        models.Organisation.objects.annotate(exercise_count=Count("exercises"))
        .order_by("acronym")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=models.Membership.objects.select_related("state").prefetch_related(cited()),
            )
        )
    )
    serializer_class = serializers.OrganisationSerializer
    filterset_class = filtersets.OrganisationFilterSet
    lookup_field = "acronym"
    lookup_value_regex = "[^/]+"
    renderer_classes = READ_RENDERERS

    def get_object(self):
        organisation = self.get_queryset().filter(acronym__iexact=self.kwargs["acronym"]).first()
        if organisation is None:
            raise NotFound("No organisation with this acronym.")
        return organisation


class LocationViewSet(StrictQueryMixin, ExportMixin, viewsets.ReadOnlyModelViewSet):
    """Named places with coordinates; ``format=geojson`` gives them as points."""

    queryset = models.Location.objects.select_related("state")
    filterset_class = filtersets.LocationFilterSet
    renderer_classes = GEO_RENDERERS

    def get_serializer_class(self):
        return serializers.LocationDetailSerializer if self.action == "retrieve" else serializers.LocationSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(cited())
        return queryset


class ScenarioViewSet(StrictQueryMixin, ExportMixin, viewsets.ReadOnlyModelViewSet):
    """Episodes of exercises: what was rehearsed, where, against whom, with which forces."""

    queryset = models.Scenario.objects.select_related("exercise", "adversary_state").prefetch_related(*scenario_parts())
    serializer_class = serializers.ScenarioListSerializer
    filterset_class = filtersets.ScenarioFilterSet
    renderer_classes = READ_RENDERERS


class SourceViewSet(StrictQueryMixin, ExportMixin, viewsets.ReadOnlyModelViewSet):
    """The register of sources; a source's detail lists every fact it supports."""

    queryset = models.Source.objects.annotate(citation_count=Count("citations")).order_by("key")
    filterset_class = filtersets.SourceFilterSet
    lookup_field = "key"
    renderer_classes = READ_RENDERERS

    def get_serializer_class(self):
        return serializers.SourceDetailSerializer if self.action == "retrieve" else serializers.SourceSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            targets = [
                "via",
                "exercise",
                "participation__exercise",
                "participation__state",
                "troop_figure__exercise",
                "troop_figure__state",
                "scenario__exercise",
                "force__exercise",
                "force__state",
                "location",
                "membership__organisation",
                "membership__state",
                "organisation",
                "organisation_participation__exercise",
                "organisation_participation__organisation",
                "relation__from_exercise",
                "relation__to_exercise",
            ]
            queryset = queryset.prefetch_related(
                Prefetch("citations", queryset=models.Citation.objects.select_related(*targets).order_by("pk"))
            )
        return queryset


@extend_schema_view(
    list=extend_schema(
        responses={
            200: serializers.RemovalSerializer(many=True),
            410: OpenApiResponse(description="updated_since is older than the feed keeps: download a full copy."),
        }
    )
)
class DeletionViewSet(StrictQueryMixin, ExportMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """What left the data: rows of the list endpoints deleted, and exercises merged into another (with
    the slug they went into), oldest first. A client keeping a copy asks the lists and this feed with
    the same updated_since= (the time of its last run), upserts what the lists give and drops what this
    gives. Kept DELETIONS_RETENTION_DAYS: from before that, 410 (download a full copy)."""

    queryset = models.Removal.objects.order_by("removed_at", "id")
    serializer_class = serializers.RemovalSerializer
    filterset_class = filtersets.DeletionFilterSet
    renderer_classes = READ_RENDERERS

    def list(self, request, *args, **kwargs):
        expired = deletions.feed_expired(self.valid_filterset(request).form.cleaned_data.get("updated_since"))
        if expired is not None:
            raise expired
        return super().list(request, *args, **kwargs)


# -- Statistics --------------------------------------------------------------------------------------
#: The series ``by`` may name. Without ``by``, the first three: ``membership`` (per organisation, by membership at
#: the time) and ``vienna`` (the Vienna Document's thresholds per year, exercises.vienna) are asked for by name,
#: so the default answer and its cost stay as they were.
STAT_SERIES = ("year", "state", "organisation", "membership", "vienna")
DEFAULT_STAT_SERIES = STAT_SERIES[:3]


@extend_schema(
    parameters=[
        OpenApiParameter(
            "by",
            str,
            enum=list(STAT_SERIES),
            description="Which series to return (default: year, state and organisation); repeat or comma-separate "
            "for several. membership: per organisation with a membership history, the exercises in which a "
            "state that was a member at the time took part (as members_of). vienna: per year, the exercises at "
            "or above the Vienna Document's thresholds "
            f"({vienna.SOURCE}), declared below and reported above 13,000, in and outside its zone of application.",
        )
    ]
)
class StatsViewSet(StrictQueryMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Exercises and reported troops per year, per state and per organisation.

    Takes the same filters as ``exercises/``. ``troops`` sums the exercises' reported figures;
    an exercise counts fully for each state that took part in it. One aggregate query per series.
    """

    queryset = models.Exercise.objects.all()
    serializer_class = serializers.StatsSerializer
    filterset_class = filtersets.ExerciseFilterSet
    pagination_class = None
    renderer_classes = [FastJSONRenderer, BrowsableAPIRenderer]
    extra_query_params = ("by",)
    extra_repeatable_params = ("by",)

    @extend_schema(responses=serializers.StatsSerializer)
    def list(self, request, *args, **kwargs):
        requested = [p.strip() for v in request.query_params.getlist("by") for p in v.split(",") if p.strip()]
        unknown = [s for s in requested if s not in STAT_SERIES]
        if unknown:
            raise ValidationError({"by": [f"Unknown series. Use: {', '.join(STAT_SERIES)}."]})
        series = requested or list(DEFAULT_STAT_SERIES)
        return Response(selectors.exercise_stats(self.valid_filterset(request), series))
