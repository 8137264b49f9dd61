"""When a data set's row and an exercise already in the database are the same exercise: the rule every
import applies to the rows it has not linked before, whichever data set came first.

Evidence, as analysts weigh it
    - The name, normalised: case, accents and punctuation ignored (``normalize_name``); the words
      "exercise", "exercises" and "the" dropped; a year of the exercise's dates written in full or in
      two digits dropped ("Cooperative Osprey 96" and "Cooperative Osprey 1996" are "cooperative
      osprey"). A parenthesised part is another name ("Vzaimodeystviye (Interaction) 2010" is also
      "interaction" and "vzaimodeystviye"); an exercise's alternative names and its other sources'
      names count too. An unnamed exercise (descriptive name) has no name to compare.
    - The series, normalised the same way.
    - The dates: the widest spans their precision allows overlap ("May 1991" overlaps 12 May 1991).
    - The participants (states and organisations taking part): at least one in common. A side that
      names none is no evidence either way.

Verdict
    - Same name, dates that overlap and participants that do not exclude each other: a match.
    - Same name in the same year, dates that do not overlap: for review.
    - Same name, dates that overlap, no participant in common: for review.
    - Another name but the same series, dates that overlap, a participant in common: for review.
    - Both unnamed, the same participants, dates that overlap, both starts known to the day:
      for review.
    - A row that matches several exercises, or an exercise that several rows of the file match (a
      data set's own duplicates): nothing is linked; each pair is for review.

A row linked to an exercise becomes one of that exercise's source records; a row with no match becomes
an exercise of its own, and a pair for review is listed (``PossibleDuplicate``) with its reason: no
exercise is merged on unclear evidence. The rule is symmetric, so the pairs it finds are the same
whichever data set is imported first.
"""

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass

from exercises import services
from exercises.choices import DatePrecision
from exercises.importers.rows import Plan
from exercises.models import Exercise, ExerciseName, ExternalIdentifier, OrganisationParticipation, Participation
from exercises.models import normalize_name as normalise

STOP_WORDS = frozenset({"exercise", "exercises", "the"})
_PARENTHESES = re.compile(r"\(([^)]*)\)")


def _words(text: str, years: set[int]) -> str:
    short = {f"{year % 100:02d}" for year in years}
    full = {str(year) for year in years}
    words = [word for word in normalise(text).split() if word not in STOP_WORDS and word not in full | short]
    return " ".join(words)


def name_keys(name: str, years: set[int]) -> set[str]:
    """The keys a name is compared on: the whole name, without its parenthesised parts, and each of them."""
    texts = [name, _PARENTHESES.sub(" ", name), *_PARENTHESES.findall(name)]
    return {key for text in texts if (key := _words(text, years))}


@dataclass
class Side:
    """One side of a comparison: an exercise in the database or a row of the file being imported."""

    key: object
    names: set[str]
    series: str
    span: tuple[dt.date, dt.date] | None
    participants: frozenset
    precise: bool  # the start known to the day

    @property
    def years(self) -> range:
        return range(self.span[0].year, self.span[1].year + 1) if self.span else range(0)


def years_of(span) -> set[int]:
    return set(range(span[0].year, span[1].year + 1)) if span else set()


def row_side(plan: Plan) -> Side:
    row = plan.row
    year, first, last = services.derived_dates(row.start.value, row.end.value, row.end.precision, None)
    span = (first, last) if year is not None else None
    years = years_of(span)
    names = set() if row.fields["name_is_descriptive"] else name_keys(row.fields["name"], years)
    precise = row.start.precision == DatePrecision.DAY
    return Side(
        row.identifier, names, _words(row.fields["series"], years), span, plan.participants.participant_set, precise
    )


def exercise_sides(source) -> list[Side]:
    """Every exercise that is not a phase and has no record of ``source`` yet, as comparison sides
    (a few queries, whatever the number of exercises)."""
    exercises = (
        Exercise.objects.filter(parent__isnull=True)
        .exclude(external_ids__source=source)
        .values("pk", "name", "name_is_descriptive", "series", "span_start", "span_end", "start_precision")
    )
    sides = {}
    for values in exercises:
        span = (values["span_start"], values["span_end"]) if values["span_start"] else None
        years = years_of(span)
        names = set() if values["name_is_descriptive"] else name_keys(values["name"], years)
        precise = values["start_precision"] == DatePrecision.DAY
        sides[values["pk"]] = Side(values["pk"], names, _words(values["series"], years), span, frozenset(), precise)
    ids = list(sides)
    participants = defaultdict(set)
    for batch in services.batches(ids):
        for exercise_id, code in Participation.objects.filter(exercise_id__in=batch).values_list(
            "exercise_id", "state__code"
        ):
            participants[exercise_id].add(code)
        for exercise_id, acronym in OrganisationParticipation.objects.filter(exercise_id__in=batch).values_list(
            "exercise_id", "organisation__acronym"
        ):
            participants[exercise_id].add(acronym)
        other_names = ExerciseName.objects.filter(exercise_id__in=batch).values_list("exercise_id", "name")
        records = ExternalIdentifier.objects.filter(exercise_id__in=batch).values_list("exercise_id", "claims")
        recorded = [(exercise_id, (claims or {}).get("name")) for exercise_id, claims in records]
        for exercise_id, name in [*other_names, *recorded]:
            if isinstance(name, str) and name:
                sides[exercise_id].names |= name_keys(name, years_of(sides[exercise_id].span))
    for pk, found in participants.items():
        sides[pk].participants = frozenset(found)
    return list(sides.values())


def overlaps(a: Side, b: Side) -> bool:
    return bool(a.span and b.span and a.span[0] <= b.span[1] and b.span[0] <= a.span[1])


def verdict(row: Side, exercise: Side) -> tuple[bool, str] | None:
    """(True, why) for a match, (False, why) for a pair to review, None for unrelated."""
    same_name = bool(row.names & exercise.names)
    dates = overlaps(row, exercise)
    known = row.participants and exercise.participants
    shared = bool(row.participants & exercise.participants)
    if same_name:
        if not dates:
            same_year = bool(set(row.years) & set(exercise.years))
            return (False, "same name in the same year, but the dates do not overlap") if same_year else None
        if known and not shared:
            return False, "same name and overlapping dates, but no participant in common"
        return True, "same name, overlapping dates, participants in common" if known else "same name, overlapping dates"
    if not dates:
        return None
    if row.series and row.series == exercise.series and shared:
        return False, "same series, overlapping dates and participants in common, but other names"
    unnamed = not row.names and not exercise.names
    if unnamed and known and row.participants == exercise.participants and row.precise and exercise.precise:
        return False, "both unnamed, same participants, overlapping dates"
    return None


@dataclass
class Matches:
    """What :func:`match` found: rows linked to an exercise, and pairs (row, exercise, reason) to review."""

    links: dict
    review: list


def match(plans: list[Plan], exercises: list[Side]) -> Matches:
    """Link each row to the one exercise it matches, where that exercise matches no other row."""
    by_year = defaultdict(list)
    for side in exercises:
        for year in side.years:
            by_year[year].append(side)
    edges, review = [], []
    for plan in plans:
        row = row_side(plan)
        seen = set()
        for year in row.years:
            for exercise in by_year[year]:
                if exercise.key in seen:
                    continue
                seen.add(exercise.key)
                if found := verdict(row, exercise):
                    (edges if found[0] else review).append((row.key, exercise.key, found[1]))
    per_row, per_exercise = defaultdict(list), defaultdict(list)
    for row_key, exercise_key, _ in edges:
        per_row[row_key].append(exercise_key)
        per_exercise[exercise_key].append(row_key)
    links = {}
    for row_key, exercise_key, reason in edges:
        if len(per_row[row_key]) == 1 and len(per_exercise[exercise_key]) == 1:
            links[row_key] = exercise_key
        elif len(per_row[row_key]) > 1:
            review.append((row_key, exercise_key, f"{reason}; the row matches {len(per_row[row_key])} exercises"))
        else:
            count = len(per_exercise[exercise_key])
            review.append((row_key, exercise_key, f"{reason}; {count} rows of the file match this exercise"))
    return Matches(links, review)
