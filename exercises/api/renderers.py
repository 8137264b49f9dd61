"""Renderers: JSON through orjson; CSV and GeoJSON for list endpoints (spreadsheets, maps)."""

import csv
import io
import json
from decimal import Decimal

import orjson
from django.utils.functional import Promise
from rest_framework.renderers import BaseRenderer, JSONRenderer

EXPORT_FORMATS = ("csv", "geojson")


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


def csv_lines(columns: list[str], rows):
    """Yield CSV text a line at a time (for streaming): the header, then one line per row."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")

    def take():
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return value

    writer.writeheader()
    yield take()
    for row in rows:
        writer.writerow(row)
        yield take()


class CSVRenderer(BaseRenderer):
    """Renders a list (or a page's ``results``) as CSV with one flat row per item."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = data.get("results", data) if isinstance(data, dict) else data
        if isinstance(rows, dict):
            rows = [rows]
        flat = [flatten(row) for row in rows or []]
        columns = list(dict.fromkeys(column for row in flat for column in row))
        return "".join(csv_lines(columns, flat))


class GeoJSONRenderer(BaseRenderer):
    """Renders items that carry ``latitude``/``longitude`` as a FeatureCollection of Points."""

    media_type = "application/geo+json"
    format = "geojson"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = data.get("results", data) if isinstance(data, dict) else data
        if isinstance(rows, dict):
            # One record: a place is its own point; anything else is the points of its places.
            places = rows.get("locations") if "latitude" not in rows else None
            rows = (
                [rows]
                if places is None
                else [{**place, "record": rows.get("slug")} for place in places if isinstance(place, dict)]
            )
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
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, list | tuple | set | frozenset):
        return list(value)
    return str(value)
