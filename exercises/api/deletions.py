"""What left the data since a time, for clients that keep a copy: the rules of ``deletions/``
(``views.DeletionViewSet``) and of the 410 of a deleted exercise's address. The records are written
by ``exercises.signals.record_removal`` and by ``exercises.merges``; they are kept
``DELETIONS_RETENTION_DAYS`` (``manage.py purge_deletions``)."""

from exercises.api.errors import Gone
from exercises.models import Removal


def exercise_gone(slug: str) -> Gone | None:
    """The 410 of an exercise's slug that was deleted (or merged into an exercise deleted since), or
    None if the feed has no record of it: a slug never known stays 404."""
    removal = Removal.objects.filter(kind=Removal.Kind.EXERCISE, slug=slug).order_by("-removed_at", "-id").first()
    if removal is None:
        return None
    return Gone(f"The exercise {slug} was deleted on {removal.removed_at:%Y-%m-%d}: see deletions/.")


def feed_expired(since) -> Gone | None:
    """A 410 for a feed asked for from before the horizon it keeps: it would be incomplete."""
    horizon = Removal.objects.horizon()
    if since is None or since >= horizon:
        return None
    return Gone(
        f"deletions/ keeps what was removed since {horizon:%Y-%m-%dT%H:%M:%SZ} only (DELETIONS_RETENTION_DAYS): "
        "your copy is older; download a full copy, then ask for changes from the time of that download."
    )
