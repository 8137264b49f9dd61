"""Streamed exports of the exercise list: CSV rows and GeoJSON features, a chunk at a time.

Both read the filtered queryset in chunks of ``CHUNK`` rows with ``values()`` (no model instances),
fetch the participants and locations of each chunk in one query each, and yield as they go, so the
first byte leaves before the whole result is read and memory stays flat.
"""

import csv
import io
import json

from exercises import dates
from exercises.api.listing import AGGREGATES, FIELDS, DetailLinks, attach_parts, compact, split_parts

CHUNK = 2000

#: The CSV columns, stable and documented in the README: one row per exercise.
EXERCISE_COLUMNS = [
    "slug",
    "name",
    "name_is_descriptive",
    "start",
    "start_precision",
    "end",
    "end_precision",
    "year",
    "organisation",
    "series",
    "participants",
    "reported_troops",
    "locations",
    "parent",
    "url",
]


def _chunks(queryset, coordinates=False):
    """Rows of the exercises, chunk by chunk (keyset on id: no OFFSET), with their participants and
    places: aggregated in the chunk's own query, or, where the places' coordinates are needed,
    fetched for the chunk in two more queries."""
    rows = queryset.order_by("pk")
    rows = rows.values(*FIELDS) if coordinates else rows.values(*FIELDS, **AGGREGATES)
    last = 0
    while True:
        chunk = list(rows.filter(pk__gt=last)[:CHUNK])
        if not chunk:
            return
        last = chunk[-1]["pk"]
        yield attach_parts(chunk) if coordinates else split_parts(chunk)


def exercise_csv_rows(queryset, request):
    """The CSV, one piece per chunk of rows (a header first): few, large writes to the client."""
    link = DetailLinks(request)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXERCISE_COLUMNS)
    yield buffer.getvalue()
    for chunk in _chunks(queryset):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(
            [
                row["slug"],
                row["name"],
                row["name_is_descriptive"],
                dates.format_partial(row["start_date"], row["start_precision"]) or "",
                row["start_precision"],
                dates.format_partial(row["end_date"], row["end_precision"]) or "",
                row["end_precision"],
                _blank(row["year"]),
                _blank(row["organisation__acronym"]),
                row["series"],
                ";".join(row["participants"]),
                _blank(row["reported_troops"]),
                ";".join(name for name, _, _ in row["places"]),
                _blank(row["parent__slug"]),
                link(row["slug"]),
            ]
            for row in chunk
        )
        yield buffer.getvalue()


def _blank(value):
    return "" if value is None else value


def exercise_geojson_chunks(queryset, request):
    link = DetailLinks(request)
    yield '{"type":"FeatureCollection","features":['
    first = True
    for chunk in _chunks(queryset, coordinates=True):
        parts = []
        for row in chunk:
            properties = compact(row, link) | {"parent": row["parent__slug"]}
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
