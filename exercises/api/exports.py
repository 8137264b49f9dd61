"""Streamed exports of the exercise list: CSV rows and GeoJSON features, a chunk at a time.

Both read the filtered queryset in chunks of ``CHUNK`` rows with ``values()`` (no model instances),
fetch the participants and locations of each chunk in one query each, and yield as they go, so the
first byte leaves before the whole result is read and memory stays flat.
"""

import csv
import io
import json

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
        writer.writerows(_csv_row(compact(row, link), row) for row in chunk)
        yield buffer.getvalue()


def _csv_row(item: dict, row: dict) -> list:
    """One CSV row: the list's compact item (the same values the JSON list gives), lists ``;``-joined,
    and the parent; the csv module writes None as an empty cell."""
    item["parent"] = row["parent__slug"]
    return [";".join(value) if isinstance(value, list) else value for value in map(item.get, EXERCISE_COLUMNS)]


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
