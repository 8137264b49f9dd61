"""What the API returns: brief forms for nested references, full forms for details."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from exercises import dates
from exercises.choices import DatePrecision
from exercises.models import (
    Citation,
    Exercise,
    Force,
    Location,
    Membership,
    Organisation,
    Participation,
    Scenario,
    Source,
    State,
    TroopFigure,
    UnknownState,
)


# -- References --------------------------------------------------------------------------------------
class StateBriefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = State
        fields = ["alpha2", "alpha3", "code", "name"]


class CitationSerializer(serializers.ModelSerializer):
    source = serializers.SlugRelatedField(slug_field="key", read_only=True)
    source_title = serializers.CharField(source="source.title", read_only=True)
    via = serializers.SlugRelatedField(slug_field="key", read_only=True, allow_null=True)

    class Meta:
        model = Citation
        fields = ["source", "source_title", "field", "excerpt", "attributed_to", "via", "locator"]


class ExerciseRefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="exercises-api:exercise-detail", lookup_field="slug")

    class Meta:
        model = Exercise
        fields = ["slug", "name", "year", "url"]


class LocationSerializer(serializers.ModelSerializer):
    state = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    latitude = serializers.FloatField(read_only=True)
    longitude = serializers.FloatField(read_only=True)

    class Meta:
        model = Location
        fields = ["id", "slug", "name", "kind", "state", "admin_region", "latitude", "longitude", "coordinates_note"]


class LocationDetailSerializer(LocationSerializer):
    citations = CitationSerializer(many=True, read_only=True)

    class Meta(LocationSerializer.Meta):
        fields = [*LocationSerializer.Meta.fields, "citations"]


# -- Exercise parts ----------------------------------------------------------------------------------
class ParticipationSerializer(serializers.ModelSerializer):
    alpha2 = serializers.CharField(source="state.alpha2", read_only=True)
    alpha3 = serializers.CharField(source="state.alpha3", read_only=True)
    code = serializers.CharField(source="state.code", read_only=True)
    name = serializers.CharField(source="state.display_name", read_only=True)
    citations = CitationSerializer(many=True, read_only=True)

    class Meta:
        model = Participation
        fields = ["alpha2", "alpha3", "code", "name", "role", "notes", "citations"]


class ParticipationRecordSerializer(ParticipationSerializer):
    """A participation with its id and exercise, as ``participations/`` answers (built by the write serializer)."""

    id = serializers.IntegerField(read_only=True)
    exercise = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta(ParticipationSerializer.Meta):
        fields = ["id", "exercise", *ParticipationSerializer.Meta.fields]


class TroopFigureSerializer(serializers.ModelSerializer):
    state = StateBriefSerializer(read_only=True, allow_null=True)
    display = serializers.CharField(source="display_value", read_only=True)
    citations = CitationSerializer(many=True, read_only=True)

    class Meta:
        model = TroopFigure
        fields = [
            "key",
            "state",
            "low",
            "high",
            "qualifier",
            "basis",
            "display",
            "is_reported",
            "is_extracted",
            "note",
            "citations",
        ]


class ForceSerializer(serializers.ModelSerializer):
    state = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    citations = CitationSerializer(many=True, read_only=True)

    class Meta:
        model = Force
        fields = ["key", "name", "kind", "side", "state", "quantity", "note", "citations"]


class ScenarioSerializer(serializers.ModelSerializer):
    adversary_state = StateBriefSerializer(read_only=True, allow_null=True)
    states = StateBriefSerializer(many=True, read_only=True)
    locations = LocationSerializer(many=True, read_only=True)
    forces = ForceSerializer(many=True, read_only=True)
    citations = CitationSerializer(many=True, read_only=True)

    class Meta:
        model = Scenario
        fields = [
            "key",
            "sequence",
            "title",
            "description",
            "threat_type",
            "adversary",
            "adversary_state",
            "adversary_basis",
            "states",
            "locations",
            "forces",
            "citations",
        ]


class ScenarioListSerializer(ScenarioSerializer):
    exercise = ExerciseRefSerializer(read_only=True)

    class Meta(ScenarioSerializer.Meta):
        fields = ["exercise", *ScenarioSerializer.Meta.fields]


class RelationSerializer(serializers.Serializer):
    kind = serializers.CharField()
    exercise = ExerciseRefSerializer()


# -- Exercises ---------------------------------------------------------------------------------------
@extend_schema_field(
    {"type": "string", "nullable": True, "example": "2011-09", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"}
)
class PartialDateField(serializers.Field):
    """A partial date as text: ``2011``, ``2011-09`` or ``2011-09-27``; null when unknown."""

    def __init__(self, part: str, **kwargs):
        self.part = part
        super().__init__(source="*", allow_null=True, required=False, **kwargs)

    def to_representation(self, exercise):
        return dates.format_partial(getattr(exercise, f"{self.part}_date"), getattr(exercise, f"{self.part}_precision"))

    def to_internal_value(self, data):
        if data in (None, ""):
            return {f"{self.part}_date": None, f"{self.part}_precision": DatePrecision.UNKNOWN}
        if not isinstance(data, str):
            raise serializers.ValidationError("Give the date as text: YYYY, YYYY-MM or YYYY-MM-DD.")
        try:
            value, precision = dates.parse_partial(data)
        except ValueError as exc:
            raise serializers.ValidationError(f"Not a date ({exc}).") from None
        return {f"{self.part}_date": value, f"{self.part}_precision": precision}


class ExerciseListSerializer(serializers.ModelSerializer):
    """The compact form of an exercise in lists."""

    url = serializers.HyperlinkedIdentityField(view_name="exercises-api:exercise-detail", lookup_field="slug")
    organisation = serializers.SlugRelatedField(slug_field="acronym", read_only=True, allow_null=True)
    start = PartialDateField("start", read_only=True)
    end = PartialDateField("end", read_only=True)
    participants = serializers.SerializerMethodField()
    locations = serializers.SerializerMethodField()

    class Meta:
        model = Exercise
        fields = [
            "slug",
            "name",
            "name_is_descriptive",
            "start",
            "start_precision",
            "end",
            "end_precision",
            "year",
            "organisation",
            "series",
            "participants",
            "reported_troops",
            "locations",
            "url",
        ]

    @extend_schema_field({"type": "array", "items": {"type": "string"}, "example": ["KAZ", "KGZ"]})
    def get_participants(self, exercise):
        return sorted(p.state.code for p in exercise.participations.all())

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_locations(self, exercise):
        return [loc.name for loc in exercise.locations.all()]


class ExerciseDetailSerializer(ExerciseListSerializer):
    """An exercise with everything known about it, each figure with its citations."""

    parent = ExerciseRefSerializer(read_only=True, allow_null=True)
    phases = ExerciseRefSerializer(many=True, read_only=True)
    alternative_names = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    participations = ParticipationSerializer(many=True, read_only=True)
    organisations_taking_part = serializers.SerializerMethodField()
    troop_figures = TroopFigureSerializer(many=True, read_only=True)
    locations = LocationSerializer(many=True, read_only=True)
    scenarios = ScenarioSerializer(many=True, read_only=True)
    forces = ForceSerializer(many=True, read_only=True)
    related = serializers.SerializerMethodField()
    external_ids = serializers.SerializerMethodField()
    citations = CitationSerializer(many=True, read_only=True)
    sources = serializers.SerializerMethodField()

    class Meta(ExerciseListSerializer.Meta):
        fields = [
            *ExerciseListSerializer.Meta.fields,
            "alternative_names",
            "parent",
            "phases",
            "span_start",
            "span_end",
            "purpose",
            "description",
            "notes",
            "troops_text",
            "participants_note",
            *Exercise.DOMAIN_FLAGS,
            *Exercise.FOCUS_FLAGS,
            "needs_review",
            "review_notes",
            "participations",
            "organisations_taking_part",
            "troop_figures",
            "scenarios",
            "forces",
            "related",
            "external_ids",
            "citations",
            "sources",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(RelationSerializer(many=True))
    def get_related(self, exercise):
        rows = [{"kind": r.kind, "exercise": r.to_exercise} for r in exercise.relations_from.all()]
        rows += [{"kind": r.kind, "exercise": r.from_exercise} for r in exercise.relations_to.all()]
        return RelationSerializer(rows, many=True, context=self.context).data

    @extend_schema_field({"type": "array", "items": {"type": "object"}})
    def get_organisations_taking_part(self, exercise):
        return [{"acronym": p.organisation.acronym, "role": p.role} for p in exercise.organisation_participations.all()]

    @extend_schema_field({"type": "array", "items": {"type": "object"}})
    def get_external_ids(self, exercise):
        return [{"source": e.source.key, "identifier": e.identifier} for e in exercise.external_ids.all()]

    @extend_schema_field({"type": "array", "items": {"type": "object"}})
    def get_sources(self, exercise):
        """Every source cited anywhere in the exercise: how many facts it supports, how many it relays."""
        counts: dict[int, dict] = {}

        def count(source, key):
            entry = counts.setdefault(
                source.pk, {"key": source.key, "title": str(source), "kind": source.kind, "citations": 0, "relayed": 0}
            )
            entry[key] += 1

        groups = [
            exercise.citations.all(),
            *(p.citations.all() for p in exercise.participations.all()),
            *(f.citations.all() for f in exercise.troop_figures.all()),
            *(s.citations.all() for s in exercise.scenarios.all()),
            *(f.citations.all() for f in exercise.forces.all()),
        ]
        for group in groups:
            for citation in group:
                count(citation.source, "citations")
                if citation.via_id:
                    count(citation.via, "relayed")
        return sorted(counts.values(), key=lambda entry: entry["key"])


class ModelCleanMixin:
    """Runs the model's own validation (``clean()`` and the field validators) on the values as they would
    be saved, so the rules the database enforces come back as readable per-field 400s."""

    def model_clean(self, attrs):
        instance = self.instance or self.Meta.model()
        for name, value in attrs.items():
            setattr(instance, name, value)
        try:
            instance.full_clean(validate_unique=False, validate_constraints=False)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from None
        return instance

    def validate(self, attrs):
        self.model_clean(attrs)
        return attrs


class ExerciseWriteSerializer(ModelCleanMixin, serializers.ModelSerializer):
    """Creates and edits an exercise's own fields; its parts have their own endpoints."""

    organisation = serializers.SlugRelatedField(
        slug_field="acronym", queryset=Organisation.objects.all(), allow_null=True, required=False
    )
    parent = serializers.SlugRelatedField(
        slug_field="slug", queryset=Exercise.objects.all(), allow_null=True, required=False
    )
    start = PartialDateField("start")
    end = PartialDateField("end")

    class Meta:
        model = Exercise
        fields = [
            "slug",
            "name",
            "name_is_descriptive",
            "organisation",
            "parent",
            "start",
            "end",
            "year",
            "series",
            "purpose",
            "description",
            "notes",
            "troops_text",
            "participants_note",
            *Exercise.DOMAIN_FLAGS,
            *Exercise.FOCUS_FLAGS,
            "needs_review",
            "review_notes",
        ]

    def to_representation(self, instance):
        return ExerciseDetailSerializer(instance, context=self.context).data


class ParticipationWriteSerializer(serializers.ModelSerializer):
    exercise = serializers.SlugRelatedField(slug_field="slug", queryset=Exercise.objects.all())
    state = serializers.CharField(help_text="ISO alpha-2 or alpha-3 code or English name.")

    class Meta:
        model = Participation
        fields = ["id", "exercise", "state", "role", "notes"]
        validators = []  # uniqueness is checked in validate() with a message that names the state

    def validate_state(self, value):
        try:
            return State.objects.lookup(value)
        except UnknownState:
            raise serializers.ValidationError(
                "Unknown state: use an ISO alpha-2 or alpha-3 code or an English name."
            ) from None

    def validate(self, attrs):
        exercise = attrs.get("exercise", getattr(self.instance, "exercise", None))
        state = attrs.get("state", getattr(self.instance, "state", None))
        clash = Participation.objects.filter(exercise=exercise, state=state)
        if self.instance:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError({"state": ["This state already takes part in this exercise."]})
        return attrs

    def to_representation(self, instance):
        return ParticipationRecordSerializer(instance, context=self.context).data


class TroopFigureWriteSerializer(ModelCleanMixin, serializers.ModelSerializer):
    exercise = serializers.SlugRelatedField(slug_field="slug", queryset=Exercise.objects.all())
    state = serializers.SlugRelatedField(
        slug_field="code", queryset=State.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = TroopFigure
        fields = ["id", "exercise", "key", "state", "low", "high", "qualifier", "basis", "is_reported", "note"]
        extra_kwargs = {"key": {"required": False}}
        # The database's constraints decide conflicts (one reported figure per scope); the exception
        # handler turns them into 400s naming the field.
        validators = []

    def validate(self, attrs):
        attrs["high"] = self.model_clean(attrs).high  # a single figure becomes a range of one
        return attrs


# -- Schema: write serializers that answer with another serializer's representation ----------------------
class RespondsWith(OpenApiSerializerExtension):
    """Documents the response of a write serializer whose ``to_representation`` is another serializer's."""

    response_serializer: type[serializers.Serializer]

    def get_name(self, auto_schema, direction):
        return self.response_serializer.__name__.removesuffix("Serializer") if direction == "response" else None

    def get_identity(self, auto_schema, direction):
        return self.response_serializer if direction == "response" else None

    def map_serializer(self, auto_schema, direction):
        if direction == "response":
            return auto_schema._map_serializer(self.response_serializer, direction)
        return super().map_serializer(auto_schema, direction)


class ExerciseWriteResponse(RespondsWith):
    target_class = ExerciseWriteSerializer
    response_serializer = ExerciseDetailSerializer


class ParticipationWriteResponse(RespondsWith):
    target_class = ParticipationWriteSerializer
    response_serializer = ParticipationRecordSerializer


# -- Reference endpoints -----------------------------------------------------------------------------
class StateSerializer(serializers.ModelSerializer):
    exercise_count = serializers.IntegerField(read_only=True)
    names = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta:
        model = State
        fields = [
            "code",
            "alpha2",
            "alpha3",
            "numeric",
            "name",
            "common_name",
            "official_name",
            "is_historical",
            "withdrawn",
            "names",
            "exercise_count",
        ]


class MembershipSerializer(serializers.ModelSerializer):
    state = StateBriefSerializer(read_only=True)
    citations = CitationSerializer(many=True, read_only=True)

    class Meta:
        model = Membership
        fields = [
            "state",
            "status",
            "started_on",
            "started_precision",
            "ended_on",
            "ended_precision",
            "notice_on",
            "notes",
            "citations",
        ]


class OrganisationSerializer(serializers.ModelSerializer):
    memberships = MembershipSerializer(many=True, read_only=True)
    exercise_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "acronym",
            "name",
            "kind",
            "founded",
            "founded_precision",
            "description",
            "exercise_count",
            "memberships",
        ]


class SupportSerializer(serializers.ModelSerializer):
    """One fact a source supports: the record it is about and the excerpt."""

    record = serializers.SerializerMethodField()
    via = serializers.SlugRelatedField(slug_field="key", read_only=True, allow_null=True)

    class Meta:
        model = Citation
        fields = ["record", "field", "excerpt", "attributed_to", "via", "locator"]

    @extend_schema_field({"type": "object", "properties": {"type": {"type": "string"}, "label": {"type": "string"}}})
    def get_record(self, citation):
        target, kind = citation.target, citation.target_name
        record = {"type": kind, "label": str(target)}
        exercise = target if kind == "exercise" else getattr(target, "exercise", None)
        if exercise is not None:
            record["exercise"] = exercise.slug
        return record


class SourceSerializer(serializers.ModelSerializer):
    citation_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Source
        fields = [
            "key",
            "title",
            "author",
            "publisher",
            "kind",
            "published_on",
            "published_precision",
            "published_no_later_than",
            "url",
            "language",
            "sha256",
            "notes",
            "citation_count",
        ]


class SourceDetailSerializer(SourceSerializer):
    supports = SupportSerializer(source="citations", many=True, read_only=True)

    class Meta(SourceSerializer.Meta):
        fields = [*SourceSerializer.Meta.fields, "supports"]


# -- Statistics --------------------------------------------------------------------------------------
class StatRowSerializer(serializers.Serializer):
    exercises = serializers.IntegerField(help_text="Number of exercises.")
    troops = serializers.IntegerField(allow_null=True, help_text="Sum of their reported troop figures.")
    with_troops = serializers.IntegerField(help_text="How many of them report a figure.")


class YearStatSerializer(StatRowSerializer):
    year = serializers.IntegerField(allow_null=True)


class StateStatSerializer(StatRowSerializer):
    code = serializers.CharField()
    name = serializers.CharField()


class OrganisationStatSerializer(StatRowSerializer):
    acronym = serializers.CharField(allow_null=True)


@extend_schema_serializer(many=False)  # one object of series, though the view is a list
class StatsSerializer(serializers.Serializer):
    per_year = YearStatSerializer(many=True, required=False)
    per_state = StateStatSerializer(many=True, required=False)
    per_organisation = OrganisationStatSerializer(many=True, required=False)
