"""Small builders for test data on top of the loaded fixtures (states, organisations, seed), and helpers
that snapshot or empty the app's tables."""

import datetime as dt
import itertools
import json

from django.apps import apps
from django.core import serializers

from exercises.choices import DatePrecision, FigureBasis, LocationKind, Qualifier
from exercises.models import Exercise, Location, Participation, State, TroopFigure

_serial = itertools.count(1)


def exercise(participants=(), troops=None, **fields):
    """An exercise with participants (codes, or (code, role) pairs) and an optional reported figure."""
    number = next(_serial)
    fields.setdefault("name", f"Exercise {number}")
    fields.setdefault("slug", f"exercise-{number}")
    if "start" in fields:
        value, precision = fields.pop("start")
        fields |= {"start_date": value, "start_precision": precision}
    if "end" in fields:
        value, precision = fields.pop("end")
        fields |= {"end_date": value, "end_precision": precision}
    created = Exercise.objects.create(**fields)
    for item in participants:
        code, role = (item, "") if isinstance(item, str) else item
        Participation.objects.create(exercise=created, state=State.objects.lookup(code), role=role)
    if troops is not None:
        TroopFigure.objects.create(exercise=created, low=troops, high=troops, is_reported=True)
        created.refresh_from_db()
    return created


def claim(of, low=None, high=None, qualifier=Qualifier.EXACT, basis=FigureBasis.REPORTED, state=None):
    """A troop claim for the whole exercise ``of`` (``state``: a code, for one state's troops); an exact or
    "about" figure given by ``low`` alone is a range of one."""
    if qualifier in (Qualifier.EXACT, Qualifier.ABOUT) and high is None:
        high = low
    return TroopFigure.objects.create(
        exercise=of,
        low=low,
        high=high,
        qualifier=qualifier,
        basis=basis,
        state=State.objects.lookup(state) if state else None,
    )


def place(state=None, longitude=None, latitude=50):
    """A place in ``state`` (a code; None: no single state), at ``longitude`` if given."""
    number = next(_serial)
    return Location.objects.create(
        slug=f"place-{number}",
        name=f"Place {number}",
        kind=LocationKind.REGION,
        state=State.objects.lookup(state) if state else None,
        latitude=None if longitude is None else latitude,
        longitude=longitude,
    )


def day(text: str):
    return dt.date.fromisoformat(text), DatePrecision.DAY


def month(year: int, month_: int):
    return dt.date(year, month_, 1), DatePrecision.MONTH


def app_rows():
    """Every row of the app, as natural-key JSON: what 'the same rows' means."""
    data = serializers.serialize(
        "json",
        [obj for model in apps.get_app_config("exercises").get_models() for obj in model.objects.order_by("pk")],
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
    )
    return sorted(json.dumps(o, sort_keys=True) for o in json.loads(data))


def empty_the_app_tables():
    config = apps.get_app_config("exercises")
    for name in ["Citation", "Scenario", "Force", "TroopFigure", "Participation", "ExerciseName", "ExerciseRelation"]:
        config.get_model(name).objects.all().delete()
    Exercise.objects.filter(parent__isnull=False).delete()
    for name in ["Exercise", "Membership", "Organisation", "Location", "StateName", "State", "Source", "Removal"]:
        config.get_model(name).objects.all().delete()  # Removal last: the deletions record themselves
