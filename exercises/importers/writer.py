"""Writing the plans of any data set: the database brought in line with the file, in bulk, only where
it differs, beside what other sources and analysts hold.

Identity and records
    A row is found again by its source record, ``ExternalIdentifier(source, identifier)``, which also
    keeps what the row says (``claims``). A row without one is matched against the exercises that have
    no record of this source yet (:mod:`exercises.importers.matching`): matched, it becomes a record of
    that exercise; otherwise a new exercise is created (slug ``mme87-readex-1-80``, kept afterwards)
    and the pairs the rule leaves unclear are listed for review (``PossibleDuplicate``), as are the
    file's own likely duplicates.

The exercise's own fields
    They follow one source: ``Exercise.curated_from``. An exercise an import creates follows that
    import's data set; an import that links a row to an exercise following a source of lower
    precedence (``Source.precedence``: MME before JME) takes it over; an exercise with no
    ``curated_from`` holds an analyst's values, which no import changes. So the fields are the same
    whichever data set came first.

Places
    Each place is one Location, slug ``<prefix>-<text>`` (``-2``, ``-3`` for the same text with other
    coordinates, in coordinate order). A text that is a state's name is kind "country" with that state;
    any other text is a "site" without a state (an analyst can place it). Places no row names any more,
    and nothing else uses, are deleted.

Ownership and shared records
    Participations, organisation participations and places that carry a citation of the source, and
    troop figures keyed ``<prefix>-troops-*``, are the importer's. A participant another source names
    too is one participation cited by both; a corrected file that no longer lists it removes only this
    source's citation, and the participation only when no other source attests it. Its notes follow
    the source of highest precedence among the data sets that cite it; an analyst's are never changed.
    Exercises imported before but not in the file are left as they are (the summary counts them).

Reported troops
    Of the data sets' figures, the reported one (when an analyst has not chosen one) is the single
    whole-exercise figure of the source of highest precedence that gives exactly one; an analyst's
    reported figure stays reported.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable

from django.utils.text import slugify
from tqdm import tqdm

from exercises import dates, services
from exercises.choices import FigureBasis, LocationKind
from exercises.importers import matching
from exercises.importers.citations import CITATION_FIELDS, citation, cited_ids, held_citations
from exercises.importers.datasets import DATASETS, Dataset, dataset_of_figure
from exercises.importers.report import DuplicatePair
from exercises.importers.rows import Place, Plan, Row
from exercises.importers.sync import BATCH, replace_groups, sync
from exercises.models import (
    Citation,
    Exercise,
    ExternalIdentifier,
    Location,
    Organisation,
    OrganisationParticipation,
    Participation,
    PossibleDuplicate,
    Source,
    State,
    TroopFigure,
)

EXERCISE_FIELDS = (*services.CURATED_FIELDS, "curated_from_id")
RECORD_FIELDS = ("exercise_id", "locator", "claims")
FIGURE_FIELDS = ("low", "high", "qualifier", "basis", "is_reported", "is_extracted", "note")
LOCATION_FIELDS = ("name", "kind", "state_id", "latitude", "longitude")


def exercise_slug(dataset: Dataset, row: Row) -> str:
    """``mme87-readex-1-80``: the identifier keeps it unique, the name makes it readable."""
    name = "" if row.fields["name_is_descriptive"] else slugify(row.fields["name"])
    slug = f"{dataset.slug_prefix}{row.identifier.lower()}-{name or 'unnamed'}"
    return slug[: Exercise._meta.get_field("slug").max_length].rstrip("-")


def place_slugs(dataset: Dataset, places: Iterable[Place]) -> dict[Place, str]:
    """``<prefix>-<text>`` per place; the same text with other coordinates gets -2, -3 in coordinate order."""
    by_base = defaultdict(set)
    for place in places:
        # At most 95 characters with a suffix: the slug is also the place's citation key (100 at most).
        by_base[f"{dataset.place_slug}{slugify(place.name)[:85].rstrip('-') or 'place'}"].add(place)
    slugs = {}
    for base, same in by_base.items():
        ordered = sorted(same, key=lambda p: (p.latitude is None, p.latitude or 0, p.longitude or 0, p.identity[0]))
        for number, place in enumerate(ordered, start=1):
            slugs[place] = base if number == 1 else f"{base}-{number}"
    return slugs


class Writer:
    """Brings the database in line with the plans (:func:`exercises.importers.sync.sync`) and records
    which exercises changed. Each step reads what the database holds for the source in one query."""

    def __init__(
        self,
        dataset: Dataset,
        source: Source,
        plans: list[Plan],
        states: dict[str, State],
        place_states: dict[Place, State],
        error: type[Exception],
    ):
        self.dataset = dataset
        self.source = source
        self.plans = plans
        self.states = states
        self.place_states = place_states
        self.error = error
        self.place_slugs = place_slugs(dataset, {place for plan in plans for place in plan.row.places})
        self.precedence = dict(Source.objects.values_list("pk", "precedence"))
        self.data_sets = {
            pk for pk, key in Source.objects.values_list("pk", "key") if key in {d.source_key for d in DATASETS}
        }
        self.exercise_ids: dict[str, int] = {}  # identifier -> Exercise pk
        self.identifiers: dict[int, str] = {}  # Exercise pk -> an identifier (the first row's)
        self.created: set[str] = set()
        self.linked: set[str] = set()
        self.changed: set[str] = set()
        self.review: list[tuple[str, int, str]] = []
        self.written: Counter = Counter()
        self.not_in_file = 0
        self.location_ids: dict[str, int] = {}
        self.owned_locations: set[int] = set()
        self.organisation_ids: dict[str, int] = {}
        self.member_ids: dict[str, dict[tuple[int, int], int]] = {}
        self.figure_ids: dict[tuple[int, str], int] = {}
        self.figure_exercises: set[int] = set()
        self.reported_figures = 0
        self.duplicates: list[DuplicatePair] = []  # the file's own likely duplicates, listed for review
        self.fields = set(plans[0].row.fields) if plans else set()

    def run(self, progress: bool) -> None:
        steps = [
            self.write_exercises,
            self.write_records,
            self.write_locations,
            self.write_participations,
            self.write_organisation_participations,
            self.write_figures,
            self.write_location_links,
            self.delete_orphan_locations,
            self.write_citations,
            self.write_possible_duplicates,
            self.refresh_derived,
        ]
        for step in tqdm(steps, desc=f"Writing {self.dataset.label}", unit="step", disable=not progress):
            step()

    def mark(self, exercise_id: int) -> None:
        """Count the exercise as updated (unless it was created in this run)."""
        if exercise_id in self.identifiers:
            self.changed.add(self.identifiers[exercise_id])

    def of_source(self, model):
        """The ``model`` rows of exercises that have a record of the source."""
        return model.objects.filter(exercise__external_ids__source=self.source).distinct()

    def outranks(self, source_id: int | None) -> bool:
        """Whether this source comes before ``source_id`` (a data set's or None) for an exercise's fields."""
        mine, theirs = self.precedence[self.source.pk], self.precedence.get(source_id)
        return theirs is not None and (mine, self.source.pk) < (theirs, source_id)

    # Exercises ---------------------------------------------------------------------------------
    def write_exercises(self) -> None:
        in_file = {plan.row.identifier for plan in self.plans}
        records = ExternalIdentifier.objects.filter(source=self.source).values_list("identifier", "exercise_id")
        known = {identifier: pk for identifier, pk in records if identifier in in_file}  # others are left alone
        unlinked = [plan for plan in self.plans if plan.row.identifier not in known]
        found = matching.match(unlinked, matching.exercise_sides(self.source)) if unlinked else None
        links = found.links if found else {}
        self.linked = set(links)
        attached = {**known, **links}  # identifier -> exercise already in the database
        # The fields this data set has (MME has no stated purpose): the others stay as they are.
        columns = [name for name in EXERCISE_FIELDS if name == "curated_from_id" or name in self.fields]
        rows = Exercise.objects.filter(pk__in=set(attached.values())).values("pk", "parent_id", *columns)
        by_pk = {values["pk"]: values for values in rows}
        held, wanted, curating = {}, {}, set()
        for plan in self.plans:
            row = plan.row
            own = {**row.fields, "curated_from_id": self.source.pk}
            pk = attached.get(row.identifier)
            if pk is None:
                wanted[row.identifier] = {"slug": exercise_slug(self.dataset, row), **own}
                continue
            current = by_pk[pk]
            follows = current["curated_from_id"] == self.source.pk or self.outranks(current["curated_from_id"])
            if follows and pk not in curating:  # one row's values per exercise (a merge can join two)
                curating.add(pk)
                held[row.identifier], wanted[row.identifier] = current, own

        def derive(exercise: Exercise, held_values: dict | None) -> None:
            if held_values:
                exercise.parent_id = held_values["parent_id"]
            services.derive_dates(exercise)  # bulk writes skip the pre_save receiver that does this

        changes = sync(
            Exercise,
            wanted,
            held,
            fields=columns,
            prepare=derive,
            update_fields=[*columns, *services.DERIVED_DATES],
        )
        self.exercise_ids = {**attached, **changes.ids}
        self.identifiers = {}
        for identifier, pk in self.exercise_ids.items():
            self.identifiers.setdefault(pk, identifier)
        self.created = set(changes.created)
        self.changed.update(changes.updated)
        self.changed.update(links)
        self.not_in_file = (
            ExternalIdentifier.objects.filter(source=self.source)
            .exclude(identifier__in=[plan.row.identifier for plan in self.plans])
            .count()
        )
        if found:
            self.review = [(identifier, pk, reason) for identifier, pk, reason in found.review]
        self.written.update(changes.counts("exercises"))
        if links:
            self.written["rows linked to an existing exercise"] += len(links)

    def write_records(self) -> None:
        """The source's record of each exercise: identifier, locator and what the row says."""
        held = {
            values["identifier"]: values
            for values in ExternalIdentifier.objects.filter(source=self.source).values(
                "pk", "identifier", *RECORD_FIELDS
            )
        }
        wanted = {
            plan.row.identifier: {
                "source_id": self.source.pk,
                "identifier": plan.row.identifier,
                "exercise_id": held[plan.row.identifier]["exercise_id"]
                if plan.row.identifier in held
                else self.exercise_ids[plan.row.identifier],
                "locator": plan.row.locator[:300],
                "claims": claims_of(plan),
            }
            for plan in self.plans
        }
        changes = sync(ExternalIdentifier, wanted, held, fields=RECORD_FIELDS)
        for identifier in changes.updated:
            self.changed.add(identifier)
        self.written.update(changes.counts("source records"))

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
            for values in Location.objects.filter(slug__startswith=self.dataset.place_slug).values(
                "pk", "slug", *LOCATION_FIELDS
            )
        }
        wanted = {slug: {"slug": slug, **self.location_fields(place)} for place, slug in self.place_slugs.items()}
        changes = sync(Location, wanted, held, fields=LOCATION_FIELDS)
        if changes.updated:  # the rows held at a changed place changed too
            places = {slug: place for place, slug in self.place_slugs.items()}
            rows_at = defaultdict(list)
            for plan in self.plans:
                for place in plan.row.places:
                    rows_at[place].append(plan.row.identifier)
            for slug in changes.updated:
                self.changed.update(rows_at[places[slug]])
        self.location_ids = changes.ids
        self.owned_locations = cited_ids(self.source, "location") | set(self.location_ids.values())
        self.written.update(changes.counts("places"))

    def write_location_links(self) -> None:
        through = Exercise.locations.through
        held = {
            (values["exercise_id"], values["location_id"]): values
            for values in through.objects.filter(exercise_id__in=list(self.identifiers)).values(
                "pk", "exercise_id", "location_id"
            )
            if values["location_id"] in self.owned_locations
        }
        links = {
            (self.exercise_ids[plan.row.identifier], self.location_ids[self.place_slugs[place]])
            for plan in self.plans
            for place in plan.row.places
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
    def citing_sources(self, target: str) -> dict[int, set[int]]:
        """The sources that cite each ``target`` record of the file's exercises."""
        cited = Citation.objects.filter(**{f"{target}__exercise_id__in": list(self.identifiers)})
        sources = defaultdict(set)
        for pk, source_id in cited.values_list(f"{target}_id", "source_id"):
            sources[pk].add(source_id)
        return sources

    def sync_members(self, model, target: str, member: str, wanted: dict[tuple[int, int], str]) -> None:
        """Make the ``model`` rows (one per exercise and ``member``) those in ``wanted`` (key -> notes)."""
        citing = self.citing_sources(target)
        mine = self.source.pk

        def owned(pk: int) -> bool:  # only this source attests it
            return citing.get(pk) == {mine}

        def may_set_notes(pk: int) -> bool:  # attested by this source or data sets after it only (an analyst's
            cited = citing.get(pk, set())  # uncited participation is theirs)
            return bool(cited) and all(s == mine or (s in self.data_sets and self.outranks(s)) for s in cited)

        held = {
            (values["exercise_id"], values[f"{member}_id"]): values
            for values in model.objects.filter(exercise_id__in=list(self.identifiers)).values(
                "pk", "exercise_id", f"{member}_id", "notes"
            )
        }
        rows = {}
        for (e, m), notes in wanted.items():
            current = held.get((e, m))
            if current and not may_set_notes(current["pk"]):
                notes = current["notes"]
            rows[(e, m)] = {"exercise_id": e, f"{member}_id": m, "notes": notes}
        changes = sync(model, rows, held, fields=("notes",), removable=lambda values: owned(values["pk"]))
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
            raise self.error(
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
            key = f"{self.dataset.figure_key}{number}"
            wanted[key] = {
                "exercise_id": exercise_id,
                "key": key,
                "low": low,
                "high": high,
                "qualifier": figure.qualifier,
                "basis": FigureBasis.REPORTED,
                "is_reported": reported,
                "is_extracted": True,
                "note": f'Extracted from {self.dataset.short} {figure.column}: "{figure.phrase}"'[:300],
            }
        return wanted

    def write_figures(self) -> None:
        held = defaultdict(dict)
        reported_elsewhere = set()  # an analyst's, or a data set's before this one, stays reported
        after = defaultdict(list)  # reported figures of data sets after this one, by exercise
        keys = dict(Source.objects.values_list("key", "pk"))
        figures = TroopFigure.objects.filter(exercise_id__in=list(self.identifiers))
        for values in figures.values("pk", "exercise_id", "key", "state_id", *FIGURE_FIELDS):
            if values["key"].startswith(self.dataset.figure_key):
                held[values["exercise_id"]][values["key"]] = values
            elif values["is_reported"] and values["state_id"] is None:
                other = dataset_of_figure(values["key"])
                if other and self.outranks(keys.get(other.source_key)):
                    after[values["exercise_id"]].append(values["pk"])
                else:
                    reported_elsewhere.add(values["exercise_id"])
        wanted = {}
        for plan in self.plans:
            exercise_id = self.exercise_ids[plan.row.identifier]
            if exercise_id not in wanted:  # one row's figures per exercise (a merge can join two rows)
                wanted[exercise_id] = self.wanted_figures(plan, exercise_id, exercise_id in reported_elsewhere)
        taking_over = [
            pk
            for exercise_id, pks in after.items()
            if any(values["is_reported"] for values in wanted.get(exercise_id, {}).values())
            for pk in pks
        ]
        if taking_over:  # this source's single figure comes before a later data set's
            TroopFigure.objects.filter(pk__in=taking_over).update(is_reported=False)
        # An exercise's figures are replaced as a whole: no swap of the one reported figure can collide.
        changes = replace_groups(TroopFigure, wanted, held, fields=FIGURE_FIELDS)
        for exercise_id in changes.replaced:
            self.mark(exercise_id)
        self.figure_ids = changes.ids
        self.figure_exercises = set(changes.replaced) | {
            e for e, pks in after.items() if any(pk in taking_over for pk in pks)
        }
        self.written.update({"troop figures created": changes.created, "troop figures removed": changes.removed})

    def refresh_derived(self) -> None:
        """Recompute reported troops where figures changed, who attests each exercise and what its
        sources dispute, and stamp the exercises this run changed (fields or parts) as edited, once
        each, through ``services.refresh_derived``.

        ``updated_at`` (the database's clock) and the edit ``version`` are raised by ``save()`` and by the
        receivers on part saves; bulk writes bypass both, so a changed exercise (and the whole exercise it
        is a phase of) gets them here, in the same UPDATE as its reported troops where both are due.
        """
        touched = {self.exercise_ids[identifier] for identifier in self.changed - self.created}
        refigured = self.figure_exercises
        # A changed exercise's undated phases (an analyst's, data sets have none) follow its new dates.
        services.refresh_derived(sorted(refigured - touched), fields=("troops",))
        services.refresh_derived(sorted(refigured & touched), fields=("phases", "troops"), edited=True)
        services.refresh_derived(sorted(touched - refigured), fields=("phases",), edited=True)
        services.refresh_derived(sorted(set(self.exercise_ids.values())), fields=("sources",))

    # Citations ---------------------------------------------------------------------------------
    def wanted_citations(self) -> tuple[dict[str, dict], dict[str, str | None]]:
        """Every citation the plans call for, by key, and the identifier of the exercise each belongs to."""
        wanted, owners = {}, {}

        def cite(key, owner, target, target_id, words, locator, attributed_to=""):
            values = citation(target, target_id, words, locator) | {"attributed_to": attributed_to}
            wanted[key] = {"source_id": self.source.pk, "key": key, **values}
            owners[key] = owner

        first_row = {}
        for plan in self.plans:
            row, identifier = plan.row, plan.row.identifier
            exercise_id = self.exercise_ids[identifier]
            name = "" if row.fields["name_is_descriptive"] else row.fields["name"]
            cite(identifier, identifier, "exercise", exercise_id, name, row.locator, row.attributed_to)
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
                pk = self.figure_ids.get((exercise_id, f"{self.dataset.figure_key}{number}"))
                if pk is None:  # another row of the same exercise gave its figures
                    continue
                locator = f"{row.locator} {figure.column}"
                cite(f"{identifier}-troops-{number}", identifier, "troop_figure", pk, figure.phrase, locator)
            for place in row.places:
                first_row.setdefault(place, row)
        for place, row in first_row.items():
            slug = self.place_slugs[place]
            cite(slug, None, "location", self.location_ids[slug], place.name, f"{row.locator} {place.column}")
        return wanted, owners

    def write_citations(self) -> None:
        wanted, owners = self.wanted_citations()
        changes = sync(Citation, wanted, held_citations(self.source), fields=CITATION_FIELDS)
        self.changed.update(owners[key] for key in changes.created + changes.updated if owners[key])
        self.written.update(changes.counts("citations"))

    # Review ------------------------------------------------------------------------------------
    def write_possible_duplicates(self) -> None:
        """The pairs the matching rule left unclear, and the file's own likely duplicates, for review
        (each pair once, whatever its status)."""
        pairs = {}
        for identifier, other, reason in self.review:
            pairs.setdefault(tuple(sorted((self.exercise_ids[identifier], other))), reason)
        for pair in self.duplicates:
            first, second = self.exercise_ids[pair.first], self.exercise_ids[pair.second]
            pairs.setdefault(tuple(sorted((first, second))), f"{self.dataset.short}: {pair.reason}")
        pairs = {pair: reason for pair, reason in pairs.items() if pair[0] != pair[1]}
        held = set(PossibleDuplicate.objects.values_list("first_id", "second_id"))
        new = [
            PossibleDuplicate(first_id=a, second_id=b, reason=reason[:300], found_by=self.source)
            for (a, b), reason in sorted(pairs.items())
            if (a, b) not in held
        ]
        PossibleDuplicate.objects.bulk_create(new, batch_size=BATCH)
        self.written["pairs listed for review"] += len(new)


def claims_of(plan: Plan) -> dict:
    """What the row says, as its source record keeps it (``ExternalIdentifier.claims``)."""
    row, fields = plan.row, plan.row.fields
    claims = {
        "name": None if fields["name_is_descriptive"] else fields["name"],
        "series": fields["series"] or None,
        "start": dates.format_partial(fields["start_date"], fields["start_precision"]),
        "end": dates.format_partial(fields["end_date"], fields["end_precision"]),
        "participants": sorted(plan.participants.states),
        "organisations": sorted(plan.participants.organisations),
        "places": [place.name for place in row.places],
        "figures": [figure.phrase for figure in row.figures],
        **row.claims,
    }
    return {key: value for key, value in claims.items() if value not in (None, "", [])}
