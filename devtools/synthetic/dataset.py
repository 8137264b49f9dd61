"""The synthetic data set as a whole: generate it, tell whether it is there, clear it, digest it."""

import hashlib
from collections import Counter
from dataclasses import dataclass, field

from django.db import models, transaction

from devtools.synthetic.planner import Planner
from devtools.synthetic.vocabulary import LOCATION_PREFIX, SLUG_PREFIX, SOURCE_PREFIX
from devtools.synthetic.writer import write
from exercises.models import (
    Citation,
    Exercise,
    ExerciseName,
    ExerciseRelation,
    ExternalIdentifier,
    Force,
    Location,
    Organisation,
    OrganisationParticipation,
    Participation,
    Scenario,
    Source,
    State,
    TroopFigure,
)


class SyntheticDataError(Exception):
    """The database cannot take synthetic data as it is (fixtures missing, synthetic rows present)."""


def synthetic_exercises():
    """Every synthetic exercise (and only those)."""
    return Exercise.objects.filter(slug__startswith=SLUG_PREFIX)


def synthetic_sources():
    return Source.objects.filter(key__startswith=SOURCE_PREFIX)


def synthetic_locations():
    return Location.objects.filter(slug__startswith=LOCATION_PREFIX)


@dataclass
class Outcome:
    """What a run did: synthetic exercises removed first (``clear_first``), rows written per model."""

    removed: int = 0
    written: Counter = field(default_factory=Counter)


def generate(count: int, seed: int = 1, *, clear_first: bool = False, batch_size: int = 2000, progress: bool = False):
    """Write ``count`` synthetic exercises with everything attached, in one transaction.

    Raises :class:`SyntheticDataError` if the fixtures are missing, or if synthetic rows exist and
    ``clear_first`` is false. ``count`` 0 with ``clear_first`` only clears.
    """
    states = State.objects.in_bulk(field_name="code")
    organisations = Organisation.objects.in_bulk(field_name="acronym")
    if not states or not organisations:
        raise SyntheticDataError("Load the states and organisations first: manage.py loaddata states organisations.")
    outcome = Outcome()
    with transaction.atomic():
        if clear_first:
            outcome.removed = clear()
        elif exists():
            raise SyntheticDataError("Synthetic data exist already; clear them first (--clear).")
        if count:
            outcome.written = write(Planner(seed, states, organisations), count, batch_size, progress)
    return outcome


def exists() -> bool:
    """Whether any synthetic row is in the database."""
    return synthetic_exercises().exists() or synthetic_sources().exists() or synthetic_locations().exists()


def clear() -> int:
    """Delete every synthetic row; return how many synthetic exercises there were.

    Each table is emptied of synthetic rows with one DELETE, children first: the ORM's cascade would
    load every figure to send its delete signal, which refreshes an exercise about to go anyway.
    """
    exercises = synthetic_exercises()
    sources = synthetic_sources()
    locations = synthetic_locations()
    scenarios = Scenario.objects.filter(exercise__in=exercises)
    count = exercises.count()
    steps = [
        Citation.objects.filter(models.Q(source__in=sources) | models.Q(via__in=sources)),
        Scenario.states.through.objects.filter(scenario__in=scenarios),
        Scenario.locations.through.objects.filter(models.Q(scenario__in=scenarios) | models.Q(location__in=locations)),
        Scenario.forces.through.objects.filter(scenario__in=scenarios),
        Exercise.locations.through.objects.filter(models.Q(exercise__in=exercises) | models.Q(location__in=locations)),
        Force.objects.filter(exercise__in=exercises),
        scenarios,
        TroopFigure.objects.filter(exercise__in=exercises),
        Participation.objects.filter(exercise__in=exercises),
        ExerciseName.objects.filter(exercise__in=exercises),
        ExerciseRelation.objects.filter(models.Q(from_exercise__in=exercises) | models.Q(to_exercise__in=exercises)),
        OrganisationParticipation.objects.filter(exercise__in=exercises),
        ExternalIdentifier.objects.filter(exercise__in=exercises),
        exercises,
        locations,
        sources,
    ]
    with transaction.atomic():
        for queryset in steps:
            queryset._raw_delete(queryset.db)
    return count


def columns(model) -> list[str]:
    """Every stored column of ``model`` except ids and timestamps, relations by their natural key."""
    names = []
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key or model_field.name in ("created_at", "updated_at"):
            continue
        if model_field.is_relation:
            # Related rows by their natural key's lookups (NaturalKeyManager), never by id.
            lookups = model_field.related_model._default_manager.lookups
            names += [f"{model_field.name}__{key}" for key in lookups]
        else:
            names.append(model_field.name)
    return names


def digest() -> str:
    """SHA-256 of every synthetic row, by content and natural keys: equal for equal data sets."""
    exercises = synthetic_exercises()
    scenarios = Scenario.objects.filter(exercise__in=exercises)
    querysets = [
        synthetic_sources(),
        synthetic_locations(),
        exercises,
        Participation.objects.filter(exercise__in=exercises),
        TroopFigure.objects.filter(exercise__in=exercises),
        ExerciseName.objects.filter(exercise__in=exercises),
        ExerciseRelation.objects.filter(from_exercise__in=exercises),
        scenarios,
        Force.objects.filter(exercise__in=exercises),
        Exercise.locations.through.objects.filter(exercise__in=exercises),
        Scenario.states.through.objects.filter(scenario__in=scenarios),
        Scenario.locations.through.objects.filter(scenario__in=scenarios),
        Scenario.forces.through.objects.filter(scenario__in=scenarios),
        Citation.objects.filter(source__key__startswith=SOURCE_PREFIX),
    ]
    hashed = hashlib.sha256()
    for queryset in querysets:
        rows = sorted(repr(row) for row in queryset.values_list(*columns(queryset.model)))
        hashed.update(f"{queryset.model._meta.label}:{len(rows)}\n".encode())
        for row in rows:
            hashed.update(row.encode() + b"\n")
    return hashed.hexdigest()
