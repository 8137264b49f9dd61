"""Receivers that keep the exercise's derived fields true, through the rules in ``exercises.services``.

Django's ``loaddata`` saves with ``raw=True`` through ``save_base``, skipping ``Model.save()``, and
re-saves objects that had forward references. So the derived fields are computed here, on every
save, raw or not, from what is in the database at that moment: whatever order fixtures load in, the
last save that touches an exercise leaves it right. Bulk paths (importers, the generator) call the
same services.

An edit of an exercise's part (or of a phase's) is an edit of the exercise: its ``version`` and
``updated_at`` move (``services.refresh_derived(..., edited=True)``), in the UPDATE the receiver makes
anyway. Deletions of the list endpoints' rows are recorded for the ``deletions/`` feed (``Removal``).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone

from exercises import services
from exercises.models import (
    Citation,
    Exercise,
    ExerciseName,
    ExerciseRelation,
    ExternalIdentifier,
    Force,
    OrganisationParticipation,
    Participation,
    Removal,
    Scenario,
    TroopFigure,
)
from exercises.models.base import DatabaseNow


@receiver(pre_save, sender=Exercise)
def derive_exercise_dates(sender, instance, raw, **kwargs):
    services.derive_dates(instance)
    note_raw_save(sender, instance, raw)
    if raw and instance.created_at is None:
        # auto_now_add is not filled in on raw saves: keep the row's own on a reload (updated_at:
        # models.base.StoredOrNow does the same).
        existing = Exercise.objects.filter(pk=instance.pk).values_list("created_at", flat=True).first()
        instance.created_at = existing or timezone.now()


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
    version and ``updated_at``, in one UPDATE."""
    services.refresh_derived([instance.exercise_id], fields=("troops",), edited=not raw)


def _bump_exercise_version(sender, instance, raw=False, **kwargs):
    """An edit of an exercise's part is an edit of the exercise: stale forms and ETags must see it.
    A participant added or removed can change what its sources dispute."""
    exercise_id = getattr(instance, "exercise_id", None)
    if exercise_id and sender in (Participation, OrganisationParticipation):
        services.refresh_derived([exercise_id], fields=("sources",))
    if exercise_id and not raw:
        services.refresh_derived([exercise_id], fields=(), edited=True)


@receiver(post_save, sender=Citation)
@receiver(post_delete, sender=Citation)
@receiver(post_save, sender=ExternalIdentifier)
@receiver(post_delete, sender=ExternalIdentifier)
def refresh_attested_exercise(sender, instance, **kwargs):
    """A citation or a source record added, changed or removed: who attests the exercise, and what
    its sources dispute, follow (also on a raw ``loaddata``), and it counts as changed."""
    if sender is ExternalIdentifier or instance.exercise_id:
        exercise_ids = [instance.exercise_id]
    elif (target := instance.target_name) in services.ATTESTED_PARTS:
        model = Citation._meta.get_field(target).related_model
        exercise_ids = list(
            model.objects.filter(pk=getattr(instance, f"{target}_id")).values_list("exercise_id", flat=True)
        )
    else:
        return
    services.refresh_derived(exercise_ids, fields=("sources",), edited=not kwargs.get("raw", False))


@receiver(post_save, sender=ExerciseRelation)
@receiver(post_delete, sender=ExerciseRelation)
def stamp_related_exercises(sender, instance, raw=False, **kwargs):
    """A link between two exercises is a part of both."""
    if not raw:
        services.refresh_derived([instance.from_exercise_id, instance.to_exercise_id], fields=(), edited=True)


@receiver(pre_save, sender=Scenario)
def note_raw_save(sender, instance, raw, **kwargs):
    """``loaddata`` sets a row's many-to-many after its raw save, and m2m_changed does not say so: that
    is the fixture's value, not an edit (the receivers below leave it alone)."""
    instance._saved_raw = raw


def _loaded(instance) -> bool:
    return getattr(instance, "_saved_raw", False)


@receiver(m2m_changed, sender=Exercise.locations.through)
def stamp_exercise_places(sender, instance, action, reverse, pk_set, **kwargs):
    """Places added to or removed from an exercise (or exercises added to or removed from a place)."""
    if action not in ("post_add", "post_remove", "post_clear") or _loaded(instance):
        return
    if not reverse:
        exercise_ids = [instance.pk]
    elif action == "post_clear":  # pk_set is None: which exercises lost the place is no longer known
        return
    else:
        exercise_ids = sorted(pk_set or ())
    if exercise_ids:
        services.refresh_derived(exercise_ids, fields=(), edited=True)


def stamp_scenario(sender, instance, action, reverse, **kwargs):
    """An episode's places, states or forces changed: the episode and its exercise changed."""
    if action in ("post_add", "post_remove", "post_clear") and not reverse and not _loaded(instance):
        Scenario.objects.filter(pk=instance.pk).update(updated_at=DatabaseNow())
        services.refresh_derived([instance.exercise_id], fields=(), edited=True)


for _m2m in (Scenario.locations, Scenario.states, Scenario.forces):
    m2m_changed.connect(stamp_scenario, sender=_m2m.through, dispatch_uid=f"stamp-scenario-{_m2m.field.name}")


def record_removal(sender, instance, **kwargs):
    """A row of a list endpoint deleted (cascades included: Django sends the signal for each row, before
    any is deleted, so the rows it names still exist): the ``deletions/`` feed says so."""
    Removal.of(instance).save()


for _model in Removal.KINDS:
    pre_delete.connect(record_removal, sender=_model, dispatch_uid=f"record-removal-{_model.__name__}")


# Troop figures bump the version in refresh_figure_exercise, with their reported figure.
for _part in (Participation, Scenario, Force, ExerciseName, OrganisationParticipation):
    post_save.connect(_bump_exercise_version, sender=_part, dispatch_uid=f"bump-version-{_part.__name__}")
    post_delete.connect(_bump_exercise_version, sender=_part, dispatch_uid=f"bump-version-delete-{_part.__name__}")
