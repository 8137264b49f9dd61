"""FastFilterSet: each instance gets its own shallow copies of the declared filters, whatever django-filter
version runs its constructor."""

import pytest
from django.http import QueryDict

from exercises.filtersets import ExerciseFilterSet
from exercises.models import Exercise

pytestmark = pytest.mark.django_db


def test_each_instance_has_its_own_copies_of_the_declared_filters():
    first, second = ExerciseFilterSet(QueryDict("")), ExerciseFilterSet(QueryDict(""))
    for name, declared in ExerciseFilterSet.base_filters.items():
        assert first.filters[name] is not declared and first.filters[name] is not second.filters[name]


def test_copies_are_shallow_sharing_the_declared_configuration():
    """The point of the class: no deep copy of each filter's configuration per request."""
    filterset = ExerciseFilterSet(QueryDict(""))
    for name, declared in ExerciseFilterSet.base_filters.items():
        assert filterset.filters[name].extra is declared.extra


def test_copies_belong_to_their_instance_and_model():
    filterset = ExerciseFilterSet(QueryDict(""))
    assert {f.parent for f in filterset.filters.values()} == {filterset}
    assert {f.model for f in filterset.filters.values()} == {Exercise}


def test_declared_filters_are_left_untouched():
    ExerciseFilterSet(QueryDict("country=KZ"))
    assert all(getattr(f, "parent", None) is None for f in ExerciseFilterSet.base_filters.values())


def test_method_filters_call_their_own_instance():
    """A method filter's wrapper is rebuilt for the copy, so it calls the method of its own FilterSet."""
    kazakhstan = ExerciseFilterSet(QueryDict("country=KZ"))
    uzbekistan = ExerciseFilterSet(QueryDict("country=UZ"))
    assert kazakhstan.is_valid() and uzbekistan.is_valid()
    assert set(kazakhstan.qs.values_list("slug", flat=True)) == {"csto-exercises-2010", "tsentr-2011"}
    assert set(uzbekistan.qs.values_list("slug", flat=True)) == {"csto-exercises-2010"}
