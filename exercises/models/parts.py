"""What an exercise is made of: its participants (states, organisations), troop figures, forces, episodes."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from exercises.choices import AdversaryBasis, FigureBasis, ForceKind, ForceSide, Qualifier, Role, ThreatType
from exercises.models.base import NaturalKeyManager, Stamped
from exercises.models.exercises import Exercise
from exercises.models.sources import new_key

__all__ = ["Force", "OrganisationParticipation", "Participation", "Scenario", "TroopFigure"]


class Participation(Stamped):
    """A state's part in an exercise, with its role when a source gives one."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="participations")
    state = models.ForeignKey("exercises.State", on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(max_length=12, choices=Role.choices, blank=True, help_text="Empty when no source says.")
    notes = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    objects = NaturalKeyManager("exercise__slug", "state__code")

    class Meta:
        ordering = ["exercise", "state__name"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "state"], name="participation_one_per_state"),
        ]
        indexes = [models.Index(fields=["state", "exercise"], name="participation_state_idx")]

    def __str__(self):
        role = f" ({self.get_role_display().lower()})" if self.role else ""
        return f"{self.state} in {self.exercise}{role}"

    def natural_key(self):
        return (self.exercise.slug, self.state.code)

    natural_key.dependencies = ["exercises.exercise", "exercises.state"]


class OrganisationParticipation(models.Model):
    """An organisation taking part as a body (NATO in an MME exercise), not through its members."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="organisation_participations")
    organisation = models.ForeignKey("exercises.Organisation", on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(max_length=12, choices=Role.choices, blank=True, help_text="Empty when no source says.")
    notes = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    objects = NaturalKeyManager("exercise__slug", "organisation__acronym")

    class Meta:
        ordering = ["exercise", "organisation"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "organisation"], name="organisation_participation_unique"),
        ]

    def __str__(self):
        return f"{self.organisation} in {self.exercise}"

    def natural_key(self):
        return (self.exercise.slug, self.organisation.acronym)

    natural_key.dependencies = ["exercises.exercise", "exercises.organisation"]


class TroopFigure(Stamped):
    """One source's claim of how many troops took part, in the whole exercise or for one state.

    Claims disagree; all are kept. The one flagged ``is_reported`` (at most one per exercise and
    scope) is the figure the exercise reports by default.
    """

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="troop_figures")
    key = models.SlugField(max_length=100, default=new_key)
    state = models.ForeignKey(
        "exercises.State",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="troop_figures",
        help_text="The state whose troops are counted; empty for the whole exercise.",
    )
    low = models.PositiveIntegerField(null=True, blank=True, help_text="The figure, or the low end of a range.")
    high = models.PositiveIntegerField(null=True, blank=True, help_text="The high end of a range.")
    qualifier = models.CharField(max_length=10, choices=Qualifier.choices, default=Qualifier.EXACT)
    basis = models.CharField(max_length=10, choices=FigureBasis.choices, default=FigureBasis.REPORTED)
    is_reported = models.BooleanField(
        "reported figure", default=False, help_text="The figure the exercise reports by default."
    )
    is_extracted = models.BooleanField(
        "extracted", default=False, help_text="Taken by a program from free text; check it against the text."
    )
    note = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    objects = NaturalKeyManager("exercise__slug", "key")  # no identity of its own: a key within its exercise

    class Meta:
        ordering = ["exercise", "state", "-is_reported", "low", "key"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "key"], name="troop_figure_key_unique"),
            models.CheckConstraint(
                condition=Q(low__isnull=True) | Q(high__isnull=True) | Q(low__lte=F("high")),
                name="troop_figure_low_not_above_high",
            ),
            models.CheckConstraint(
                condition=Q(qualifier=Qualifier.AT_LEAST, low__isnull=False, high__isnull=True)
                | Q(qualifier=Qualifier.UP_TO, low__isnull=True, high__isnull=False)
                | Q(qualifier__in=[Qualifier.EXACT, Qualifier.ABOUT], low__isnull=False, high__isnull=False),
                name="troop_figure_bounds_match_qualifier",
            ),
            models.UniqueConstraint(
                fields=["exercise"],
                condition=Q(is_reported=True, state__isnull=True),
                name="troop_figure_one_reported_total",
            ),
            models.UniqueConstraint(
                fields=["exercise", "state"],
                condition=Q(is_reported=True, state__isnull=False),
                name="troop_figure_one_reported_per_state",
            ),
        ]

    def __str__(self):
        scope = f" ({self.state})" if self.state_id else ""
        return f"{self.display_value}{scope}"

    def natural_key(self):
        return (self.exercise.slug, self.key)

    natural_key.dependencies = ["exercises.exercise", "exercises.state"]

    @property
    def display_value(self) -> str:
        if self.qualifier == Qualifier.AT_LEAST:
            return f"at least {self.low:,}"
        if self.qualifier == Qualifier.UP_TO:
            return f"up to {self.high:,}"
        value = f"{self.low:,}" if self.low == self.high else f"{self.low:,}–{self.high:,}"
        return f"about {value}" if self.qualifier == Qualifier.ABOUT else value

    def clean(self):
        super().clean()
        if self.qualifier in (Qualifier.EXACT, Qualifier.ABOUT) and self.low is not None and self.high is None:
            self.high = self.low  # a single figure is a range of one
        errors = {}
        if self.low is not None and self.high is not None and self.low > self.high:
            errors["high"] = "The high end of the range cannot be below the low end."
        elif self.qualifier == Qualifier.AT_LEAST and (self.low is None or self.high is not None):
            errors["low"] = '"At least" takes the figure in "low" and leaves "high" empty.'
        elif self.qualifier == Qualifier.UP_TO and (self.high is None or self.low is not None):
            errors["high"] = '"Up to" takes the figure in "high" and leaves "low" empty.'
        elif self.qualifier in (Qualifier.EXACT, Qualifier.ABOUT) and self.low is None:
            errors["low"] = "Give the figure (and the high end too, for a range)."
        if errors:
            raise ValidationError(errors)


class Force(models.Model):
    """A unit, formation or type of equipment that took part, on the exercising or opposing side."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="forces")
    key = models.SlugField(max_length=100, default=new_key)
    name = models.CharField(max_length=200, help_text='"Caspian Flotilla", "Su-25", "attack helicopters".')
    kind = models.CharField(max_length=15, choices=ForceKind.choices, default=ForceKind.OTHER)
    side = models.CharField(max_length=10, choices=ForceSide.choices, default=ForceSide.EXERCISING)
    state = models.ForeignKey(
        "exercises.State",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forces",
        help_text="Whose force it is, where the source says.",
    )
    quantity = models.CharField(max_length=100, blank=True, help_text='As the source puts it: "dozens", "entire".')
    note = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    objects = NaturalKeyManager("exercise__slug", "key")  # no identity of its own: a key within its exercise

    class Meta:
        ordering = ["exercise", "side", "name", "key"]
        constraints = [models.UniqueConstraint(fields=["exercise", "key"], name="force_key_unique")]

    def __str__(self):
        owner = f"{self.state} " if self.state_id else ""
        side = " (opposing)" if self.side == ForceSide.OPPOSING else ""
        return f"{owner}{self.name}{side}"

    def natural_key(self):
        return (self.exercise.slug, self.key)

    natural_key.dependencies = ["exercises.exercise", "exercises.state"]


class Scenario(Stamped):
    """An episode of an exercise: where, what was rehearsed, against whom, by whom, with what."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="scenarios")
    key = models.SlugField(max_length=100, default=new_key)
    sequence = models.PositiveSmallIntegerField(default=0, help_text="Order of the episode in the exercise.")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    threat_type = models.CharField(max_length=20, choices=ThreatType.choices, db_index=True)
    adversary = models.CharField(max_length=200, blank=True, help_text="The notional adversary, as described.")
    adversary_state = models.ForeignKey(
        "exercises.State",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cast_as_adversary",
        help_text="The state the adversary stands for, if a source names or implies one.",
    )
    adversary_basis = models.CharField(max_length=10, choices=AdversaryBasis.choices, default=AdversaryBasis.UNKNOWN)
    locations = models.ManyToManyField("exercises.Location", blank=True, related_name="scenarios")
    states = models.ManyToManyField(
        "exercises.State", blank=True, related_name="scenarios", help_text="States taking part in this episode."
    )
    forces = models.ManyToManyField(Force, blank=True, related_name="scenarios")

    history = HistoricalRecords()

    objects = NaturalKeyManager("exercise__slug", "key")  # no identity of its own: a key within its exercise

    class Meta:
        ordering = ["exercise", "sequence", "title", "key"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "key"], name="scenario_key_unique"),
            models.CheckConstraint(
                condition=Q(adversary_state__isnull=True) | ~Q(adversary_basis=AdversaryBasis.UNKNOWN),
                name="scenario_adversary_state_has_basis",
            ),
        ]

    def __str__(self):
        return f"{self.exercise}: {self.title}"

    def natural_key(self):
        return (self.exercise.slug, self.key)

    natural_key.dependencies = ["exercises.exercise", "exercises.force", "exercises.location", "exercises.state"]
