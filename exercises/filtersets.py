"""FilterSets: how query parameters become queries. Shared by the API and the admin.

Every parameter is strict: a value that cannot be understood is a validation error naming the
parameter (the REST backend turns it into HTTP 400), never a silently ignored filter. User input
goes into messages as parameters (``%(value)s``), never formatted into them.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Q
from django.http import QueryDict
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from exercises import dates
from exercises.choices import Role, ThreatType
from exercises.models import (
    Exercise,
    Location,
    Organisation,
    Participation,
    Scenario,
    State,
    UnknownState,
)

MAX_VALUE_LENGTH = 200
MAX_VALUES = 50


def check_text(value: str) -> str:
    """Reject what no filter can mean: NUL bytes, control characters and overlong values."""
    if "\x00" in value:
        raise ValidationError("Values may not contain NUL bytes.", code="nul")
    if len(value) > MAX_VALUE_LENGTH:
        raise ValidationError(
            "Value too long (%(length)d characters; at most %(max)d).",
            code="max_length",
            params={"length": len(value), "max": MAX_VALUE_LENGTH},
        )
    return value


# -- Fields: parse and validate one parameter --------------------------------------------------------
class MultiValueWidget(forms.TextInput):
    """Reads a parameter given several times and/or as a comma-separated list: ``a,b&x=c``."""

    def format_value(self, value):
        if isinstance(value, list | tuple):
            return ",".join(str(v) for v in value)
        return super().format_value(value)

    def value_from_datadict(self, data, files, name):
        raw = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        values = [part.strip() for item in raw if item is not None for part in str(item).split(",")]
        return [v for v in values if v] or None

    def value_omitted_from_data(self, data, files, name):
        return name not in data


class MultiValueField(forms.Field):
    widget = MultiValueWidget

    def __init__(self, *, choices=None, **kwargs):
        # Choices as (value, label) pairs, like Django's; only the values are accepted.
        self.choices = [str(c[0]) for c in choices] if choices is not None else None
        super().__init__(**kwargs)

    def to_python(self, value):
        if not value:
            return []
        values = [check_text(v) for v in value]
        if len(values) > MAX_VALUES:
            raise ValidationError("At most %(max)d values.", code="max_values", params={"max": MAX_VALUES})
        if self.choices is not None:
            lowered = [v.lower() for v in values]
            for original, value in zip(values, lowered, strict=True):
                if value not in self.choices:
                    raise ValidationError(
                        "%(value)s is not one of: %(choices)s.",
                        code="invalid_choice",
                        params={"value": original, "choices": ", ".join(self.choices)},
                    )
            values = lowered
        return list(dict.fromkeys(values))


class StatesField(MultiValueField):
    """State codes or names, resolved in one query; returns the states."""

    def to_python(self, value):
        values = super().to_python(value)
        try:
            return list(State.objects.resolve(values).values())
        except UnknownState as exc:
            raise ValidationError(
                "Unknown state %(value)s: use an ISO 3166 alpha-2 or alpha-3 code or an English name.",
                code="unknown_state",
                params={"value": repr(exc.value)},
            ) from None


class OrganisationsField(MultiValueField):
    def to_python(self, value):
        acronyms = super().to_python(value)
        found = {o.acronym.lower(): o for o in Organisation.objects.filter(acronym__in=acronyms)}
        if len(found) < len(acronyms):
            found |= {
                o.acronym.lower(): o
                for o in Organisation.objects.filter(
                    Q.create([("acronym__iexact", a) for a in acronyms], connector=Q.OR)
                )
            }
        for acronym in acronyms:
            if acronym.lower() not in found:
                raise ValidationError(
                    "Unknown organisation %(value)s: give its acronym (see /api/v1/organisations/).",
                    code="unknown_organisation",
                    params={"value": repr(acronym)},
                )
        return [found[a.lower()] for a in acronyms]


class LocationsField(MultiValueField):
    """Location ids, slugs or names (any case)."""

    def to_python(self, value):
        items = super().to_python(value)
        # isdecimal, not isdigit: "²" is a digit that int() refuses.
        ids = [int(i) for i in items if i.isdecimal()]
        names = [i for i in items if not i.isdecimal()]
        query = Q(pk__in=ids) | Q(slug__in=names)
        for name in names:
            query |= Q(name__iexact=name)
        found = list(Location.objects.filter(query)) if items else []
        for item in items:
            if not any(str(loc.pk) == item or loc.slug == item or loc.name.lower() == item.lower() for loc in found):
                raise ValidationError(
                    "Unknown location %(value)s: give its id, slug or name (see /api/v1/locations/).",
                    code="unknown_location",
                    params={"value": repr(item)},
                )
        return found


class BoundedIntegerField(forms.IntegerField):
    """A whole number between ``min_value`` and ``max_value``, its text checked like every value."""

    min_value = max_value = None

    def __init__(self, **kwargs):
        super().__init__(min_value=self.min_value, max_value=self.max_value, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            check_text(value)
        return super().to_python(value)


class YearField(BoundedIntegerField):
    min_value, max_value = 1000, 9999


class CountField(BoundedIntegerField):
    min_value, max_value = 0, 100_000_000


class PartialDateField(forms.Field):
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; cleans to (first day, last day) of that period."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        check_text(value)
        try:
            first, precision = dates.parse_partial(value)
        except ValueError:
            raise ValidationError(
                "Not a date: %(value)s. Use YYYY, YYYY-MM or YYYY-MM-DD.",
                code="invalid_date",
                params={"value": repr(value)},
            ) from None
        return first, dates.period_end(first, precision)


class BBoxField(forms.Field):
    """``min_lon,min_lat,max_lon,max_lat`` in decimal degrees (WGS 84)."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        check_text(value)
        parts = value.split(",")
        try:
            if len(parts) != 4:
                raise ValueError
            min_lon, min_lat, max_lon, max_lat = (float(p) for p in parts)
        except ValueError:
            raise ValidationError(
                "Give four numbers: min_lon,min_lat,max_lon,max_lat (got %(value)s).",
                code="invalid_bbox",
                params={"value": repr(value)},
            ) from None
        if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180 and -90 <= min_lat <= 90 and -90 <= max_lat <= 90):
            raise ValidationError("Longitudes must lie in -180..180 and latitudes in -90..90.", code="bbox_range")
        if min_lon > max_lon or min_lat > max_lat:
            raise ValidationError("The minimum corner must not lie above the maximum.", code="bbox_order")
        return min_lon, min_lat, max_lon, max_lat


class SearchField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        return check_text(value).strip() if value else value


# -- Filters -------------------------------------------------------------------------------------
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


@extend_schema_field({"type": "integer", "minimum": 1000, "maximum": 9999})
class YearFilter(filters.NumberFilter):
    field_class = YearField


@extend_schema_field({"type": "integer", "minimum": 0})
class CountFilter(filters.NumberFilter):
    field_class = CountField


@extend_schema_field({"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$", "example": "2011-09"})
class PartialDateFilter(filters.Filter):
    field_class = PartialDateField


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


def _participations(states=None, role=None):
    participations = Participation.objects.all()
    if states is not None:
        participations = participations.filter(state__in=states)
    if role:
        participations = participations.filter(role=role)
    return participations


#: Parameters that narrow the exercises enough for correlated participant checks to pay.
NARROWING = ("year", "year_min", "year_max", "date_from", "date_to", "organisation", "series", "parent")


class FastFilterSet(filters.FilterSet):
    """A FilterSet that copies its filters shallowly per request.

    django-filter deep-copies every declared filter for each FilterSet instance (about 1.7 ms for the
    exercise filters); the filters hold configuration only, so a shallow copy with the instance as
    parent is enough and keeps the declarations shared.
    """

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # django_filters.filterset.BaseFilterSet.__init__, with copy.copy for copy.deepcopy.
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        # Only filters given a value in this request ever reach their FilterSet (a method filter asks
        # its parent for the method); the others are used as declared, shared and untouched.
        given = set(self.data)
        self.filters = {}
        for name, declared in self.base_filters.items():
            if name not in given:
                self.filters[name] = declared
                continue
            filter_ = object.__new__(type(declared))
            filter_.__dict__.update(declared.__dict__)
            if declared.method is not None:
                filter_.method = declared.method  # rebinds the method wrapper to the copy
            filter_.model, filter_.parent = queryset.model, self
            self.filters[name] = filter_

    def get_form_class(self):
        # The form's fields are the same for every request: build the class once per FilterSet.
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class


class ExerciseFilterSet(FastFilterSet):
    """The filters of ``/api/v1/exercises/`` (and ``stats/``)."""

    country = StatesFilter(
        method="filter_participants",
        help_text="States that took part, any of them: ISO alpha-2 or alpha-3 codes or English names, any case; "
        "repeat the parameter or separate with commas (country=KZ,Russia).",
    )
    country_all = StatesFilter(
        method="filter_participants", help_text="States that all took part (same forms as country)."
    )
    role = filters.ChoiceFilter(
        choices=Role.choices,
        method="filter_participants",
        help_text="Narrows country and country_all to states in this role; alone, exercises with any "
        "participant in this role.",
    )
    year = YearFilter(field_name="year", help_text="The exercise's year (its start; its end if the start is unknown).")
    year_min = YearFilter(field_name="year", lookup_expr="gte", help_text="Year at least this.")
    year_max = YearFilter(field_name="year", lookup_expr="lte", help_text="Year at most this.")
    date_from = PartialDateFilter(
        method="filter_dates",
        help_text="Exercises whose span reaches this date or later (YYYY, YYYY-MM or YYYY-MM-DD). Partial "
        "dates count by their precision: an exercise known only as 2011-09 overlaps 2011-09-25.",
    )
    date_to = PartialDateFilter(method="filter_dates", help_text="Exercises whose span begins by this date.")
    organisation = OrganisationsFilter(
        method="filter_organisation", help_text="Acronym of the organising body (CSTO, NATO); any of several."
    )
    troops_min = CountFilter(
        field_name="reported_troops", lookup_expr="gte", help_text="Reported troop figure at least this."
    )
    troops_max = CountFilter(
        field_name="reported_troops", lookup_expr="lte", help_text="Reported troop figure at most this."
    )
    threat = MultiValueFilter(
        method="filter_threat",
        choices=ThreatType.choices,
        help_text="Threat type rehearsed in any episode; any of several. One of: " + ", ".join(ThreatType.values),
    )
    location = LocationsFilter(
        method="filter_location", help_text="Location id, slug or name, where the exercise or an episode took place."
    )
    bbox = BBoxFilter(
        method="filter_bbox",
        help_text="min_lon,min_lat,max_lon,max_lat: exercises with a location inside this box.",
    )
    series = filters.CharFilter(
        field_name="series", lookup_expr="iexact", help_text='The series, e.g. "Cobra Gold" (any case).'
    )
    domain = MultiValueFilter(
        method="filter_flags",
        choices=[(flag, flag) for flag in Exercise.DOMAIN_FLAGS],
        help_text="Domain coded for the exercise; any of: " + ", ".join(Exercise.DOMAIN_FLAGS),
    )
    focus = MultiValueFilter(
        method="filter_flags",
        choices=[(flag, flag) for flag in Exercise.FOCUS_FLAGS],
        help_text="Focus coded for the exercise; any of: " + ", ".join(Exercise.FOCUS_FLAGS),
    )
    parent = filters.CharFilter(field_name="parent__slug", help_text="Slug of the exercise whose phases to list.")
    top_level = filters.BooleanFilter(
        field_name="parent", lookup_expr="isnull", help_text="true: only whole exercises, no phases."
    )
    search = SearchFilter(
        method="filter_search",
        help_text="Words in the name, alternative names, purpose, description or episodes (case-insensitive).",
    )
    ordering = NullsLastOrderingFilter(
        fields=[("span_start", "start_date"), ("year", "year"), ("reported_troops", "troops"), ("name", "name")],
        help_text="start_date, year, troops or name; prefix - for descending; several separated by commas.",
    )

    class Meta:
        model = Exercise
        fields = []

    #: How conditions on related rows are written (see :meth:`related`).
    EXISTS, IN = "exists", "in"
    subqueries = None

    def related(self, rows) -> Q:
        """Exercises that some of ``rows`` (which have an ``exercise`` column) belong to.

        Two ways to write it, each the faster one somewhere: a correlated ``EXISTS`` lets the
        database walk the exercises in the order asked for and stop after a page; ``id IN (...)``
        collects the matching ids from the related table's index, best for counting and for rare
        matches. :meth:`querysets` gives both; alone, the FilterSet chooses ``EXISTS`` when other
        filters already narrow the exercises and ``IN`` otherwise.
        """
        form = self.subqueries
        if form is None:
            data = self.form.cleaned_data
            form = self.EXISTS if any(data.get(n) not in (None, "", []) for n in NARROWING) else self.IN
        if form == self.EXISTS:
            return Q(Exists(rows.filter(exercise=OuterRef("pk"))))
        return Q(pk__in=rows.values("exercise_id"))

    @property
    def non_null_fields(self) -> set[str]:
        data = self.form.cleaned_data
        bounded = data.get("troops_min") is not None or data.get("troops_max") is not None
        return {"reported_troops"} if bounded else set()

    def querysets(self, queryset):
        """(rows in EXISTS form, rows in IN form) of the same filters, for a page and its count."""
        results = []
        for form in (self.EXISTS, self.IN):
            self.subqueries = form
            results.append(self.filter_queryset(queryset))
        self.subqueries = None
        return results

    def is_valid(self):
        valid = super().is_valid()
        if valid:
            data = self.form.cleaned_data
            for low, high in [("year_min", "year_max"), ("troops_min", "troops_max")]:
                if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
                    self.form.add_error(
                        low, ValidationError("%(low)s is above %(high)s.", params={"low": low, "high": high})
                    )
            if data.get("date_from") and data.get("date_to") and data["date_from"][0] > data["date_to"][1]:
                self.form.add_error("date_from", ValidationError("date_from is after date_to."))
        return self.form.is_valid()

    # Filters that read several parameters act once, on the first of them that is present.
    def filter_participants(self, queryset, name, value):
        data = self.form.cleaned_data
        present = [n for n in ("country", "country_all", "role") if data.get(n)]
        if name != present[0]:
            return queryset
        role = data.get("role") or None
        if data.get("country"):
            queryset = queryset.filter(self.related(_participations(data["country"], role)))
        for state in data.get("country_all") or []:
            queryset = queryset.filter(self.related(_participations([state], role)))
        if role and not data.get("country") and not data.get("country_all"):
            queryset = queryset.filter(self.related(_participations(role=role)))
        return queryset

    def filter_dates(self, queryset, name, value):
        data = self.form.cleaned_data
        if name == "date_to" and data.get("date_from"):
            return queryset
        if data.get("date_from"):
            queryset = queryset.filter(span_end__gte=data["date_from"][0])
        if data.get("date_to"):
            queryset = queryset.filter(span_start__lte=data["date_to"][1])
        return queryset

    def filter_organisation(self, queryset, name, value):
        return queryset.filter(organisation__in=value)

    def filter_threat(self, queryset, name, value):
        return queryset.filter(self.related(Scenario.objects.filter(threat_type__in=value)))

    def filter_location(self, queryset, name, value):
        places = Exercise.locations.through.objects.filter(location__in=value)
        episodes = Scenario.objects.filter(locations__in=value)
        return queryset.filter(self.related(places) | self.related(episodes))

    def filter_bbox(self, queryset, name, value):
        min_lon, min_lat, max_lon, max_lat = value
        places = Exercise.locations.through.objects.filter(
            location__longitude__range=(min_lon, max_lon), location__latitude__range=(min_lat, max_lat)
        )
        return queryset.filter(self.related(places))

    def filter_flags(self, queryset, name, value):
        return queryset.filter(Q.create([(flag, True) for flag in value], connector=Q.OR))

    def filter_search(self, queryset, name, value):
        return queryset.search(value, also=lambda word: Q(purpose__icontains=word) | Q(description__icontains=word))
