"""Participants' names and codes resolved to states and organisations, the same way for every data set.

Names and codes are matched in one place, ``State.objects.resolve`` (ISO codes in any case, ISO 3166-3
codes of former states, every name in ``fixtures/states.json``): a spelling a data set needs is added
to the states fixture (``devtools/iso3166.py``), never matched in an importer. :func:`resolve_states`
resolves a whole file's values in bulk and returns those that match nothing, so the importer reports
them with their counts and flags their rows instead of guessing.

What a data set means beyond names is its :class:`ParticipantRules`: participants that are
organisations taking part as a body ("NATO"), names that stand for several states ("Baltic States"),
and codes that stand for another state before a date (MME's "Russia" before 26 December 1991 is the
USSR). :func:`read_participants` applies them to the participants one row lists.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from exercises.importers.cells import MISSING
from exercises.models import State, StateName, UnknownState, normalize_name


@dataclass
class Resolution:
    """What :func:`resolve_states` found: the state each value names, and the values that name none."""

    states: dict[str, State]
    unmatched: set[str]

    @property
    def by_code(self) -> dict[str, State]:
        return {state.code: state for state in self.states.values()}


def resolve_states(values: Iterable[str]) -> Resolution:
    """The states ``values`` (names or codes, stripped) name, through ``State.objects.resolve``.

    ``resolve`` stops at the first unknown value. Texts that are neither a registered name nor short
    enough to be a code (most place texts) are set aside first, against the names ``resolve`` reads,
    so that resolving costs two queries and one more per unknown code-like value.
    """
    values = {value.strip() for value in values if value.strip()}
    names = set(StateName.objects.values_list("key", flat=True))
    candidates = {value for value in values if len(value) <= 4 or normalize_name(value) in names}
    unmatched = values - candidates
    while True:
        try:
            return Resolution(State.objects.resolve(sorted(candidates)), unmatched)
        except UnknownState as exc:
            candidates.discard(exc.value)
            unmatched.add(exc.value)


@dataclass(frozen=True)
class Predecessor:
    """The state a data set's code stands for before ``until``."""

    code: str
    until: dt.date


@dataclass(frozen=True)
class ParticipantRules:
    """How a data set's participant cells read, beyond the names of states.

    ``source`` names the data set in notes ('MME lists "Russia"'); ``organisations`` maps a normalised
    name (``normalize_name``) to the acronym of an organisation taking part as a body; ``groups`` maps
    one to the codes of the states it stands for; ``aliases`` maps one to the code of the state it
    names under a code ISO has since changed (JME's "ROM" for Romania, ROU since 2002);
    ``predecessors`` maps a state's code to the state that code means before a date; ``missing`` is
    the cell of a participant the data set could not name.
    """

    source: str
    organisations: Mapping[str, str] = field(default_factory=dict)
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    aliases: Mapping[str, str] = field(default_factory=dict)
    predecessors: Mapping[str, Predecessor] = field(default_factory=dict)
    missing: str = MISSING

    @property
    def codes(self) -> set[str]:
        """The codes the rules name: the database must hold these states."""
        grouped = {code for codes in self.groups.values() for code in codes} | set(self.aliases.values())
        return grouped | {predecessor.code for predecessor in self.predecessors.values()}

    def names(self, labels: Iterable[str]) -> set[str]:
        """The labels that need resolving: neither missing nor an organisation or group."""
        special = self.organisations.keys() | self.groups.keys() | self.aliases.keys()
        return {label for label in labels if label != self.missing and normalize_name(label) not in special}

    def state_on(self, state: State, label: str, day: dt.date | None) -> tuple[str, str]:
        """The code of the state ``label`` (resolved to ``state``) stands for on ``day``, and a note if
        that is a predecessor."""
        predecessor = self.predecessors.get(state.code)
        if predecessor and day and day < predecessor.until:
            return predecessor.code, f'{self.source} lists "{label}"'
        return state.code, ""


@dataclass
class Listing:
    """A participant as an importer has it: the columns and labels behind it, and its notes."""

    columns: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, column: str, label: str, note: str = "") -> None:
        self.columns.append(column)
        if label not in self.labels:
            self.labels.append(label)
        if note and note not in self.notes:
            self.notes.append(note)


@dataclass
class Participants:
    """One row's participants: states by code and organisations by acronym, and what could not be matched.

    ``review``: notes for the row's review (names that match nothing); ``note``: a sentence for its
    participants note (how many participants the data set could not name), or "".
    """

    states: dict[str, Listing] = field(default_factory=dict)
    organisations: dict[str, Listing] = field(default_factory=dict)
    matched: int = 0
    unmatched: list[str] = field(default_factory=list)
    unnamed: int = 0
    repeated: int = 0
    review: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def participant_set(self) -> frozenset[str]:
        return frozenset(self.states) | frozenset(self.organisations)


def read_participants(
    listed: Iterable[tuple[str, str]], resolved: Mapping[str, State], day: dt.date | None, rules: ParticipantRules
) -> Participants:
    """One row's (column, label) participants as states and organisations, under the data set's ``rules``.

    ``resolved``: the states labels name (:attr:`Resolution.states`); ``day``: the row's first known
    date, for predecessors. A state listed twice is one participant, both columns kept; a label that
    matches nothing makes none and is noted for review; nothing is guessed.
    """
    found = Participants()
    for column, label in listed:
        key = normalize_name(label)
        if label == rules.missing:
            found.unnamed += 1
            continue
        if key in rules.organisations:
            listing, note = found.organisations.setdefault(rules.organisations[key], Listing()), ""
        elif key in rules.aliases:
            listing = found.states.setdefault(rules.aliases[key], Listing())
            note = f'{rules.source} lists "{label}"'
            found.matched += 1
        elif key in rules.groups:
            for code in rules.groups[key]:
                found.states.setdefault(code, Listing()).add(column, label, f'{rules.source} lists "{label}"')
            found.matched += 1
            continue
        elif label in resolved:
            code, note = rules.state_on(resolved[label], label, day)
            listing = found.states.setdefault(code, Listing())
            found.matched += 1
        else:
            found.unmatched.append(label)
            found.review.append(f'{column} "{label}" matches no state; no participation was made for it.')
            continue
        found.repeated += bool(listing.columns)
        listing.add(column, label, note)
    if found.unnamed:
        found.note = f"{rules.source} lists {found.unnamed} participant(s) it could not name ({rules.missing})."
    return found
