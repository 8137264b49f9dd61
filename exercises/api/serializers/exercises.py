"""What the API says about an exercise: its parts, and the detail with every figure's citations.

The list's compact row is not here: it is declared once in ``exercises.api.formats`` (``ROW``), and
``ExerciseListSerializer`` only documents it in the schema.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from exercises.api import formats
from exercises.api.serializers.common import (
    CitationSerializer,
    ExerciseRefSerializer,
    LocationSerializer,
    StateBriefSerializer,
)
from exercises.models import Exercise, Force, Participation, Scenario, TroopFigure


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


ExerciseListSerializer = formats.row_serializer()

#: What an exercise says of itself beyond the list row: read in its detail, written by editors.
DESCRIBED_FIELDS = [
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


class RowValue(serializers.Field):
    """A field of the list row (formats.ROW) in the detail, made as the list makes it."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, exercise):
        return self.parent.row(exercise)[self.field_name]


#: The list row's fields, documented as formats.ROW documents them; ``locations`` the detail gives in full.
RowFields = type(
    "RowFields",
    (serializers.Serializer,),
    {
        f.name: extend_schema_field(f.doc())(type(f"{f.name.title()}Value", (RowValue,), {}))()
        for f in formats.LIST_FIELDS
        if f.name != "locations"
    },
)


class ExerciseDetailSerializer(RowFields, serializers.ModelSerializer):
    """An exercise with everything known about it, each figure with its citations.

    It starts with the list row's fields, made by formats.ROW from the instance (``formats.row_of``) as
    the list makes them from its rows; ``locations`` are the places in full rather than their names.
    """

    def row(self, exercise) -> dict:
        if getattr(self, "_row", (None, None))[0] is not exercise:
            [values] = formats.compact([formats.row_of(exercise)], self.context["request"])
            self._row = (exercise, values)
        return self._row[1]

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

    class Meta:
        model = Exercise
        fields = [
            *(field.name for field in formats.LIST_FIELDS),
            "alternative_names",
            "parent",
            "phases",
            "span_start",
            "span_end",
            *DESCRIBED_FIELDS,
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
