"""Receivers that keep the exercise's derived fields true, through the rules in ``exercises.services``.

Django's ``loaddata`` saves with ``raw=True`` through ``save_base``, skipping ``Model.save()``, and
re-saves objects that had forward references. So the derived fields are computed here, on every
save, raw or not, from what is in the database at that moment: whatever order fixtures load in, the
last save that touches an exercise leaves it right. Bulk paths (importers, the generator) call the
same services.
"""

from django.db.models import F
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from exercises import services
from exercises.models import (
    Citation,
    Exercise,
    ExerciseName,
    ExternalIdentifier,
    Force,
    OrganisationParticipation,
    Participation,
    Scenario,
    TroopFigure,
)


@receiver(pre_save, sender=Exercise)
def derive_exercise_dates(sender, instance, raw, **kwargs):
    services.derive_dates(instance)
    if raw and (instance.created_at is None or instance.updated_at is None):
        # auto_now fields are not filled in on raw saves: keep the row's own on a reload.
        existing = Exercise.objects.filter(pk=instance.pk).values("created_at", "updated_at").first() or {}
        now = timezone.now()
        instance.created_at = instance.created_at or existing.get("created_at") or now
        instance.updated_at = instance.updated_at or existing.get("updated_at") or now


@receiver(post_save, sender=Exercise)
def refresh_exercise_figures(sender, instance, raw, **kwargs):
    """Its reported figure, and its undated phases' year and span (its own dates were derived before
    the save)."""
    # Its own dates were derived before the save; phases can follow only a dated exercise.
    services.refresh_derived([instance.pk], fields=("phases", "troops") if instance.year is not None else ("troops",))
    instance.refresh_from_db(fields=["reported_troops"])


@receiver(post_save, sender=TroopFigure)
@receiver(post_delete, sender=TroopFigure)
def refresh_figure_exercise(sender, instance, raw=False, **kwargs):
    """The exercise's reported figure, and (an edit of a part being an edit of the exercise) its
    version, in one UPDATE."""
    bump = {} if raw else {"version": F("version") + 1}
    services.refresh_derived([instance.exercise_id], fields=("troops",), **bump)


def _bump_exercise_version(sender, instance, raw=False, **kwargs):
    """An edit of an exercise's part is an edit of the exercise: stale forms and ETags must see it.
    A participant added or removed can change what its sources dispute."""
    exercise_id = getattr(instance, "exercise_id", None)
    if exercise_id and sender in (Participation, OrganisationParticipation):
        services.refresh_derived([exercise_id], fields=("sources",))
    if exercise_id and not raw:
        Exercise.objects.filter(pk=exercise_id).update(version=F("version") + 1)


@receiver(post_save, sender=Citation)
@receiver(post_delete, sender=Citation)
@receiver(post_save, sender=ExternalIdentifier)
@receiver(post_delete, sender=ExternalIdentifier)
def refresh_attested_exercise(sender, instance, **kwargs):
    """A citation or a source record added, changed or removed: who attests the exercise, and what
    its sources dispute, follow (also on a raw ``loaddata``)."""
    if sender is ExternalIdentifier or instance.exercise_id:
        exercise_ids = [instance.exercise_id]
    elif (target := instance.target_name) in services.ATTESTED_PARTS:
        model = Citation._meta.get_field(target).related_model
        exercise_ids = list(
            model.objects.filter(pk=getattr(instance, f"{target}_id")).values_list("exercise_id", flat=True)
        )
    else:
        return
    services.refresh_derived(exercise_ids, fields=("sources",))


# Troop figures bump the version in refresh_figure_exercise, with their reported figure.
for _part in (Participation, Scenario, Force, ExerciseName, OrganisationParticipation):
    post_save.connect(_bump_exercise_version, sender=_part, dispatch_uid=f"bump-version-{_part.__name__}")
    post_delete.connect(_bump_exercise_version, sender=_part, dispatch_uid=f"bump-version-delete-{_part.__name__}")
