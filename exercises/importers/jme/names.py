"""JME's participant codes (State A ... State AD), resolved to states and organisations.

Codes resolve through ``State.objects.resolve`` (:mod:`exercises.importers.states`): ISO alpha-3 in
any case and with stray spaces (``uSA``, ``DEu``, ``GBR ``), and the alpha-3 codes ISO withdrew with
their states (``CSK`` Czechoslovakia, ``DDR`` the German Democratic Republic, ``YUG`` Yugoslavia).
``ROM`` is Romania's alpha-3 code before ISO changed it to ``ROU`` (2002): Romania, noted 'JME lists
"ROM"'. ``RUS`` in an exercise that starts before 26 December 1991 is the Soviet Union, as in MME (JME
codes 43 such rows ``RUS``). ``NATO`` takes part as a body (an organisation participation). ``-9`` is a
participant JME could not name: counted in the participants note. ``8 NATO members`` does not say
which eight: it makes no participation, flags the row and is counted among the codes not resolved.
"""

import datetime as dt

from exercises.importers.states import ParticipantRules, Predecessor

RULES = ParticipantRules(
    source="JME",
    organisations={"nato": "NATO"},
    aliases={"rom": "ROU"},
    predecessors={"RUS": Predecessor("SUHH", dt.date(1991, 12, 26))},
)
