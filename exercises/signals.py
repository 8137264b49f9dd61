"""Receivers that keep the exercise's derived fields true.

Django's ``loaddata`` saves with ``raw=True`` through ``save_base``, skipping ``Model.save()``, and
re-saves objects that had forward references. So the derived fields are computed here, on every
save, raw or not, from what is in the database at that moment: whatever order fixtures load in, the
last save that touches an exercise leaves it right. Bulk paths (importers) call the same code.
"""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from exercises.models import Exercise, TroopFigure


@receiver(pre_save, sender=Exercise)
def derive_exercise_dates(sender, instance, raw, **kwargs):
    instance.derive_dates()
    if raw and (instance.created_at is None or instance.updated_at is None):
        # auto_now fields are not filled in on raw saves: keep the row's own on a reload.
        existing = Exercise.objects.filter(pk=instance.pk).values("created_at", "updated_at").first() or {}
        now = timezone.now()
        instance.created_at = instance.created_at or existing.get("created_at") or now
        instance.updated_at = instance.updated_at or existing.get("updated_at") or now


@receiver(post_save, sender=Exercise)
def refresh_exercise_figures(sender, instance, raw, **kwargs):
    Exercise.objects.filter(pk=instance.pk).refresh_reported_troops()
    instance.refresh_from_db(fields=["reported_troops"])
    # Phases without dates of their own follow their parent's year and span.
    for phase in instance.phases.filter(start_date__isnull=True, end_date__isnull=True):
        phase.save(update_fields=["year", "span_start", "span_end"])


@receiver(post_save, sender=TroopFigure)
@receiver(post_delete, sender=TroopFigure)
def refresh_figure_exercise(sender, instance, **kwargs):
    Exercise.objects.filter(pk=instance.exercise_id).refresh_reported_troops()
