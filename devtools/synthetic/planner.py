"""Planning: one exercise and everything attached to it, in memory, chunk by chunk.

Every value comes from the seeded stream in a fixed order; the derived fields (year, span, reported
troops) are set by ``exercises.services``, as every other writer sets them.
"""

import math
import random

from django.utils.text import slugify

from devtools.synthetic.casting import Cast, Casting
from devtools.synthetic.tables import EXERCISE_KINDS, Theme
from devtools.synthetic.vocabulary import (
    ADVERSARIES,
    ATTRIBUTIONS,
    EXERCISE_NOTE,
    FORCE_KINDS,
    FORCE_NAMES,
    PURPOSES,
    QUANTITIES,
    SCENARIO_TITLES,
    SLUG_PREFIX,
    STATE_ADVERSARIES,
    T,
)
from devtools.synthetic.writer import Chunk
from exercises import services
from exercises.choices import AdversaryBasis, DatePrecision, ForceSide, Qualifier, RelationKind
from exercises.models import (
    Citation,
    Exercise,
    ExerciseName,
    ExerciseRelation,
    Force,
    Organisation,
    Participation,
    Scenario,
    State,
    TroopFigure,
)

#: Exercises planned and written together; bounds memory and paces the progress bar. Planning never
#: depends on it, so the data do not either.
CHUNK = 1000


class Planner(Casting):
    """Draws exercises and their parts; hands out their ids and links them as it goes."""

    def __init__(self, seed: int, states: dict[str, State], organisations: dict[str, Organisation]):
        super().__init__(seed, states, organisations)
        self.latest_in_series: dict[str, Exercise] = {}
        self.previous: Exercise | None = None
        self.citations = 0

    def add(self, chunk: Chunk, model, **values) -> int:
        """Plan a row of ``model``; return its id, for the rows that will point at it."""
        values["id"] = self.ids(model)
        chunk.rows[model].append(values)
        return values["id"]

    # -- Chunks ------------------------------------------------------------------------------------
    def chunks(self, count: int):
        """Chunks of planned exercises, ``count`` in all."""
        index = 0
        while index < count:
            chunk = Chunk()
            while chunk.size < CHUNK and index < count:
                index = self.plan_family(chunk, index, count)
            yield chunk

    def plan_family(self, chunk: Chunk, index: int, count: int) -> int:
        """Plan an exercise and, for one in twenty, two to four phases; return the next free index."""
        rng = self.rng
        year = self.years.draw(rng)
        theme = self.pick_theme(year)
        cast = self.pick_cast(theme, year, self.pick("participants"))
        dates = self.pick_dates(year)
        parent = self.plan_exercise(chunk, index, theme, year, cast, dates)
        index += 1
        if rng.random() < 0.05:
            for number in range(1, rng.randint(2, 4) + 1):
                if index >= count:
                    break
                if number <= len(cast.states):
                    host = cast.states[number - 1]
                    label = f"{parent.name} ({host.display_name})"
                else:
                    host, label = cast.states[0], f"{parent.name} (phase {number})"
                others = rng.sample(cast.states, k=min(len(cast.states), rng.randint(1, 4)))
                states = list(dict.fromkeys([host, *others]))
                phase_cast = Cast(states, self.pick_roles(len(states)), self.pick_places(states, theme))
                self.plan_exercise(chunk, index, theme, year, phase_cast, self.phase_dates(dates), parent, label)
                index += 1
        return index

    # -- The exercise and its parts ----------------------------------------------------------------
    def plan_exercise(self, chunk, index, theme, year, cast, dates, parent=None, label=None) -> Exercise:
        rng = self.rng
        start, end, start_precision, end_precision = dates
        name = label or self.name_for(theme, year, cast)
        organisation = self.organisations.get(theme.organisation) if theme.organisation else None
        exercise = Exercise(
            pk=self.ids(Exercise),
            name=name,
            name_is_descriptive=not theme.name,
            slug=f"{SLUG_PREFIX}{index + 1:06d}-{slugify(name.replace('–', ' '))}"[:200],
            organisation_id=organisation.pk if organisation else None,
            parent_id=parent.pk if parent else None,
            # The days as planned; services.derive_dates truncates each to its precision.
            start_date=None if start_precision == DatePrecision.UNKNOWN else start,
            start_precision=start_precision,
            end_date=None if end_precision == DatePrecision.UNKNOWN else end,
            end_precision=end_precision,
            year=year,  # kept only when no date is known (derive_dates)
            series=theme.name,
            notes=EXERCISE_NOTE.format(seed=self.seed),
        )
        if rng.random() < 0.03:
            exercise.needs_review, exercise.review_notes = True, "Synthetic: flagged for review at random."
        self.set_flags(exercise, theme)
        threats = [rng.choice(theme.threats) for _ in range(self.pick("scenarios"))]
        exercise.purpose = PURPOSES[threats[0]] if rng.random() < 0.7 else ""
        exercise.description = self.describe(exercise, cast, threats) if rng.random() < 0.6 else ""
        # Year and span by the rule every writer follows; a phase without dates takes its parent's.
        services.derive_dates(exercise, parent=span_of(parent) if parent else None)
        chunk.exercises.append(exercise)
        if parent is None:
            self.link_editions(chunk, exercise, theme, year)
        self.cite(chunk, "exercise", exercise.pk, "name", f"the {name} exercise was held in {year}")
        self.plan_participations(chunk, exercise, cast)
        self.plan_figures(chunk, exercise, cast)
        self.plan_scenarios(chunk, exercise, cast, threats)
        self.plan_names(chunk, exercise, theme, year)
        for location in cast.places:
            self.add(chunk, Exercise.locations.through, exercise_id=exercise.pk, location_id=location.pk)
        return exercise

    def name_for(self, theme: Theme, year: int, cast: Cast) -> str:
        if not theme.name:
            kind = EXERCISE_KINDS[theme.domains[0]]
            states = "–".join(s.display_name for s in cast.states[:2])
            return f"{states} {kind} exercise"
        if theme.style == "yy":
            return f"{theme.name} {year % 100:02d}"
        return f"{theme.name}{theme.style}{year}"

    def set_flags(self, exercise: Exercise, theme: Theme) -> None:
        """Domains and focus as a data set would code them; three in ten are not coded at all."""
        if self.rng.random() < 0.3:
            return
        for domain in Exercise.DOMAIN_FLAGS:
            setattr(exercise, domain, domain in theme.domains)
        peace = any(t in (T.PEACEKEEPING, T.HUMANITARIAN) for t in theme.threats)
        exercise.warfighting = not peace or self.rng.random() < 0.3
        exercise.peacekeeping = T.PEACEKEEPING in theme.threats
        exercise.humanitarian = T.HUMANITARIAN in theme.threats

    def describe(self, exercise: Exercise, cast: Cast, threats: list[str]) -> str:
        names = ", ".join(s.display_name for s in cast.states[:4]) + (" and others" if len(cast.states) > 4 else "")
        rehearsed = ", ".join(dict.fromkeys(T(t).label.lower() for t in threats))
        return f"[Synthetic] {exercise.name}: forces of {names} rehearsed {rehearsed}."

    def link_editions(self, chunk: Chunk, exercise: Exercise, theme: Theme, year: int) -> None:
        """Half the editions follow an earlier one of their series; a few relate to the exercise before."""
        rng = self.rng
        links = {}
        if theme.name:
            earlier = self.latest_in_series.get(theme.name)
            if earlier is not None and earlier.year < year and rng.random() < 0.5:
                links[earlier.pk] = RelationKind.FOLLOWS
            self.latest_in_series[theme.name] = exercise
        if self.previous is not None and rng.random() < 0.03:
            links.setdefault(self.previous.pk, rng.choice([RelationKind.CONCURRENT, RelationKind.RELATED]))
        for other, kind in links.items():
            self.add(chunk, ExerciseRelation, from_exercise_id=exercise.pk, to_exercise_id=other, kind=kind, note="")
        self.previous = exercise

    def plan_participations(self, chunk: Chunk, exercise: Exercise, cast: Cast) -> None:
        for state, role in zip(cast.states, cast.roles, strict=True):
            participation = self.add(chunk, Participation, exercise_id=exercise.pk, state_id=state.pk, role=role)
            if self.rng.random() < 0.05:
                self.cite(chunk, "participation", participation, "", f"{state.display_name} took part")

    def plan_figures(self, chunk: Chunk, exercise: Exercise, cast: Cast) -> None:
        """Competing claims for the whole exercise, the first one reported; for some, figures per state.

        Three in twenty exercises have no figure; one in twenty has claims but none reported. The
        exercise reports the headline of its reported figure (``services.headline``), as
        ``services.refresh_derived`` would set it.
        """
        rng = self.rng
        draw = rng.random()
        if draw >= 0.15:
            headline, reported = troop_count(rng), draw >= 0.20
            for number in range(1, self.pick("claims") + 1):
                value = headline if number == 1 else nice(headline * rng.uniform(0.4, 2.5))
                figure, text = self.figure(exercise, f"syn-total-{number}", None, value, reported and number == 1)
                figure_id = self.add(chunk, TroopFigure, **figure)
                if number == 1 or rng.random() < 0.3:
                    self.cite(chunk, "troop_figure", figure_id, "", f"{text} troops took part")
                if figure["is_reported"]:
                    exercise.reported_troops = services.headline(figure["low"], figure["high"])
        if rng.random() < 0.2:
            for state in rng.sample(cast.states, k=min(len(cast.states), rng.randint(1, 3))):
                value = nice(troop_count(rng) / 3 + 10)
                figure, _ = self.figure(exercise, f"syn-{state.code.lower()}", state, value, True)
                self.add(chunk, TroopFigure, **figure)

    def figure(self, exercise, key, state, value, reported) -> tuple[dict, str]:
        """One claim and how a source words it: a figure or a range, qualified (the model's bounds rule)."""
        rng = self.rng
        qualifier = self.pick("qualifier")
        low, high, text = value, value, f"{value:,}"
        if qualifier == "range":
            qualifier, high = rng.choice([Qualifier.EXACT, Qualifier.ABOUT]), nice(value * rng.uniform(1.2, 2.0))
            text = f"{low:,}–{high:,}"
        elif qualifier == Qualifier.AT_LEAST:
            high, text = None, f"at least {value:,}"
        elif qualifier == Qualifier.UP_TO:
            low, text = None, f"up to {value:,}"
        row = {
            "exercise_id": exercise.pk,
            "key": key,
            "state_id": state.pk if state else None,
            "low": low,
            "high": high,
            "qualifier": qualifier,
            "basis": self.pick("basis"),
            "is_reported": reported,
        }
        return row, text

    def plan_scenarios(self, chunk: Chunk, exercise: Exercise, cast: Cast, threats: list[str]) -> None:
        """One episode per threat, with some of the participants, one of the places and a few forces."""
        rng = self.rng
        for sequence, threat in enumerate(threats, start=1):
            states = rng.sample(cast.states, k=min(len(cast.states), self.pick("episode_states")))
            title = rng.choice(SCENARIO_TITLES[threat])
            scenario = self.add(
                chunk,
                Scenario,
                exercise_id=exercise.pk,
                key=f"syn-{sequence}",
                sequence=sequence,
                title=title,
                threat_type=threat,
                **self.adversary(threat, cast),
            )
            for state in states:
                self.add(chunk, Scenario.states.through, scenario_id=scenario, state_id=state.pk)
            if cast.places:
                location = rng.choice(cast.places)
                self.add(chunk, Scenario.locations.through, scenario_id=scenario, location_id=location.pk)
            for number in range(1, self.pick("forces") + 1):
                self.plan_force(chunk, exercise, scenario, states, f"syn-{sequence}-{number}")
            if rng.random() < 0.3:
                self.cite(chunk, "scenario", scenario, "", title)

    def plan_force(self, chunk: Chunk, exercise: Exercise, scenario: int, states: list[State], key: str) -> None:
        rng = self.rng
        kind = rng.choice(FORCE_KINDS)
        name = rng.choice(FORCE_NAMES[kind])
        opposing = rng.random() < 0.15
        force = self.add(
            chunk,
            Force,
            exercise_id=exercise.pk,
            key=key,
            name=name,
            kind=kind,
            side=ForceSide.OPPOSING if opposing else ForceSide.EXERCISING,
            state_id=None if opposing else rng.choice(states).pk,
            quantity=rng.choice(QUANTITIES),
        )
        self.add(chunk, Scenario.forces.through, scenario_id=scenario, force_id=force)
        if rng.random() < 0.05:
            self.cite(chunk, "force", force, "", f"{name} took part")

    def adversary(self, threat: str, cast: Cast) -> dict:
        """A named adversary; for wars between states, sometimes the state it stands for."""
        rng = self.rng
        name = rng.choice(ADVERSARIES.get(threat, STATE_ADVERSARIES))
        fields = {"adversary": name, "adversary_basis": AdversaryBasis.STATED if name else AdversaryBasis.UNKNOWN}
        if threat not in ADVERSARIES and rng.random() < 0.15:
            codes = {s.code for s in cast.states}
            rivals = ["USA", "POL", "LTU"] if codes & {"RUS", "SUHH", "BLR", "CHN"} else ["RUS", "CHN", "PRK", "IRN"]
            rival = self.states.get(rng.choice(rivals))
            if rival is not None and rival.code not in codes:
                fields["adversary_state_id"] = rival.pk
                fields["adversary_basis"] = rng.choice([AdversaryBasis.STATED, AdversaryBasis.INFERRED])
        elif name and rng.random() < 0.2:
            fields["adversary_basis"] = AdversaryBasis.INFERRED
        return fields

    def plan_names(self, chunk: Chunk, exercise: Exercise, theme: Theme, year: int) -> None:
        """Original spellings for series that have them; a short form for a few others."""
        rng = self.rng
        names = {}
        if theme.alternatives and rng.random() < 0.6:
            alternative, language = rng.choice(theme.alternatives)
            names[f"{alternative}-{year}"] = (language, "Original spelling" if language != "en" else "")
        if theme.name and rng.random() < 0.08:
            names[f"{theme.name.upper()} {year % 100:02d}"] = ("en", "Short form")
        for name, (language, note) in names.items():
            if name != exercise.name:
                self.add(chunk, ExerciseName, exercise_id=exercise.pk, name=name, language=language, note=note)

    def cite(self, chunk: Chunk, target: str, record: int, field_name: str, fact: str) -> None:
        """A synthetic source's support for one record (``target``: a name from CITATION_TARGETS)."""
        rng = self.rng
        self.citations += 1
        position = rng.randrange(len(self.sources))
        via = self.sources[(position + 1) % len(self.sources)].pk if rng.random() < 0.1 else None
        self.add(
            chunk,
            Citation,
            source_id=self.sources[position].pk,
            key=f"syn-{self.citations}",
            excerpt=f"Synthetic report: {fact}."[:300],
            field=field_name,
            attributed_to=rng.choice(ATTRIBUTIONS),
            via_id=via,
            **{f"{target}_id": record},
        )


def span_of(exercise: Exercise) -> dict:
    """An exercise's derived dates, as ``services.derive_dates`` takes a parent's."""
    return {name: getattr(exercise, name) for name in services.DERIVED_DATES}


def troop_count(rng: random.Random) -> int:
    """A headline troop figure: a few thousand typically, from dozens to a few hundred thousand."""
    return nice(min(400_000, max(30, math.exp(rng.gauss(8.0, 1.4)))))


def nice(value: float) -> int:
    """Round as sources do: two significant figures above a hundred."""
    value = int(value)
    if value < 100:
        return value
    magnitude = 10 ** (len(str(value)) - 2)
    return round(value / magnitude) * magnitude
