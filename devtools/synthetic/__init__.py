"""Synthetic exercises: a large, deterministic data set shaped like the real one, for load tests and benchmarks.

``generate(count, seed)`` writes ``count`` exercises (phases included) with what analysts attach to
real ones: participants with roles, competing troop figures, episodes with forces, places,
alternative names, phase and edition links, domain and focus flags, and citations of sources. It uses
the real states and organisations (load the fixtures first) and the words real exercises are named
with (Zapad-2017, Cobra Gold 2014, Steadfast Jazz ...), over 1950-2030, with partial dates of every
precision.

Synthetic rows can never pass for real ones: exercise slugs start with ``syn-`` and their notes say
they are synthetic; sources are ``synthetic-source-NNNN`` with titles and notes that say so; places
are ``syn-loc-...``. ``clear()`` removes exactly these rows.

Same seed, same rows: every value is drawn from one ``random.Random(seed)`` in a fixed order, never
from the database (primary keys only link rows), so ``digest()`` gives the same hash after two runs
into emptied tables.

Exercises are written with ``bulk_create`` (signals do not run), their year, span and reported troops
set by ``exercises.services`` as every other writer sets them; the millions of rows attached to them
go in with one ``executemany`` per table. 100,000 exercises take about 75 s on SQLite.

- ``vocabulary``: places, states and blocs, and the words exercises and their parts are named with;
- ``tables``: the series, and how often each value comes up;
- ``pools``: the sources and places exercises share;
- ``casting`` and ``planner``: an exercise and its parts, drawn in memory;
- ``writer``: fast inserts with keys handed out in advance;
- ``dataset``: the entry points below.
"""

from devtools.synthetic.dataset import (
    Outcome,
    SyntheticDataError,
    clear,
    digest,
    exists,
    generate,
    synthetic_exercises,
    synthetic_locations,
    synthetic_sources,
)
from devtools.synthetic.vocabulary import LOCATION_PREFIX, SLUG_PREFIX, SOURCE_PREFIX

__all__ = [
    "LOCATION_PREFIX",
    "SLUG_PREFIX",
    "SOURCE_PREFIX",
    "Outcome",
    "SyntheticDataError",
    "clear",
    "digest",
    "exists",
    "generate",
    "synthetic_exercises",
    "synthetic_locations",
    "synthetic_sources",
]
