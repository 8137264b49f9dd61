"""FilterSets: what each query parameter means, shared by the API and the admin.

- ``fields.py``: how one parameter's text is parsed and validated (state codes, partial dates ...);
- ``filters.py``: the filter classes built on those fields, and the FilterSet base;
- ``exercises.py``: the exercise list's parameters (API list, ``stats/``, admin change list);
- ``reference.py``: the other list endpoints' parameters (and ``deletions/``');
- every list's ``updated_since``: ``filters.ChangesSinceFilterSet``.
"""

from exercises.filtersets.exercises import ExerciseFilterSet
from exercises.filtersets.fields import MAX_VALUE_LENGTH
from exercises.filtersets.filters import MultiValueFilter, StatesFilter
from exercises.filtersets.reference import (
    DeletionFilterSet,
    ExercisePartFilterSet,
    LocationFilterSet,
    OrganisationFilterSet,
    ScenarioFilterSet,
    SourceFilterSet,
    StateFilterSet,
)

__all__ = [
    "MAX_VALUE_LENGTH",
    "DeletionFilterSet",
    "ExerciseFilterSet",
    "ExercisePartFilterSet",
    "LocationFilterSet",
    "MultiValueFilter",
    "OrganisationFilterSet",
    "ScenarioFilterSet",
    "SourceFilterSet",
    "StateFilterSet",
    "StatesFilter",
]
