from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandError
from knox.models import AuthToken

from exercises.loadtest import run


class Command(BaseCommand):
    help = "Load the API under gunicorn with wrk for a fixed time while an analyst writes; print rate and p99."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, default=30)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--connections", type=int, default=16)

    def handle(self, *args, seconds, workers, connections, **options):
        database = settings.DATABASES["default"]
        if database["ENGINE"].endswith("sqlite3"):
            url = f"sqlite:///{database['NAME']}"
        else:
            url = "postgres://{USER}:{PASSWORD}@{HOST}:{PORT}/{NAME}".format(**database)
        user, _ = get_user_model().objects.get_or_create(username="load-test-writer")
        user.user_permissions.add(Permission.objects.get(codename="change_exercise"))
        _, token = AuthToken.objects.create(user=user)
        try:
            report = run(url, token, seconds=seconds, workers=workers, connections=connections)
        except (RuntimeError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
        if report.read_errors or report.write_errors or report.lost_writes:
            raise CommandError("errors or lost writes: see above")
