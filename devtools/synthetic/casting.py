"""Who, where and when: the seeded random stream an exercise is drawn from, and the draws of its theme,
participants, places and dates, as they were in its year (the Soviet Union for Kazakhstan in 1985).
"""

import datetime as dt
import random
from dataclasses import dataclass

from devtools.synthetic.pools import make_locations, make_sources
from devtools.synthetic.tables import SERIES, TABLES, YEARS, Table, Theme
from devtools.synthetic.vocabulary import (
    ADJECTIVES,
    BLOCS,
    FORMER_UNTIL,
    NOT_BEFORE,
    NOUNS,
    OTHER_STATE_WEIGHT,
    PREDECESSORS,
    STATE_WEIGHTS,
    THREATS,
    YEAR_FIRST,
)
from devtools.synthetic.writer import Ids
from exercises.choices import DatePrecision, Role
from exercises.models import Exercise, Location, Organisation, State


@dataclass
class Cast:
    """Who takes part and where: states (host first), their roles and the places used."""

    states: list[State]
    roles: list[str]
    places: list[Location]


class Casting:
    """One seeded random stream, and what it draws from: the states, organisations and pools."""

    def __init__(self, seed: int, states: dict[str, State], organisations: dict[str, Organisation]):
        self.seed = seed
        self.rng = random.Random(seed)
        self.ids = Ids()
        self.states = states
        self.organisations = organisations
        self.sources = make_sources(self.rng)
        self.locations = make_locations(self.rng, states)
        for row in [*self.sources, *self.locations]:
            row.pk = self.ids(type(row))
        self.places_of: dict[str, list[Location]] = {}
        for location in self.locations:
            if location.state_id is not None:
                self.places_of.setdefault(location.state.code, []).append(location)
        self.seas = [loc for loc in self.locations if loc.state_id is None]
        self.blocs = {b.acronym: b for b in BLOCS if b.acronym in organisations}
        current = [s.code for s in states.values() if not s.is_historical]
        self.global_states = Table([(c, STATE_WEIGHTS.get(c, OTHER_STATE_WEIGHT)) for c in sorted(current)])
        # More exercises every decade, and a few planned ones after this year.
        self.years = Table([(y, (1 + ((min(y, 2025) - YEAR_FIRST) / 25) ** 2) / 2 ** max(0, y - 2025)) for y in YEARS])
        self.tables = {name: Table(rows) for name, rows in TABLES.items()}

    def pick(self, name: str):
        """A value from one of the ``TABLES``; a (low, high) bucket gives a number in it."""
        value = self.tables[name].draw(self.rng)
        return self.rng.randint(*value) if isinstance(value, tuple) else value

    def pick_theme(self, year: int) -> Theme:
        """A running series (55%), a made-up name in the same style (40%) or an unnamed exercise."""
        rng = self.rng
        kind = self.pick("theme")
        if kind == "series":
            running = [
                s for s in SERIES if s.first <= year <= s.last and (not s.organisation or s.organisation in self.blocs)
            ]
            if running:
                return rng.choice(running)
        domains = tuple(rng.sample(Exercise.DOMAIN_FLAGS, k=rng.randint(1, 3)))
        threats = THREATS[rng.choice(list(THREATS))]
        if kind == "descriptive":
            return Theme("", "", None, (), (), domains, threats)
        name = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
        style = rng.choice(["-", " ", " ", "yy"])
        blocs = [b for b in self.blocs.values() if b.first <= year <= b.last]
        if blocs and rng.random() < 0.35:
            chosen = rng.choices(blocs, weights=[b.weight for b in blocs])[0]
            members = tuple(code for code, joined in chosen.members if joined <= year)
            core = (chosen.lead,) if chosen.lead else ()
            return Theme(name, style, chosen.acronym, core, members, domains, threats)
        return Theme(name, style, None, (self.global_states.draw(rng),), (), domains, threats)

    def pick_cast(self, theme: Theme, year: int, size: int) -> Cast:
        """``size`` states as they were in ``year``: the theme's core, its partners, then anyone."""
        rng = self.rng
        chosen: dict[str, State] = {}

        def take(code):
            state = self.state_in(code, year)
            if state is not None:
                chosen.setdefault(state.code, state)

        for code in theme.core:
            take(code)
        partners = list(theme.partners)
        rng.shuffle(partners)
        for code in partners:
            if len(chosen) >= size:
                break
            take(code)
        for _ in range(4 * size):
            if len(chosen) >= size:
                break
            take(self.global_states.draw(rng))
        while not chosen:
            take(self.global_states.draw(rng))
        states = list(chosen.values())[:size]
        return Cast(states, self.pick_roles(len(states)), self.pick_places(states, theme))

    def state_in(self, code: str, year: int) -> State | None:
        """The state as it was in ``year``: the Soviet Union for Kazakhstan in 1985; None if none existed."""
        for until, former in PREDECESSORS.get(code, ()):
            if year < until:
                code = former
                break
        if year >= FORMER_UNTIL.get(code, 9999) or year < NOT_BEFORE.get(code, 0):
            return None
        return self.states.get(code)

    def pick_roles(self, size: int) -> list[str]:
        """The first state hosts; a third of exercises give no roles at all (no source says)."""
        rng = self.rng
        if rng.random() < 0.35:
            return [""] * size
        roles = [Role.HOST] + [Role.PARTICIPANT] * (size - 1)
        if size > 1 and rng.random() < 0.3:
            roles[1] = Role.LEAD
        if size >= 6:
            for position in range(size - rng.randint(0, 3), size):
                roles[position] = Role.OBSERVER
        return roles

    def pick_places(self, states: list[State], theme: Theme) -> list[Location]:
        """Places in the host's territory first, then in other participants' or at sea."""
        rng = self.rng
        wanted = self.pick("locations")
        pools = [self.places_of[s.code] for s in states if s.code in self.places_of]
        places = []
        if pools:
            places.append(rng.choice(pools[0]))
            for _ in range(wanted - 1):
                places.append(rng.choice(rng.choice(pools)))
        if not places or ("sea" in theme.domains and rng.random() < 0.5):
            places.append(rng.choice(self.seas))
        return list(dict.fromkeys(places))[:wanted]

    def pick_dates(self, year: int) -> tuple[dt.date, dt.date, str, str]:
        """First and last days (within ``year``), and how precisely sources give each."""
        rng = self.rng
        start = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
        end = min(start + dt.timedelta(days=self.pick("duration")), dt.date(year, 12, 31))
        return start, end, self.pick("start"), self.pick("end")

    def phase_dates(self, dates):
        """A phase runs inside its parent's days; a quarter of phases have no dates of their own."""
        rng = self.rng
        start, end, start_precision, end_precision = dates
        if rng.random() < 0.25 or start_precision == DatePrecision.UNKNOWN:
            return start, end, DatePrecision.UNKNOWN, DatePrecision.UNKNOWN
        first = start + dt.timedelta(days=rng.randint(0, (end - start).days))
        last = first + dt.timedelta(days=rng.randint(0, (end - first).days))
        return first, last, start_precision, end_precision
