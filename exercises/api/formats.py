"""Output formats: the exercise list's compact row, declared once, and every renderer.

``ROW`` declares the row: each field's name, the database columns it reads and how its value is made,
and its documentation. The JSON list (and the browsable page, which shows that JSON), the CSV export and
the GeoJSON export's properties are all built from it by :func:`compact`, so they cannot drift apart;
the OpenAPI schema documents it through :func:`row_serializer`. The generic CSV and GeoJSON writers
below serve the other endpoints (their whole lists, streamed) and single records.

**Safe cells** (OWASP, "CSV injection"). Every CSV the project writes (each endpoint's export and
detail, the exercise export, the admin's CSV export) and the admin's XLSX export pass each cell through
:func:`safe_cell`: a text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, which a
spreadsheet would run as a formula, gets a single quote ``'`` in front (``'=HYPERLINK(...)``), so the
spreadsheet shows it as text. Numbers (int, float, Decimal, negative ones too) are never touched, nor
is a text that is only a number (``-12.5``, ``+1``, ``1e5``: DRF writes decimals as text): a
spreadsheet reads it as that number, which runs nothing, and the data tools read the number intact.
XLSX gets the same quote, so both files read alike and no cell is ever a formula.

**CSV shape.** Each endpoint has fixed columns, derived from the serializer that shows its records
(:func:`csv_columns`), never from the rows: the same header for every result, an empty one included.
A field holding one nested object (``adversary_state``, ``parent``) is flattened into a column per
field of it, always present, named with a dot (``adversary_state.code``; empty when the object is
null); a list, or anything nested deeper (a method field's object), is one column of JSON text. The
exercise list's export keeps its documented columns (``ROW``), lists there ``;``-joined; ``codes=cow,gw``
(CSV only) adds the participants' state codes after ``participants`` (:func:`code_fields`).
``bom=true`` (with ``format=csv`` only; ``true`` or ``false``) starts the file with a UTF-8 byte
order mark, so that Excel opens it with its accents intact. Exports are attachments named for the
endpoint (``participations.csv``) or the record (``exercise-tsentr-2011.csv``).
"""

import csv
import io
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter

import orjson
from django.db.models import F
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.text import slugify
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer

from exercises import dates
from exercises.choices import CodeSystem, DatePrecision
from exercises.models.exercises import YEAR_MAX, YEAR_MIN, Exercise
from exercises.models.geography import StateCode

EXPORT_FORMATS = ("csv", "geojson", "ndjson")
#: The NDJSON exports' media type (one compact JSON object per line).
NDJSON = "application/x-ndjson"


# -- Safe cells, and the file's shape ---------------------------------------------------------------------
#: What a spreadsheet runs as a formula when a cell's text starts with it (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def safe_cell(value):
    """The value as a spreadsheet may read it: a text it would run as a formula, quoted (``'=...``)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


#: ``bom=true``: the CSV starts with a byte order mark (Excel then reads it as UTF-8).
BOM_PARAM = "bom"
BOM = "\ufeff"


def wants_bom(request) -> bool:
    """Whether the (validated, see ``StrictQueryMixin``) request asks for a byte order mark."""
    return request is not None and request.query_params.get(BOM_PARAM) == "true"


def filename(view, export: str) -> str:
    """An export's file name: the endpoint's (``troop-figures.csv``) for a list, else the record's
    (``exercise-tsentr-2011.csv``)."""
    lookup = view.kwargs.get(view.lookup_url_kwarg or view.lookup_field)
    if lookup is not None:
        return f"{view.basename}-{slugify(str(lookup)) or 'record'}.{export}"
    from exercises.api.urls import router  # the router names the endpoints (and imports the views)

    prefix = next((prefix for prefix, viewset, _ in router.registry if isinstance(view, viewset)), view.basename)
    return f"{prefix}.{export}"


def attachment(view, export: str) -> str:
    """The ``Content-Disposition`` of an export."""
    return f'attachment; filename="{filename(view, export)}"'


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
    Field(
        "updated_at",
        ("updated_at",),
        lambda row: serializers.DateTimeField().to_representation(row["updated_at"]),
        lambda: serializers.DateTimeField(
            help_text="When it, one of its parts or one of its phases' parts last changed (the database's clock, "
            "UTC): what updated_since= compares."
        ),
    ),
    column(
        "parent",
        lambda: serializers.SlugField(allow_null=True, help_text="Slug of the exercise it is a phase of."),
        source="parent__slug",
        in_list=False,
    ),
    Field(
        "matched_phases",
        (),
        itemgetter("matched_phases"),
        _texts(
            "Slugs of its phases through which it met a condition of the request on its parts (the phase has "
            "such a part, the exercise itself none); the exercise is listed once, as a whole, its participants "
            "and places including its phases'. Empty without such conditions, and when phases are rows of "
            "their own (phases=rows)."
        ),
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
#: Row fields that tell how a row answers a list request: not in the detail.
LIST_ONLY = ("matched_phases",)
DETAIL_FIELDS = tuple(field for field in LIST_FIELDS if field.name not in (*IN_FULL_IN_DETAIL, *LIST_ONLY))


def row_of(exercise) -> dict:
    """The row the selectors would read for one exercise instance (with its and its phases' participations'
    states and places prefetched, places by name), but its ``sources``: the detail shows the list row's
    :data:`DETAIL_FIELDS` from it."""
    row = {}
    for path in ROW_COLUMNS:
        value = exercise
        for part in path.split("__"):
            value = None if value is None else getattr(value, part)
        row[path] = value
    # A whole exercise's participants and places are its own and its phases', as the list gives them.
    family = [exercise, *exercise.phases.all()]
    row["participants"] = sorted({p.state.code for member in family for p in member.participations.all()})
    places = {(place.name, place.latitude, place.longitude) for member in family for place in member.locations.all()}
    row["places"] = sorted(places, key=lambda place: place[0])
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
def csv_chunks(chunks: Iterable[list[dict]], request, systems: Iterable[str] = ()) -> Iterator[str]:
    """The CSV, one piece per chunk of rows (a header first): few, large writes to the client. Lists are
    ``;``-joined; the csv module writes None as an empty cell; every cell is a :func:`safe_cell`.
    ``systems`` (``codes=cow,gw``): the participants' codes in those state lists, in columns after
    ``participants`` (:func:`code_fields`)."""
    fields = ROW
    if systems:
        chunks = with_state_codes(chunks, systems)
        at = next(index for index, field in enumerate(ROW) if field.name == "participants") + 1
        fields = (*ROW[:at], *code_fields(systems), *ROW[at:])
    rows = (
        (
            [safe_cell(";".join(value) if isinstance(value, list) else value) for value in row]
            for row in values(chunk, request, fields)
        )
        for chunk in chunks
    )
    return _csv_pieces([field.name for field in fields], rows, wants_bom(request))


#: ``codes=cow,gw``: the exercise CSV adds its participants' codes in these state lists (CSV only).
CODES_PARAM = "codes"


def code_fields(systems: Iterable[str]) -> list[Field]:
    """The CSV columns of the participants' codes: ``cown`` and ``cowc`` (number, letters) for ``cow``,
    ``gwn`` and ``gwc`` for ``gw``, as political scientists name them. One entry per participant, in the
    order of ``participants``: its code at the exercise's dates (a period overlapping its span), empty if
    it had none then (outside the list, or no dates), several joined with ``/`` where the span meets more
    than one (Germany in 1990: CoW 260/255)."""
    fields = []
    for system in systems:
        for suffix, index, what in (("n", 0, "numbers"), ("c", 1, "letters")):
            fields.append(
                Field(
                    f"{system}{suffix}",
                    (),
                    lambda row, system=system, index=index: [
                        "/".join(str(code[index]) for code in codes) for codes in row["state_codes"][system]
                    ],
                    _texts(f"The participants' {CodeSystem(system).label} code {what}."),
                    in_list=False,
                )
            )
    return fields


def with_state_codes(chunks: Iterable[list[dict]], systems: Iterable[str]) -> Iterator[list[dict]]:
    """The chunks, each row with ``state_codes``: for each system, each participant's codes (number,
    letters) at the exercise's dates, in the order of ``participants``. The codes are read once (a few
    hundred rows), the exercises' spans once per chunk."""
    systems = list(systems)
    codes: dict[str, list[StateCode]] | None = None
    for chunk in chunks:
        if codes is None:
            codes = {}
            by_date = (
                StateCode.objects.filter(system__in=systems)
                .select_related("state")
                .order_by(F("valid_from").asc(nulls_first=True))
            )
            for code in by_date:
                codes.setdefault(code.state.code, []).append(code)
        spans = {
            pk: (start, end)
            for pk, start, end in Exercise.objects.filter(pk__in=[row["pk"] for row in chunk]).values_list(
                "pk", "span_start", "span_end"
            )
        }
        for row in chunk:
            start, end = spans.get(row["pk"], (None, None))
            row["state_codes"] = {
                system: [
                    [
                        (code.number, code.letters)
                        for code in codes.get(state, ())
                        if code.system == system and code.overlaps(start, end)
                    ]
                    for state in row["participants"]
                ]
                for system in systems
            }
        yield chunk


def _csv_pieces(header: list[str], chunks: Iterable[Iterable[list]], bom: bool) -> Iterator[str]:
    """CSV text, one piece per chunk of rows (the header, and the byte order mark if asked, first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if bom:
        buffer.write(BOM)
    writer.writerow(header)
    yield buffer.getvalue()
    for chunk in chunks:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(chunk)
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


# -- Records of the other endpoints: fixed columns, whole lists streamed ---------------------------------
def shown_by(serializer: serializers.BaseSerializer) -> serializers.BaseSerializer:
    """The serializer whose fields a record shows: a write serializer that answers with another's
    representation (``serializers.writes.RespondsWith``) shows that one's."""
    from exercises.api.serializers.writes import RespondsWith  # the serializers import this module

    for extension in RespondsWith.__subclasses__():
        if isinstance(serializer, extension.target_class):
            return extension.response_serializer(context=serializer.context)
    return serializer


def csv_columns(serializer: serializers.BaseSerializer) -> list[str]:
    """The CSV columns of the records a serializer shows: one per field, a nested object's fields as
    dotted columns (``state.code``). From the declaration, so they are the same whatever the data."""
    columns = []
    for name, field in shown_by(serializer).fields.items():
        if field.write_only:
            continue
        if isinstance(field, serializers.Serializer):  # one nested object (``many=True`` is a list)
            columns += [f"{name}.{sub}" for sub, subfield in field.fields.items() if not subfield.write_only]
        else:
            columns.append(name)
    return columns


def cell(value):
    """A CSV cell: empty for null, JSON text for a list or an object, else the value, made safe."""
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return safe_cell(value)


def csv_row(record: dict, columns: list[str]) -> list:
    """A record's cells, in ``columns`` (a dotted column reads a field of a nested object)."""
    cells = []
    for column in columns:
        name, _, sub = column.partition(".")
        value = record.get(name)
        if sub:
            value = value.get(sub) if isinstance(value, dict) else None
        cells.append(cell(value))
    return cells


def record_csv_chunks(columns: list[str], batches: Iterable[list[dict]], bom: bool = False) -> Iterator[str]:
    """The CSV of records (serialized, a batch at a time): the header first, one piece per batch."""
    return _csv_pieces(columns, ([csv_row(record, columns) for record in batch] for batch in batches), bom)


def point(record: dict) -> dict | None:
    """The GeoJSON Point feature of a record with ``latitude`` and ``longitude``; None if it has none."""
    lat, lon = record.get("latitude"), record.get("longitude")
    if lat is None or lon is None:
        return None
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
        "properties": {k: v for k, v in record.items() if k not in ("latitude", "longitude")},
    }


def ndjson_lines(rows: Iterable[dict]) -> bytes:
    """Rows as NDJSON: each one compact JSON object (as the JSON list writes it) ending in a newline."""
    return b"".join(orjson.dumps(row, default=_to_json) + b"\n" for row in rows)


def ndjson_chunks(chunks: Iterable[list[dict]], request) -> Iterator[bytes]:
    """The exercise list as NDJSON, one piece per chunk: the JSON list's compact rows (:func:`compact`)."""
    for chunk in chunks:
        yield ndjson_lines(compact(chunk, request))


def record_ndjson_chunks(batches: Iterable[list[dict]]) -> Iterator[bytes]:
    """Records (serialized, a batch at a time) as NDJSON, one piece per batch."""
    for batch in batches:
        yield ndjson_lines(batch)


def record_geojson_chunks(batches: Iterable[list[dict]]) -> Iterator[str]:
    """A FeatureCollection of the located records (serialized, a batch at a time), streamed."""
    yield '{"type":"FeatureCollection","features":['
    first = True
    for batch in batches:
        features = [json.dumps(f, ensure_ascii=False, default=str) for f in map(point, batch) if f is not None]
        if features:
            yield ("" if first else ",") + ",".join(features)
            first = False
    yield "]}"


def batches(queryset, size: int = 500) -> Iterator[list]:
    """The queryset's objects, ``size`` at a time, read with one query (and its prefetches per batch)."""
    objects = queryset.iterator(chunk_size=size)
    while batch := list(itertools.islice(objects, size)):
        yield batch


# -- Renderers ----------------------------------------------------------------------------------------
def records(data) -> list:
    """The items of a response: a page's ``results``, a list, or one record as a list of one."""
    rows = data.get("results", data) if isinstance(data, dict) else data
    return [rows] if isinstance(rows, dict) else list(rows or [])


def _name_the_file(renderer_context, export: str) -> None:
    """A record's export is an attachment named for it (lists are exported by ``ExportMixin``)."""
    view, response = renderer_context.get("view"), renderer_context.get("response")
    if view is not None and response is not None and response.status_code < 400 and hasattr(view, "basename"):
        response["Content-Disposition"] = attachment(view, export)


class CSVRenderer(BaseRenderer):
    """Renders a record (or a list, or a page's ``results``) as CSV, in the columns of the view's
    serializer (:func:`csv_columns`)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        renderer_context = renderer_context or {}
        rows = records(data)
        view = renderer_context.get("view")
        if view is not None and hasattr(view, "get_serializer"):
            columns = csv_columns(view.get_serializer())
        else:  # no view to ask: the records' own fields
            columns = list(dict.fromkeys(name for row in rows for name in row))
        _name_the_file(renderer_context, self.format)
        return "".join(record_csv_chunks(columns, [rows], wants_bom(renderer_context.get("request"))))


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
            _name_the_file(renderer_context or {}, self.format)
        features = [feature for feature in map(point, rows or []) if feature is not None]
        return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, default=str)


class NDJSONRenderer(BaseRenderer):
    """Renders a record (or a list, or a page's ``results``) as NDJSON: one compact JSON object a line.
    Lists are streamed whole by the views (``ExportMixin``, ``ExerciseViewSet.export``)."""

    media_type = NDJSON
    format = "ndjson"
    charset = None  # JSON is UTF-8 (RFC 8259)

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return ndjson_lines(records(data))


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
