"""Form fields of the filters: how one query parameter is parsed and validated.

Every parameter is strict: a value that cannot be understood is a validation error naming the
parameter (the REST backend turns it into HTTP 400; the admin shows it as a message), never a silently
ignored filter. User input goes into messages as parameters (``%(value)s``), never formatted into them.
"""

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.dateparse import parse_datetime

from exercises import dates
from exercises.choices import CodeSystem
from exercises.models import Exercise, Location, Organisation, Source, State, UnknownState, UnknownStateCode

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
    """State codes or names, resolved in one query; returns the states. Codes of the political-science
    state lists (``cow:365``, ``gw:260``, any case) return :class:`~exercises.models.CodedStates`, the
    states they denoted and when (one more query): filters read both through ``state_condition``."""

    def to_python(self, value):
        values = super().to_python(value)
        try:
            return list(State.objects.resolve(values, periods=True).values())
        except UnknownStateCode as exc:
            raise ValidationError(exc.message, code="unknown_state_code", params=exc.params) from None
        except UnknownState as exc:
            close = State.objects.suggest(exc.value)
            hint = f" Did you mean {' or '.join(close)}?" if close else ""
            raise ValidationError(
                "Unknown state %(value)s: use an ISO 3166 alpha-2 or alpha-3 code or an English name.%(hint)s",
                code="unknown_state",
                params={"value": repr(exc.value), "hint": hint},
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


class CodeSystemsField(MultiValueField):
    """Names of political-science state lists (``cow``, ``gw``; any case), each at most once."""

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", CodeSystem.choices)
        super().__init__(**kwargs)


class SourcesField(MultiValueField):
    """Source keys (any case), resolved in one query; returns the sources."""

    def to_python(self, value):
        keys = [key.lower() for key in super().to_python(value)]
        found = {source.key: source for source in Source.objects.filter(key__in=keys)}
        for key in keys:
            if key not in found:
                raise ValidationError(
                    "Unknown source %(value)s: give its key (see /api/v1/sources/).",
                    code="unknown_source",
                    params={"value": repr(key)},
                )
        return [found[key] for key in dict.fromkeys(keys)]


#: What ``disputed`` accepts, with the admin's labels.
DISPUTED_CHOICES = [
    ("true", "on some field"),
    ("false", "on none"),
    *((name, f"on its {name}") for name in Exercise.DISPUTABLE),
]


class DisputedField(MultiValueField):
    """``true`` (disputed on some field), ``false`` (on none), or names of disputable fields (disputed on
    one of them at least). Cleans to (disputed, fields): (True, the names) or (False, every field)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", DISPUTED_CHOICES)
        super().__init__(**kwargs)

    def to_python(self, value):
        values = super().to_python(value)
        if not values:
            return None
        if len(values) > 1 and {"true", "false"} & set(values):
            raise ValidationError(
                "Give true or false alone, or one or more of: %(fields)s.",
                code="disputed_alone",
                params={"fields": ", ".join(Exercise.DISPUTABLE)},
            )
        if values == ["false"]:
            return False, list(Exercise.DISPUTABLE)
        return True, list(Exercise.DISPUTABLE) if values == ["true"] else values


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


class StrictBooleanField(forms.Field):
    """``true`` or ``false`` (also ``1`` and ``0``, any case); anything else is an error, never ignored
    (django-filter's own boolean field reads ``yes`` or ``foo`` as "no filter")."""

    VALUES = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        found = self.VALUES.get(check_text(str(value)).strip().lower())
        if found is None:
            raise ValidationError(
                "%(value)s is not a boolean: give true or false (or 1, 0).", code="boolean", params={"value": value}
            )
        return found


class YearField(BoundedIntegerField):
    min_value, max_value = 1000, 9999


class CountField(BoundedIntegerField):
    min_value, max_value = 0, 100_000_000


class SourceCountField(BoundedIntegerField):
    """A number of sources: at least one (every exercise has at least none)."""

    min_value, max_value = 1, 1000


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


class AwareDateTimeField(forms.Field):
    """An ISO 8601 date-time with its time zone: ``2024-05-01T12:00:00Z``, ``2024-05-01T14:00:00.5+02:00``.

    A naive time would be read in some zone the client cannot see, a date alone at some hour: both are
    refused. A ``+`` sent unescaped arrives as a space (form encoding): ``...T14:00:00 02:00`` is read
    as ``+02:00``, since nothing else can be meant.
    """

    MESSAGE = (
        "Give an ISO 8601 date-time with a time zone, such as 2024-05-01T12:00:00Z or 2024-05-01T14:00:00+02:00 "
        "(send + as %%2B), not %(value)s."
    )

    def to_python(self, value):
        if value in (None, ""):
            return None
        check_text(value)
        text = re.sub(r" (\d{2}(:?\d{2})?)$", r"+\1", value.strip())
        try:
            parsed = parse_datetime(text) if "T" in text.upper() else None
            if parsed is not None and parsed.tzinfo is not None:
                return parsed.astimezone(dt.UTC)  # also refuses a time that has no UTC (year 1 at +01:00)
        except (ValueError, OverflowError):
            pass
        raise ValidationError(self.MESSAGE, code="invalid", params={"value": value})
