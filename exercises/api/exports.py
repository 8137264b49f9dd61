"""Streamed exports of the exercise list: CSV rows and GeoJSON features, a chunk at a time.

Both read the filtered queryset in chunks of ``CHUNK`` rows with ``values()`` (no model instances),
fetch the participants and locations of each chunk in one query each, and yield as they go, so the
first byte leaves before the whole result is read and memory stays flat.
"""

import json

from exercises.api.listing import FIELDS, DetailLinks, attach_parts, compact
from exercises.api.renderers import csv_lines

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


def _chunks(queryset):
    """Compact rows of the exercises, chunk by chunk (keyset on id: no OFFSET), parts attached."""
    rows = queryset.order_by("pk").values(*FIELDS)
    last = 0
    while True:
        chunk = list(rows.filter(pk__gt=last)[:CHUNK])
        if not chunk:
            return
        last = chunk[-1]["pk"]
        yield attach_parts(chunk)


def exercise_csv_rows(queryset, request):
    link = DetailLinks(request)

    def flat():
        for chunk in _chunks(queryset):
            for row in chunk:
                item = compact(row, link) | {"parent": row["parent__slug"]}
                item["participants"] = ";".join(item["participants"])
                item["locations"] = ";".join(item["locations"])
                yield {k: ("" if v is None else v) for k, v in item.items()}

    yield from csv_lines(EXERCISE_COLUMNS, flat())


def exercise_geojson_chunks(queryset, request):
    link = DetailLinks(request)
    yield '{"type":"FeatureCollection","features":['
    first = True
    for chunk in _chunks(queryset):
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
