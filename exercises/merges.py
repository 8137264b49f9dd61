"""Two records of one exercise made one, and the merge undone: the one home of the rule.

``merge_exercises(keep, other)`` folds ``other`` into ``keep`` and deletes ``other``; its slug then
answers with ``keep`` (``resolve_merged``: the API's 301). ``split(merge)`` gives ``other`` back. The
command ``merge_exercises`` and the admin's actions call these and hold no rule of their own.

What is kept: everything of both.

- Participations: where both name the same state, the kept exercise's participation stays and the
  other's citations move onto it: one participant, attested by both sources. Its role and notes stay;
  only empty ones are filled from the other's. A state only the other names moves over. Organisations
  taking part as a body alike.
- Troop figures, forces, scenarios move. A ``key`` the kept exercise already uses gets a suffix
  (``-2``, ``-3`` ...). Where both report a figure for the same scope (the whole exercise, or one
  state), the kept one stays the reported figure and the other's is no longer flagged.
- Places: the other's are added to the kept exercise's.
- The citations of the exercise itself, the sources' records (external identifiers), alternative names,
  relations and phases move. A relation between the two is dropped; a relation both have to a third
  exercise becomes one, with the citations of both; an alternative name both have becomes one.
- The other's name becomes an alternative name of the kept exercise (note "merged from <slug>"), unless
  it is the kept exercise's name, already one of its names, or only a description (``name_is_descriptive``).
- The kept exercise's own fields stay; the other fills only gaps: its name where the kept one's is only
  a description, dates (and their precision) the kept one does not know (unless they would end the
  exercise before it starts), its year where the kept exercise has no date and no year, and an empty
  series, purpose or description. A gap filled in a field an import keeps in step makes the kept
  exercise's fields the analyst's (``curated_from`` emptied, ``services.keep_analyst_edit``), so no
  later import undoes the merge's values; undoing the merge restores the source it followed.
- Possible duplicates: the pair of the two is marked merged; since a pair is deleted with either of its
  exercises, that leaves a history record (status merged, then deleted) and the snapshot. Pairs of the
  other with a third exercise now pair the kept one with it, or are deleted where that pair exists.
- Earlier merges into the other now point at the kept exercise, so chains resolve in one step.

A merge refuses an exercise with itself, and an exercise with one of its phases (at any depth).

``ExerciseMerge.snapshot`` holds what undoing needs: the other's row (Django's serialization), the kept
exercise's prior values where gaps were filled, the rows moved (and their old keys and flags), the rows
combined or deleted (serialized, with the citations that moved), the places and the name added. Every
row written keeps its history (django-simple-history), with the change reason "merged from <slug>".

The other's deletion is recorded for the deletions feed as a merge (``Removal.merged_into``: the kept
exercise's slug); rows deleted as duplicates are recorded as deleted, rows moved are not.

Undoing (``split``) recreates the other with its id, slug and fields (its ``updated_at`` new, its
deletion record and those of the rows recreated with it dropped), moves back what is still where the
merge put it, recreates the combined and deleted rows with their ids (their citations moved back), gives
back the old keys and flags, removes the name and the places added, reopens the pair, and restores the
kept exercise's values that the merge filled in and no one changed since. Rows deleted since the merge
are skipped. A split is refused once undone, while the other's slug belongs to a new exercise, and while
the kept exercise is itself merged into another (undo that merge first: merges are undone in reverse).
"""

import datetime as dt
import json
from collections.abc import Iterable

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from exercises import dates, services
from exercises.models import (
    Citation,
    Exercise,
    ExerciseMerge,
    ExerciseName,
    ExerciseRelation,
    ExternalIdentifier,
    Force,
    OrganisationParticipation,
    Participation,
    PossibleDuplicate,
    Removal,
    Scenario,
    TroopFigure,
)

__all__ = ["MergeError", "describe", "merge_exercises", "resolve_merged", "split"]

#: The snapshot's layout; a split reads only snapshots it knows.
SNAPSHOT_VERSION = 1

#: Participants kept once per exercise: (model, what it is unique by, the citation's field for it).
PARTICIPANTS = {
    "participation": (Participation, "state", "participation"),
    "organisation_participation": (OrganisationParticipation, "organisation", "organisation_participation"),
}
#: Parts with a ``key`` unique within their exercise.
KEYED = {"troop_figure": TroopFigure, "force": Force, "scenario": Scenario}
#: Rows that simply move with their ``exercise`` (alternative names too, where the kept one has not the same).
MOVED = {"citation": Citation, "external_identifier": ExternalIdentifier}

#: Every relation to an exercise, and who handles it here (tests/test_merges.py checks none is missed).
HANDLED_RELATIONS = {
    "participations",
    "organisation_participations",
    "troop_figures",
    "forces",
    "scenarios",
    "citations",
    "external_ids",
    "alternative_names",
    "relations_from",
    "relations_to",
    "phases",
    "merges",
    "possibleduplicate",  # first and second (related_name "+")
    "locations",
}

#: The kept exercise's text fields the other fills when empty.
FILLED_TEXTS = ("series", "purpose", "description")
DATE_FIELDS = (("start_date", "start_precision"), ("end_date", "end_precision"))

#: What deleting the other may take with it, everything else having moved.
DELETED_WITH_OTHER = {"exercises.Exercise", "exercises.Exercise_locations", "exercises.PossibleDuplicate"}


class MergeError(Exception):
    """Why two exercises cannot be merged, or a merge cannot be undone: one line, for a person."""


def merge_exercises(keep: Exercise, other: Exercise, *, by: str = "", reason: str = "") -> ExerciseMerge:
    """Fold ``other`` into ``keep`` (the rule: this module's docstring), in one transaction; ``by``: who
    merged (a user name), ``reason``: why. Returns the merge, which ``split`` undoes."""
    if keep.pk == other.pk:
        raise MergeError(f"Cannot merge {keep.slug} with itself.")
    if len(reason) > ExerciseMerge._meta.get_field("reason").max_length:
        raise MergeError("The reason is too long: at most 300 characters.")
    with transaction.atomic():
        locked = {
            e.pk: e for e in Exercise.objects.select_for_update().filter(pk__in=[keep.pk, other.pk]).order_by("pk")
        }
        for wanted in (keep, other):
            if wanted.pk not in locked:
                raise MergeError(f"No exercise {wanted.slug} any more (deleted or merged meanwhile).")
        keep, other = locked[keep.pk], locked[other.pk]
        _refuse_phases(keep, other)
        if ExerciseMerge.objects.filter(other_slug=other.slug, undone_at__isnull=True).exists():
            raise MergeError(
                f"The slug {other.slug} still answers for an exercise merged earlier: give this one another slug first."
            )
        merge = _Merge(keep, other).run()
        # Its deletion was recorded (the deletions feed): a merge, into the kept exercise.
        Removal.objects.filter(
            kind=Removal.Kind.EXERCISE, object_id=merge.other_id, slug=merge.other_slug, merged_into=""
        ).update(merged_into=keep.slug)
        merge.merged_by, merge.reason = by[:150], reason
        merge.save()
        services.refresh_derived([keep.pk])
    return merge


def split(merge: ExerciseMerge, *, by: str = "") -> Exercise:
    """Undo ``merge``: the other exercise back as it was, with its id and slug (the rule: this module's
    docstring), in one transaction. Returns the exercise split off."""
    with transaction.atomic():
        merge = ExerciseMerge.objects.select_for_update().select_related("kept").filter(pk=merge.pk).first()
        if merge is None:
            raise MergeError("No such merge.")
        snapshot = merge.snapshot
        if merge.undone_at is not None:
            raise MergeError(
                f"The merge of {merge.other_slug} was undone already, at {merge.undone_at:%Y-%m-%d %H:%M}."
            )
        if snapshot.get("version") != SNAPSHOT_VERSION:
            raise MergeError(f"The merge of {merge.other_slug} has no snapshot this version can undo.")
        if merge.kept_id != snapshot["kept"]["id"]:
            raise MergeError(
                f"{snapshot['kept']['slug']} has since been merged into {merge.kept.slug}: undo that merge first."
            )
        if Exercise.objects.filter(Q(slug=merge.other_slug) | Q(pk=merge.other_id)).exists():
            raise MergeError(f"The slug {merge.other_slug} (or its id) is taken by another exercise since the merge.")
        keep = Exercise.objects.select_for_update().get(pk=merge.kept_id)
        other = _Split(merge, keep, by).run()
        merge.undone_at = timezone.now()
        merge.save(update_fields=["undone_at"])
        services.refresh_derived([keep.pk, other.pk])
    return other


def resolve_merged(slug: str) -> Exercise | None:
    """The exercise a merged slug lives in now, or None if no live merge took it.

    A chain (A merged into B, then B into C) is followed when it forms: merging B re-points the merges
    into B at C, so A resolves to C in one query (and to B again once B is split off)."""
    merge = ExerciseMerge.objects.filter(other_slug=slug, undone_at__isnull=True).select_related("kept").first()
    return merge.kept if merge is not None else None


def describe(merge: ExerciseMerge) -> str:
    """What a merge did, in a line: "Merged x into y: 5 participations combined, 2 moved ..."."""
    snapshot = merge.snapshot
    moved, combined = snapshot["moved"], snapshot["combined"]
    counts = [
        (len(combined["participation"]), "participation combined", "participations combined"),
        (len(moved["participation"]), "participation moved", "participations moved"),
        (
            len(combined["organisation_participation"]) + len(moved["organisation_participation"]),
            "organisation taking part",
            "organisations taking part",
        ),
        (len(moved["troop_figure"]), "troop figure", "troop figures"),
        (len(moved["force"]), "force", "forces"),
        (len(moved["scenario"]), "scenario", "scenarios"),
        (len(snapshot["added_locations"]), "place added", "places added"),
        (len(moved["citation"]), "citation of the exercise", "citations of the exercise"),
        (len(moved["external_identifier"]), "source record", "source records"),
        (len(moved["phase"]), "phase", "phases"),
        (sum(len(keys) for keys in snapshot["renamed"].values()), "key renamed", "keys renamed"),
        (len(snapshot["unreported"]), "reported figure now another figure", "reported figures now other figures"),
    ]
    parts = [f"{n} {one if n == 1 else many}" for n, one, many in counts if n]
    if snapshot["kept"]["filled"]:
        parts.append("filled in: " + ", ".join(snapshot["kept"]["filled"]))
    return f"Merged {merge.other_slug} into {snapshot['kept']['slug']}: {', '.join(parts) or 'nothing to move'}."


# -- Merging ---------------------------------------------------------------------------------------------
def _refuse_phases(keep: Exercise, other: Exercise) -> None:
    for phase, whole in ((keep, other), (other, keep)):
        if whole.pk in _ancestors(phase):
            raise MergeError(f"{phase.slug} is a phase of {whole.slug}: an exercise cannot be merged with its phase.")


def _ancestors(exercise: Exercise) -> set[int]:
    found, parent = set(), exercise.parent_id
    while parent is not None and parent not in found:
        found.add(parent)
        parent = Exercise.objects.filter(pk=parent).values_list("parent_id", flat=True).first()
    return found


class _Merge:
    """One merge being made: the steps write the rows and record in ``snapshot`` how to undo each."""

    def __init__(self, keep: Exercise, other: Exercise):
        self.keep, self.other = keep, other
        self.note = f"merged from {other.slug}"[:100]
        self.snapshot = {
            "version": SNAPSHOT_VERSION,
            "kept": {"id": keep.pk, "slug": keep.slug, "filled": {}},
            "other": _dump([other])[0],
            "moved": {
                name: [] for name in [*PARTICIPANTS, *KEYED, *MOVED, "name", "relation", "phase", "merge", "pair"]
            },
            "renamed": {name: [] for name in KEYED},
            "unreported": [],
            "combined": {"participation": [], "organisation_participation": [], "relation": []},
            "removed": {"name": [], "relation": [], "pair": []},
            "added_name": None,
            "added_locations": [],
            "merged_pair": None,
        }

    def run(self) -> ExerciseMerge:
        # The kept row first: the parts' saves raise its version in the database after this.
        self.fill_gaps()
        for name in PARTICIPANTS:
            self.participants(name)
        for name in KEYED:
            self.keyed(name)
        self.moved()
        self.names()
        self.relations()
        self.phases_and_merges()
        self.pairs()
        self.places()
        other_id = self.other.pk
        deleted = self.other.delete()[1]
        unexpected = {label for label, count in deleted.items() if count and label not in DELETED_WITH_OTHER}
        if unexpected:  # a relation this module does not know yet: nothing may vanish with the other
            raise MergeError(f"Merging would delete rows of {', '.join(sorted(unexpected))}; nothing was merged.")
        return ExerciseMerge(kept=self.keep, other_slug=self.other.slug, other_id=other_id, snapshot=self.snapshot)

    def save(self, row, *fields):
        row._change_reason = self.note
        row.save(update_fields=fields)

    def delete(self, row):
        row._change_reason = self.note
        row.delete()

    def fill(self, row, other_row, fields) -> dict:
        """Empty ``fields`` of ``row`` taken from ``other_row``; returns {field: [before, after]}."""
        filled = {f: [getattr(row, f), getattr(other_row, f)] for f in fields if not getattr(row, f)}
        filled = {f: values for f, values in filled.items() if values[1]}
        for field, (_, value) in filled.items():
            setattr(row, field, value)
        if filled:
            self.save(row, *filled)
        return _jsonable(filled)

    def fill_gaps(self):
        keep, other = self.keep, self.other
        values = {}
        if keep.name_is_descriptive and not other.name_is_descriptive:
            values |= {"name": other.name, "name_is_descriptive": False}
        for date, precision in DATE_FIELDS:
            if getattr(keep, date) is None and getattr(other, date) is not None:
                values |= {date: getattr(other, date), precision: getattr(other, precision)}
        if not _in_order({**_dates_of(keep), **values}):
            values = {f: v for f, v in values.items() if f not in {f for pair in DATE_FIELDS for f in pair}}
        undated = not any(values.get(date) or getattr(keep, date) for date, _ in DATE_FIELDS)
        if undated and keep.year is None and other.year is not None:
            values["year"] = other.year
        for field in FILLED_TEXTS:
            if not getattr(keep, field) and getattr(other, field):
                values[field] = getattr(other, field)
        if not values:
            return
        if keep.curated_from_id and set(values) & set(services.CURATED_FIELDS):
            # Filled in by an analyst's merge: no later import of the source it followed undoes that.
            values["curated_from_id"] = None
        tracked = [*values, *(["year"] if "year" not in values else [])]  # dates filled in change the year
        before = {field: getattr(keep, field) for field in tracked}
        for field, value in values.items():
            setattr(keep, field, value)
        services.derive_dates(keep)
        filled = {f: [before[f], getattr(keep, f)] for f in tracked if getattr(keep, f) != before[f]}
        self.snapshot["kept"]["filled"] = _jsonable(filled)
        keep._change_reason = self.note
        keep.save(update_fields=[*values, *services.DERIVED_DATES])

    def participants(self, name):
        model, unique_by, cited_as = PARTICIPANTS[name]
        column = f"{unique_by}_id"
        mine = {getattr(row, column): row for row in model.objects.filter(exercise=self.keep)}
        for row in model.objects.filter(exercise=self.other).order_by("pk"):
            into = mine.get(getattr(row, column))
            if into is None:
                row.exercise = self.keep
                self.save(row, "exercise")
                self.snapshot["moved"][name].append(row.pk)
                continue
            citations = list(Citation.objects.filter(**{cited_as: row}).order_by("pk"))
            for citation in citations:
                setattr(citation, cited_as, into)
                self.save(citation, cited_as)
            self.snapshot["combined"][name].append(
                {
                    "row": _dump([row])[0],
                    "into": into.pk,
                    "citations": [c.pk for c in citations],
                    "filled": self.fill(into, row, ("role", "notes")),
                }
            )
            self.delete(row)

    def keyed(self, name):
        model = KEYED[name]
        taken = set(model.objects.filter(exercise=self.keep).values_list("key", flat=True))
        reported = set(
            TroopFigure.objects.filter(exercise=self.keep, is_reported=True).values_list("state_id", flat=True)
        )
        for row in model.objects.filter(exercise=self.other).order_by("pk"):
            fields = ["exercise"]
            if row.key in taken:
                self.snapshot["renamed"][name].append([row.pk, row.key])
                row.key = _free_key(row.key, taken, model._meta.get_field("key").max_length)
                fields.append("key")
            taken.add(row.key)
            if name == "troop_figure" and row.is_reported and row.state_id in reported:
                self.snapshot["unreported"].append(row.pk)
                row.is_reported = False
                fields.append("is_reported")
            row.exercise = self.keep
            self.save(row, *fields)
            self.snapshot["moved"][name].append(row.pk)

    def moved(self):
        for name, model in MOVED.items():
            for row in model.objects.filter(exercise=self.other).order_by("pk"):
                row.exercise = self.keep
                self.save(row, "exercise")
                self.snapshot["moved"][name].append(row.pk)

    def names(self):
        known = set(ExerciseName.objects.filter(exercise=self.keep).values_list("name", flat=True))
        for row in ExerciseName.objects.filter(exercise=self.other).order_by("pk"):
            if row.name in known:
                self.snapshot["removed"]["name"].append(_dump([row])[0])
                self.delete(row)
                continue
            row.exercise = self.keep
            self.save(row, "exercise")
            self.snapshot["moved"]["name"].append(row.pk)
            known.add(row.name)
        name = self.other.name
        if not self.other.name_is_descriptive and name != self.keep.name and name not in known:
            added = ExerciseName(exercise=self.keep, name=name, note=f"merged from {self.other.slug}"[:200])
            added._change_reason = self.note
            added.save()
            self.snapshot["added_name"] = added.pk

    def relations(self):
        for side, far in (("from_exercise", "to_exercise"), ("to_exercise", "from_exercise")):
            for row in ExerciseRelation.objects.filter(**{side: self.other}).order_by("pk"):
                far_id = getattr(row, f"{far}_id")
                if far_id == self.keep.pk:  # the two were linked: as one exercise, the link has no sense
                    citations = _dump(Citation.objects.filter(relation=row).order_by("pk"))
                    self.snapshot["removed"]["relation"].append({"row": _dump([row])[0], "citations": citations})
                    self.delete(row)
                    continue
                twin = ExerciseRelation.objects.filter(
                    **{side: self.keep, f"{far}_id": far_id, "kind": row.kind}
                ).first()
                if twin is None:
                    setattr(row, side, self.keep)
                    self.save(row, side)
                    self.snapshot["moved"]["relation"].append([row.pk, side])
                    continue
                citations = list(Citation.objects.filter(relation=row).order_by("pk"))
                for citation in citations:
                    citation.relation = twin
                    self.save(citation, "relation")
                self.snapshot["combined"]["relation"].append(
                    {
                        "row": _dump([row])[0],
                        "into": twin.pk,
                        "citations": [c.pk for c in citations],
                        "filled": self.fill(twin, row, ("note",)),
                    }
                )
                self.delete(row)

    def phases_and_merges(self):
        for phase in Exercise.objects.filter(parent=self.other).order_by("pk"):
            phase.parent = self.keep
            self.save(phase, "parent")
            self.snapshot["moved"]["phase"].append(phase.pk)
        # Deleting the other would delete the merges into it (and their snapshots) with it.
        earlier = list(ExerciseMerge.objects.filter(kept=self.other).values_list("pk", flat=True))
        ExerciseMerge.objects.filter(pk__in=earlier).update(kept=self.keep)
        self.snapshot["moved"]["merge"] = earlier

    def pairs(self):
        first, second = sorted((self.keep.pk, self.other.pk))
        pair = PossibleDuplicate.objects.filter(first_id=first, second_id=second).first()
        if pair is not None:
            pair.status = PossibleDuplicate.Status.MERGED
            self.save(pair, "status")  # then deleted with the other: its history keeps "merged"
            self.snapshot["merged_pair"] = _dump([pair])[0]
        others = PossibleDuplicate.objects.filter(Q(first=self.other) | Q(second=self.other))
        for row in others.exclude(pk=getattr(pair, "pk", None)).order_by("pk"):
            third = row.second_id if row.first_id == self.other.pk else row.first_id
            first, second = sorted((self.keep.pk, third))
            if PossibleDuplicate.objects.filter(first_id=first, second_id=second).exists():
                self.snapshot["removed"]["pair"].append(_dump([row])[0])
                self.delete(row)
                continue
            self.snapshot["moved"]["pair"].append([row.pk, row.first_id, row.second_id])
            row.first_id, row.second_id = first, second
            self.save(row, "first", "second")

    def places(self):
        mine = set(self.keep.locations.values_list("pk", flat=True))
        added = sorted(set(self.other.locations.values_list("pk", flat=True)) - mine)
        self.keep.locations.add(*added)
        self.snapshot["added_locations"] = added


# -- Undoing ---------------------------------------------------------------------------------------------
class _Split:
    """One merge being undone, from its snapshot."""

    def __init__(self, merge: ExerciseMerge, keep: Exercise, by: str):
        self.merge, self.keep, self.snapshot = merge, keep, merge.snapshot
        self.note = (f"merge into {keep.slug} undone" + (f" by {by}" if by else ""))[:100]

    def run(self) -> Exercise:
        snapshot = self.snapshot
        self.other = other = self.recreate(snapshot["other"])
        for name, (model, _, cited_as) in PARTICIPANTS.items():
            self.move_back(model, snapshot["moved"][name])
            self.uncombine(model, cited_as, snapshot["combined"][name])
        for name, model in KEYED.items():
            self.move_back(model, snapshot["moved"][name], renamed=dict(snapshot["renamed"][name]))
        for name, model in MOVED.items():
            self.move_back(model, snapshot["moved"][name])
        self.move_back(ExerciseName, snapshot["moved"]["name"])
        for data in snapshot["removed"]["name"]:
            self.recreate(data)
        for added in ExerciseName.objects.filter(pk=snapshot["added_name"], exercise=self.keep):
            added._change_reason = self.note
            added.delete()
        self.relations()
        for phase in Exercise.objects.filter(pk__in=snapshot["moved"]["phase"], parent=self.keep):
            phase.parent = other
            self.save(phase, "parent")
        ExerciseMerge.objects.filter(pk__in=snapshot["moved"]["merge"], kept=self.keep).update(kept=other)
        self.pairs()
        self.keep.locations.remove(*snapshot["added_locations"])
        self.restore_kept()
        return other

    def save(self, row, *fields):
        row._change_reason = self.note
        row.save(update_fields=fields)

    def recreate(self, data: dict):
        """A row of the snapshot, with its id; None where a row it needs is gone (an optional link to a
        row deleted since is left empty)."""
        [item] = serializers.deserialize("python", [data], ignorenonexistent=True)
        row = item.object
        for field in row._meta.concrete_fields:
            value = getattr(row, field.attname)
            if field.is_relation and value is not None and not _exists(field.related_model, value):
                if not field.null:
                    return None
                setattr(row, field.attname, None)
        stamped = {
            f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if getattr(f, "auto_now_add", False)
        }
        row._change_reason = self.note
        row.save(force_insert=True)  # updated_at: now, so that clients fetching changes get it back
        if type(row) in Removal.KINDS:  # back: the deletions feed no longer says it is gone
            kind = Removal.KINDS[type(row)][0]
            Removal.objects.filter(kind=kind, object_id=row.pk).delete()
        if stamped:  # saving stamps the time of the split: the row's own times back
            type(row)._base_manager.filter(pk=row.pk).update(**stamped)
        for name, pks in item.m2m_data.items():
            relation = getattr(row, name)
            relation.set(relation.model._base_manager.filter(pk__in=pks))
        return row

    def move_back(self, model, pks: Iterable[int], renamed: dict | None = None):
        renamed = renamed or {}
        unreported = set(self.snapshot["unreported"]) if model is TroopFigure else set()
        for row in model.objects.filter(pk__in=list(pks), exercise=self.keep).order_by("pk"):
            fields = ["exercise"]
            row.exercise = self.other
            if row.pk in renamed:
                row.key = renamed[row.pk]
                fields.append("key")
            if row.pk in unreported:
                row.is_reported = True
                fields.append("is_reported")
            self.save(row, *fields)

    def uncombine(self, model, cited_as: str, entries: list[dict]):
        for entry in entries:
            row = self.recreate(entry["row"])
            if row is None:
                continue
            for citation in Citation.objects.filter(pk__in=entry["citations"], **{f"{cited_as}_id": entry["into"]}):
                setattr(citation, cited_as, row)
                self.save(citation, cited_as)
            into = model.objects.filter(pk=entry["into"]).first()
            if into is not None and (changed := _unfill(into, entry["filled"])):
                self.save(into, *changed)

    def relations(self):
        for entry in self.snapshot["removed"]["relation"]:
            if self.recreate(entry["row"]) is not None:
                for data in entry["citations"]:
                    self.recreate(data)
        for pk, side in self.snapshot["moved"]["relation"]:
            row = ExerciseRelation.objects.filter(pk=pk, **{side: self.keep}).first()
            if row is not None:
                setattr(row, side, self.other)
                self.save(row, side)
        self.uncombine(ExerciseRelation, "relation", self.snapshot["combined"]["relation"])

    def pairs(self):
        for pk, first, second in self.snapshot["moved"]["pair"]:
            row = PossibleDuplicate.objects.filter(pk=pk).first()
            if row is not None:
                row.first_id, row.second_id = first, second
                self.save(row, "first", "second")
        for data in self.snapshot["removed"]["pair"]:
            self.recreate(data)
        if self.snapshot["merged_pair"]:
            pair = self.recreate(self.snapshot["merged_pair"])
            if pair is not None:
                pair.status = PossibleDuplicate.Status.OPEN
                self.save(pair, "status")

    def restore_kept(self):
        filled = self.snapshot["kept"]["filled"]
        if not filled:
            return
        self.keep.refresh_from_db()  # its parts' saves raised its version
        changed = _unfill(self.keep, filled)
        if changed:
            self.keep._change_reason = self.note
            self.keep.save(update_fields=[*changed, *services.DERIVED_DATES])


# -- Helpers ---------------------------------------------------------------------------------------------
class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder, but times to the microsecond: it cuts them to milliseconds, so an undone merge
    gave a row back a creation time that was not its own (and a time within a millisecond's first
    microseconds came back with no fraction at all)."""

    def default(self, o):
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def _dump(rows: Iterable[models.Model]) -> list[dict]:
    """Rows as JSON-ready dicts (Django's serialization, with ids), as the snapshot holds them."""
    return json.loads(serializers.serialize("json", rows, cls=ExactJSONEncoder))


def _jsonable(value):
    return json.loads(json.dumps(value, cls=ExactJSONEncoder))


def _dates_of(exercise: Exercise) -> dict:
    return {f: getattr(exercise, f) for pair in DATE_FIELDS for f in pair}


def _in_order(values: dict) -> bool:
    """Whether the dates do not end the exercise before it starts."""
    start, end = values["start_date"], values["end_date"]
    if start is None or end is None:
        return True
    return dates.period_end(end, values["end_precision"]) >= dates.truncate(start, values["start_precision"])


def _exists(model, pk) -> bool:
    return model._base_manager.filter(pk=pk).exists()


def _unfill(row, filled: dict) -> list[str]:
    """Give ``row`` back the values a merge filled in (``{field: [before, after]}``) where no one has
    changed them since; returns the fields set."""
    changed = []
    for name, (before, after) in filled.items():
        field = row._meta.get_field(name)
        if getattr(row, name) == field.to_python(after):
            setattr(row, name, field.to_python(before))
            changed.append(name)
    return changed


def _free_key(key: str, taken: set[str], max_length: int) -> str:
    """``key`` with the first suffix (-2, -3 ...) not in ``taken``."""
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = key[: max_length - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        number += 1
