"""The generic write of an import: bring a source's rows in line with what a file says, changing only
what differs, so that importing the same file again writes nothing.

An importer states what it wants, ``wanted`` (key -> the row's column values, enough to create it),
and what the database holds for the source, ``held`` (key -> values with ``"pk"``, read in one query).
:func:`sync` deletes the held rows it may remove that are no longer wanted, creates the missing ones
and updates those whose compared ``fields`` differ, all in bulk; :func:`replace_groups` does the same
for rows that are kept or replaced as a group (an exercise's troop figures). Both report by key what
they did, for the importer to count and to mark the exercises that changed.

Bulk writes skip ``save()`` and its receivers: the caller derives what they would (``services``).
"""

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.db.models import Model

from exercises.models.base import DatabaseNow, UpdatedAt
from exercises.services import BATCH, batches


def delete_in_batches(model: type[Model], pks: Sequence[int]) -> None:
    for batch in batches(pks):
        model.objects.filter(pk__in=batch).delete()


@dataclass
class Changes:
    """What :func:`sync` did, by key: ``ids`` holds the primary key of every wanted row afterwards;
    ``left`` the held rows no longer wanted that it was not allowed to remove."""

    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    left: list = field(default_factory=list)
    ids: dict = field(default_factory=dict)

    def counts(self, what: str, created: str = "created") -> dict[str, int]:
        """``{"<what> created": n, "<what> updated": n, "<what> removed": n}`` for an import's summary
        (``written``), without the zeros."""
        counts = {created: self.created, "updated": self.updated, "removed": self.removed}
        return {f"{what} {done}": len(keys) for done, keys in counts.items() if keys}


def differs(held: Mapping, wanted: Mapping, fields: Iterable[str]) -> bool:
    return any(held[name] != wanted[name] for name in fields)


def sync(
    model: type[Model],
    wanted: Mapping[Hashable, dict],
    held: Mapping[Hashable, dict],
    *,
    fields: Sequence[str],
    removable: Callable[[dict], bool] | None = None,
    prepare: Callable[[Model, dict | None], None] | None = None,
    update_fields: Sequence[str] | None = None,
) -> Changes:
    """Make the ``held`` rows of ``model`` the ``wanted`` ones, writing only the differences.

    ``fields``: the columns compared (and written on update). ``removable(values)``: whether a held row
    no longer wanted may be deleted (default: none is, the importer leaves it as it is). ``prepare
    (instance, held_values_or_None)``: called on each instance about to be created or updated, to set
    what bulk writes do not derive. ``update_fields``: the columns updated, if more than ``fields``.
    Rows are created in the order of ``wanted``.
    """
    changes = Changes()
    for key, values in held.items():
        if key not in wanted:
            (changes.removed if removable and removable(values) else changes.left).append(key)
    new, updated = [], []
    for key, values in wanted.items():
        if key not in held:
            changes.created.append(key)
            new.append(instance := model(**values))
        elif differs(held[key], values, fields):
            changes.updated.append(key)
            updated.append(instance := model(pk=held[key]["pk"], **values))
        else:
            continue
        if prepare:
            prepare(instance, held.get(key))
    delete_in_batches(model, [held[key]["pk"] for key in changes.removed])
    model.objects.bulk_create(new, batch_size=BATCH)  # stamps updated_at (UpdatedAt.pre_save)
    if updated:
        # bulk_update writes what the instances hold: a row that says when it was written says now.
        stamped = [f.name for f in model._meta.concrete_fields if isinstance(f, UpdatedAt)]
        for instance in updated:
            for name in stamped:
                setattr(instance, name, DatabaseNow())
        model.objects.bulk_update(updated, [*(update_fields or fields), *stamped], batch_size=BATCH)
    changes.ids = {key: held[key]["pk"] for key in wanted if key in held}
    changes.ids.update({key: instance.pk for key, instance in zip(changes.created, new, strict=True)})
    return changes


@dataclass
class GroupChanges:
    """What :func:`replace_groups` did: the groups replaced, the rows it created and removed, and the
    primary key of every wanted row by (group, key)."""

    replaced: list = field(default_factory=list)
    created: int = 0
    removed: int = 0
    ids: dict = field(default_factory=dict)


def replace_groups(
    model: type[Model],
    wanted: Mapping[Hashable, Mapping[Hashable, dict]],
    held: Mapping[Hashable, Mapping[Hashable, dict]],
    *,
    fields: Sequence[str],
) -> GroupChanges:
    """Per group in ``wanted`` (group -> key -> values), keep the held rows when they are all as wanted,
    otherwise replace them all: swapping a flag that may be set on one row of a group only (an
    exercise's one reported troop figure) then cannot collide with the constraint that says so."""
    changes, stale, new = GroupChanges(), [], []
    for group, rows in wanted.items():
        have = held.get(group, {})
        if {key: _only(values, fields) for key, values in have.items()} == {
            key: _only(values, fields) for key, values in rows.items()
        }:
            changes.ids.update({(group, key): values["pk"] for key, values in have.items()})
            continue
        stale += [values["pk"] for values in have.values()]
        new += [((group, key), model(**values)) for key, values in rows.items()]
        changes.replaced.append(group)
    delete_in_batches(model, stale)
    model.objects.bulk_create([instance for _, instance in new], batch_size=BATCH)
    changes.ids.update({key: instance.pk for key, instance in new})
    changes.created, changes.removed = len(new), len(stale)
    return changes


def _only(values: Mapping, fields: Iterable[str]) -> dict:
    return {name: values[name] for name in fields}
