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

from exercises.importers.states import ParticipantRules, Predecessor

RULES = ParticipantRules(
    source="MME",
    organisations={"nato": "NATO"},
    groups={"baltic states": ("EST", "LVA", "LTU")},
    # MME (like Correlates of War, code 365) calls the USSR "Russia": before the given day it is the USSR.
    predecessors={"RUS": Predecessor("SUHH", dt.date(1991, 12, 26))},
)
