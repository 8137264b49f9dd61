"""Writing the plans: the database brought in line with the file, in bulk, only where it differs.

Identity
    An exercise is found again by ``ExternalIdentifier(source=mme-v7, identifier=MMEID)``; its slug
    (``mme87-readex-1-80``) is set when it is created and then kept.

Places
    Each place is one Location, slug ``mme-<text>`` (``-2``, ``-3`` for the same text with other
    coordinates, in coordinate order). A text that is a state's name is kind "country" with that state;
    any other text is a "site" without a state (an analyst can place it). Places no row names any more,
    and nothing else uses, are deleted.

Ownership
    Participations, organisation participations and places that carry a citation of ``mme-v7``, and
    troop figures keyed ``mme-troops-*``, are the importer's; only those are removed when a corrected
    file no longer lists them, so analysts' own records on the same exercises stay. Exercises imported
    before but not in the file are left as they are (the summary counts them).
"""

from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm

from exercises import services
from exercises.choices import FigureBasis, LocationKind
from exercises.importers.citations import CITATION_FIELDS, citation, cited_ids, held_citations
from exercises.importers.mme.plan import Plan
from exercises.importers.mme.read import FLAG_COLUMNS, MMEImportError, Place, Row
from exercises.importers.sync import BATCH, replace_groups, sync
from exercises.models import (
    Citation,
    Exercise,
    ExternalIdentifier,
    Location,
    Organisation,
    OrganisationParticipation,
    Participation,
    Source,
    State,
    TroopFigure,
)

EXERCISE_FIELDS = (
    "name",
    "name_is_descriptive",
    "series",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
    *FLAG_COLUMNS.values(),
    "description",
    "participants_note",
    "troops_text",
    "needs_review",
    "review_notes",
)
FIGURE_FIELDS = ("low", "high", "qualifier", "basis", "is_reported", "is_extracted", "note")
FIGURE_KEY = "mme-troops-"
LOCATION_FIELDS = ("name", "kind", "state_id", "latitude", "longitude")
PLACE_SLUG = "mme-"


def exercise_slug(row: Row) -> str:
    """``mme87-readex-1-80``: the identifier keeps it unique, the name makes it readable."""
    name = "" if row.fields["name_is_descriptive"] else slugify(row.fields["name"])
    slug = f"{row.identifier.lower()}-{name or 'unnamed'}"
    return slug[: Exercise._meta.get_field("slug").max_length].rstrip("-")


def place_slugs(places: Iterable[Place]) -> dict[Place, str]:
    """``mme-<text>`` per place; the same text with other coordinates gets -2, -3 in coordinate order."""
    by_base = defaultdict(set)
    for place in places:
        # At most 95 characters with a suffix: the slug is also the place's citation key (100 at most).
        by_base[f"{PLACE_SLUG}{slugify(place.name)[:85].rstrip('-') or 'place'}"].add(place)
    slugs = {}
    for base, same in by_base.items():
        ordered = sorted(same, key=lambda p: (p.latitude is None, p.latitude or 0, p.longitude or 0, p.identity[0]))
        for number, place in enumerate(ordered, start=1):
            slugs[place] = base if number == 1 else f"{base}-{number}"
    return slugs


class Writer:
    """Brings the database in line with the plans (:func:`exercises.importers.sync.sync`) and records
    which exercises changed. Each step reads what the database holds for the source in one query."""

    def __init__(self, source: Source, plans: list[Plan], states: dict[str, State], place_states: dict[Place, State]):
        self.source = source
        self.plans = plans
        self.states = states
        self.place_states = place_states
        self.place_slugs = place_slugs({plan.row.place for plan in plans if plan.row.place})
        self.exercise_ids: dict[str, int] = {}  # identifier -> Exercise pk
        self.identifiers: dict[int, str] = {}  # Exercise pk -> identifier
        self.created: set[str] = set()
        self.changed: set[str] = set()
        self.written: Counter = Counter()
        self.not_in_file = 0
        self.location_ids: dict[str, int] = {}
        self.owned_locations: set[int] = set()
        self.organisation_ids: dict[str, int] = {}
        self.member_ids: dict[str, dict[tuple[int, int], int]] = {}
        self.figure_ids: dict[tuple[int, str], int] = {}
        self.figure_exercises: set[int] = set()
        self.reported_figures = 0

    def run(self, progress: bool) -> None:
        steps = [
            self.write_exercises,
            self.write_locations,
            self.write_participations,
            self.write_organisation_participations,
            self.write_figures,
            self.write_location_links,
            self.delete_orphan_locations,
            self.write_citations,
            self.refresh_derived,
        ]
        for step in tqdm(steps, desc="Writing MME v7", unit="step", disable=not progress):
            step()

    def mark(self, exercise_id: int) -> None:
        """Count the exercise as updated (unless it was created in this run)."""
        self.changed.add(self.identifiers[exercise_id])

    def of_source(self, model):
        """The ``model`` rows of exercises that have an identifier from the source."""
        return model.objects.filter(exercise__external_ids__source=self.source)

    # Exercises ---------------------------------------------------------------------------------
    def write_exercises(self) -> None:
        known = dict(ExternalIdentifier.objects.filter(source=self.source).values_list("identifier", "exercise_id"))
        rows = Exercise.objects.filter(external_ids__source=self.source).values("pk", "parent_id", *EXERCISE_FIELDS)
        by_pk = {values["pk"]: values for values in rows}
        held = {identifier: by_pk[pk] for identifier, pk in known.items()}
        wanted = {}
        for plan in self.plans:
            row = plan.row
            created = row.identifier not in held
            wanted[row.identifier] = {"slug": exercise_slug(row), **row.fields} if created else row.fields

        def derive(exercise: Exercise, held_values: dict | None) -> None:
            if held_values:
                exercise.parent_id = held_values["parent_id"]
            services.derive_dates(exercise)  # bulk writes skip the pre_save receiver that does this

        changes = sync(
            Exercise,
            wanted,
            held,
            fields=EXERCISE_FIELDS,
            prepare=derive,
            update_fields=[*EXERCISE_FIELDS, *services.DERIVED_DATES],
        )
        ExternalIdentifier.objects.bulk_create(
            [ExternalIdentifier(exercise_id=changes.ids[i], source=self.source, identifier=i) for i in changes.created],
            batch_size=BATCH,
        )
        self.exercise_ids = changes.ids
        self.identifiers = {pk: identifier for identifier, pk in self.exercise_ids.items()}
        self.created = set(changes.created)
        self.changed.update(changes.updated)
        self.not_in_file = len(changes.left)
        self.written.update(changes.counts("exercises"))

    # Places ------------------------------------------------------------------------------------
    def location_fields(self, place: Place) -> dict:
        state = self.place_states.get(place)
        return {
            "name": place.name,
            "kind": LocationKind.COUNTRY if state else LocationKind.SITE,
            "state_id": state.pk if state else None,
            "latitude": place.latitude,
            "longitude": place.longitude,
        }

    def write_locations(self) -> None:
        held = {
            values["slug"]: values
            for values in Location.objects.filter(slug__startswith=PLACE_SLUG).values("pk", "slug", *LOCATION_FIELDS)
        }
        wanted = {slug: {"slug": slug, **self.location_fields(place)} for place, slug in self.place_slugs.items()}
        changes = sync(Location, wanted, held, fields=LOCATION_FIELDS)
        if changes.updated:  # the rows held at a changed place changed too
            places = {slug: place for place, slug in self.place_slugs.items()}
            rows_at = defaultdict(list)
            for plan in self.plans:
                rows_at[plan.row.place].append(plan.row.identifier)
            for slug in changes.updated:
                self.changed.update(rows_at[places[slug]])
        self.location_ids = changes.ids
        self.owned_locations = cited_ids(self.source, "location") | set(self.location_ids.values())
        self.written.update(changes.counts("places"))

    def write_location_links(self) -> None:
        through = Exercise.locations.through
        held = {
            (values["exercise_id"], values["location_id"]): values
            for values in through.objects.filter(exercise__external_ids__source=self.source).values(
                "pk", "exercise_id", "location_id"
            )
            if values["location_id"] in self.owned_locations and values["exercise_id"] in self.identifiers
        }
        links = {
            (self.exercise_ids[plan.row.identifier], self.location_ids[self.place_slugs[plan.row.place]])
            for plan in self.plans
            if plan.row.place
        }
        wanted = {(e, loc): {"exercise_id": e, "location_id": loc} for e, loc in sorted(links)}
        changes = sync(through, wanted, held, fields=(), removable=lambda values: True)
        for exercise_id, _ in changes.created + changes.removed:
            self.mark(exercise_id)
        self.written.update(changes.counts("place links", created="added"))

    def delete_orphan_locations(self) -> None:
        """Delete places the importer made that no row names any more and nothing else uses."""
        orphans = self.owned_locations - set(self.location_ids.values())
        unused = Location.objects.filter(pk__in=orphans, exercises__isnull=True, scenarios__isnull=True)
        self.written["places deleted"] += unused.delete()[1].get(Location._meta.label, 0) if orphans else 0

    # Participants ------------------------------------------------------------------------------
    def sync_members(self, model, target: str, member: str, wanted: dict[tuple[int, int], str]) -> None:
        """Make the ``model`` rows (one per exercise and ``member``) those in ``wanted`` (key -> notes)."""
        owned = cited_ids(self.source, target)
        held = {
            (values["exercise_id"], values[f"{member}_id"]): values
            for values in self.of_source(model).values("pk", "exercise_id", f"{member}_id", "notes")
            if values["exercise_id"] in self.identifiers  # exercises not in this file are left alone
        }
        rows = {(e, m): {"exercise_id": e, f"{member}_id": m, "notes": notes} for (e, m), notes in wanted.items()}
        changes = sync(model, rows, held, fields=("notes",), removable=lambda values: values["pk"] in owned)
        for exercise_id, _ in changes.created + changes.updated + changes.removed:
            self.mark(exercise_id)
        self.member_ids[target] = changes.ids
        self.written.update(changes.counts(target.replace("_", " ") + "s"))

    def write_participations(self) -> None:
        wanted = {
            (self.exercise_ids[plan.row.identifier], self.states[code].pk): "; ".join(listing.notes)
            for plan in self.plans
            for code, listing in plan.participants.states.items()
        }
        self.sync_members(Participation, "participation", "state", wanted)

    def write_organisation_participations(self) -> None:
        acronyms = {acronym for plan in self.plans for acronym in plan.participants.organisations}
        self.organisation_ids = dict(Organisation.objects.filter(acronym__in=acronyms).values_list("acronym", "pk"))
        if missing := sorted(acronyms - set(self.organisation_ids)):
            missing = ", ".join(missing)
            raise MMEImportError(
                f"The organisations {missing} are missing: load them with `manage.py loaddata organisations`."
            )
        wanted = {
            (self.exercise_ids[plan.row.identifier], self.organisation_ids[acronym]): ""
            for plan in self.plans
            for acronym in plan.participants.organisations
        }
        self.sync_members(OrganisationParticipation, "organisation_participation", "organisation", wanted)

    # Troop figures -----------------------------------------------------------------------------
    def wanted_figures(self, plan: Plan, exercise_id: int, reported_elsewhere: bool) -> dict[str, dict]:
        """The figure rows for one exercise, by key; one is reported only if it is the single whole one."""
        figures = plan.row.figures
        reported = len(figures) == 1 and figures[0].whole and not reported_elsewhere
        self.reported_figures += reported
        wanted = {}
        for number, figure in enumerate(figures, start=1):
            low, high = figure.bounds
            wanted[f"{FIGURE_KEY}{number}"] = {
                "exercise_id": exercise_id,
                "key": f"{FIGURE_KEY}{number}",
                "low": low,
                "high": high,
                "qualifier": figure.qualifier,
                "basis": FigureBasis.REPORTED,
                "is_reported": reported,
                "is_extracted": True,
                "note": f'Extracted from MME {figure.column}: "{figure.phrase}"'[:300],
            }
        return wanted

    def write_figures(self) -> None:
        held = defaultdict(dict)
        reported_elsewhere = set()  # an analyst's reported figure stays the exercise's reported one
        for values in self.of_source(TroopFigure).values("pk", "exercise_id", "key", "state_id", *FIGURE_FIELDS):
            if values["key"].startswith(FIGURE_KEY):
                held[values["exercise_id"]][values["key"]] = values
            elif values["is_reported"] and values["state_id"] is None:
                reported_elsewhere.add(values["exercise_id"])
        wanted = {}
        for plan in self.plans:
            exercise_id = self.exercise_ids[plan.row.identifier]
            wanted[exercise_id] = self.wanted_figures(plan, exercise_id, exercise_id in reported_elsewhere)
        # An exercise's figures are replaced as a whole: no swap of the one reported figure can collide.
        changes = replace_groups(TroopFigure, wanted, held, fields=FIGURE_FIELDS)
        for exercise_id in changes.replaced:
            self.mark(exercise_id)
        self.figure_ids = changes.ids
        self.figure_exercises = set(changes.replaced)
        self.written.update({"troop figures created": changes.created, "troop figures removed": changes.removed})

    def refresh_derived(self) -> None:
        """Recompute reported troops where figures changed, and stamp the exercises this run changed
        (fields or parts) as edited, once each, through ``services.refresh_derived``.

        ``updated_at`` and the edit ``version`` are raised by ``save()`` and by the receivers on part
        saves; bulk writes bypass both, so a changed exercise gets them here, in the same UPDATE as its
        reported troops where both are due.
        """
        touched = {self.exercise_ids[identifier] for identifier in self.changed - self.created}
        stamp = {"updated_at": timezone.now(), "version": F("version") + 1}
        refigured = self.figure_exercises
        # A changed exercise's undated phases (an analyst's, MME has none) follow its new dates.
        services.refresh_derived(sorted(refigured - touched), fields=("troops",))
        services.refresh_derived(sorted(refigured & touched), fields=("phases", "troops"), **stamp)
        services.refresh_derived(sorted(touched - refigured), fields=("phases",), **stamp)

    # Citations ---------------------------------------------------------------------------------
    def wanted_citations(self) -> tuple[dict[str, dict], dict[str, str | None]]:
        """Every citation the plans call for, by key, and the identifier of the exercise each belongs to."""
        wanted, owners = {}, {}

        def cite(key, owner, target, target_id, words, locator):
            wanted[key] = {"source_id": self.source.pk, "key": key, **citation(target, target_id, words, locator)}
            owners[key] = owner

        first_row = {}
        for plan in self.plans:
            row, identifier = plan.row, plan.row.identifier
            exercise_id = self.exercise_ids[identifier]
            name = "" if row.fields["name_is_descriptive"] else row.fields["name"]
            cite(identifier, identifier, "exercise", exercise_id, name, row.locator)
            for code, listing in plan.participants.states.items():
                pk = self.member_ids["participation"][(exercise_id, self.states[code].pk)]
                locator = f"{row.locator} {', '.join(listing.columns)}"
                labels = "; ".join(listing.labels)
                cite(f"{identifier}-participation-{code}", identifier, "participation", pk, labels, locator)
            for acronym, listing in plan.participants.organisations.items():
                pk = self.member_ids["organisation_participation"][(exercise_id, self.organisation_ids[acronym])]
                locator = f"{row.locator} {', '.join(listing.columns)}"
                key = f"{identifier}-organisation-{acronym}"
                cite(key, identifier, "organisation_participation", pk, "; ".join(listing.labels), locator)
            for number, figure in enumerate(row.figures, start=1):
                pk = self.figure_ids[(exercise_id, f"{FIGURE_KEY}{number}")]
                locator = f"{row.locator} {figure.column}"
                cite(f"{identifier}-troops-{number}", identifier, "troop_figure", pk, figure.phrase, locator)
            if row.place:
                first_row.setdefault(row.place, row)
        for place, row in first_row.items():
            slug = self.place_slugs[place]
            cite(slug, None, "location", self.location_ids[slug], place.name, f"{row.locator} Location")
        return wanted, owners

    def write_citations(self) -> None:
        wanted, owners = self.wanted_citations()
        changes = sync(Citation, wanted, held_citations(self.source), fields=CITATION_FIELDS)
        self.changed.update(owners[key] for key in changes.created + changes.updated if owners[key])
        self.written.update(changes.counts("citations"))
