"""A data set's row in the project's terms, whatever the data set: what every importer's reader makes
and what the shared writer (:mod:`exercises.importers.writer`) writes."""

import datetime as dt
from dataclasses import dataclass, field

from exercises.importers.partial_dates import PartialDate
from exercises.importers.states import Participants
from exercises.importers.troops import Figure
from exercises.models import normalize_name


@dataclass(frozen=True)
class Place:
    """A place as a data set gives it: its text and coordinates (already rounded as stored), if any."""

    name: str
    latitude: object = None
    longitude: object = None
    column: str = field(default="Location", compare=False)  # where the data set gives it

    @property
    def identity(self) -> tuple:
        return normalize_name(self.name), self.latitude, self.longitude


@dataclass
class Row:
    """One row of a data set, before its names are resolved.

    ``number`` is the data set's own identifier as written (an MMEID, a JME row); ``identifier`` the
    one the project keeps (unique within the data set); ``locator`` where the row is, for citations;
    ``fields`` the exercise's own fields as this row has them; ``claims`` what else the row says, kept
    in its source record; ``participants`` (column, label) pairs.
    """

    line: int
    number: str
    identifier: str
    locator: str
    fields: dict
    series_key: str
    participants: list[tuple[str, str]]
    figures: list[Figure]
    places: list[Place]
    review: list[str]
    claims: dict = field(default_factory=dict)
    attributed_to: str = ""

    @property
    def start(self) -> PartialDate:
        return PartialDate(self.fields["start_date"], self.fields["start_precision"])

    @property
    def end(self) -> PartialDate:
        return PartialDate(self.fields["end_date"], self.fields["end_precision"])

    @property
    def reference_day(self) -> dt.date | None:
        """The first day the row gives (start, else end), for the states names stand for then."""
        return self.start.value or self.end.value


@dataclass
class Plan:
    """What the database should hold for one row: the row, and its participants by state code and acronym."""

    row: Row
    participants: Participants
