"""What the API returns and accepts. The exercise list's row is declared in ``exercises.api.formats``.

- ``common.py``: brief references, citations, places, partial dates;
- ``exercises.py``: an exercise's parts and its detail;
- ``writes.py``: what editors send (exercises, participations, troop figures);
- ``reference.py``: states, organisations, sources, statistics, the deletions feed.
"""

from exercises.api.serializers.common import (
    CitationSerializer,
    ExerciseRefSerializer,
    LocationDetailSerializer,
    LocationSerializer,
    PartialDateField,
    StateBriefSerializer,
)
from exercises.api.serializers.exercises import (
    ExerciseDetailSerializer,
    ExerciseListSerializer,
    ForceSerializer,
    ParticipationRecordSerializer,
    ParticipationSerializer,
    RelationSerializer,
    ScenarioListSerializer,
    ScenarioSerializer,
    TroopFigureSerializer,
)
from exercises.api.serializers.reference import (
    MembershipSerializer,
    OrganisationSerializer,
    RemovalSerializer,
    SourceDetailSerializer,
    SourceSerializer,
    StateSerializer,
    StatsSerializer,
    SupportSerializer,
)
from exercises.api.serializers.writes import (
    ExerciseWriteSerializer,
    ParticipationWriteSerializer,
    TroopFigureWriteSerializer,
)

__all__ = [
    "CitationSerializer",
    "ExerciseDetailSerializer",
    "ExerciseListSerializer",
    "ExerciseRefSerializer",
    "ExerciseWriteSerializer",
    "ForceSerializer",
    "LocationDetailSerializer",
    "LocationSerializer",
    "MembershipSerializer",
    "OrganisationSerializer",
    "ParticipationRecordSerializer",
    "ParticipationSerializer",
    "ParticipationWriteSerializer",
    "PartialDateField",
    "RelationSerializer",
    "RemovalSerializer",
    "ScenarioListSerializer",
    "ScenarioSerializer",
    "SourceDetailSerializer",
    "SourceSerializer",
    "StateBriefSerializer",
    "StateSerializer",
    "StatsSerializer",
    "SupportSerializer",
    "TroopFigureSerializer",
    "TroopFigureWriteSerializer",
]
