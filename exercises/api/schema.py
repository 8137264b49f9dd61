"""The OpenAPI schema says what the API really answers: errors, export bodies, the ``format`` switch.

drf-spectacular documents the success response of each operation from its serializer. This schema
class adds what a client also meets:

- the error responses each operation can give (400, 401, 403, 404, 412, 415, 428, 429), with their
  JSON bodies: ``{"detail": ...}``, or for a 400 an object naming each field or parameter at fault;
- the real bodies of the exports: CSV is text with a header row, GeoJSON a FeatureCollection (not the
  JSON page's schema under another media type);
- the ``format`` query parameter (``json``, ``csv``, ``geojson``) where an endpoint has exports.

The schemathesis fuzz test checks every response against this, status codes included.
"""

from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiParameter
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticated
from rest_framework.renderers import BrowsableAPIRenderer

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "What went wrong, for a person to read."}},
    "required": ["detail"],
}
VALIDATION_ERRORS = {
    "type": "object",
    "description": "Each field or query parameter at fault, with the reasons (a list of messages, or for "
    "a nested value an object of the same shape); `non_field_errors` for a rule across fields; `detail` "
    "for a request that could not be read at all.",
    "additionalProperties": {},
    "example": {"start": ["Give a date as YYYY, YYYY-MM or YYYY-MM-DD."], "page_size": ["Must be between 1 and 1000."]},
}
CSV = {"type": "string", "description": "CSV (UTF-8): a header row, then one row per record."}
FEATURE_COLLECTION = {
    "type": "object",
    "description": "A GeoJSON FeatureCollection: one Point per place, its other fields as properties.",
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "geometry": {
                        "type": "object",
                        "properties": {
                            "type": {"type": "string", "enum": ["Point"]},
                            "coordinates": {
                                "type": "array",
                                "items": {"type": "number"},
                                "minItems": 2,
                                "maxItems": 2,
                                "description": "Longitude, latitude (WGS 84).",
                            },
                        },
                        "required": ["type", "coordinates"],
                    },
                    "properties": {"type": "object", "additionalProperties": {}},
                },
                "required": ["type", "geometry", "properties"],
            },
        },
    },
    "required": ["type", "features"],
}
EXPORT_BODIES = {"text/csv": CSV, "application/geo+json": FEATURE_COLLECTION}


class AutoSchema(openapi.AutoSchema):
    def error_responses(self) -> dict[int, tuple[str, dict]]:
        """Status code -> (description, body schema name) of the errors this operation can answer."""
        view, method = self.view, self.method
        writes = method not in SAFE_METHODS
        errors = {}
        if hasattr(view, "allowed_query_params") or self._get_request_body():
            errors[400] = (
                "A parameter or field is invalid: the body names each one and the reason.",
                "ValidationErrors",
            )
        if view.authentication_classes:
            errors[401] = ("No credentials for a write, or a token that is unknown, expired or revoked.", "Error")
        if writes and not all(permission in (AllowAny, IsAuthenticated) for permission in view.permission_classes):
            errors[403] = ("The user lacks the permission for this change (or the CSRF check failed).", "Error")
        if "{" in self.path or (method == "GET" and self._is_list_view()):
            errors[404] = ("No such record, or a page past the last.", "Error")
        if getattr(view, "optimistic_locking", False) and method in ("PUT", "PATCH", "DELETE"):
            errors[412] = ("The record changed since the ETag sent in If-Match: read it again.", "Error")
            errors[428] = ("If-Match is missing: send the ETag of the version you read.", "Error")
        if writes and self._get_request_body():
            errors[415] = ("The body's media type is not JSON, a form or multipart.", "Error")
        errors[429] = ("Too many requests (throttled), or too many failed logins (locked out).", "Error")
        return errors

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, (description, name) in self.error_responses().items():
            schema = VALIDATION_ERRORS if name == "ValidationErrors" else ERROR
            component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name)
            self.registry.register_on_missing(component)
            responses.setdefault(
                str(code),
                {"description": description, "content": {"application/json": {"schema": component.ref}}},
            )
        return responses

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        for media_type, body in response.get("content", {}).items():
            if media_type in EXPORT_BODIES:
                body["schema"] = EXPORT_BODIES[media_type]
        return response

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        formats = [
            renderer.format for renderer in self.view.get_renderers() if not isinstance(renderer, BrowsableAPIRenderer)
        ]
        if self.method == "GET" and len(formats) > 1:
            parameters.append(
                OpenApiParameter(
                    "format",
                    str,
                    enum=formats,
                    description="The body's format, instead of the Accept header. CSV and GeoJSON exports of a "
                    "list hold every matching record (not a page).",
                )
            )
        return parameters
