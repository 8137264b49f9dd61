"""What an import did, in the terms an analyst checks it by: the summary a command prints and tests read."""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from exercises.importers.states import Participants


@dataclass(frozen=True)
class DuplicatePair:
    """Two rows that are likely one exercise (reported, never merged)."""

    first: str
    second: str
    year: int
    names: tuple[str, str]
    reason: str

    def __str__(self):
        return f'{self.first} ~ {self.second} ({self.year}): "{self.names[0]}" / "{self.names[1]}"; {self.reason}'


@dataclass
class ImportSummary:
    """What an import did: rows read, exercises created, updated and left as they were, names matched
    and not, records written by kind (``written``), and the rows flagged for review with why.

    ``dataset`` names the file's data set ("MME v7"), ``source`` the data set in sentences ("MME").
    """

    path: Path
    dataset: str
    source: str
    dry_run: bool = False
    rows: int = 0
    created: int = 0
    linked: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    participants_matched: int = 0
    organisations_matched: int = 0
    unnamed_participants: int = 0
    repeated_participants: int = 0
    unmatched: Counter = field(default_factory=Counter)
    duplicates: list[DuplicatePair] = field(default_factory=list)
    review: list[tuple[str, int, int, str]] = field(default_factory=list)  # (row, its exercise, other, why)
    flagged: dict[str, list[str]] = field(default_factory=dict)
    figures: int = 0
    reported_figures: int = 0
    places: int = 0
    written: Counter = field(default_factory=Counter)
    not_in_file: int = 0

    def count_exercise(self, *, created: bool, changed: bool, linked: bool = False) -> None:
        """Count one of the file's exercises as created, linked to an existing one, updated or unchanged."""
        if created:
            self.created += 1
        elif linked:
            self.linked += 1
        elif changed:
            self.updated += 1
        else:
            self.unchanged += 1

    def count_participants(self, found: Participants) -> None:
        """Add one row's participants (:func:`exercises.importers.states.read_participants`)."""
        self.participants_matched += found.matched
        self.organisations_matched += sum(len(listing.columns) for listing in found.organisations.values())
        self.unnamed_participants += found.unnamed
        self.repeated_participants += found.repeated
        self.unmatched.update(found.unmatched)

    def lines(self) -> list[str]:
        """The summary as the command prints it."""
        unmatched = ", ".join(f'"{name}" ({count})' for name, count in sorted(self.unmatched.items()))
        written = ", ".join(f"{what} {count}" for what, count in sorted(self.written.items()) if count)
        lines = [
            f"{self.dataset} from {self.path}: {self.rows} rows.",
            f"Exercises: {self.created} created, {self.linked} rows linked to an existing exercise, "
            f"{self.updated} updated, {self.unchanged} unchanged, {len(self.skipped)} skipped.",
            *(f"  skipped {reason}" for reason in self.skipped),
            f"Participants matched: {self.participants_matched} names to states, {self.organisations_matched} to "
            f"organisations; {self.unnamed_participants} unnamed (-9), counted in participants notes; "
            f"{self.repeated_participants} repeated within their row, kept once.",
            f"Names not matched: {unmatched or 'none'}.",
            f"Troop figures extracted: {self.figures} ({self.reported_figures} taken as the exercise's reported "
            f"figure). Places: {self.places}.",
            f"Records written: {written or 'none'}.",
            f"Likely duplicates within the file (listed for review, not merged): {len(self.duplicates)}",
            *(f"  {pair}" for pair in self.duplicates),
            f"Ambiguous rows left for review (possible duplicates of an existing exercise): {len(self.review)}",
            *(f"  {row} (exercise {mine}) ~ exercise {other}: {why}" for row, mine, other, why in self.review),
            f"Rows flagged for review: {len(self.flagged)}",
            *(f"  {identifier}: {' '.join(notes)}" for identifier, notes in self.flagged.items()),
        ]
        if self.not_in_file:
            lines.append(
                f"Exercises imported from {self.source} before but not in this file, left as they are: "
                f"{self.not_in_file}"
            )
        if self.dry_run:
            lines.append("Dry run: rolled back, nothing was written.")
        return lines
