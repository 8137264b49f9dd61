"""Errors as JSON a client can act on; database conflicts as 400, never 500."""

from django.db import DataError, IntegrityError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

#: Readable reasons for the constraints a write can run into: (texts that identify the constraint in
#: PostgreSQL's or SQLite's message, field, message).
CONSTRAINT_MESSAGES = [
    (
        ("participation_one_per_state", "exercises_participation.exercise_id, exercises_participation.state_id"),
        "state",
        "This state already takes part in this exercise.",
    ),
    (
        ("troop_figure_key_unique", "exercises_troopfigure.exercise_id, exercises_troopfigure.key"),
        "key",
        "This exercise already has a figure with this key.",
    ),
    (
        ("troop_figure_one_reported", "exercises_troopfigure.exercise_id"),
        "is_reported",
        "This exercise already has a reported figure for this scope.",
    ),
    (("exercises_exercise_slug", "exercises_exercise.slug"), "slug", "An exercise with this slug already exists."),
    (("exercise_end_not_before_start",), "end", "The exercise cannot end before it starts."),
]


def exception_handler(exc, context):
    if isinstance(exc, DataError):  # e.g. a NUL byte in a key, which PostgreSQL cannot compare
        return Response(
            {"non_field_errors": ["A value in the request cannot be stored or looked up (invalid characters?)."]},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, IntegrityError):
        text = str(exc)
        for patterns, field, message in CONSTRAINT_MESSAGES:
            if any(pattern in text for pattern in patterns):
                return Response({field: [message]}, status=status.HTTP_400_BAD_REQUEST)
        return Response(
            {"non_field_errors": ["The change conflicts with existing data (a uniqueness or validity rule)."]},
            status=status.HTTP_400_BAD_REQUEST,
        )
    return drf_exception_handler(exc, context)
