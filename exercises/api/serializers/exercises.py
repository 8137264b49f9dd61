"""What the API says about an exercise: its parts, and the detail with every figure's citations.

The list's compact row is not here: it is declared once in ``exercises.api.formats`` (``ROW``), and
``ExerciseListSerializer`` only documents it in the schema.
"""

from django.db.models import prefetch_related_objects
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from exercises import selectors, vienna
from exercises.api import formats
from exercises.api.serializers.common import (
    CitationSerializer,
    ExerciseRefSerializer,
    LocationSerializer,
    StateBriefSerializer,
    detail_link,
)
from exercises.choices import SourceKind
from exercises.models import Exercise, Force, Participation, Scenario, TroopFigure


def cited_by(record) -> list[str]:
    """The keys of the sources citing a record (its citations prefetched with their sources), sorted."""
    return sorted({citation.source.key for citation in record.citations.all()})


SOURCES_OF_PART = (
    "Keys of the sources that attest this participant (cite it), sorted: one alone means one source names it."
)


class ParticipationSerializer(serializers.ModelSerializer):
    alpha2 = serializers.CharField(source="state.alpha2", read_only=True)
    alpha3 = serializers.CharField(source="state.alpha3", read_only=True)
    code = serializers.CharField(source="state.code", read_only=True)
    name = serializers.CharField(source="state.display_name", read_only=True)
    sources = serializers.SerializerMethodField(help_text=SOURCES_OF_PART)
    citations = CitationSerializer(many=True, read_only=True)

    class Meta:
        model = Participation
        fields = ["alpha2", "alpha3", "code", "name", "role", "notes", "sources", "citations"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_sources(self, participation):
        return cited_by(participation)


class ParticipationRecordSerializer(ParticipationSerializer):
    """A participation with its id and exercise, as ``participations/`` answers (built by the write serializer)."""

    id = serializers.IntegerField(read_only=True)
    exercise = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    url = detail_link("participation")

    class Meta(ParticipationSerializer.Meta):
        fields = ["id", "exercise", *ParticipationSerializer.Meta.fields, "updated_at", "url"]


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
    url = detail_link("scenario")  # scenarios/{id}/

    class Meta:
        model = Scenario
        fields = [
            "id",
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
            "url",
        ]


class ScenarioListSerializer(ScenarioSerializer):
    exercise = ExerciseRefSerializer(read_only=True)

    class Meta(ScenarioSerializer.Meta):
        fields = ["exercise", *ScenarioSerializer.Meta.fields, "updated_at"]


class RelationSerializer(serializers.Serializer):
    kind = serializers.CharField()
    exercise = ExerciseRefSerializer()


class OrganisationTakingPartSerializer(serializers.Serializer):
    """An organisation taking part as a body, with the sources that attest it."""

    acronym = serializers.CharField()
    role = serializers.CharField(help_text="host, lead, participant or observer; empty when no source says.")
    sources = serializers.ListField(child=serializers.CharField(), help_text=SOURCES_OF_PART)


class WitnessSerializer(serializers.Serializer):
    """One source's word on a field of the exercise; ``says`` is typed per field."""

    source = serializers.CharField(help_text="The source's key.")
    identifier = serializers.CharField(
        allow_null=True, help_text="The exercise's identifier in the source's own record (mme3406); null if none."
    )
    locator = serializers.CharField(allow_null=True, help_text="Where that record is in the source; null if unknown.")


def witnesses(name: str, says: serializers.Field) -> serializers.Serializer:
    fields = {"says": says, "__doc__": f"What a source says of the exercise's {name}."}
    return type(f"{name.title()}WitnessSerializer", (WitnessSerializer,), fields)(many=True)


PARTIAL_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"


class DatesSaidSerializer(serializers.Serializer):
    start = serializers.RegexField(PARTIAL_DATE, allow_null=True, help_text="Partial ISO date, null if not given.")
    end = serializers.RegexField(PARTIAL_DATE, allow_null=True, help_text="Partial ISO date, null if not given.")


class AccordingToSerializer(serializers.Serializer):
    """Per field, what each source says of the exercise, by source key: names, dates and places from the
    sources' records, participants from the citations of the participations, troops from the citations
    of the whole-exercise figures."""

    name = witnesses("name", serializers.CharField(help_text="The name in the source's record."))
    dates = witnesses("dates", DatesSaidSerializer(help_text="The start and end in the source's record."))
    participants = witnesses(
        "participants",
        serializers.ListField(
            child=serializers.CharField(),
            help_text="The participants the source's citations name: state codes, sorted, then the acronyms of "
            "organisations taking part as a body.",
        ),
    )
    places = witnesses(
        "places", serializers.ListField(child=serializers.CharField(), help_text="The places in the source's record.")
    )
    troops = witnesses(
        "troops",
        serializers.CharField(help_text="A whole-exercise troop figure the source is cited for, as displayed."),
    )


class ExternalIdSerializer(serializers.Serializer):
    """The exercise's record in a source's own data (a data set's row)."""

    source = serializers.CharField(help_text="The source's key.")
    identifier = serializers.CharField(help_text="The exercise's identifier in that source (mme3406).")
    locator = serializers.CharField(help_text="Where the record is in the source: row, file, page; may be empty.")


class SourceOfExerciseSerializer(serializers.Serializer):
    """A source with a record of the exercise or cited in it, and how much it supports."""

    key = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(SourceKind.choices)
    records = serializers.IntegerField(min_value=0, help_text="Its records of the exercise.")
    citations = serializers.IntegerField(min_value=0, help_text="The facts of the exercise it is cited for.")
    relayed = serializers.IntegerField(min_value=0, help_text="The citations it relays (`via`).")


def _disputed_fields() -> dict:
    return {
        "__doc__": "Per disputable field, whether two of the exercise's sources disagree on it.",
        **{
            name: serializers.BooleanField(help_text=Exercise._meta.get_field(f"disputed_{name}").help_text)
            for name in Exercise.DISPUTABLE
        },
    }


#: Documents ``disputed`` in the detail.
DisputedSerializer = type("DisputedSerializer", (serializers.Serializer,), _disputed_fields())


class ViennaDocumentSerializer(serializers.Serializer):
    """The exercise against the Vienna Document 2011's thresholds and zone of application (the rules:
    exercises.vienna, README "Vienna Document thresholds"). Only whole-exercise claims count."""

    source = serializers.CharField(help_text=f"Key of the source the thresholds are taken from ({vienna.SOURCE}).")
    notification = serializers.BooleanField(
        help_text="A whole-exercise claim is at or above 9,000 (prior notification), by its low end: 'up to' never is."
    )
    observation = serializers.BooleanField(help_text="A whole-exercise claim is at or above 13,000 (observation).")
    declared_below_reported_above = serializers.BooleanField(
        help_text="A declared whole-exercise figure is under 13,000 (its high end) and another claim is at or above it."
    )
    zone = serializers.BooleanField(
        allow_null=True,
        help_text="In the zone of application (at least in part), outside it, or null: undetermined (a place "
        "without a state, in Russia without coordinates; with no place, participants not all wholly inside or "
        "all wholly outside).",
    )
    highest_claim = serializers.IntegerField(
        allow_null=True, help_text="The highest low end of the whole-exercise claims; null if none gives one."
    )
    declared = serializers.IntegerField(
        allow_null=True,
        help_text="The lowest whole-exercise figure declared by a government, by its high end ('at least N': N); "
        "null if none.",
    )


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


#: The list row's fields, documented as formats.ROW documents them, but those the detail gives in full
#: (``formats.IN_FULL_IN_DETAIL``).
RowFields = type(
    "RowFields",
    (serializers.Serializer,),
    {
        f.name: extend_schema_field(f.doc())(type(f"{f.name.title()}Value", (RowValue,), {}))()
        for f in formats.DETAIL_FIELDS
    },
)


PHASE_HELP = "The phase this belongs to; null: the exercise's own."


class PartsOfWhole(serializers.Field):
    """An exercise's parts of one kind (``relation``), then each of its phases' (in the order of its
    phases), each marked with the phase it belongs to: what the whole exercise holds. Reads prefetched
    parts only (views.ExerciseViewSet.part_lookups)."""

    def __init__(self, serializer_class: type[serializers.Serializer], relation: str, **kwargs):
        self.serializer_class, self.relation = serializer_class, relation
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, exercise):
        owners = [(exercise, None)]
        owners += [(phase, ExerciseRefSerializer(phase, context=self.context).data) for phase in exercise.phases.all()]
        parts = []
        for owner, phase in owners:
            records = getattr(owner, self.relation).all()
            parts += [
                {**part, "phase": phase}
                for part in self.serializer_class(records, many=True, context=self.context).data
            ]
        return parts


def parts_of_whole(serializer_class: type[serializers.Serializer], relation: str) -> PartsOfWhole:
    """A :class:`PartsOfWhole` field, documented as a list of ``serializer_class`` records with ``phase``."""
    name = serializer_class.__name__.removesuffix("Serializer") + "InWholeSerializer"
    marked = type(
        name,
        (serializer_class,),
        {"phase": ExerciseRefSerializer(read_only=True, allow_null=True, help_text=PHASE_HELP)},
    )
    marked.Meta = type("Meta", (serializer_class.Meta,), {"fields": [*serializer_class.Meta.fields, "phase"]})
    field_class = extend_schema_field(marked(many=True))(type(f"{name}Field", (PartsOfWhole,), {}))
    return field_class(serializer_class, relation)


class ExerciseDetailSerializer(RowFields, serializers.ModelSerializer):
    """An exercise with everything known about it, each figure with its citations.

    It starts with the list row's fields, made by formats.ROW from the instance (``formats.row_of``) as
    the list makes them from its rows; ``locations`` are the places in full rather than their names,
    ``sources`` each source with what it supports, ``disputed`` every disputable field with its flag.
    What each source says of the exercise (``according_to``) is read by ``selectors.according_to``.
    """

    def row(self, exercise) -> dict:
        if getattr(self, "_row", (None, None))[0] is not exercise:
            [values] = formats.compact([formats.row_of(exercise)], self.context["request"], formats.DETAIL_FIELDS)
            self._row = (exercise, values)
        return self._row[1]

    def to_representation(self, exercise):
        # What the sources say is read with the rest (a fixed number of queries, none already done).
        prefetch_related_objects([exercise], *selectors.witness_lookups())
        return super().to_representation(exercise)

    parent = ExerciseRefSerializer(read_only=True, allow_null=True)
    phases = ExerciseRefSerializer(many=True, read_only=True)
    alternative_names = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    participations = parts_of_whole(ParticipationSerializer, "participations")
    organisations_taking_part = serializers.SerializerMethodField()
    troop_figures = parts_of_whole(TroopFigureSerializer, "troop_figures")
    locations = parts_of_whole(LocationSerializer, "locations")
    scenarios = parts_of_whole(ScenarioSerializer, "scenarios")
    forces = parts_of_whole(ForceSerializer, "forces")
    related = serializers.SerializerMethodField()
    external_ids = serializers.SerializerMethodField()
    citations = CitationSerializer(many=True, read_only=True)
    sources = serializers.SerializerMethodField()
    disputed = serializers.SerializerMethodField()
    according_to = serializers.SerializerMethodField()
    vienna_document = serializers.SerializerMethodField()
    curated_from = serializers.SlugRelatedField(
        slug_field="key",
        read_only=True,
        allow_null=True,
        help_text="Key of the source whose record the exercise's own fields (name, dates, participants, places) "
        "follow; null: they are an analyst's.",
    )

    class Meta:
        model = Exercise
        fields = [
            *(field.name for field in formats.LIST_FIELDS if field.name not in formats.LIST_ONLY),
            "alternative_names",
            "parent",
            "phases",
            "span_start",
            "span_end",
            *DESCRIBED_FIELDS,
            "curated_from",
            "according_to",
            "participations",
            "organisations_taking_part",
            "troop_figures",
            "vienna_document",
            "scenarios",
            "forces",
            "related",
            "external_ids",
            "citations",
            "created_at",  # updated_at: with the row's fields, as the list gives it
        ]

    @extend_schema_field(RelationSerializer(many=True))
    def get_related(self, exercise):
        rows = [{"kind": r.kind, "exercise": r.to_exercise} for r in exercise.relations_from.all()]
        rows += [{"kind": r.kind, "exercise": r.from_exercise} for r in exercise.relations_to.all()]
        return RelationSerializer(rows, many=True, context=self.context).data

    @extend_schema_field(OrganisationTakingPartSerializer(many=True))
    def get_organisations_taking_part(self, exercise):
        return [
            {"acronym": p.organisation.acronym, "role": p.role, "sources": cited_by(p)}
            for p in exercise.organisation_participations.all()
        ]

    @extend_schema_field(ExternalIdSerializer(many=True))
    def get_external_ids(self, exercise):
        return [
            {"source": e.source.key, "identifier": e.identifier, "locator": e.locator}
            for e in exercise.external_ids.all()
        ]

    @extend_schema_field(DisputedSerializer)
    def get_disputed(self, exercise):
        return {name: getattr(exercise, f"disputed_{name}") for name in Exercise.DISPUTABLE}

    @extend_schema_field(AccordingToSerializer)
    def get_according_to(self, exercise):
        """Per field, what each source says (``selectors.according_to``)."""
        return selectors.according_to(exercise)

    @extend_schema_field(ViennaDocumentSerializer)
    def get_vienna_document(self, exercise):
        prefetch_related_objects([exercise], *vienna.lookups())  # nothing the detail already read
        return vienna.assess(exercise)

    @extend_schema_field(SourceOfExerciseSerializer(many=True))
    def get_sources(self, exercise):
        """Every source with a record of the exercise or cited anywhere in it: how many records it has of
        it, how many facts it supports, how many it relays (the list row's ``sources`` are these keys, but
        the sources only relayed)."""
        counts: dict[int, dict] = {}

        def count(source, key):
            entry = counts.setdefault(
                source.pk,
                {
                    "key": source.key,
                    "title": str(source),
                    "kind": source.kind,
                    "records": 0,
                    "citations": 0,
                    "relayed": 0,
                },
            )
            entry[key] += 1

        for record in exercise.external_ids.all():
            count(record.source, "records")
        groups = [
            exercise.citations.all(),
            *(p.citations.all() for p in exercise.participations.all()),
            *(p.citations.all() for p in exercise.organisation_participations.all()),
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
