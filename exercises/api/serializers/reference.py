"""The reference endpoints' answers (states, organisations, sources), the statistics and the deletions feed."""

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from exercises import vienna
from exercises.api.serializers.common import CitationSerializer, StateBriefSerializer, detail_link
from exercises.models import Citation, Membership, Organisation, Removal, Source, State, StateCode


class StateCodeSerializer(serializers.ModelSerializer):
    """A Correlates of War or Gleditsch-Ward code of the state, during one period (null: open)."""

    class Meta:
        model = StateCode
        fields = ["system", "number", "letters", "name", "valid_from", "valid_to"]


class StateSerializer(serializers.ModelSerializer):
    exercise_count = serializers.IntegerField(read_only=True)
    names = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    codes = StateCodeSerializer(
        many=True,
        read_only=True,
        help_text="Its codes in the Correlates of War (cow) and Gleditsch-Ward (gw) state lists, each with the "
        "period in which it denotes this state; filters take them as cow:365, gw:260.",
    )
    url = detail_link("state", "code")

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
            "codes",
            "exercise_count",
            "updated_at",
            "url",
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
    url = detail_link("organisation", "acronym")

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
            "updated_at",
            "url",
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
    # ``url`` is the source's own address (the article's): its detail here is ``detail_url``.
    detail_url = detail_link("source", "key")

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
            "updated_at",
            "detail_url",
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


class MembershipStatSerializer(StatRowSerializer):
    acronym = serializers.CharField()


class ViennaYearStatSerializer(serializers.Serializer):
    """One year of exercises against the Vienna Document's thresholds and zone (exercises.vienna)."""

    year = serializers.IntegerField(allow_null=True)
    exercises = serializers.IntegerField(help_text="Number of exercises.")
    notification = serializers.IntegerField(help_text="How many have a whole-exercise claim at or above 9,000.")
    observation = serializers.IntegerField(help_text="How many have a whole-exercise claim at or above 13,000.")
    declared_below_reported_above = serializers.IntegerField(
        help_text="How many have a declared whole-exercise figure under 13,000 and another claim at or above it."
    )
    in_zone = serializers.IntegerField(help_text="How many were held, at least in part, in the zone of application.")
    outside_zone = serializers.IntegerField(
        help_text="How many were held outside it (the rest of the year's exercises are undetermined)."
    )


@extend_schema_serializer(many=False)  # one object of series, though the view is a list
class StatsSerializer(serializers.Serializer):
    per_year = YearStatSerializer(many=True, required=False)
    per_state = StateStatSerializer(many=True, required=False)
    per_organisation = OrganisationStatSerializer(many=True, required=False)
    vienna_per_year = ViennaYearStatSerializer(
        many=True, required=False, help_text=f"by=vienna: the Vienna Document's thresholds ({vienna.SOURCE}), per year."
    )
    per_membership = MembershipStatSerializer(
        many=True,
        required=False,
        help_text="Per organisation with a membership history: the exercises in which a state that was a member "
        "at the time took part (as members_of), and their troops.",
    )


class RemovalSerializer(serializers.ModelSerializer):
    """One row of ``deletions/``: what was removed, and for a merge where it went."""

    id = serializers.IntegerField(source="object_id", help_text="The removed row's id, as its endpoint gave it.")
    slug = serializers.CharField(
        allow_null=True,
        help_text="Its slug or key where it has one: an exercise's slug, a troop figure's or scenario's key, a "
        "participation's state code, a place's slug, a state's code, an organisation's acronym, a source's key.",
    )
    exercise = serializers.CharField(allow_null=True, help_text="For a part (or a phase): its exercise's slug.")
    merged_into = serializers.CharField(
        allow_null=True,
        help_text="For an exercise merged into another: the kept exercise's slug (its old address answers 301 "
        "there); null for a deletion (410).",
    )

    class Meta:
        model = Removal
        fields = ["kind", "id", "slug", "exercise", "merged_into", "removed_at"]

    def to_representation(self, instance):
        row = super().to_representation(instance)
        return {name: None if value == "" else value for name, value in row.items()}
