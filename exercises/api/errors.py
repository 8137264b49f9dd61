"""Every error the API answers, in one place, always JSON a client can act on, never a traceback.

- ``exception_handler``: DRF's handler (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``), with database
  conflicts as 400s naming the field, never 500s;
- ``PreconditionFailed`` (412) and ``PreconditionRequired`` (428): optimistic locking of exercise writes;
- ``bad_request`` ... ``server_error``: Django's ``handler400/403/404/500`` (``config.urls``), JSON for
  the API's URLs (an unknown /api/ URL, an oversized body, a crash with DEBUG off), Django's pages
  elsewhere;
- ``locked_out``: django-axes' answer to a locked-out login (``AXES_LOCKOUT_CALLABLE``).
"""

from axes.conf import settings as axes_settings
from axes.helpers import get_cool_off, get_lockout_message
from django.db import DataError, IntegrityError
from django.http import HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class PreconditionFailed(APIException):
    status_code = 412
    default_detail = "The exercise changed since you read it: fetch it again and reapply your change."
    default_code = "precondition_failed"


class PreconditionRequired(APIException):
    status_code = 428
    default_detail = "Send If-Match with the ETag of the exercise you read, so no one else's edit is overwritten."
    default_code = "precondition_required"


class Gone(APIException):
    """410: what was asked for existed and was removed (exercises.api.deletions says what and when)."""

    status_code = 410
    default_detail = "This was removed: see deletions/."
    default_code = "gone"


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


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception, *args, **kwargs):
    if _is_api(request):
        return JsonResponse(
            {"detail": "Bad request: the request could not be read (too large or malformed)."}, status=400
        )
    return defaults.bad_request(request, exception, *args, **kwargs)


def permission_denied(request, exception, *args, **kwargs):
    if _is_api(request):
        return JsonResponse({"detail": "You do not have permission to perform this action."}, status=403)
    return defaults.permission_denied(request, exception, *args, **kwargs)


def page_not_found(request, exception, *args, **kwargs):
    if _is_api(request):
        return JsonResponse({"detail": "Not found. The endpoints are listed at /api/v1/."}, status=404)
    return defaults.page_not_found(request, exception, *args, **kwargs)


def server_error(request, *args, **kwargs):
    if _is_api(request):
        return JsonResponse({"detail": "Server error. It has been logged; please try again later."}, status=500)
    return defaults.server_error(request, *args, **kwargs)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login (``AXES_LOCKOUT_CALLABLE``): JSON under /api/, like
    every other API error; axes' own plain message elsewhere (the admin)."""
    status = axes_settings.AXES_HTTP_RESPONSE_CODE
    if not _is_api(request):
        return HttpResponse(get_lockout_message(), status=status)
    cool_off = get_cool_off(request)
    wait = f" Try again in {cool_off}." if cool_off else ""
    return JsonResponse(
        {"detail": f"Too many failed logins for this account from this address: locked out.{wait}"}, status=status
    )
