"""Small builders for test data on top of the loaded fixtures (states, organisations, seed), and helpers
that snapshot or empty the app's tables."""

import datetime as dt
import itertools
import json

from django.apps import apps
from django.core import serializers

from exercises.choices import DatePrecision
from exercises.models import Exercise, Participation, State, TroopFigure

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
    for name in ["Exercise", "Membership", "Organisation", "Location", "StateName", "State", "Source"]:
        config.get_model(name).objects.all().delete()
