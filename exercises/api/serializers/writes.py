"""Writes: exercises and their parts as editors send them, checked by the model's own rules."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import serializers

from exercises import services
from exercises.api.serializers.common import PartialDateField, detail_link
from exercises.api.serializers.exercises import (
    DESCRIBED_FIELDS,
    ExerciseDetailSerializer,
    ParticipationRecordSerializer,
)
from exercises.models import Exercise, Organisation, Participation, State, TroopFigure, UnknownState


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
            *DESCRIBED_FIELDS,
        ]

    def validate(self, attrs):
        if self.instance is not None:  # an edit of a field an import keeps in step is the analyst's now
            changed = [name for name, value in attrs.items() if getattr(self.instance, name) != value]
            services.keep_analyst_edit(self.instance, changed)
        return super().validate(attrs)

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
    url = detail_link("troopfigure")

    class Meta:
        model = TroopFigure
        fields = [
            *("id", "exercise", "key", "state", "low", "high", "qualifier", "basis", "is_reported", "note"),
            *("updated_at", "url"),
        ]
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
