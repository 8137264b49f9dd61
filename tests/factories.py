"""Small builders for test data on top of the loaded fixtures (states, organisations, seed)."""

import datetime as dt
import itertools

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
