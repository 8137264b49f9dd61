"""Who belonged to an organisation when: memberships, suspensions, members in a year."""

import datetime as dt

import pytest

from exercises.models import Organisation, State

pytestmark = pytest.mark.django_db


def csto_members_in(year):
    return sorted(Organisation.objects.get(acronym="CSTO").members_in(year).values_list("alpha2", flat=True))


def test_csto_members_in_2010_include_uzbekistan():
    assert csto_members_in(2010) == ["AM", "BY", "KG", "KZ", "RU", "TJ", "UZ"]


def test_csto_members_in_2013_exclude_suspended_uzbekistan():
    assert csto_members_in(2013) == ["AM", "BY", "KG", "KZ", "RU", "TJ"]


def test_uzbekistan_is_recorded_as_suspended_from_december_2012():
    uzbekistan = State.objects.get(code="UZB")
    suspended = uzbekistan.memberships.get(status="suspended")
    assert (suspended.started_on, suspended.ended_on) == (dt.date(2012, 12, 19), None)
