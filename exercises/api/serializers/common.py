"""Serializers shared by several answers: brief references to records, citations, places, partial dates."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from exercises import dates
from exercises.choices import DatePrecision
from exercises.models import Citation, Exercise, Location, State


def detail_link(name: str, lookup_field: str = "pk", **kwargs) -> serializers.HyperlinkedIdentityField:
    """The absolute URL of a record's detail (``exercises-api:<name>-detail``), as every list row carries."""
    return serializers.HyperlinkedIdentityField(
        view_name=f"exercises-api:{name}-detail", lookup_field=lookup_field, help_text="Its detail.", **kwargs
    )


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
    url = detail_link("exercise", "slug")

    class Meta:
        model = Exercise
        fields = ["slug", "name", "year", "url"]


class LocationSerializer(serializers.ModelSerializer):
    state = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    # Null for a place whose coordinates are unknown (both or neither: a database constraint).
    latitude = serializers.FloatField(read_only=True, allow_null=True, help_text="WGS 84; null if unknown.")
    longitude = serializers.FloatField(read_only=True, allow_null=True, help_text="WGS 84; null if unknown.")
    url = detail_link("location")

    class Meta:
        model = Location
        fields = [
            "id",
            "slug",
            "name",
            "kind",
            "state",
            "admin_region",
            "latitude",
            "longitude",
            "coordinates_note",
            "updated_at",
            "url",
        ]


class LocationDetailSerializer(LocationSerializer):
    citations = CitationSerializer(many=True, read_only=True)

    class Meta(LocationSerializer.Meta):
        fields = [*LocationSerializer.Meta.fields, "citations"]


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
