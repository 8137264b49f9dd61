from exercises.models.exercises import (
    Exercise,
    ExerciseMerge,
    ExerciseName,
    ExerciseRelation,
    ExternalIdentifier,
    PossibleDuplicate,
)
from exercises.models.geography import Location, State, StateName, UnknownState, normalize_name
from exercises.models.organisations import Membership, Organisation
from exercises.models.parts import Force, OrganisationParticipation, Participation, Scenario, TroopFigure
from exercises.models.sources import CITATION_TARGETS, Citation, Source

__all__ = [
    "CITATION_TARGETS",
    "Citation",
    "Exercise",
    "ExerciseMerge",
    "ExerciseName",
    "ExerciseRelation",
    "ExternalIdentifier",
    "Force",
    "Location",
    "Membership",
    "Organisation",
    "PossibleDuplicate",
    "OrganisationParticipation",
    "Participation",
    "Scenario",
    "Source",
    "State",
    "StateName",
    "TroopFigure",
    "UnknownState",
    "normalize_name",
]
