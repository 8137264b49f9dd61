"""Source documents and the citations that tie records and figures to them."""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from simple_history.models import HistoricalRecords

from exercises import dates
from exercises.choices import DatePrecision, SourceKind
from exercises.models.base import NaturalKeyManager, Stamped

__all__ = ["CITATION_TARGETS", "Citation", "Source", "new_key"]

#: Every kind of record a citation can support; a citation points at exactly one of them.
CITATION_TARGETS = (
    "exercise",
    "participation",
    "troop_figure",
    "scenario",
    "force",
    "location",
    "membership",
    "organisation",
    "organisation_participation",
    "relation",
)

MAX_EXCERPT_WORDS = 25


def new_key() -> str:
    """A fresh identifier for records that have no natural one (fixtures may use readable keys)."""
    return uuid.uuid4().hex[:16]


class Source(Stamped):
    """A document that supports facts in the database: an article, a statement, a data set.

    The register of sources is ``seeds/sources.json``; a source whose text is on file carries the
    SHA-256 of that text and its file name, never the text itself.
    """

    key = models.SlugField(max_length=100, unique=True, help_text="Stable identifier, e.g. kucera-2011-csto.")
    title = models.CharField(max_length=300)
    author = models.CharField(max_length=200, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=SourceKind.choices)
    published_on = models.DateField(null=True, blank=True)
    published_precision = models.CharField(max_length=7, choices=DatePrecision.choices, default=DatePrecision.UNKNOWN)
    published_no_later_than = models.DateField(
        null=True, blank=True, help_text="Latest possible publication date, when the exact one is unknown."
    )
    url = models.URLField(max_length=500, blank=True)
    language = models.CharField(max_length=8, blank=True, help_text="ISO 639-1 code of the text.")
    document = models.CharField(
        max_length=200,
        blank=True,
        help_text="Path of the text, relative to a folder in SOURCE_TEXT_ROOTS, when on file.",
    )
    sha256 = models.CharField("SHA-256", max_length=64, blank=True, help_text="Of the text on file.")
    notes = models.TextField(blank=True)
    precedence = models.PositiveSmallIntegerField(
        default=100,
        help_text="Which source's record an exercise's fields follow when several attest it: the lowest "
        "number wins (a revised data set before the one it revised).",
    )

    history = HistoricalRecords()

    objects = NaturalKeyManager("key")

    class Meta:
        ordering = ["key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256="") | Q(Exact(Length("sha256"), 64)), name="source_sha256_empty_or_64_chars"
            ),
            models.CheckConstraint(
                condition=dates.precision_matches("published_on", "published_precision"),
                name="source_published_precision_matches",
            ),
        ]

    def __str__(self):
        byline = f"{self.author}, " if self.author else ""
        publisher = f" ({self.publisher})" if self.publisher else ""
        return f"{byline}{self.title}{publisher}"

    def natural_key(self):
        return (self.key,)


def _exactly_one_target() -> Q:
    condition = Q()
    for target in CITATION_TARGETS:
        condition |= Q(**{f"{t}__isnull": t != target for t in CITATION_TARGETS})
    return condition


class Citation(models.Model):
    """A source's support for one record or figure, with a short excerpt and who said it.

    Exactly one of the target fields is set. ``field`` narrows what is supported ("end_date",
    "purpose"); empty means the record as a whole.
    """

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    key = models.SlugField(max_length=100, default=new_key, help_text="Unique within the source.")
    excerpt = models.CharField(
        max_length=300, blank=True, help_text=f"The words of the source, at most {MAX_EXCERPT_WORDS} words."
    )
    locator = models.CharField(max_length=100, blank=True, help_text="Page, paragraph, timestamp or row.")
    field = models.CharField(max_length=50, blank=True, help_text="Which fact of the record this supports.")
    attributed_to = models.CharField(
        max_length=200, blank=True, help_text="Who the source quotes or relays (a person, state television)."
    )
    via = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="relayed_by",
        help_text="The source this one reports (documents published by a tabloid, a broadcast).",
    )

    exercise = models.ForeignKey(
        "exercises.Exercise", on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    participation = models.ForeignKey(
        "exercises.Participation", on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    troop_figure = models.ForeignKey(
        "exercises.TroopFigure", on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    scenario = models.ForeignKey(
        "exercises.Scenario", on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    force = models.ForeignKey(
        "exercises.Force", on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    location = models.ForeignKey(
        "exercises.Location", on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    membership = models.ForeignKey(
        "exercises.Membership", on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    organisation = models.ForeignKey(
        "exercises.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    organisation_participation = models.ForeignKey(
        "exercises.OrganisationParticipation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="citations",
    )
    relation = models.ForeignKey(
        "exercises.ExerciseRelation", on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )

    history = HistoricalRecords()

    objects = NaturalKeyManager("source__key", "key")

    class Meta:
        ordering = ["source", "key"]
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="citation_key_unique_per_source"),
            models.CheckConstraint(condition=_exactly_one_target(), name="citation_exactly_one_target"),
            models.CheckConstraint(condition=~Q(via=models.F("source")), name="citation_via_is_another_source"),
        ]

    def __str__(self):
        return f"{self.source.key}: {self.excerpt or self.field or self.key}"

    def natural_key(self):
        return (self.source.key, self.key)

    natural_key.dependencies = [
        "exercises.source",
        "exercises.exercise",
        "exercises.participation",
        "exercises.troopfigure",
        "exercises.scenario",
        "exercises.force",
        "exercises.location",
        "exercises.membership",
        "exercises.organisation",
        "exercises.organisationparticipation",
        "exercises.exerciserelation",
    ]

    @property
    def target_name(self) -> str | None:
        """Which kind of record the citation supports (one of ``CITATION_TARGETS``), without a query."""
        return next((name for name in CITATION_TARGETS if getattr(self, f"{name}_id") is not None), None)

    @property
    def target(self):
        name = self.target_name
        return getattr(self, name) if name else None

    def clean(self):
        super().clean()
        if len(self.excerpt.split()) > MAX_EXCERPT_WORDS:
            raise ValidationError({"excerpt": f"Keep excerpts to a phrase: at most {MAX_EXCERPT_WORDS} words."})
