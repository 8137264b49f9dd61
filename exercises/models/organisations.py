"""International organisations and the periods during which states belonged to them."""

import datetime as dt

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from exercises import dates
from exercises.choices import DatePrecision, MembershipStatus, OrganisationKind
from exercises.models.base import NaturalKeyManager, Stamped

__all__ = ["Membership", "Organisation"]


class Organisation(Stamped):
    """An international organisation that holds exercises or whose members take part (CSTO, NATO)."""

    acronym = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.OTHER)
    founded = models.DateField(null=True, blank=True)
    founded_precision = models.CharField(max_length=7, choices=DatePrecision.choices, default=DatePrecision.UNKNOWN)
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    objects = NaturalKeyManager("acronym")

    class Meta:
        ordering = ["acronym"]
        constraints = [
            models.CheckConstraint(
                condition=dates.precision_matches("founded", "founded_precision"),
                name="organisation_founded_precision_matches",
            ),
        ]

    def __str__(self):
        return self.acronym

    def natural_key(self):
        return (self.acronym,)

    def members_in(self, year: int):
        """States that were members at any time during ``year``."""
        from exercises.models.geography import State

        return State.objects.filter(
            pk__in=self.memberships.active_during(dt.date(year, 1, 1), dt.date(year, 12, 31)).values("state")
        ).order_by("name")


class MembershipQuerySet(models.QuerySet):
    def active_during(self, first: dt.date, last: dt.date, status: str = MembershipStatus.MEMBER):
        """Periods of ``status`` that overlap ``first``..``last`` (an open end runs to today)."""
        return self.filter(status=status, started_on__lte=last).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=first)
        )


class Membership(models.Model):
    """A period during which a state held a status (member, suspended...) in an organisation.

    A state that joins, leaves and rejoins has several rows. ``notice_on`` keeps the date a state
    gave notice where it differs from the date the organisation decided (Uzbekistan, 2012).
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    state = models.ForeignKey("exercises.State", on_delete=models.PROTECT, related_name="memberships")
    status = models.CharField(max_length=10, choices=MembershipStatus.choices, default=MembershipStatus.MEMBER)
    started_on = models.DateField(help_text="First day of the period (first day of the month or year if partial).")
    started_precision = models.CharField(max_length=7, choices=DatePrecision.choices, default=DatePrecision.DAY)
    ended_on = models.DateField(
        null=True,
        blank=True,
        help_text="Day the period ended (first day of the month or year if partial); empty while it lasts.",
    )
    ended_precision = models.CharField(max_length=7, choices=DatePrecision.choices, default=DatePrecision.UNKNOWN)
    notice_on = models.DateField(
        null=True, blank=True, help_text="When the state gave notice, if that differs from the decision."
    )
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    objects = NaturalKeyManager.from_queryset(MembershipQuerySet)("organisation__acronym", "state__code", "started_on")

    class Meta:
        ordering = ["organisation", "state", "started_on"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "state", "started_on"], name="membership_unique_start"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="membership_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=~Q(started_precision=DatePrecision.UNKNOWN), name="membership_start_known"
            ),
            models.CheckConstraint(
                condition=dates.precision_matches("ended_on", "ended_precision"),
                name="membership_end_precision_matches",
            ),
        ]

    def __str__(self):
        end = self.ended_on.isoformat() if self.ended_on else ""
        return f"{self.state} in {self.organisation}: {self.get_status_display()} {self.started_on}–{end}"

    def natural_key(self):
        return (self.organisation.acronym, self.state.code, self.started_on.isoformat())

    natural_key.dependencies = ["exercises.organisation", "exercises.state"]
