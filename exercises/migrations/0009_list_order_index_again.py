"""The lists' default-order index (0004) again where it is missing: migrations 0006 and 0008 alter columns
of the exercise table, which SQLite does by rebuilding the table, and a rebuild keeps only the indexes
Django's model state knows, not this one (written in each database's own syntax, so not in Meta.indexes).
PostgreSQL alters in place and kept it. tests/models/test_indexes.py checks it exists after migrating."""

from django.db import migrations

#: As in 0004, with IF NOT EXISTS.
INDEX = {
    "postgresql": 'CREATE INDEX IF NOT EXISTS "exercise_default_order_idx" ON "exercises_exercise" '
    '("year" DESC NULLS LAST, "name", "id")',
    "sqlite": 'CREATE INDEX IF NOT EXISTS "exercise_default_order_idx" ON "exercises_exercise" ("year" DESC, "name", "id")',
}


def create_index(apps, schema_editor):
    schema_editor.execute(INDEX.get(schema_editor.connection.vendor, INDEX["sqlite"]))


class Migration(migrations.Migration):
    dependencies = [("exercises", "0008_updated_at_and_removals")]

    operations = [migrations.RunPython(create_index, migrations.RunPython.noop)]
