"""The filter classes of the FilterSets: one per kind of parameter, each with its schema for the docs."""

import copy

from django import forms
from django.db import models
from django.db.models import F
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from exercises.filtersets.fields import (
    DISPUTED_CHOICES,
    MAX_VALUE_LENGTH,
    AwareDateTimeField,
    BBoxField,
    CountField,
    DisputedField,
    LocationsField,
    MultiValueField,
    OrganisationsField,
    PartialDateField,
    SearchField,
    SourceCountField,
    SourcesField,
    StatesField,
    StrictBooleanField,
    YearField,
)

TEXT_LIST = {"type": "array", "items": {"type": "string"}}


class MultiValueFilter(filters.Filter):
    """Several values, repeated or comma-separated; with ``choices``, each must be one of them."""

    field_class = MultiValueField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "choices" in self.extra:
            schema = {"type": "array", "items": {"type": "string", "enum": [str(c[0]) for c in self.extra["choices"]]}}
            extend_schema_field(schema)(self)


@extend_schema_field(TEXT_LIST)
class StatesFilter(MultiValueFilter):
    field_class = StatesField


@extend_schema_field(TEXT_LIST)
class OrganisationsFilter(MultiValueFilter):
    field_class = OrganisationsField


@extend_schema_field(TEXT_LIST)
class LocationsFilter(MultiValueFilter):
    field_class = LocationsField


@extend_schema_field(TEXT_LIST)
class SourcesFilter(MultiValueFilter):
    field_class = SourcesField


class DisputedFilter(MultiValueFilter):
    """``true``, ``false`` or disputable field names (:data:`~exercises.filtersets.fields.DISPUTED_CHOICES`)."""

    field_class = DisputedField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, choices=DISPUTED_CHOICES, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1000, "maximum": 9999})
class YearFilter(filters.NumberFilter):
    field_class = YearField


@extend_schema_field({"type": "integer", "minimum": 0})
class CountFilter(filters.NumberFilter):
    field_class = CountField


@extend_schema_field({"type": "boolean"})
class BooleanFilter(filters.BooleanFilter):
    """true/false/1/0 in any case; any other value is a 400 naming the parameter."""

    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput)  # django-filter's BooleanWidget reads "yes" as "no filter"
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 1000})
class SourceCountFilter(filters.NumberFilter):
    field_class = SourceCountField


@extend_schema_field({"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$", "example": "2011-09"})
class PartialDateFilter(filters.Filter):
    field_class = PartialDateField


@extend_schema_field({"type": "string", "format": "date-time", "example": "2024-05-01T12:00:00Z"})
class AwareDateTimeFilter(filters.Filter):
    field_class = AwareDateTimeField


@extend_schema_field({"type": "string", "example": "45,40,80,55", "description": "min_lon,min_lat,max_lon,max_lat"})
class BBoxFilter(filters.Filter):
    field_class = BBoxField


@extend_schema_field({"type": "string", "maxLength": MAX_VALUE_LENGTH})
class SearchFilter(filters.Filter):
    field_class = SearchField


class NullsLastOrderingFilter(filters.OrderingFilter):
    """Ordering on named fields; empty values sort last either way; ties broken by id.

    Where the other filters already exclude empty values of a field (troops_min on the troops), the
    order is a plain one, so the database can read it off the field's index; the tie-break follows
    the first field's direction for the same reason.
    """

    def filter(self, qs, value):
        value = [item for item in value or [] if item and item.lstrip("-")]  # "name," has an empty item
        if not value:
            return qs
        non_null = getattr(self.parent, "non_null_fields", set())
        ordering = []
        for param in value:
            descending = param.startswith("-")
            field = self.param_map[param.lstrip("-")]
            nulls_last = None if field in non_null else True
            ordering.append(F(field).desc(nulls_last=nulls_last) if descending else F(field).asc(nulls_last=nulls_last))
        return qs.order_by(*ordering, "-pk" if value[0].startswith("-") else "pk")


class ShallowCopies(dict):
    """Declared filters that deep-copy as shallow copies (see :class:`FastFilterSet`)."""

    def __deepcopy__(self, memo):
        copies = {}
        for name, declared in self.items():
            copied = copy.copy(declared)
            if declared.method is not None:
                copied.method = declared.method  # a new method wrapper, bound to the copy (and its parent)
            copies[name] = copied
        return copies


class FastFilterSet(filters.FilterSet):
    """A FilterSet whose instances copy the declared filters shallowly.

    django-filter deep-copies every declared filter for each FilterSet instance (about 1.7 ms for the
    exercise filters); the filters hold configuration only, so a shallow copy is enough. Done through
    ``base_filters.__deepcopy__``, so django-filter's own constructor runs unchanged (and sets each
    copy's model and parent) whatever its version; tests/filtersets/test_fast_filterset.py checks it.
    """

    #: Filters generated from boolean model fields are strict too.
    FILTER_DEFAULTS = {**filters.FilterSet.FILTER_DEFAULTS, models.BooleanField: {"filter_class": BooleanFilter}}

    @classmethod
    def get_filters(cls):
        return ShallowCopies(super().get_filters())

    def get_form_class(self):
        # The form's fields are the same for every request: build the class once per FilterSet.
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class


class ChangesSinceFilterSet(FastFilterSet):
    """The parameter every list endpoint takes: rows written at or after a time (``updated_at``), for
    clients that keep a copy and fetch what changed since their last run. Inclusive: a client asks again
    from the last ``updated_at`` it saw and upserts what comes back."""

    updated_since = AwareDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Only rows written at or after this time (their updated_at; for an exercise, a change of one of "
        "its parts or of its phases' counts): an ISO 8601 date-time with a time zone (2024-05-01T12:00:00Z). "
        "Rows deleted or merged since are in deletions/.",
    )
