"""Output formats: the exercise list's compact row, declared once, and every renderer.

``ROW`` declares the row: each field's name, the database columns it reads and how its value is made,
and its documentation. The JSON list (and the browsable page, which shows that JSON), the CSV export and
the GeoJSON export's properties are all built from it by :func:`compact`, so they cannot drift apart;
the OpenAPI schema documents it through :func:`row_serializer`. The generic CSV and GeoJSON renderers
below serve the other endpoints and single records.
"""

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter

import orjson
from django.urls import reverse
from django.utils.functional import Promise
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer

from exercises import dates
from exercises.choices import DatePrecision
from exercises.models.exercises import YEAR_MAX, YEAR_MIN, Exercise

EXPORT_FORMATS = ("csv", "geojson")


# -- The compact row ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Field:
    """One field of the compact row."""

    name: str
    reads: tuple[str, ...]  # the exercise's columns (``values()`` names) the value is made from
    value: Callable[[dict], object]  # the value, from a row of those columns (and ``participants``, ``places``)
    doc: Callable[[], serializers.Field]  # its type and description in the OpenAPI schema
    in_list: bool = True  # False: in the exports only


def column(name: str, doc: Callable[[], serializers.Field], source: str | None = None, **options) -> Field:
    """A field that is one column as it is."""
    source = source or name
    return Field(name, (source,), itemgetter(source), doc, **options)


def partial_date(part: str) -> Field:
    date, precision = f"{part}_date", f"{part}_precision"
    return Field(
        part,
        (date, precision),
        lambda row: dates.format_partial(row[date], row[precision]),
        lambda: serializers.RegexField(
            r"^\d{4}(-\d{2}(-\d{2})?)?$",
            allow_null=True,
            help_text=f"The {part} as a partial date: YYYY, YYYY-MM or YYYY-MM-DD (2011-09); null if unknown.",
        ),
    )


def _texts(help_text: str) -> Callable[[], serializers.Field]:
    return lambda: serializers.ListField(child=serializers.CharField(), help_text=help_text)


def _help(name: str) -> str:
    return str(Exercise._meta.get_field(name).help_text)


def _precision(part: str) -> Callable[[], serializers.Field]:
    return lambda: serializers.ChoiceField(DatePrecision.choices, help_text=f"How precise the {part} is.")


ROW = (
    column("slug", lambda: serializers.SlugField(max_length=200, help_text="The exercise's identifier in URLs.")),
    column("name", lambda: serializers.CharField(max_length=200, help_text=_help("name"))),
    column("name_is_descriptive", lambda: serializers.BooleanField(help_text="No source names it: a description.")),
    partial_date("start"),
    column("start_precision", _precision("start")),
    partial_date("end"),
    column("end_precision", _precision("end")),
    column(
        "year",
        lambda: serializers.IntegerField(
            allow_null=True, min_value=YEAR_MIN, max_value=YEAR_MAX, help_text=_help("year")
        ),
    ),
    column(
        "organisation",
        lambda: serializers.CharField(allow_null=True, help_text="Acronym of the organising body."),
        source="organisation__acronym",
    ),
    column("series", lambda: serializers.CharField(max_length=200, help_text=_help("series"))),
    Field("participants", (), itemgetter("participants"), _texts("Alpha-3 codes of the participants, sorted.")),
    column(
        "reported_troops",
        lambda: serializers.IntegerField(allow_null=True, min_value=0, help_text="Its reported troop figure."),
    ),
    Field("locations", (), lambda row: [name for name, _, _ in row["places"]], _texts("Names of its places.")),
    Field(
        "sources",
        ("source_keys",),
        itemgetter("source_keys"),
        _texts(
            "Keys of the sources attesting it, sorted: those with a record of it (a data set's row) or citing "
            "it or one of its parts (participations, troop figures, episodes, forces)."
        ),
    ),
    column("source_count", lambda: serializers.IntegerField(min_value=0, help_text=_help("source_count"))),
    Field(
        "disputed",
        tuple(f"disputed_{name}" for name in Exercise.DISPUTABLE),
        lambda row: [name for name in Exercise.DISPUTABLE if row[f"disputed_{name}"]],
        lambda: serializers.ListField(
            child=serializers.ChoiceField(Exercise.DISPUTABLE),
            help_text="The fields its sources disagree on (of " + ", ".join(Exercise.DISPUTABLE) + "); empty if none.",
        ),
    ),
    column(
        "parent",
        lambda: serializers.SlugField(allow_null=True, help_text="Slug of the exercise it is a phase of."),
        source="parent__slug",
        in_list=False,
    ),
    Field("url", ("slug",), itemgetter("url"), lambda: serializers.URLField(help_text="Its detail.")),
)

#: The columns a compact row reads (``pk`` for the participants and places).
ROW_COLUMNS = tuple(dict.fromkeys(["pk", *(name for field in ROW for name in field.reads)]))
#: The JSON list's fields, and the CSV export's columns (documented in the README).
LIST_FIELDS = tuple(field for field in ROW if field.in_list)
EXPORT_COLUMNS = [field.name for field in ROW]


def row_serializer() -> type[serializers.Serializer]:
    """A serializer that documents the JSON list's row in the schema (rows are built by :func:`compact`)."""
    return type("ExerciseListSerializer", (serializers.Serializer,), {f.name: f.doc() for f in LIST_FIELDS})


#: Row fields the detail gives in full instead (places with coordinates, sources with what each
#: supports, every disputable field with its flag): :func:`row_of` does not read them.
IN_FULL_IN_DETAIL = ("locations", "sources", "disputed")
DETAIL_FIELDS = tuple(field for field in LIST_FIELDS if field.name not in IN_FULL_IN_DETAIL)


def row_of(exercise) -> dict:
    """The row the selectors would read for one exercise instance (with its participations' states and
    its places prefetched, places by name), but its ``sources``: the detail shows the list row's
    :data:`DETAIL_FIELDS` from it."""
    row = {}
    for path in ROW_COLUMNS:
        value = exercise
        for part in path.split("__"):
            value = None if value is None else getattr(value, part)
        row[path] = value
    row["participants"] = sorted(participation.state.code for participation in exercise.participations.all())
    row["places"] = [(place.name, place.latitude, place.longitude) for place in exercise.locations.all()]
    return row


class DetailLinks:
    """Absolute detail URLs, built from one reversed URL rather than one ``reverse()`` per row."""

    MARK = "__slug__"

    def __init__(self, request):
        self.template = request.build_absolute_uri(reverse("exercises-api:exercise-detail", args=[self.MARK]))

    def __call__(self, slug: str) -> str:
        return self.template.replace(self.MARK, slug)


def values(rows: Iterable[dict], request, fields: tuple[Field, ...] = LIST_FIELDS) -> Iterator[list]:
    """The values of ``fields`` for each row read by the selectors with :data:`ROW_COLUMNS`, in order."""
    link = DetailLinks(request)
    makers = [field.value for field in fields]
    for row in rows:
        row["url"] = link(row["slug"])
        yield [make(row) for make in makers]


def compact(rows: Iterable[dict], request, fields: tuple[Field, ...] = LIST_FIELDS) -> Iterator[dict]:
    """The compact rows (of ``fields``) of rows read by the selectors with :data:`ROW_COLUMNS`."""
    names = [field.name for field in fields]
    for row in values(rows, request, fields):
        yield dict(zip(names, row, strict=True))


# -- Exports of the exercise list, streamed a chunk at a time -----------------------------------------
def csv_chunks(chunks: Iterable[list[dict]], request) -> Iterator[str]:
    """The CSV, one piece per chunk of rows (a header first): few, large writes to the client. Lists are
    ``;``-joined; the csv module writes None as an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    yield buffer.getvalue()
    for chunk in chunks:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(
            [";".join(value) if isinstance(value, list) else value for value in row]
            for row in values(chunk, request, ROW)
        )
        yield buffer.getvalue()


def geojson_chunks(chunks: Iterable[list[dict]], request) -> Iterator[str]:
    """A FeatureCollection with a Point per located place of each exercise, its compact row (and the
    place's name) as properties. Read with coordinates."""
    yield '{"type":"FeatureCollection","features":['
    first = True
    for chunk in chunks:
        parts = []
        for row, properties in zip(chunk, compact(chunk, request, ROW), strict=True):
            for name, lat, lon in row["places"]:
                if lat is None or lon is None:
                    continue
                feature = {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
                    "properties": {**properties, "location": name},
                }
                parts.append(json.dumps(feature, ensure_ascii=False, default=str))
        if parts:
            yield ("" if first else ",") + ",".join(parts)
            first = False
    yield "]}"


# -- Renderers ----------------------------------------------------------------------------------------
def flatten(row: dict, prefix: str = "") -> dict:
    """One level of columns: nested objects become dotted names, lists become ``;``-joined text."""
    flat = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat |= flatten(value, f"{name}.")
        elif isinstance(value, list):
            flat[name] = ";".join(
                str(v.get("code") or v.get("name") or v.get("key") or v) if isinstance(v, dict) else str(v)
                for v in value
            )
        else:
            flat[name] = "" if value is None else value
    return flat


def records(data) -> list:
    """The items of a response: a page's ``results``, a list, or one record as a list of one."""
    rows = data.get("results", data) if isinstance(data, dict) else data
    return [rows] if isinstance(rows, dict) else list(rows or [])


class CSVRenderer(BaseRenderer):
    """Renders a list (or a page's ``results``, or one record) as CSV with one flat row per item."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        flat = [flatten(row) for row in records(data)]
        buffer = io.StringIO()
        columns = list(dict.fromkeys(column for row in flat for column in row))
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(flat)
        return buffer.getvalue()


class GeoJSONRenderer(BaseRenderer):
    """Renders items that carry ``latitude``/``longitude`` as a FeatureCollection of Points."""

    media_type = "application/geo+json"
    format = "geojson"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = records(data)
        if isinstance(data, dict) and "results" not in data and rows:
            # One record: a place is its own point; anything else is the points of its places.
            record = rows[0]
            places = record.get("locations") if "latitude" not in record else None
            if places is not None:
                rows = [{**place, "record": record.get("slug")} for place in places if isinstance(place, dict)]
        features = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]},
                "properties": {k: v for k, v in row.items() if k not in ("latitude", "longitude")},
            }
            for row in rows or []
            if row.get("latitude") is not None and row.get("longitude") is not None
        ]
        return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


class FastJSONRenderer(JSONRenderer):
    """JSON through orjson, several times faster than the standard library on list pages.

    The browsable API asks for indented JSON; that (rare) case goes through DRF's own renderer.
    """

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if self.get_indent(accepted_media_type or "", renderer_context or {}):
            return super().render(data, accepted_media_type, renderer_context)
        return orjson.dumps(data, default=_to_json)


def _to_json(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Promise):  # lazy translations in error messages
        return str(value)
    if isinstance(value, set | frozenset):
        return list(value)
    return str(value)
