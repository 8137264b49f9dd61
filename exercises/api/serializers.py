from rest_framework import serializers

from exercises.models import Exercise


class ExerciseListSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="acronym", read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="exercises-api:exercise-detail", lookup_field="slug")

    class Meta:
        model = Exercise
        fields = [
            "url",
            "slug",
            "name",
            "organisation",
            "year",
            "start",
            "start_precision",
            "end",
            "end_precision",
            "reported_troops",
        ]
