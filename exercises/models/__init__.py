from exercises.models.exercises import (
    Exercise,
    ExerciseMerge,
    ExerciseName,
    ExerciseRelation,
    ExternalIdentifier,
    PossibleDuplicate,
)
from exercises.models.geography import (
    CodedStates,
    Location,
    State,
    StateCode,
    StateName,
    StatePeriod,
    UnknownState,
    UnknownStateCode,
    normalize_name,
    state_condition,
)
from exercises.models.organisations import Membership, Organisation
from exercises.models.parts import Force, OrganisationParticipation, Participation, Scenario, TroopFigure
from exercises.models.removals import Removal
from exercises.models.sources import CITATION_TARGETS, Citation, Source

__all__ = [
    "CITATION_TARGETS",
    "Citation",
    "CodedStates",
    "Exercise",
    "ExerciseMerge",
    "ExerciseName",
    "ExerciseRelation",
    "ExternalIdentifier",
    "Force",
    "Location",
    "Membership",
    "Organisation",
    "OrganisationParticipation",
    "Participation",
    "PossibleDuplicate",
    "Removal",
    "Scenario",
    "Source",
    "State",
    "StateCode",
    "StateName",
    "StatePeriod",
    "TroopFigure",
    "UnknownState",
    "UnknownStateCode",
    "normalize_name",
    "state_condition",
]
