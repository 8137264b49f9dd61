"""Build ``fixtures/state_codes.json``: the Correlates of War and Gleditsch-Ward state codes, each during the
periods in which it denotes one of our ISO states (``exercises.StateCode``).

The lists come from the R countrycode package (Vincent Arel-Bundock; source ``countrycode-r-package`` in
``seeds/sources.json``): ``dictionary/data_cow.csv`` (country, cowc, cown, cow.name, year: one row per
state-year of the CoW state system), ``dictionary/data_gw.csv`` (gwn, gwc, country, year) and, for today's
countries' ISO codes, ``dictionary/codelist_without_cldr.csv`` (iso3c, cown, gwn ...).

1. A code's state-years collapse into periods of consecutive years (a gap, Poland's 1940-1944 in CoW, ends
   one). A period runs from 1 January of its first year to 31 December of its last; its start is open (None)
   when it is the list's first year (1816), its end when it is the list's last (the state is still in it).
   Where one code takes over from another within a year, the generator gives the day (:data:`BEGINS`,
   :data:`ENDS`), so that the two do not overlap.
2. Periods that end before 1900 are dropped: no exercise is that old, and most of their states (Bavaria,
   Hanover, the Two Sicilies) have no ISO row. A period that runs into 1900 is kept whole.
3. The ISO state: :data:`HISTORY` for codes whose ISO state changes while the code goes on (CoW 365 is the
   Soviet Union from 1922 to 1991, Russia before and after) or that denote a former state; else the
   codelist's ISO code for the number; else the list's name, as one of our states' names. A period that
   spans a change of ISO state becomes one row per state.
4. State-years of no state (Austria-Hungary, Kosovo, which has no ISO code) are left out and reported.

The fixture is committed; this module only regenerates it (``manage.py build_state_codes``).
"""

import csv
import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from exercises.models.geography import normalize_name

D = dt.date
FIRST_YEAR_KEPT = 1900

#: Codes whose ISO state changes while the code goes on, or that denote a state ISO keeps under another
#: code: (system, number) -> ((first day or None, our state's code), ...), in order. The days are the
#: changes of state, not ISO's withdrawals of codes (ISO withdrew SU on 30 August 1992).
_SOVIET = ((None, "RUS"), (D(1922, 12, 30), "SUHH"), (D(1991, 12, 26), "RUS"))  # founded, dissolved
_VIETNAM = ((None, "VDVN"), (D(1976, 7, 2), "VNM"))  # North Vietnam (ISO's VD) until unification
HISTORY: dict[tuple[str, int], tuple[tuple[D | None, str], ...]] = {
    ("cow", 365): _SOVIET,
    ("gw", 365): _SOVIET,
    # The German Federal Republic is Germany (ISO's DE went on): CoW 260 until unification on 3 October
    # 1990 (then CoW 255 again); GW 260 before and after.
    ("cow", 260): ((None, "DEU"),),
    ("gw", 255): ((None, "DEU"),),
    ("cow", 265): ((None, "DDDE"),),
    ("gw", 265): ((None, "DDDE"),),
    ("cow", 315): ((None, "CSHH"),),
    ("gw", 315): ((None, "CSHH"),),
    # CoW 345: Serbia, Yugoslavia from 1 December 1918, Serbia and Montenegro from 4 February 2003, Serbia
    # from 5 June 2006. GW ends 345 on 4 June 2006 and gives Serbia 340.
    ("cow", 345): ((None, "SRB"), (D(1918, 12, 1), "YUCS"), (D(2003, 2, 4), "CSXX"), (D(2006, 6, 5), "SRB")),
    ("gw", 345): ((None, "YUCS"), (D(2003, 2, 4), "CSXX")),
    # ISO's YE was the Yemen Arab Republic's and went on for unified Yemen; YD was South Yemen.
    ("cow", 678): ((None, "YEM"),),
    ("gw", 678): ((None, "YEM"),),
    ("cow", 680): ((None, "YDYE"),),
    ("gw", 680): ((None, "YDYE"),),
    # ISO's VN was the Republic of Viet-Nam's and went on for unified Vietnam; VD was North Vietnam.
    ("cow", 816): _VIETNAM,
    ("gw", 816): _VIETNAM,
    ("cow", 817): ((None, "VNM"),),
    ("gw", 817): ((None, "VNM"),),
    # Zanzibar (December 1963 to April 1964) is part of Tanzania for ISO: TZ covers both codes then.
    ("cow", 511): ((None, "TZA"),),
    ("gw", 511): ((None, "TZA"),),
}

#: The first day of a period whose first year (the key's) a code shares with the code it takes over from.
BEGINS = {
    ("cow", 255, 1990): D(1990, 10, 3),  # unified Germany (after CoW 260 and 265)
    ("cow", 679, 1990): D(1990, 5, 22),  # unified Yemen (after CoW 678 and 680)
    ("cow", 341, 2006): D(2006, 6, 3),  # Montenegro
    ("gw", 341, 2006): D(2006, 6, 3),
    ("gw", 340, 2006): D(2006, 6, 5),  # Serbia (after GW 345)
    ("cow", 511, 1963): D(1963, 12, 19),  # Zanzibar, until its union with Tanganyika
    ("gw", 511, 1963): D(1963, 12, 19),
}
#: The last day of a period whose last year (the key's) ends it early.
ENDS = {
    # countrycode drops the GFR's 1990 (get_cow.R keeps one code per state-year): CoW's GFR lasts until
    # unification, like the GDR.
    ("cow", 260, 1989): D(1990, 10, 2),
    ("cow", 265, 1990): D(1990, 10, 2),
    ("gw", 265, 1990): D(1990, 10, 2),
    ("cow", 678, 1990): D(1990, 5, 21),
    ("cow", 680, 1990): D(1990, 5, 21),
    ("gw", 680, 1990): D(1990, 5, 21),
    ("gw", 345, 2006): D(2006, 6, 4),
    ("cow", 817, 1975): D(1975, 4, 30),  # the fall of Saigon
    ("gw", 817, 1975): D(1975, 4, 30),
    ("cow", 511, 1964): D(1964, 4, 26),
    ("gw", 511, 1964): D(1964, 4, 26),
}

#: State-years countrycode leaves out: get_gw.R drops the letters DRV, and with them GW 816, Vietnam from
#: 1954 in Gleditsch and Ward's own list. (system, number, letters, name, first year), to the list's end;
#: added only where the file has no such row.
SUPPLEMENT = [("gw", 816, "DRV", "Vietnam, Democratic Republic of", 1954)]

#: The columns each list is read from: number, letters, name (the list's own), year.
COLUMNS = {"cow": ("cown", "cowc", "cow.name", "year"), "gw": ("gwn", "gwc", "country", "year")}


@dataclass(frozen=True)
class Run:
    """Consecutive years of one code, with one set of letters and one name."""

    system: str
    number: int
    letters: str
    name: str
    first: int
    last: int

    def __str__(self):
        return f"{self.system} {self.number} {self.letters} {self.name}: {self.first}-{self.last}"


@dataclass
class Build:
    """What :func:`build_state_codes` made: the fixture's objects, and what it left out or added."""

    objects: list[dict] = field(default_factory=list)
    unmapped: list[Run] = field(default_factory=list)  # periods (from 1900) of no state
    dropped: list[Run] = field(default_factory=list)  # periods that end before 1900
    supplemented: list[Run] = field(default_factory=list)


def read_list(path: Path, system: str) -> list[tuple[int, str, str, int]]:
    """The state-years of a countrycode list: (number, letters, name, year)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [name for name in COLUMNS[system] if name not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: no column {', '.join(missing)} (is it countrycode's data_{system}.csv?)")
        number, letters, name, year = COLUMNS[system]
        return [(int(row[number]), row[letters].strip(), row[name].strip(), int(row[year])) for row in reader]


def runs(state_years: Iterable[tuple[int, str, str, int]], system: str) -> list[Run]:
    """The state-years collapsed into runs of consecutive years of one code, letters and name."""
    found: list[Run] = []
    for number, letters, name, year in sorted(set(state_years), key=lambda row: (row[0], row[3], row[1], row[2])):
        last = found[-1] if found else None
        if last and (last.number, last.letters, last.name, last.last + 1) == (number, letters, name, year):
            found[-1] = replace(last, last=year)
        else:
            found.append(Run(system, number, letters, name, year, year))
    return found


def _later(a: D | None, b: D | None) -> D | None:
    """The later of two first days (None: open, the earliest)."""
    return b if a is None else a if b is None else max(a, b)


def _earlier(a: D | None, b: D | None) -> D | None:
    """The earlier of two last days (None: open, the latest)."""
    return b if a is None else a if b is None else min(a, b)


def _states(path: Path) -> tuple[set[str], dict[str, str], dict[str, str]]:
    """Our states' codes, current alpha-3 codes (to code) and name keys (to code), from states.json."""
    objects = json.loads(path.read_text(encoding="utf-8"))
    codes, alpha3, names = set(), {}, {}
    for obj in objects:
        fields = obj["fields"]
        if obj["model"] == "exercises.state":
            codes.add(fields["code"])
            if not fields["is_historical"]:
                alpha3[fields["alpha3"]] = fields["code"]
        elif obj["model"] == "exercises.statename":
            names[fields["key"]] = fields["state"][0]
    return codes, alpha3, names


def _codelist(path: Path) -> dict[tuple[str, int], str]:
    """Today's countries' ISO alpha-3 codes by (system, number), from countrycode's codelist."""
    found = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for system, column in (("cow", "cown"), ("gw", "gwn")):
                if row.get(column) and row.get("iso3c"):
                    found.setdefault((system, int(row[column])), row["iso3c"])
    return found


def build_state_codes(cow: Path, gw: Path, codelist: Path, states: Path) -> Build:
    """The fixture's objects (natural keys, ordered by system, number and start) and the report."""
    codes, alpha3, names = _states(states)
    unknown = sorted({code for history in HISTORY.values() for _, code in history} - codes)
    if unknown:
        raise ValueError(f"HISTORY names states {', '.join(unknown)} that fixtures/states.json does not hold")
    iso = _codelist(codelist)
    build = Build()
    rows = []
    for system, path in (("cow", cow), ("gw", gw)):
        state_years = read_list(path, system)
        first_year = min(year for *_, year in state_years)
        last_year = max(year for *_, year in state_years)
        for supplement_system, number, letters, name, since in SUPPLEMENT:
            have = {year for n, _, _, year in state_years if n == number}
            if supplement_system == system and not have & set(range(since, last_year + 1)):
                state_years += [(number, letters, name, year) for year in range(since, last_year + 1)]
                build.supplemented.append(Run(system, number, letters, name, since, last_year))
        for run in runs(state_years, system):
            if run.last < FIRST_YEAR_KEPT:
                build.dropped.append(run)
                continue
            start = None if run.first == first_year else BEGINS.get((system, run.number, run.first), D(run.first, 1, 1))
            end = None if run.last == last_year else ENDS.get((system, run.number, run.last), D(run.last, 12, 31))
            history = HISTORY.get((system, run.number))
            if history is None:
                state = alpha3.get(iso.get((system, run.number), "")) or names.get(normalize_name(run.name))
                if state is None:
                    build.unmapped.append(run)
                    continue
                history = ((None, state),)
            for index, (since, state) in enumerate(history):
                until = history[index + 1][0] - dt.timedelta(days=1) if index + 1 < len(history) else None
                valid_from, valid_to = _later(start, since), _earlier(end, until)
                if valid_from and valid_to and valid_from > valid_to:
                    continue  # the run lies outside this part of the code's history
                rows.append((run, state, valid_from, valid_to))
    rows.sort(key=lambda row: (row[0].system, row[0].number, row[2] or D.min))
    for before, after in zip(rows, rows[1:], strict=False):
        same_code = (before[0].system, before[0].number) == (after[0].system, after[0].number)
        if same_code and (before[3] is None or after[2] is None or before[3] >= after[2]):
            raise ValueError(f"two periods of {after[0].system} {after[0].number} overlap: {before[3]}, {after[2]}")
    for run, state, valid_from, valid_to in rows:
        build.objects.append(
            {
                "model": "exercises.statecode",
                "fields": {
                    "system": run.system,
                    "number": run.number,
                    "letters": run.letters,
                    "name": run.name,
                    "state": [state],
                    "valid_from": valid_from.isoformat() if valid_from else None,
                    "valid_to": valid_to.isoformat() if valid_to else None,
                },
            }
        )
    return build


def write_fixture(build: Build, path: Path) -> int:
    path.write_text(json.dumps(build.objects, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return len(build.objects)
