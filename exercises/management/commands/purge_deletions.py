"""Delete the deletions feed's records older than DELETIONS_RETENTION_DAYS (run it daily, e.g. from cron)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from exercises.models import Removal


class Command(BaseCommand):
    help = "Delete the deletions feed's records older than DELETIONS_RETENTION_DAYS."

    def handle(self, *args, **options):
        count = Removal.objects.purge()
        days = settings.DELETIONS_RETENTION_DAYS
        self.stdout.write(f"{count} deletion record{'s' if count != 1 else ''} older than {days} days deleted.")
