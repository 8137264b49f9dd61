"""FilterSets: what each query parameter means, shared by the API and the admin.

- ``fields.py``: how one parameter's text is parsed and validated (state codes, partial dates ...);
- ``filters.py``: the filter classes built on those fields, and the FilterSet base;
- ``exercises.py``: the exercise list's parameters (API list, ``stats/``, admin change list);
- ``reference.py``: the other list endpoints' parameters.
"""

from exercises.filtersets.exercises import ExerciseFilterSet
from exercises.filtersets.fields import MAX_VALUE_LENGTH
from exercises.filtersets.filters import MultiValueFilter, StatesFilter
from exercises.filtersets.reference import (
    ExercisePartFilterSet,
    LocationFilterSet,
    ScenarioFilterSet,
    StateFilterSet,
)

__all__ = [
    "MAX_VALUE_LENGTH",
    "ExerciseFilterSet",
    "ExercisePartFilterSet",
    "LocationFilterSet",
    "MultiValueFilter",
    "ScenarioFilterSet",
    "StateFilterSet",
    "StatesFilter",
]
