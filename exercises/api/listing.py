"""The exercise list's fast path, shared by the JSON list and the exports.

Rows come from ``values()`` (no model instances, no serializer fields per row); the participants and
places of a page or chunk are fetched in one query each and attached by id. The compact row is built
here once, so the JSON list, the CSV and the GeoJSON cannot drift apart.
"""

from collections import defaultdict

from django.db.models import Aggregate, CharField, OuterRef, Subquery
from django.urls import reverse

from exercises import dates
from exercises.models import Exercise, Participation


class Concat(Aggregate):
    """Values joined by ``|`` into one text (GROUP_CONCAT on SQLite, string_agg on PostgreSQL)."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s, '|')"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="STRING_AGG", **extra)


def _joined(rows, column):
    return Subquery(
        rows.filter(exercise=OuterRef("pk")).order_by().values("exercise").annotate(v=Concat(column)).values("v")
    )


#: The page query's own columns for participants and place names: no extra query per page.
AGGREGATES = {
    "participant_codes": _joined(Participation.objects.all(), "state__code"),
    "place_names": _joined(Exercise.locations.through.objects.all(), "location__name"),
}


def split_parts(rows: list[dict]) -> list[dict]:
    """Turn the aggregated columns of page rows into sorted lists (the order the exports use)."""
    for row in rows:
        row["participants"] = sorted(row.pop("participant_codes").split("|")) if row["participant_codes"] else []
        names = row.pop("place_names")
        row["places"] = [(name, None, None) for name in sorted(names.split("|"))] if names else []
    return rows


#: Columns read for a compact row.
FIELDS = (
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
)


def attach_parts(rows: list[dict]) -> list[dict]:
    """Give each row its participants' alpha-3 codes and its places (name, latitude, longitude)."""
    ids = [row["pk"] for row in rows]
    participants, places = defaultdict(list), defaultdict(list)
    if ids:
        for exercise_id, code in (
            Participation.objects.filter(exercise_id__in=ids)
            .order_by("state__code")
            .values_list("exercise_id", "state__code")
        ):
            participants[exercise_id].append(code)
        for exercise_id, name, latitude, longitude in (
            Exercise.locations.through.objects.filter(exercise_id__in=ids)
            .order_by("location__name")
            .values_list("exercise_id", "location__name", "location__latitude", "location__longitude")
        ):
            places[exercise_id].append((name, latitude, longitude))
    for row in rows:
        row["participants"] = participants[row["pk"]]
        row["places"] = places[row["pk"]]
    return rows


class DetailLinks:
    """Absolute detail URLs, built from one reversed URL rather than one ``reverse()`` per row."""

    MARK = "__slug__"

    def __init__(self, request):
        self.template = request.build_absolute_uri(reverse("exercises-api:exercise-detail", args=[self.MARK]))

    def __call__(self, slug: str) -> str:
        return self.template.replace(self.MARK, slug)


def compact(row: dict, link: DetailLinks) -> dict:
    """The compact form of an exercise (the list's row, the exports' properties)."""
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
        "url": link(row["slug"]),
    }
