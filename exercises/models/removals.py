"""What left the data: rows deleted, exercises merged into another, for clients that keep a copy."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from exercises.models.base import DatabaseNow
from exercises.models.exercises import Exercise
from exercises.models.geography import Location, State
from exercises.models.organisations import Organisation
from exercises.models.parts import Participation, Scenario, TroopFigure
from exercises.models.sources import Source

__all__ = ["Removal", "RemovalQuerySet"]


class RemovalQuerySet(models.QuerySet):
    @staticmethod
    def horizon() -> dt.datetime:
        """How far back the feed is complete: ``DELETIONS_RETENTION_DAYS`` ago."""
        return timezone.now() - dt.timedelta(days=settings.DELETIONS_RETENTION_DAYS)

    def purge(self) -> int:
        """Delete the records older than the :meth:`horizon`; returns how many (one statement: nothing
        cascades from a record and no receiver listens)."""
        return self.filter(removed_at__lt=self.horizon()).delete()[0]


class Removal(models.Model):
    """A row of a list endpoint that was deleted, or an exercise merged into another (``merged_into``):
    the ``deletions/`` feed, kept ``DELETIONS_RETENTION_DAYS`` (``purge_deletions``)."""

    class Kind(models.TextChoices):
        # One per list endpoint whose rows a client copies (exercises/api/urls.py).
        EXERCISE = "exercise", "Exercise"
        PARTICIPATION = "participation", "Participation"
        TROOP_FIGURE = "troop_figure", "Troop figure"
        SCENARIO = "scenario", "Scenario"
        LOCATION = "location", "Location"
        STATE = "state", "State"
        ORGANISATION = "organisation", "Organisation"
        SOURCE = "source", "Source"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.PositiveIntegerField(help_text="The removed row's id, as its endpoint gave it.")
    slug = models.CharField(
        max_length=200,
        blank=True,
        help_text="Its slug or key where it has one (an exercise's slug, a state's code, a troop figure's key; "
        "a participation's state code): with ``exercise``, a part's natural key.",
    )
    exercise = models.CharField(max_length=200, blank=True, help_text="For a part: the slug of its exercise.")
    merged_into = models.CharField(
        max_length=200, blank=True, help_text="For an exercise merged into another: the kept exercise's slug."
    )
    removed_at = models.DateTimeField(db_default=DatabaseNow(), help_text="When (the database's clock).")

    objects = RemovalQuerySet.as_manager()

    class Meta:
        ordering = ["removed_at", "id"]
        indexes = [
            models.Index(fields=["removed_at", "id"], name="removal_removed_at_idx"),
            models.Index(fields=["kind", "slug"], name="removal_kind_slug_idx"),
        ]

    #: The models whose deletions are recorded: kind, the column that gives ``slug`` (on the row, or
    #: ``(model, its column, the row's column naming it)``), the row's column naming its exercise.
    KINDS = {
        Exercise: (Kind.EXERCISE, "slug", "parent_id"),
        Participation: (Kind.PARTICIPATION, (State, "code", "state_id"), "exercise_id"),
        TroopFigure: (Kind.TROOP_FIGURE, "key", "exercise_id"),
        Scenario: (Kind.SCENARIO, "key", "exercise_id"),
        Location: (Kind.LOCATION, "slug", None),
        State: (Kind.STATE, "code", None),
        Organisation: (Kind.ORGANISATION, "acronym", None),
        Source: (Kind.SOURCE, "key", None),
    }

    def __str__(self):
        what = f"{self.get_kind_display()} {self.slug or self.object_id}"
        return f"{what} merged into {self.merged_into}" if self.merged_into else f"{what} deleted"

    @classmethod
    def of(cls, row: models.Model) -> "Removal":
        """The record of ``row``'s deletion, unsaved; the slugs of the rows it names are read by its
        INSERT (one statement), not fetched first."""
        kind, slug, exercise = cls.KINDS[type(row)]
        if isinstance(slug, tuple):
            model, column, pointer = slug
            slug = _column(model, getattr(row, pointer), column)
        else:
            slug = getattr(row, slug)
        exercise_id = getattr(row, exercise) if exercise else None
        return cls(
            kind=kind,
            object_id=row.pk,
            slug=slug,
            exercise=_column(Exercise, exercise_id, "slug") if exercise_id else "",
        )


def _column(model, pk, column: str):
    """``column`` of the ``model`` row ``pk``, as a subquery of the statement that writes it ("" if none)."""
    return Coalesce(Subquery(model._base_manager.filter(pk=pk).values(column)[:1]), Value(""))
