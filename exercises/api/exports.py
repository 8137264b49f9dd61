"""Streamed exports of the exercise list: CSV rows and GeoJSON features, a chunk at a time.

Both read the filtered queryset in chunks of ``CHUNK`` rows with ``values()`` (no model instances),
fetch the participants and locations of each chunk in one query each, and yield as they go, so the
first byte leaves before the whole result is read and memory stays flat.
"""

import json
from collections import defaultdict

from django.urls import reverse

from exercises import dates
from exercises.api.renderers import csv_lines
from exercises.models import Location, Participation

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

FIELDS = [
    "pk",
    "slug",
    "name",
    "name_is_descriptive",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
    "year",
    "organisation__acronym",
    "series",
    "reported_troops",
    "parent__slug",
]


def _chunks(queryset):
    """Compact rows of the exercises, chunk by chunk, with participants and locations attached."""
    rows = queryset.order_by("pk").values(*FIELDS)
    last = 0
    while True:
        chunk = list(rows.filter(pk__gt=last)[:CHUNK])
        if not chunk:
            return
        last = chunk[-1]["pk"]
        ids = [row["pk"] for row in chunk]
        participants = defaultdict(list)
        for exercise_id, code in (
            Participation.objects.filter(exercise_id__in=ids)
            .order_by("state__code")
            .values_list("exercise_id", "state__code")
        ):
            participants[exercise_id].append(code)
        places = defaultdict(list)
        for exercise_id, name, lat, lon in (
            Location.objects.filter(exercises__in=ids)
            .order_by("name")
            .values_list("exercises", "name", "latitude", "longitude")
        ):
            places[exercise_id].append((name, lat, lon))
        for row in chunk:
            row["participants"] = participants[row["pk"]]
            row["places"] = places[row["pk"]]
        yield chunk


def compact(row, request):
    return {
        "slug": row["slug"],
        "name": row["name"],
        "name_is_descriptive": row["name_is_descriptive"],
        "start": dates.format_partial(row["start_date"], row["start_precision"]),
        "start_precision": row["start_precision"],
        "end": dates.format_partial(row["end_date"], row["end_precision"]),
        "end_precision": row["end_precision"],
        "year": row["year"],
        "organisation": row["organisation__acronym"],
        "series": row["series"],
        "participants": row["participants"],
        "reported_troops": row["reported_troops"],
        "locations": [name for name, _, _ in row["places"]],
        "parent": row["parent__slug"],
        "url": request.build_absolute_uri(reverse("exercises-api:exercise-detail", args=[row["slug"]])),
    }


def exercise_csv_rows(queryset, request):
    def flat():
        for chunk in _chunks(queryset):
            for row in chunk:
                item = compact(row, request)
                item["participants"] = ";".join(item["participants"])
                item["locations"] = ";".join(item["locations"])
                yield {k: ("" if v is None else v) for k, v in item.items()}

    yield from csv_lines(EXERCISE_COLUMNS, flat())


def exercise_geojson_chunks(queryset, request):
    yield '{"type":"FeatureCollection","features":['
    first = True
    for chunk in _chunks(queryset):
        parts = []
        for row in chunk:
            properties = compact(row, request)
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
