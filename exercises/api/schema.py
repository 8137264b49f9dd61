"""The OpenAPI schema says what the API really answers: errors, export bodies, the ``format`` switch.

drf-spectacular documents the success response of each operation from its serializer. This schema
class adds what a client also meets:

- the error responses each operation can give (400, 401, 403, 404, 412, 415, 428, 429), with their
  JSON bodies: ``{"detail": ...}``, or for a 400 an object naming each field or parameter at fault;
- the real bodies of the exports: CSV is text with a header row, NDJSON text of one JSON object a
  line, GeoJSON a FeatureCollection (not the JSON page's schema under another media type);
- conditional reads (If-None-Match, 304, the ETag and Cache-Control of every read; 406 when no format
  the Accept header takes is offered);
- the ``format`` query parameter with every value the server takes (``json``, ``api`` for the
  browsable HTML page, ``csv``, ``geojson``, ``ndjson``) where an endpoint has several, and the HTML body;
- the truth about each field where drf-spectacular's defaults say less: every field a response always
  carries is required; a null reference is a ``oneOf`` of the record and ``NullEnum`` (OpenAPI 3.0's
  ``nullable`` beside a ``$ref`` means nothing, so strict validators refused ``parent: null``); a
  URL or e-mail that may be empty is a non-empty formatted string or the empty string, never both;
- anonymous reads (``{}`` among the security requirements of a read anyone may make), parameters that
  take several values as arrays (``style: form, explode: true``: repeat the parameter), and a summary
  and a resource tag on every operation.

The schemathesis fuzz test checks every response against this, status codes included;
tests/api/test_schema_truth.py validates real answers of every operation with openapi-core.
"""

import re

from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent, force_instance, get_doc
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.permissions import (
    SAFE_METHODS,
    AllowAny,
    DjangoModelPermissionsOrAnonReadOnly,
    IsAuthenticated,
    IsAuthenticatedOrReadOnly,
)
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
NDJSON = {
    "type": "string",
    "description": "NDJSON (UTF-8): one compact JSON object per line, each ending in a newline; a list's "
    "lines are the records its JSON pages give, every matching one.",
}
EXPORT_BODIES = {"text/csv": CSV, "application/geo+json": FEATURE_COLLECTION, "application/x-ndjson": NDJSON}
BROWSABLE = BrowsableAPIRenderer.format
HTML = {"type": "string", "description": "The browsable API's HTML page (`format=api`), for people to read."}
#: drf-spectacular's own component for "null" (it uses it for nullable choices): the second branch of a
#: nullable reference.
NULL = ResolvedComponent(name="NullEnum", type=ResolvedComponent.SCHEMA, schema={"enum": [None]}, object="NullEnum")
#: Permissions under which anyone may read.
ANONYMOUS_READS = (AllowAny, IsAuthenticatedOrReadOnly, DjangoModelPermissionsOrAnonReadOnly)
#: Summaries of the standard actions, from the model's verbose names.
SUMMARIES = {
    "list": "List {plural}",
    "retrieve": "One {singular}",
    "create": "Add {article} {singular}",
    "update": "Replace {article} {singular}",
    "partial_update": "Change fields of {article} {singular}",
    "destroy": "Delete {article} {singular}",
}


class AutoSchema(openapi.AutoSchema):
    # -- Operations: summary, tags, security --------------------------------------------------------
    def get_summary(self):
        """The action on the model's records ("List troop figures"); for an endpoint that is not a
        collection of records (statistics, tokens), the first line of its docstring."""
        action = getattr(self.view, "action", None)
        queryset = getattr(self.view, "queryset", None)
        if action in SUMMARIES and queryset is not None and hasattr(self.view, "retrieve"):
            meta = queryset.model._meta
            singular = str(meta.verbose_name)
            article = "an" if singular[0] in "aeiou" else "a"
            return SUMMARIES[action].format(plural=meta.verbose_name_plural, singular=singular, article=article)
        return get_doc(self.view.__class__).split("\n")[0].strip().rstrip(".") or None

    def get_tags(self):
        """The resource: the first part of the path after the API's version (``troop-figures``)."""
        parts = [part for part in self._tokenize_path() if not re.fullmatch(r"v\d+", part)]
        return parts[:1] or super().get_tags()

    def get_auth(self):
        """The token and session schemes, and ``{}`` (no credentials) where anyone may call the operation:
        reads of the public data, the login."""
        auths = super().get_auth()
        anonymous = self.method in SAFE_METHODS and any(
            isinstance(permission, ANONYMOUS_READS) for permission in self.view.get_permissions()
        )
        if anonymous and {} not in auths:
            auths.append({})
        return auths

    # -- Fields: required when always sent, unambiguous, honestly nullable ------------------------------
    def _map_basic_serializer(self, serializer, direction):
        """In answers, every field is required but those a plain serializer may leave out (an optional
        field of a dict it is given: the statistics' series not asked for). A model serializer writes
        every field, null or empty as it may be."""
        schema = super()._map_basic_serializer(serializer, direction)
        if direction != "response":
            return schema
        serializer = force_instance(serializer)
        model_based = isinstance(serializer, serializers.ModelSerializer)
        required = [
            name
            for name, field in serializer.fields.items()
            if name in schema.get("properties", {}) and (model_based or field.required or field.read_only)
        ]
        if required:
            schema["required"] = required
        return schema

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        """A nullable reference as ``oneOf: [record, NullEnum]``: OpenAPI 3.0 ignores ``nullable`` beside
        ``allOf: [$ref]`` (it needs a ``type`` in the same object), so validators refused the null."""
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(schema, dict) and schema.get("nullable") and len(schema.get("allOf", ())) == 1:
            self.registry.register_on_missing(NULL)
            reference = schema.pop("allOf")[0]
            del schema["nullable"]
            schema["oneOf"] = [reference, NULL.ref]
        return schema

    def _insert_field_validators(self, field, schema):
        """drf-spectacular writes a URL that may be empty as ``oneOf: [uri, maxLength 0]``; ``""`` matched
        both (validators do not check ``format: uri``). The first branch is a non-empty string."""
        super()._insert_field_validators(field, schema)
        branches = schema.get("oneOf", ())
        if len(branches) == 2 and branches[1] == {"type": "string", "maxLength": 0}:
            branches[0]["minLength"] = max(branches[0].get("minLength", 0), 1)

    # -- Responses: errors, export bodies, the browsable page -------------------------------------------
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
        if self.method == "GET":
            responses.setdefault("304", {"description": "Not modified: If-None-Match holds the current ETag."})
            component = ResolvedComponent(name="Error", type=ResolvedComponent.SCHEMA, schema=ERROR, object="Error")
            self.registry.register_on_missing(component)
            responses.setdefault(
                "406",
                {
                    "description": "No format the Accept header takes (its q-values are honoured).",
                    "content": {"application/json": {"schema": component.ref}},
                },
            )
        if self.method == "GET" and BROWSABLE in self.formats():
            for response in responses.values():
                if "content" in response:
                    response["content"]["text/html"] = {"schema": HTML}
        return responses

    def formats(self) -> list[str]:
        """The values ``format`` takes: every renderer's, the browsable API's ``api`` too (the server
        lists them all when it refuses one)."""
        return [renderer.format for renderer in self.view.get_renderers()]

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        for media_type, body in response.get("content", {}).items():
            if media_type in EXPORT_BODIES:
                body["schema"] = EXPORT_BODIES[media_type]
        return response

    # -- Parameters: format, several values ----------------------------------------------------------
    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method == "GET":  # exercises.api.caching answers every read alike
            names = {getattr(parameter, "name", None) for parameter in parameters}
            parameters += [
                OpenApiParameter(
                    "If-None-Match",
                    str,
                    OpenApiParameter.HEADER,
                    description="ETags you hold (or `*`): 304 Not Modified, with no body, if the answer would "
                    "have one of them.",
                ),
                OpenApiParameter(
                    "Cache-Control",
                    str,
                    OpenApiParameter.HEADER,
                    response=[200],
                    description="`public, max-age=N` for anonymous reads (N from API_CACHE_SECONDS), "
                    "`private, no-cache` with credentials.",
                ),
            ]
            if "ETag" not in names:
                parameters.append(
                    OpenApiParameter(
                        "ETag",
                        str,
                        OpenApiParameter.HEADER,
                        response=[200],
                        description="A digest of this representation (distinct per format and content coding); "
                        "streamed exports have none. Send it in If-None-Match for a 304.",
                    )
                )
        if self.method == "GET" and self._is_list_view() and self._get_paginator() is not None:
            parameters.append(
                OpenApiParameter(
                    "Link",
                    str,
                    OpenApiParameter.HEADER,
                    response=[200],
                    description="The next and previous pages' addresses, as in the body (RFC 8288): "
                    '`<https://...>; rel="next"`. Not on exports.',
                )
            )
        formats = self.formats()
        if self.method == "GET" and len(formats) > 1:
            parameters.append(
                OpenApiParameter(
                    "format",
                    str,
                    enum=formats,
                    description="The body's format, instead of the Accept header: `api` is the browsable HTML "
                    "page. CSV, NDJSON and GeoJSON exports of a list hold every matching record (not a page), "
                    "streamed.",
                )
            )
        return parameters

    def _get_parameters(self):
        """Parameters that take several values (the endpoint's ``repeatable_query_params``) are arrays,
        given by repeating the parameter; each value may also be a comma-separated list."""
        parameters = super()._get_parameters()
        repeatable = self.view.repeatable_query_params() if hasattr(self.view, "repeatable_query_params") else set()
        for parameter in parameters:
            if parameter.get("in") != "query" or parameter["name"] not in repeatable:
                continue
            if parameter["schema"].get("type") != "array":
                parameter["schema"] = {"type": "array", "items": parameter["schema"]}
            parameter["style"], parameter["explode"] = "form", True
        return parameters
