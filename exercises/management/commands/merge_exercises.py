import getpass

from django.core.management.base import BaseCommand, CommandError

from exercises import merges
from exercises.models import Exercise, ExerciseMerge


class Command(BaseCommand):
    help = (
        "Merge two records of one exercise (KEEP OTHER: OTHER's parts move into KEEP, its slug then answers "
        "with KEEP), or undo a merge (--undo OTHER). One transaction: all or nothing. The rule is "
        "exercises/merges.py's."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", metavar="SLUG", help="KEEP OTHER: the exercise kept, the one merged.")
        parser.add_argument("--reason", default="", help="Why they are one exercise (kept with the merge).")
        parser.add_argument("--undo", metavar="OTHER", help="Undo the merge of this slug: split it off again.")

    def handle(self, *args, slugs, reason, undo, **options):
        by = _user()
        try:
            if undo:
                if slugs or reason:
                    raise CommandError("--undo takes only the merged slug: no other slugs, no --reason.")
                merge = _live_merge(undo)
                other = merges.split(merge, by=by)
                self.stdout.write(f"Split {other.slug} off {merge.kept.slug} again: the merge is undone.")
                return
            if len(slugs) != 2:
                raise CommandError("Give two slugs, KEEP OTHER (or --undo OTHER).")
            keep, other = (_exercise(slug) for slug in slugs)
            merge = merges.merge_exercises(keep, other, by=by, reason=reason)
        except merges.MergeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{merges.describe(merge)} Undo with: merge_exercises --undo {merge.other_slug}")


def _exercise(slug: str) -> Exercise:
    exercise = Exercise.objects.filter(slug=slug).first()
    if exercise is not None:
        return exercise
    kept = merges.resolve_merged(slug)
    if kept is not None:
        raise CommandError(f"No exercise {slug}: it was merged into {kept.slug}.")
    raise CommandError(f"No exercise {slug}.")


def _live_merge(slug: str) -> ExerciseMerge:
    merge = ExerciseMerge.objects.filter(other_slug=slug, undone_at__isnull=True).select_related("kept").first()
    if merge is not None:
        return merge
    undone = ExerciseMerge.objects.filter(other_slug=slug).order_by("-undone_at").first()
    if undone is not None:
        raise CommandError(f"The merge of {slug} was undone already, at {undone.undone_at:%Y-%m-%d %H:%M}.")
    raise CommandError(f"No merge of {slug} to undo.")


def _user() -> str:
    """Who merged, as the merge records it: the account running the command."""
    try:
        return f"{getpass.getuser()} (command line)"
    except (KeyError, OSError):
        return "command line"
