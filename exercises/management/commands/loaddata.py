"""Django's loaddata, with failures reported as one readable line instead of a traceback.

Loading stays what Django does (one transaction, natural keys; nothing is written when a record
fails). Only the report changes: the file, the record and the reason, and a non-zero exit.
"""

import re

from django.core.management.base import CommandError
from django.core.management.commands import loaddata


class Command(loaddata.Command):
    def handle(self, *fixture_labels, **options):
        try:
            return super().handle(*fixture_labels, **options)
        except CommandError:
            raise
        except Exception as exc:  # the database's or the deserializer's reason, made readable
            raise CommandError(readable(exc)) from exc


def readable(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    missing = re.search(r"Error deserializing object: (\w+) has no (\w+)\.$", text)
    if missing:  # a natural key that names no row: Django only says "<Model> has no <field>"
        model, field = missing.groups()
        text = text[: missing.start()] + f"a {model} record's {field} names no existing row (check its natural key)"
    # Django prefixes "Problem installing fixture '<path>': " and names the record it could not load.
    text = re.sub(r"^Problem installing fixture '([^']+)':\s*", r"\1: ", text)
    text = text.replace("Could not load ", "record ")
    return text[:500]
