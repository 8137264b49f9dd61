"""What every endpoint does alike: strict query parameters, JSON errors, exports that are not paged."""

import copy

from django.http import Http404, StreamingHttpResponse
from rest_framework.exceptions import MethodNotAllowed, ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings

from exercises import filtersets
from exercises.api import formats
from exercises.api.formats import EXPORT_FORMATS, FastJSONRenderer


class StrictQueryMixin:
    """Refuses query parameters the endpoint does not know, and values no parameter can hold.

    A misspelt ``contry=`` is a 400 naming it, not a silently unfiltered list. Errors are always
    JSON, whatever format was asked for.
    """

    extra_query_params: tuple[str, ...] = ()
    #: Of those, the ones that take several values (the filters' own are found on the FilterSet).
    extra_repeatable_params: tuple[str, ...] = ()

    def allowed_query_params(self) -> set[str]:
        allowed = {"format", *self.extra_query_params}
        if any(getattr(renderer, "format", None) == "csv" for renderer in self.renderer_classes):
            allowed.add(formats.BOM_PARAM)
        if getattr(self, "action", "list") == "list":
            filterset_class = getattr(self, "filterset_class", None)
            if filterset_class is not None:
                allowed |= set(filterset_class.base_filters)
            paginator = getattr(self, "paginator", None)
            if paginator is not None:
                allowed |= paginator.query_params()
        return allowed

    def repeatable_query_params(self) -> set[str]:
        """Parameters that may be given more than once: the multi-value filters, and the extras."""
        filterset_class = getattr(self, "filterset_class", None)
        filters_ = filterset_class.base_filters.items() if filterset_class is not None else ()
        multi = {name for name, f in filters_ if isinstance(f, filtersets.MultiValueFilter)}
        return multi | set(self.extra_repeatable_params)

    def initial(self, request, *args, **kwargs):
        # A method the endpoint does not have is a 405 whoever asks (DRF checks credentials first, so
        # a POST to a read-only endpoint was a 401 or 403, as if the right account could do it).
        if not hasattr(self, request.method.lower()):
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)
        allowed = self.allowed_query_params()
        repeatable = self.repeatable_query_params()
        errors = {}
        for name, values in request.query_params.lists():
            if name not in allowed:
                errors[name] = ["Unknown query parameter. This endpoint accepts: " + ", ".join(sorted(allowed)) + "."]
            elif any("\x00" in value for value in values):
                errors[name] = ["Values may not contain NUL bytes."]
            elif len(values) > 1 and name not in repeatable:
                errors[name] = ["Give this parameter once."]
            elif any(len(value) > 10 * filtersets.MAX_VALUE_LENGTH for value in values):
                errors[name] = ["Value too long."]
            elif name == formats.BOM_PARAM:
                errors |= self.bom_errors(request, values[0])
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def bom_errors(request, value: str) -> dict:
        """``bom`` is ``true`` or ``false``, and only with CSV."""
        if value not in ("true", "false"):
            return {formats.BOM_PARAM: ["Give true or false."]}
        if request.accepted_renderer.format != "csv":
            return {formats.BOM_PARAM: ["Only with format=csv (a byte order mark starts a CSV file)."]}
        return {}

    def valid_filterset(self, request):
        """The endpoint's FilterSet on this request's parameters, validated: a 400 naming each bad one."""
        filterset = self.filter_backends[0]().get_filterset(request, self.get_queryset(), self)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return filterset

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:
            formats = ", ".join(r.format for r in self.get_renderers())
            raise ValidationError({"format": [f"Unknown format. Use one of: {formats}."]}) from None

    def finalize_response(self, request, response, *args, **kwargs):
        if getattr(response, "status_code", 200) >= 400 and isinstance(response, Response):
            renderer = getattr(request, "accepted_renderer", None)
            if renderer is None or renderer.format in EXPORT_FORMATS:
                request.accepted_renderer, request.accepted_media_type = FastJSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)


class ExportMixin:
    """A list's exports (CSV, NDJSON, and GeoJSON where the endpoint has it) are the whole filtered result
    set, not a page: streamed a batch at a time, as an attachment named for the endpoint
    (``formats.attachment``). A bad ``page``, ``page_size`` or ``cursor`` is refused all the same."""

    def list(self, request, *args, **kwargs):
        export = request.accepted_renderer.format
        if export not in EXPORT_FORMATS:
            return super().list(request, *args, **kwargs)
        self.paginator.check_params(request)
        queryset = self.filter_queryset(self.get_queryset())  # a bad filter is a 400 before any row
        context = self.get_serializer_context()
        if export == "ndjson":  # its lines are the JSON list's rows, links included
            context["request"] = without_format(request)
        batches = (self.get_serializer(batch, many=True, context=context).data for batch in formats.batches(queryset))
        if export == "csv":
            columns = formats.csv_columns(self.get_serializer())
            body = formats.record_csv_chunks(columns, batches, formats.wants_bom(request))
            content_type = "text/csv; charset=utf-8"
        elif export == "ndjson":
            body, content_type = formats.record_ndjson_chunks(batches), formats.NDJSON
        else:
            body, content_type = formats.record_geojson_chunks(batches), "application/geo+json"
        response = StreamingHttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = formats.attachment(self, export)
        return response


def without_format(request):
    """The request as the JSON list reads it: without the ``format`` parameter, which the links DRF builds
    would otherwise carry (``states/KZ/?format=ndjson``)."""
    plain = copy.copy(request._request)
    plain.GET = plain.GET.copy()
    plain.GET.pop(api_settings.URL_FORMAT_OVERRIDE, None)
    wrapped = copy.copy(request)
    wrapped._request = plain
    return wrapped
