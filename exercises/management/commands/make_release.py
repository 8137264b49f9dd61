from django.core.management.base import BaseCommand, CommandError

from exercises import releases


class Command(BaseCommand):
    help = (
        "Write data release VERSION to the releases storage: one CSV per table, datapackage.json "
        "(Frictionless Data Package) with each file's SHA-256, and the changes since the previous release. "
        f"VERSION: {releases.VERSION_RULE}, greater than every release before. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("version", metavar="VERSION")
        parser.add_argument("--database", default="default", help="The database to read (default: default).")

    def handle(self, *args, version, database, **options):
        try:
            package = releases.make_release(version, using=database)
        except releases.ReleaseError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(resource["x-rows"] for resource in package["resources"] if resource["name"] != "changes")
        size = sum(resource["bytes"] for resource in package["resources"])
        changes = package["x-changes"]
        since = f" since {changes['previous']}" if changes["previous"] else ""
        summary = ", ".join(f"{changes[kind]} {kind}" for kind in releases.CHANGE_KINDS)
        self.stdout.write(
            f"Release {version}: {len(package['resources'])} tables, {rows} rows, {size:,} bytes; {summary}{since}."
        )
