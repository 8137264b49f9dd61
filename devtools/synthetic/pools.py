"""The pools written before the exercises and shared by them: sources to cite and places to hold
exercises at, each marked synthetic."""

import datetime as dt
import random
from decimal import Decimal

from django.utils.text import slugify

from devtools.synthetic.tables import SOURCE_KINDS, Table
from devtools.synthetic.vocabulary import (
    CAPITALS,
    LOCATION_NOTE,
    LOCATION_PREFIX,
    PLACE_WORDS,
    PUBLISHERS,
    SEAS,
    SOURCE_NOTE,
    SOURCE_PREFIX,
    SPREAD,
    YEAR_FIRST,
)
from exercises import dates as partial_dates
from exercises.choices import DatePrecision, LocationKind, SourceKind
from exercises.models import Location, Source, State

SOURCE_COUNT = 1500


def make_sources(rng: random.Random) -> list[Source]:
    """Sources of every kind that citations share, each titled as not a real document."""
    kinds = Table(SOURCE_KINDS)
    sources = []
    for number in range(1, SOURCE_COUNT + 1):
        kind = kinds.draw(rng)
        year = rng.randint(YEAR_FIRST, 2025)
        precision = rng.choice([DatePrecision.DAY, DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR])
        published = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        sources.append(
            Source(
                key=f"{SOURCE_PREFIX}{number:04d}",
                title=f"Synthetic source {number}: {SourceKind(kind).label.lower()} (generated, not a real document)",
                publisher=rng.choice(PUBLISHERS) if kind != SourceKind.DATA_SET else "",
                kind=kind,
                published_on=partial_dates.truncate(published, precision),
                published_precision=precision,
                language=rng.choice(["en", "en", "en", "ru", "fr", "zh"]),
                notes=SOURCE_NOTE,
            )
        )
    return sources


def make_locations(rng: random.Random, states: dict[str, State]) -> list[Location]:
    """Five places per state with a capital on file, and the seas: a pool exercises share."""
    places = []
    for code, (lat, lon) in CAPITALS.items():
        if code not in states:
            continue
        state, spread = states[code], SPREAD.get(code, 2)
        kinds = [
            (LocationKind.RANGE, "{} training range"),
            (LocationKind.RANGE, "{} training range"),
            (LocationKind.REGION, "{} region"),
            (LocationKind.SITE, "{} air base"),
        ]
        for number, (kind, pattern) in enumerate(kinds, start=1):
            name = pattern.format(rng.choice(PLACE_WORDS)) + f", {state.display_name}"
            point = (clamp(lat + rng.uniform(-spread, spread), 90), clamp(lon + rng.uniform(-spread, spread), 180))
            places.append(place(f"{code.lower()}-{number}", name, kind, state, point))
        places.append(
            place(
                f"{code.lower()}-5",
                f"Capital area, {state.display_name}",
                LocationKind.CITY_VICINITY,
                state,
                (lat, lon),
            )
        )
    for name, point in SEAS.items():
        places.append(place(slugify(name), name, LocationKind.SEA, None, point))
    return places


def place(slug, name, kind, state, point):
    lat, lon = point
    return Location(
        slug=f"{LOCATION_PREFIX}{slug}",
        name=name,
        kind=kind,
        state=state,
        latitude=round_coordinate(lat),
        longitude=round_coordinate(lon),
        coordinates_note=LOCATION_NOTE,
    )


def clamp(value: float, limit: float) -> float:
    return max(-limit, min(limit, value))


def round_coordinate(value: float) -> Decimal:
    return Decimal(f"{value:.5f}")
