"""Names and codes resolved to states for every data set, and a row's participants under its rules."""

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from exercises.importers.report import ImportSummary
from exercises.importers.states import ParticipantRules, Predecessor, read_participants, resolve_states
from exercises.models import State

pytestmark = pytest.mark.django_db

RULES = ParticipantRules(
    source="JME",
    organisations={"nato": "NATO"},
    groups={"baltic states": ("EST", "LVA", "LTU")},
    predecessors={"RUS": Predecessor("SUHH", dt.date(1991, 12, 26))},
)


def states(*codes: str) -> dict[str, State]:
    return {code: State.objects.get(code=code) for code in codes}


def test_resolve_states_reads_codes_in_any_case_and_with_spaces():
    resolution = resolve_states(["uSA", "DEu ", "suhh"])
    assert {value: state.code for value, state in resolution.states.items()} == {
        "uSA": "USA",
        "DEu": "DEU",
        "suhh": "SUHH",
    }


def test_resolve_states_reads_names():
    assert resolve_states(["Federal Republic of Germany"]).states["Federal Republic of Germany"].code == "DEU"


def test_resolve_states_returns_what_matches_nothing_instead_of_guessing():
    resolution = resolve_states(["USA", "Atlantis", "XYZ", "8 NATO members"])
    assert resolution.unmatched == {"Atlantis", "XYZ", "8 NATO members"}
    assert set(resolution.states) == {"USA"}


def test_resolve_states_costs_two_queries_and_one_per_unknown_code(django_assert_num_queries):
    with django_assert_num_queries(3):
        resolve_states(["USA", "Atlantis", "XYZ"])


def test_resolution_by_code():
    assert set(resolve_states(["United States", "usa", "Germany"]).by_code) == {"USA", "DEU"}


def test_rules_name_the_states_the_database_must_hold():
    assert RULES.codes == {"EST", "LVA", "LTU", "SUHH"}


def test_rules_leave_missing_organisations_and_groups_out_of_resolving():
    assert RULES.names(["-9", "NATO", "Baltic States", "RUS"]) == {"RUS"}


def test_predecessor_stands_in_before_its_date():
    found = read_participants([("State A", "RUS")], states("RUS"), dt.date(1985, 1, 1), RULES)
    assert {code: listing.notes for code, listing in found.states.items()} == {"SUHH": ['JME lists "RUS"']}


def test_state_is_itself_from_its_predecessors_end():
    found = read_participants([("State A", "RUS")], states("RUS"), dt.date(1991, 12, 26), RULES)
    assert list(found.states) == ["RUS"]


def test_organisation_takes_part_as_a_body():
    found = read_participants([("State A", "NATO"), ("State B", "USA")], states("USA"), None, RULES)
    assert (list(found.organisations), list(found.states), found.matched) == (["NATO"], ["USA"], 1)


def test_group_is_one_participant_per_state():
    found = read_participants([("State A", "Baltic States"), ("State B", "EST")], states("EST"), None, RULES)
    assert sorted(found.states) == ["EST", "LTU", "LVA"]
    assert (found.states["EST"].columns, found.repeated) == (["State A", "State B"], 1)


def test_unnamed_participants_are_counted_in_a_note():
    found = read_participants([("State A", "-9"), ("State B", "-9")], {}, None, RULES)
    assert (found.unnamed, found.note, found.states) == (2, "JME lists 2 participant(s) it could not name (-9).", {})


def test_unmatched_label_makes_no_participant_and_is_noted():
    found = read_participants([("State C", "Atlantis")], {}, None, RULES)
    assert (found.states, found.unmatched) == ({}, ["Atlantis"])
    assert found.review == ['State C "Atlantis" matches no state; no participation was made for it.']


def test_summary_reports_unmatched_names_with_their_counts():
    summary = ImportSummary(path=Path("jme.xls"), dataset="JME v3", source="JME")
    for label in ("Atlantis", "Atlantis", "XYZ"):
        summary.count_participants(read_participants([("State A", label)], {}, None, RULES))
    assert summary.unmatched == Counter({"Atlantis": 2, "XYZ": 1})
    assert 'Names not matched: "Atlantis" (2), "XYZ" (1).' in summary.lines()
