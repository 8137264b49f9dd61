"""MME's participant names (StateA ... StateAM) and place texts, resolved to states.

Participants
    Names resolve through ``State.objects.resolve`` (:mod:`exercises.importers.states`). The R
    countrycode spellings MME carries ("Congo - Kinshasa", "St. Vincent & Grenadines", "st. christopher")
    are names of their states in ``fixtures/states.json``.
    "Federal Republic of Germany" is Germany (DEU): the FRG used DE and unified Germany continued it.
    "German Democratic Republic", "Czechoslovakia" and "Yugoslavia" are the former states DDDE, CSHH, YUCS.
    "Russia" in an exercise that starts before 26 December 1991 is the Soviet Union (SUHH): MME, like the
    Correlates of War codes it builds on, calls the USSR "Russia" (a 1991 row reads "first joint sea
    exercises with the soviet navy"). The participation's notes keep 'MME lists "Russia"'.
    Territories are their own ISO entries: Bermuda BMU, Netherlands Antilles ANHH, Hong Kong HKG,
    New Caledonia NCL.
    "NATO" takes part as a body: an OrganisationParticipation of NATO, not a participation of its members.
    "Baltic States" means Estonia, Latvia and Lithuania: one participation each, noted 'MME lists "Baltic
    States"'; a Baltic state also listed by name still has one participation.
    "-9" is a participant MME could not name: no participation; participants_note says how many.
    A state listed twice in a row is one participation; its citation names both columns.
    A name that matches no state makes no participation: the row is flagged with the name, and the
    summary counts it. Add the spelling to the states fixture rather than matching it here.
"""

import datetime as dt
from collections.abc import Iterable

from exercises.importers.mme.read import MMEImportError, Row
from exercises.importers.states import (
    ParticipantRules,
    Participants,
    Predecessor,
    Resolution,
    read_participants,
    resolve_states,
)
from exercises.models import State

RULES = ParticipantRules(
    source="MME",
    organisations={"nato": "NATO"},
    groups={"baltic states": ("EST", "LVA", "LTU")},
    # MME (like Correlates of War, code 365) calls the USSR "Russia": before the given day it is the USSR.
    predecessors={"RUS": Predecessor("SUHH", dt.date(1991, 12, 26))},
)


def resolve(rows: Iterable[Row]) -> tuple[Resolution, dict[str, State]]:
    """Every participant and place name of the file, and the states the rules name, resolved at once
    (two queries); also the states by code. Raises :class:`MMEImportError` if a state the rules need
    is not in the database."""
    rows = list(rows)
    names = RULES.names({label for row in rows for _, label in row.participants})
    places = {row.place.name for row in rows if row.place}
    resolution = resolve_states(names | places | RULES.codes)
    states = resolution.by_code
    if missing := sorted(RULES.codes - set(states)):
        raise MMEImportError(
            f"The states {', '.join(missing)} are missing: load them with `manage.py loaddata states`."
        )
    return resolution, states


def read_row_participants(row: Row, resolution: Resolution) -> Participants:
    """The row's participants; what matches nothing is written into its review notes, and the number
    of participants MME could not name into its participants note, so nothing the row says is lost."""
    found = read_participants(row.participants, resolution.states, row.reference_day, RULES)
    row.review += found.review
    if found.note:
        row.fields["participants_note"] = "\n".join(filter(None, [row.fields["participants_note"], found.note]))
    row.fields["needs_review"] = bool(row.review)
    row.fields["review_notes"] = "\n".join(row.review)
    return found
