from rest_framework import viewsets

from exercises.api.serializers import ExerciseListSerializer
from exercises.models import Exercise


class ExerciseViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Exercise.objects.select_related("organisation")
    serializer_class = ExerciseListSerializer
    lookup_field = "slug"
