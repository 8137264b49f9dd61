"""From rows to plans, for every data set: what the database should hold for each row, with the
file's rows told apart, its series and places unified, its names resolved and its likely duplicates found.

Identity
    A data set that gives one identifier to two different rows (MME's mme3457, mme3458 and mme3460 in
    v7): the second row in file order is stored as ``mme3457_2``, and both rows are flagged for review.

Participants
    Every participant and place name of the file is resolved at once (``importers.states``), under the
    data set's :class:`~exercises.importers.states.ParticipantRules`; what matches nothing is written
    into the row's review notes, and the number of participants the data set could not name into its
    participants note, so nothing the row says is lost.

Series and places
    Series spellings that differ only in case or spacing ("Autumn forge") are written as the series'
    most common spelling, so one series is one query. One place per distinct Location text (case and
    punctuation ignored; named as the file first writes it) and coordinates. A text that is a state's
    name is that state's place.

Likely duplicates
    Pairs of rows with the same year and the same participants (after names are resolved, so spellings
    do not matter) and either the same name, or the same series or name apart from numbers and dates
    that overlap, are reported in the summary, not merged.
"""

import datetime as dt
import re
from collections import Counter, defaultdict
from itertools import combinations

from exercises import services
from exercises.importers.report import DuplicatePair
from exercises.importers.rows import Place, Plan, Row
from exercises.importers.states import ParticipantRules, Participants, Resolution, read_participants, resolve_states
from exercises.models import State, normalize_name


def settle_rows(rows: list[Row]) -> None:
    """Tell apart rows that share an MMEID, and unify series spellings and places across the file."""
    tell_apart_repeated_ids(rows)
    unify_series_spellings(rows)
    unify_places(rows)


def tell_apart_repeated_ids(rows: list[Row]) -> None:
    """Give the second and later rows that share an MMEID the identifier ``<MMEID>_<n>``; flag them all."""
    by_id = defaultdict(list)
    for row in rows:
        by_id[row.number].append(row)
    for given, same in by_id.items():
        if len(same) == 1:
            continue
        lines = ", ".join(str(row.line) for row in same)
        for number, row in enumerate(same, start=1):
            row.identifier = given if number == 1 else f"{given}_{number}"
            row.locator = f"{given} (row {number} of {len(same)} with this MMEID)"
            row.review.append(
                f"MME gives the MMEID {given} to {len(same)} different rows (lines {lines}); "
                f"this one is stored as {row.identifier}."
            )
            if row.fields["name_is_descriptive"]:
                row.fields["name"] = f"Unnamed exercise (MME {row.identifier})"


def unify_series_spellings(rows: list[Row]) -> None:
    """Write each series in its most common spelling, so that one series is one query."""
    spellings = defaultdict(Counter)
    for row in rows:
        if row.series_key:
            spellings[row.series_key][row.fields["series"]] += 1
    for row in rows:
        if row.series_key:
            row.fields["series"] = spellings[row.series_key].most_common(1)[0][0]


def unify_places(rows: list[Row]) -> None:
    """One Place per text (case and punctuation ignored) and coordinates, named as the file first has it."""
    first = {}
    for row in rows:
        row.places = list(dict.fromkeys(first.setdefault(place.identity, place) for place in row.places))


def resolve(rows: list[Row], rules: ParticipantRules, error: type[Exception]) -> tuple[Resolution, dict[str, State]]:
    """Every participant and place name of the file, and the states the rules name, resolved at once
    (two queries); also the states by code. Raises ``error`` if a state the rules need is missing."""
    names = rules.names({label for row in rows for _, label in row.participants})
    places = {place.name for row in rows for place in row.places}
    resolution = resolve_states(names | places | rules.codes)
    states = resolution.by_code
    if missing := sorted(rules.codes - set(states)):
        raise error(f"The states {', '.join(missing)} are missing: load them with `manage.py loaddata states`.")
    return resolution, states


def read_row_participants(row: Row, resolution: Resolution, rules: ParticipantRules) -> Participants:
    """The row's participants; unmatched names go into its review notes, unnamed ones into its
    participants note."""
    found = read_participants(row.participants, resolution.states, row.reference_day, rules)
    row.review += found.review
    if found.note:
        row.fields["participants_note"] = "\n".join(filter(None, [row.fields["participants_note"], found.note]))
    row.fields["needs_review"] = bool(row.review)
    row.fields["review_notes"] = "\n".join(row.review)
    return found


def plan_rows(
    rows: list[Row], rules: ParticipantRules, error: type[Exception]
) -> tuple[list[Plan], dict[str, State], dict[Place, State]]:
    """Resolve every participant and place name at once (two queries), then plan each row.

    Returns the plans, the states by code, and the state each place's text names, if any.
    """
    resolution, states = resolve(rows, rules, error)
    plans = [Plan(row, read_row_participants(row, resolution, rules)) for row in rows]
    resolved = resolution.states
    places = {place: resolved[place.name] for row in rows for place in row.places if place.name in resolved}
    return plans, states, places


# -- Duplicates -------------------------------------------------------------------------------------
def span(row: Row) -> tuple[dt.date, dt.date] | None:
    """The widest span the row's dates allow, as ``services.derive_dates`` computes it."""
    year, first, last = services.derived_dates(row.start.value, row.end.value, row.end.precision, None)
    return None if year is None else (first, last)


def _without_numbers(name: str) -> str:
    return " ".join(re.sub(r"\d+", " ", normalize_name(name)).split())


def duplicate_reason(a: Row, b: Row) -> str | None:
    """Why ``a`` and ``b`` (same year, same participants) look like one exercise, or None."""
    named = not a.fields["name_is_descriptive"] and not b.fields["name_is_descriptive"]
    if named and normalize_name(a.fields["name"]) == normalize_name(b.fields["name"]):
        return "same name"
    span_a, span_b = span(a), span(b)
    if not (span_a and span_b and span_a[0] <= span_b[1] and span_b[0] <= span_a[1]):
        return None
    if a.series_key and a.series_key == b.series_key:
        return "same series, dates overlap"
    if named and _without_numbers(a.fields["name"]) == _without_numbers(b.fields["name"]):
        return "same name apart from numbers, dates overlap"
    return None


def likely_duplicates(plans: list[Plan]) -> list[DuplicatePair]:
    """Pairs of rows that are likely the same exercise (reported, never merged)."""
    groups = defaultdict(list)
    for plan in plans:
        day = plan.row.reference_day
        if day and plan.participants.participant_set:
            groups[(day.year, plan.participants.participant_set)].append(plan.row)
    pairs = []
    for (year, _), rows in groups.items():
        for a, b in combinations(rows, 2):
            if reason := duplicate_reason(a, b):
                names = (a.fields["name"], b.fields["name"])
                pairs.append(DuplicatePair(a.identifier, b.identifier, year, names, reason))
    return sorted(pairs, key=lambda pair: (pair.year, pair.first, pair.second))
