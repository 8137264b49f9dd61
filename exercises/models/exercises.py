"""Exercises, their phases, other names, links between them and identifiers in other data sets."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from exercises import dates
from exercises.choices import DatePrecision, RelationKind
from exercises.models.base import NaturalKeyManager, Stamped

__all__ = ["Exercise", "ExerciseMerge", "ExerciseName", "ExerciseRelation", "ExternalIdentifier", "PossibleDuplicate"]

YEAR_MIN, YEAR_MAX = 1900, 2100


class ExerciseQuerySet(models.QuerySet):
    def search(self, text: str, related):
        """Exercises in which every word of ``text`` appears (any case) in the name, the series, the
        stated purpose, the description, an alternative name, a scenario's title, description or
        adversary, or the name of a place it was held at: what the API's ``search`` parameter and the
        admin's search box mean (both through ``ExerciseFilterSet``).

        ``related(rows)`` is the condition "the exercise has some of these rows" in the form the caller
        chose (``ExerciseFilterSet.related``: a correlated EXISTS for a page, IN for a count), so no
        exercise is listed twice and no DISTINCT is needed.
        """
        from exercises.models.parts import Scenario  # parts.py builds on this module

        queryset = self
        for word in text.split():
            queryset = queryset.filter(
                Q(name__icontains=word)
                | Q(series__icontains=word)
                | Q(purpose__icontains=word)
                | Q(description__icontains=word)
                | related(ExerciseName.objects.filter(name__icontains=word))
                | related(
                    Scenario.objects.filter(
                        Q(title__icontains=word) | Q(description__icontains=word) | Q(adversary__icontains=word)
                    )
                )
                | related(Exercise.locations.through.objects.filter(location__name__icontains=word))
            )
        return queryset


class Exercise(Stamped):
    """A military exercise, or one phase of a larger one (``parent``)."""

    #: The yes/no/unknown flags coded for an exercise (as in MME): where it was held and what for.
    DOMAIN_FLAGS = ("cpx", "air", "land", "sea", "amphibious", "cyber")
    FOCUS_FLAGS = ("warfighting", "peacekeeping", "humanitarian")

    name = models.CharField(max_length=200, help_text="The name sources use; a description if unnamed.")
    name_is_descriptive = models.BooleanField(
        "unnamed (descriptive name)",
        default=False,
        help_text="The sources give no name; the name is our description until one is found.",
    )
    slug = models.SlugField(max_length=200, unique=True)
    organisation = models.ForeignKey(
        "exercises.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exercises",
        help_text="The organisation under whose flag the exercise was held, if any.",
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="phases",
        help_text="The exercise this one is a phase of.",
    )
    start_date = models.DateField(null=True, blank=True, help_text="First day of the known period.")
    start_precision = models.CharField(max_length=7, choices=DatePrecision.choices, default=DatePrecision.UNKNOWN)
    end_date = models.DateField(null=True, blank=True, help_text="First day of the known period.")
    end_precision = models.CharField(max_length=7, choices=DatePrecision.choices, default=DatePrecision.UNKNOWN)
    year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        db_index=True,
        help_text="The year the exercise starts (or ends, if the start is unknown). Set it by hand only "
        "when no date is known; a phase without dates takes its parent's year.",
    )
    series = models.CharField(
        max_length=200, blank=True, db_index=True, help_text='The recurring series it belongs to ("Cobra Gold").'
    )
    # Domains and focus, as coded by a data set (MME) or an analyst. Empty means "not coded".
    cpx = models.BooleanField("command post exercise", null=True, blank=True)
    air = models.BooleanField(null=True, blank=True)
    land = models.BooleanField(null=True, blank=True)
    sea = models.BooleanField(null=True, blank=True)
    amphibious = models.BooleanField(null=True, blank=True)
    cyber = models.BooleanField(null=True, blank=True)
    warfighting = models.BooleanField(null=True, blank=True)
    peacekeeping = models.BooleanField(null=True, blank=True)
    humanitarian = models.BooleanField(null=True, blank=True)
    purpose = models.TextField("stated purpose", blank=True)
    description = models.TextField(blank=True)
    notes = models.TextField(blank=True, help_text="Analysts' notes: doubts, conflicts between sources.")
    troops_text = models.TextField(
        blank=True, help_text="Troop numbers as a source words them, where no figure could be taken."
    )
    participants_note = models.TextField(blank=True, help_text="What a source adds about the participants.")
    needs_review = models.BooleanField(
        default=False, db_index=True, help_text="A problem in the source (dates, names) waits for an analyst."
    )
    review_notes = models.TextField(blank=True, help_text="What is wrong, as found by an import or an analyst.")
    locations = models.ManyToManyField("exercises.Location", blank=True, related_name="exercises")

    # Derived, kept true by exercises.signals (also after a raw loaddata) and checked by tests.
    span_start = models.DateField(null=True, editable=False, help_text="Earliest day the exercise may have run.")
    span_end = models.DateField(null=True, editable=False, help_text="Latest day the exercise may have run.")
    reported_troops = models.PositiveIntegerField(
        null=True, editable=False, db_index=True, help_text="Headline value of the reported troop figure."
    )
    # Derived from the sources' records and attestations by services.refresh_derived ("sources").
    source_count = models.PositiveSmallIntegerField(
        default=0, editable=False, db_index=True, help_text="How many sources attest the exercise or a part of it."
    )
    source_keys = models.JSONField(
        default=list, editable=False, help_text="The keys of the sources that attest it, sorted (source_count of them)."
    )
    disputed_participants = models.BooleanField(
        default=False, editable=False, help_text="Two sources name different participants."
    )
    disputed_dates = models.BooleanField(
        default=False, editable=False, help_text="Two sources give dates that exclude each other."
    )
    disputed_places = models.BooleanField(
        default=False, editable=False, help_text="Two sources name places that have nothing in common."
    )
    disputed_troops = models.BooleanField(
        default=False, editable=False, help_text="Two sources give whole-exercise troop figures that do not overlap."
    )
    curated_from = models.ForeignKey(
        "exercises.Source",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="curated_exercises",
        help_text="The source whose record the exercise's own fields follow (its imports keep them in step). "
        "Empty: the fields are an analyst's, and no import changes them.",
    )

    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by every save; an edit based on an older version is refused (no silent overwrite).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # updated_at (Stamped): moved by its own saves and by every change of its parts or its phases'.

    #: The fields two sources can disagree on, each with its flag ``disputed_<field>``.
    DISPUTABLE = ("participants", "dates", "places", "troops")

    history = HistoricalRecords(
        m2m_fields=[locations],
        excluded_fields=[
            "span_start",
            "span_end",
            "reported_troops",
            "source_count",
            "source_keys",
            *(f"disputed_{field}" for field in DISPUTABLE),
        ],
    )

    objects = NaturalKeyManager.from_queryset(ExerciseQuerySet)("slug")

    class Meta:
        # Unknown years last on every database. The index that serves this order is created by
        # migration 0004 for each database in its own syntax (SQLite has no NULLS LAST in indexes).
        ordering = [F("year").desc(nulls_last=True), "name", "id"]
        indexes = [
            models.Index(fields=["span_start", "span_end"], name="exercise_span_idx"),
            models.Index(fields=["start_date"], name="exercise_start_date_idx"),
            models.Index(fields=["name"], name="exercise_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=dates.precision_matches("start_date", "start_precision"), name="exercise_start_precision"
            ),
            models.CheckConstraint(
                condition=dates.precision_matches("end_date", "end_precision"), name="exercise_end_precision"
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(end_date__isnull=True) | Q(span_end__gte=F("start_date")),
                name="exercise_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(span_end__gte=F("end_date")),
                name="exercise_span_covers_end",
            ),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=YEAR_MIN, year__lte=YEAR_MAX),
                name="exercise_year_range",
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="exercise_not_own_parent"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)

    def natural_key(self):
        return (self.slug,)

    @classmethod
    def flag_label(cls, flag: str) -> str:
        """What a domain or focus flag means, for a person: "Command post exercise"."""
        return cls._meta.get_field(flag).verbose_name.capitalize()

    def clean(self):
        super().clean()
        errors = {}
        for part in ("start", "end"):
            value, precision = getattr(self, f"{part}_date"), getattr(self, f"{part}_precision")
            if value is None and precision != DatePrecision.UNKNOWN:
                errors[f"{part}_date"] = f"Give the {part} date, or set its precision to unknown."
            elif value is not None and precision == DatePrecision.UNKNOWN:
                errors[f"{part}_precision"] = f"Say how precise the {part} date is (day, month or year)."
        if not errors and self.start_date and self.end_date:
            start = dates.truncate(self.start_date, self.start_precision)
            end = dates.period_end(self.end_date, self.end_precision)
            if end < start:
                errors["end_date"] = "The exercise cannot end before it starts."
        if self.pk and self.parent_id == self.pk:
            errors["parent"] = "An exercise cannot be a phase of itself."
        elif self.parent_id:
            # One level of phases: lists and statistics count a whole exercise with its phases once.
            if self.parent.parent_id:
                errors["parent"] = "A phase belongs to a whole exercise, not to another phase."
            elif self.pk and Exercise.objects.filter(parent_id=self.pk).exists():
                errors["parent"] = "An exercise with phases of its own cannot be a phase."
        # The year as saving will derive it: from the dates, else as given.
        year = dates.span(self.start_date, self.end_date, self.end_precision, self.year)[0]
        if year is not None and not YEAR_MIN <= year <= YEAR_MAX:
            field = "start_date" if self.start_date else "end_date" if self.end_date else "year"
            errors.setdefault(field, f"The year must lie between {YEAR_MIN} and {YEAR_MAX}.")
        if errors:
            raise ValidationError(errors)

    # -- Presentation -----------------------------------------------------------------------------
    @property
    def start(self) -> str | None:
        """The start as a partial ISO date (``2011``, ``2011-09``, ``2011-09-27``)."""
        return dates.format_partial(self.start_date, self.start_precision)

    @property
    def end(self) -> str | None:
        return dates.format_partial(self.end_date, self.end_precision)


class ExerciseName(models.Model):
    """Another name, spelling or transliteration of an exercise (Center-2011, Центр-2011)."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="alternative_names")
    name = models.CharField(max_length=200)
    language = models.CharField(max_length=8, blank=True, help_text="ISO 639-1 code, e.g. ru.")
    note = models.CharField(max_length=200, blank=True, help_text='e.g. "Russian original", "British spelling".')

    history = HistoricalRecords()

    objects = NaturalKeyManager("exercise__slug", "name")

    class Meta:
        ordering = ["exercise", "name"]
        constraints = [models.UniqueConstraint(fields=["exercise", "name"], name="exercise_name_unique")]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.exercise.slug, self.name)

    natural_key.dependencies = ["exercises.exercise"]


class ExerciseRelation(models.Model):
    """A link between two exercises other than phase-of: held concurrently, follows, related."""

    from_exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="relations_from")
    to_exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="relations_to")
    kind = models.CharField(max_length=20, choices=RelationKind.choices)
    note = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    objects = NaturalKeyManager("from_exercise__slug", "to_exercise__slug", "kind")

    class Meta:
        ordering = ["from_exercise", "kind", "to_exercise"]
        constraints = [
            models.UniqueConstraint(fields=["from_exercise", "to_exercise", "kind"], name="exercise_relation_unique"),
            models.CheckConstraint(condition=~Q(from_exercise=F("to_exercise")), name="exercise_relation_not_self"),
        ]

    def __str__(self):
        return f"{self.from_exercise} — {self.get_kind_display().lower()} — {self.to_exercise}"

    def natural_key(self):
        return (self.from_exercise.slug, self.to_exercise.slug, self.kind)

    natural_key.dependencies = ["exercises.exercise"]


class ExternalIdentifier(models.Model):
    """A source's own record of an exercise: its identifier there (MME's ``mme87``, JME's ``row77``)
    and what the source itself says, as read (``claims``), beside the exercise analysts curate.

    ``claims`` holds the source's values in the project's terms: ``name``, ``series``, ``start`` and
    ``end`` (partial ISO dates, their precision in their length), ``participants`` (state codes),
    ``organisations`` (acronyms), ``places`` (texts), ``figures`` (phrases), ``text``; a key is absent
    where the source says nothing. Several sources' records of one exercise are its witnesses: the
    API's "according to" values and the ``disputed_*`` flags are read from them.
    """

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="external_ids")
    source = models.ForeignKey("exercises.Source", on_delete=models.PROTECT, related_name="external_ids")
    identifier = models.CharField(max_length=100)
    locator = models.CharField(max_length=300, blank=True, help_text="Where in the source: row, file, page.")
    claims = models.JSONField(default=dict, blank=True, help_text="What the source says about the exercise.")

    history = HistoricalRecords()

    objects = NaturalKeyManager("source__key", "identifier")

    class Meta:
        ordering = ["source", "identifier"]
        constraints = [
            models.UniqueConstraint(fields=["source", "identifier"], name="external_identifier_unique"),
        ]

    def __str__(self):
        return f"{self.source.key}:{self.identifier}"

    def natural_key(self):
        return (self.source.key, self.identifier)

    natural_key.dependencies = ["exercises.exercise", "exercises.source"]


class PossibleDuplicate(models.Model):
    """Two exercises that may be one, found by an import's matching rule (or an analyst) and left for
    review with the reason: nothing is merged until an analyst decides."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for review"
        MERGED = "merged", "Merged"
        DISTINCT = "distinct", "Distinct exercises"

    first = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300)
    found_by = models.ForeignKey(
        "exercises.Source",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The data set whose import found the pair; empty if an analyst listed it.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["status", "first", "second"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="possible_duplicate_unique"),
            models.CheckConstraint(condition=Q(first__lt=F("second")), name="possible_duplicate_ordered"),
        ]

    def __str__(self):
        return f"{self.first} ~ {self.second}: {self.reason}"


class ExerciseMerge(models.Model):
    """One exercise merged into another: what the other was and what moved, so that its slug answers
    with the kept exercise (301) and the merge can be undone (``exercises.merges.split``)."""

    kept = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="merges")
    other_slug = models.SlugField(max_length=200, db_index=True)
    other_id = models.PositiveIntegerField(help_text="The merged exercise's id, given back when it is split off.")
    snapshot = models.JSONField(help_text="The merged exercise and what moved from it, to undo the merge.")
    merged_at = models.DateTimeField(auto_now_add=True)
    merged_by = models.CharField(max_length=150, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["other_slug"], condition=Q(undone_at__isnull=True), name="exercise_merge_one_live_per_slug"
            ),
        ]

    def __str__(self):
        return f"{self.other_slug} merged into {self.kept}"
