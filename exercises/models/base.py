"""What the models share: the manager that finds a row by its natural key, and ``updated_at``."""

from django.db import models
from django.db.models import F
from django.db.models.expressions import DatabaseDefault
from django.db.models.functions import Now
from django.db.models.sql import UpdateQuery

__all__ = ["DatabaseNow", "NaturalKeyManager", "Stamped", "UpdatedAt"]


class NaturalKeyManager(models.Manager):
    """Finds a row by its natural key, the name fixtures and dumps give it.

    Built with the lookup path of each part of the key, in the order of the model's
    ``natural_key()``: ``NaturalKeyManager("exercise__slug", "key")``. A model with its own QuerySet
    takes ``NaturalKeyManager.from_queryset(StateQuerySet)("code")``.
    """

    def __init__(self, *lookups: str):
        super().__init__()
        self.lookups = lookups

    def get_by_natural_key(self, *key):
        # Django builds related managers (exercise.troop_figures) without arguments: they take the
        # lookups of their model's own manager.
        lookups = self.lookups or self.model._default_manager.lookups
        if len(key) != len(lookups):
            parts = ", ".join(lookups)
            raise TypeError(f"a {self.model.__name__} natural key has {len(lookups)} parts ({parts}), not {key!r}")
        return self.get(**dict(zip(lookups, key, strict=True)))


class DatabaseNow(Now):
    """The database's clock, as ``updated_at`` and ``removed_at`` take it: the time of the statement
    (PostgreSQL's ``STATEMENT_TIMESTAMP()``, which Django's ``Now`` already uses: a row written late in a
    long import is not stamped with the import's start, and every row of one statement shares one
    time). On SQLite the text has six decimals, as Django writes a datetime: SQLite compares the text,
    and ``...:48.123`` would sort before a client's ``updated_since=...:48.123000`` (the same instant)."""

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="STRFTIME('%%%%Y-%%%%m-%%%%d %%%%H:%%%%M:%%%%f000', 'NOW')", **extra_context
        )


class StoredOrNow(DatabaseDefault):
    """The value of a row built without one (``loaddata`` of a fixture without ``updated_at``): an
    UPDATE keeps the stored value (a reload changes nothing), an INSERT takes the column's default
    (:class:`DatabaseNow`). Validation skips it, as any database default."""

    def __init__(self, column: str):
        super().__init__(DatabaseNow(), output_field=models.DateTimeField())
        self.column = column

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        if isinstance(query, UpdateQuery):
            return F(self.column).resolve_expression(query, allow_joins, reuse, summarize, for_save)
        return super().resolve_expression(query, allow_joins, reuse, summarize, for_save)


class UpdatedAt(models.DateTimeField):
    """When the row was last written, by the database's clock (:class:`DatabaseNow`), on every save,
    insert or update; indexed, for ``updated_since=``.

    The value is written by the statement itself, so the instance cannot know it beforehand: after an
    insert it comes back with the row (``RETURNING``: Django returns a column with a database default),
    after an update the attribute is left unloaded and read from the row when next used (never an
    unresolved expression). A raw save (``loaddata``) writes the value it is given, or with none keeps
    the stored one (:class:`StoredOrNow`). History copies of the field (django-simple-history turns
    ``auto_now`` off) keep the value they are given.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_now", True)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("db_default", DatabaseNow())
        kwargs.setdefault("help_text", "When the row was last written (the database's clock).")
        super().__init__(*args, **kwargs)

    def get_default(self):
        return StoredOrNow(self.attname) if self.auto_now else super().get_default()

    def pre_save(self, model_instance, add):
        if not self.auto_now:
            return super().pre_save(model_instance, add)
        model_instance.__dict__.pop(self.attname, None)  # read back from the row when next used
        return DatabaseNow()


class Stamped(models.Model):
    """A row that says when it was last written (``updated_at``), for clients that fetch only what
    changed since they last asked (``updated_since=``)."""

    updated_at = UpdatedAt()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at"}
        else:
            # Unloaded since the last save: Django would take it for a deferred field and leave it out.
            self.__dict__.setdefault("updated_at", None)
        super().save(*args, **kwargs)
