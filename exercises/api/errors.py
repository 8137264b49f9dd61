"""Error pages for the API's URLs as JSON, without tracebacks; other URLs keep Django's pages.

Installed as ``handler400/403/404/500`` in ``config.urls``. They serve what happens outside DRF's
views (an unknown /api/ URL, an oversized body, a crash with DEBUG off).
"""

from axes.conf import settings as axes_settings
from axes.helpers import get_cool_off, get_lockout_message
from django.http import HttpResponse, JsonResponse
from django.views import defaults


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
