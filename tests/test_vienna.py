"""The Vienna Document rules (exercises.vienna): what a claim counts for, and the zone of application.

Each case is read three ways, which must agree: the condition as a correlated EXISTS, the same condition
in the IN form a FilterSet may choose, and :func:`vienna.assess` on the exercise's parts (the detail).
"""

import pytest
from django.db.models import Q

from exercises import vienna
from exercises.choices import FigureBasis, Qualifier
from exercises.models import Exercise, State
from tests.factories import claim, exercise, place

pytestmark = pytest.mark.django_db

DECLARED, ESTIMATED, REPORTED = FigureBasis.DECLARED, FigureBasis.ESTIMATED, FigureBasis.REPORTED


def in_form(rows) -> Q:
    return Q(pk__in=rows.values("exercise_id"))


def holds(condition, target) -> bool:
    """Whether ``condition(related)`` holds for ``target``, the same in both forms (else the test fails)."""
    found = {
        related: Exercise.objects.filter(condition(related), pk=target.pk).exists()
        for related in (
            vienna.correlated,
            in_form,
        )
    }
    assert len(set(found.values())) == 1, found
    return found[vienna.correlated]


def assessed(target) -> dict:
    return vienna.assess(Exercise.objects.get(pk=target.pk))


def with_claims(*claims):
    """An exercise with these claims: (low, high, qualifier, basis) tuples, trailing items optional."""
    created = exercise()
    for low, high, qualifier, basis in (c + (None, Qualifier.EXACT, REPORTED)[len(c) - 1 :] for c in claims):
        claim(created, low, high, qualifier, basis)
    return created


# -- Thresholds --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("troops", "expected"), [(8_999, False), (9_000, True)])
def test_notification_starts_at_9000(troops, expected):
    target = with_claims((troops,))
    assert holds(vienna.at_or_above_notification, target) is expected
    assert assessed(target)["notification"] is expected


@pytest.mark.parametrize(("troops", "expected"), [(12_999, False), (13_000, True)])
def test_observation_starts_at_13000(troops, expected):
    target = with_claims((troops,))
    assert holds(vienna.at_or_above_observation, target) is expected
    assert assessed(target)["observation"] is expected


def test_at_least_counts_by_its_figure():
    target = with_claims((13_000, None, Qualifier.AT_LEAST))
    assert holds(vienna.at_or_above_observation, target)
    assert assessed(target)["highest_claim"] == 13_000


def test_up_to_is_never_a_claim_of_reaching_a_threshold():
    target = with_claims((None, 15_000, Qualifier.UP_TO))
    assert not holds(vienna.at_or_above_notification, target)
    assert assessed(target) | {"source": None} == {
        "source": None,
        "notification": False,
        "observation": False,
        "declared_below_reported_above": False,
        "zone": None,
        "highest_claim": None,
        "declared": None,
    }


def test_a_range_counts_by_its_low_end():
    target = with_claims((12_000, 15_000))
    assert holds(vienna.at_or_above_notification, target)
    assert not holds(vienna.at_or_above_observation, target)
    assert assessed(target)["highest_claim"] == 12_000


def test_about_counts_as_given():
    target = with_claims((13_000, None, Qualifier.ABOUT))
    assert holds(vienna.at_or_above_observation, target)


def test_a_figure_for_one_state_does_not_count_for_the_whole():
    target = exercise()
    claim(target, 20_000, state="RU")
    assert not holds(vienna.at_or_above_notification, target)
    assert assessed(target)["highest_claim"] is None


def test_the_highest_of_several_claims_counts():
    target = with_claims((5_000,), (9_500, None, Qualifier.ABOUT, ESTIMATED))
    assert holds(vienna.at_or_above_notification, target)
    assert assessed(target)["highest_claim"] == 9_500


# -- Declared below, reported above --------------------------------------------------------------------
def test_declared_under_13000_reported_above_is_the_pattern():
    target = with_claims((12_500, None, Qualifier.EXACT, DECLARED), (15_000,))
    assert holds(vienna.declared_below_reported_above, target)
    assert (assessed(target)["declared_below_reported_above"], assessed(target)["declared"]) == (True, 12_500)


def test_a_declaration_alone_is_not_the_pattern():
    target = with_claims((12_500, None, Qualifier.EXACT, DECLARED))
    assert not holds(vienna.declared_below_reported_above, target)
    assert not assessed(target)["declared_below_reported_above"]


def test_a_declaration_at_or_above_13000_is_not_the_pattern():
    target = with_claims((14_000, None, Qualifier.EXACT, DECLARED), (15_000,))
    assert not holds(vienna.declared_below_reported_above, target)
    assert not assessed(target)["declared_below_reported_above"]


def test_a_declared_range_reaching_13000_is_not_under_it():
    target = with_claims((12_000, 13_500, Qualifier.EXACT, DECLARED), (15_000,))
    assert not holds(vienna.declared_below_reported_above, target)
    assert assessed(target)["declared"] == 13_500


def test_a_declaration_of_up_to_12000_is_under_13000():
    target = with_claims((None, 12_000, Qualifier.UP_TO, DECLARED), (13_000, None, Qualifier.AT_LEAST, ESTIMATED))
    assert holds(vienna.declared_below_reported_above, target)
    assert assessed(target)["declared_below_reported_above"]


def test_a_report_under_13000_with_another_above_is_not_a_declaration():
    target = with_claims((12_500,), (15_000,))
    assert not holds(vienna.declared_below_reported_above, target)


# -- Zone of application -----------------------------------------------------------------------------
def zone(target) -> bool | None:
    """The exercise's zone as the conditions tell it (in, outside, neither) and as assess() does."""
    inside, outside = holds(vienna.in_zone, target), holds(vienna.outside_zone, target)
    assert not (inside and outside)
    by_conditions = True if inside else (False if outside else None)
    assert assessed(target)["zone"] is by_conditions
    return by_conditions


def held_at(*places, participants=()):
    """An exercise at these places ((state code or None, longitude or None) pairs)."""
    created = exercise(participants=participants)
    created.locations.add(*(place(state, longitude) for state, longitude in places))
    return created


PLACES = [
    ("poland", [("PL", 21)], True),
    ("kazakhstan-east", [("KZ", 80)], True),
    ("turkey-asian-part", [("TR", 43)], True),
    ("georgia", [("GE", 44)], True),
    ("gdr", [("DDDE", 12)], True),
    ("gibraltar", [("GI", None)], True),
    ("china", [("CN", 116)], False),
    ("united-states", [("US", -77)], False),
    ("greenland", [("GL", -51)], False),
    ("russia-west-of-the-urals", [("RU", 59.9)], True),
    ("russia-at-60", [("RU", 60)], False),
    ("russia-far-east", [("RU", 132)], False),
    ("russia-without-coordinates", [("RU", None)], None),
    ("ussr-west", [("SUHH", 30)], True),
    ("ussr-east-central-asia-or-siberia", [("SUHH", 69)], None),
    ("ussr-without-coordinates", [("SUHH", None)], None),
    ("a-sea-of-no-single-state", [(None, 50)], None),
    ("one-place-in-is-enough", [("CN", 116), ("BY", 27)], True),
    ("outside-and-undetermined", [("CN", 116), (None, 50)], None),
    ("all-outside", [("CN", 116), ("MN", 106)], False),
]


@pytest.mark.parametrize(("places", "expected"), [case[1:] for case in PLACES], ids=[case[0] for case in PLACES])
def test_places_decide_the_zone(places, expected):
    assert zone(held_at(*places)) is expected


def test_a_place_decides_over_the_participants():
    assert zone(held_at(("CN", 116), participants=["BY", "KZ"])) is False


def test_a_place_without_a_state_does_not_fall_back_to_participants():
    assert zone(held_at((None, 50), participants=["BY", "KZ"])) is None


PARTICIPANTS = [
    ("all-wholly-inside", ["BY", "KZ"], True),
    ("former-european-states", ["CSHH", "DDDE"], True),
    ("all-wholly-outside", ["CN", "US"], False),
    ("russia-lies-partly-inside", ["RU", "BY"], None),
    ("the-ussr-lies-partly-inside", ["SUHH"], None),
    ("inside-and-outside", ["BY", "US"], None),
    ("no-participant", [], None),
    ("observers-do-not-say-where", ["BY", ("US", "observer")], True),
    ("observers-alone-say-nothing", [("BY", "observer")], None),
]


@pytest.mark.parametrize(
    ("participants", "expected"), [case[1:] for case in PARTICIPANTS], ids=[case[0] for case in PARTICIPANTS]
)
def test_without_places_participants_decide_the_zone(participants, expected):
    assert zone(exercise(participants=participants)) is expected


def test_every_place_is_of_exactly_one_kind_as_place_zone_tells():
    kinds = {True: vienna.PLACE_IN, False: vienna.PLACE_OUTSIDE, None: vienna.PLACE_UNDETERMINED}
    target = held_at(*(at for _, places, _ in PLACES for at in places))
    for row in Exercise.locations.through.objects.filter(exercise=target).select_related("location__state"):
        location = row.location
        expected = vienna.place_zone(location.state.code if location.state_id else None, location.longitude)
        matched = [verdict for verdict, kind in kinds.items() if type(row).objects.filter(kind, pk=row.pk).exists()]
        assert matched == [expected], (location.state, location.longitude)


def test_the_zone_lists_name_only_registered_codes():
    known = set(State.objects.filter(code__in=vienna.REACHING_IN).values_list("code", flat=True))
    assert known == set(vienna.REACHING_IN)
