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


def records(data) -> list:
    """The items of a response: a page's ``results``, a list, or one record as a list of one."""
    rows = data.get("results", data) if isinstance(data, dict) else data
    return [rows] if isinstance(rows, dict) else list(rows or [])


class CSVRenderer(BaseRenderer):
    """Renders a list (or a page's ``results``) as CSV with one flat row per item."""

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
