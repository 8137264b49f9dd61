"""The Vienna Document 2011 thresholds: which exercises their troop claims put at or above them, and
which were held in the document's zone of application. The one home of these rules: the API's
``vd_*`` filters, the admin's, the ``stats/`` series ``vienna`` and the detail's ``vienna_document``
all read them here.

The document (OSCE, Forum for Security Co-operation, 30 November 2011; the source registered as
:data:`SOURCE` in ``seeds/sources.json``) requires prior notification of military activities from
:data:`NOTIFICATION` troops and invites observers from :data:`OBSERVATION`, within its zone of
application. Declared figures just under 13,000 are a known pattern (public reporting describes it for
Zapad-2017), hence "declared below, reported above".

**What a claim counts for.** Only whole-exercise claims count (troop figures without a state); a
figure for one state is part of a whole, not the whole. A claim is *at or above* a threshold only if it
says so: by its low end, the least it asserts (an exact or "about" figure is its own low end, "at least
N" is N, a range 12,000-15,000 is 12,000, and "up to N" asserts no least number, so it never is). A
claim is *under* a threshold only if its high end, the most it admits, is under it ("up to 12,000" is,
a range 12,000-15,000 is not, "at least N" never is). "About" figures count as given: sources round,
and this database does not guess which way.

- at or above notification: some whole-exercise claim, of any basis, is at or above 9,000;
- at or above observation: the same at 13,000;
- declared below, reported above: a whole-exercise claim with basis *declared* is under 13,000 while
  another whole-exercise claim (any basis, any source: a claim cannot be both under and at or above)
  is at or above 13,000.

**Zone of application.** Europe, and the Central Asian participating states (Kazakhstan, Kyrgyzstan,
Tajikistan, Turkmenistan, Uzbekistan). "Europe" is the explicit list :data:`EUROPE`: the OSCE
participating states in Europe, the South Caucasus states (Armenia, Azerbaijan, Georgia) and Turkey
whole included, with the European territories that have ISO codes of their own (Gibraltar, the Faroe
Islands ...) and the former European states (Czechoslovakia, the GDR, Yugoslavia, Serbia and
Montenegro). Russia lies partly inside: west of the Urals (longitude below :data:`URALS_LONGITUDE`).

- A place is in the zone if its state is in :data:`EUROPE` or :data:`CENTRAL_ASIA`, or is Russia or
  the Soviet Union with a longitude below 60° E; outside if its state is any other (Russia east of
  60° E included); undetermined if it has no state (seas: the zone takes in adjoining sea areas, and
  no geometry of them is kept here), if it is in Russia or the Soviet Union without coordinates, or in
  the Soviet Union east of 60° E (Soviet Central Asia is in the zone, Siberia is not: the longitude
  cannot tell them apart).
- An exercise's places decide when it has any: in the zone if one of them is (part of the activity
  was), outside if every one is outside, otherwise undetermined.
- With no place recorded, its participants decide (observers aside: they do not say where troops
  exercised), and only when every one of them is a state lying wholly inside the zone (Belarus,
  Kazakhstan: in) or every one wholly outside it (China, the United States, which is a participating
  state but outside the zone: outside). Russia, the Soviet Union, a mix, or no participant:
  undetermined.

An undetermined exercise matches neither ``vd_zone=true`` nor ``vd_zone=false``. The thresholds and the
zone are separate tests: an exercise the document bound is at or above a threshold *and* in the zone.

The rules are written twice, on purpose and side by side: as conditions over ``Exercise`` (correlated
``EXISTS`` over the indexed ``exercise`` column of the related rows, or in the form a FilterSet
chooses: every builder takes ``related`` as ``ExerciseQuerySet.search`` does) for filters and counts,
and in Python for one exercise whose parts are already read (:func:`assess`, the detail). The tests
hold the two to the same answers.
"""

from dataclasses import asdict, dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from exercises.choices import FigureBasis, Role
from exercises.models import Exercise, Location, Participation, TroopFigure

#: The key of the Vienna Document 2011 in ``seeds/sources.json``.
SOURCE = "osce-vienna-document-2011"

#: Troops from which a military activity is subject to prior notification.
NOTIFICATION = 9_000
#: Troops from which observers are invited.
OBSERVATION = 13_000

#: Where this database draws the Urals: places of Russia (or the USSR) west of it are in the zone.
URALS_LONGITUDE = Decimal(60)

#: The OSCE participating states in Europe, by ISO 3166 code, Russia aside (partly inside: see
#: :data:`WEST_OF_URALS`); the South Caucasus states and Turkey included whole. Canada, the United States
#: and Mongolia are participating states outside Europe, so outside the zone.
# fmt: off
OSCE_EUROPE = frozenset(
    {
        "ALB", "AND", "ARM", "AUT", "AZE", "BEL", "BGR", "BIH", "BLR", "CHE", "CYP", "CZE", "DEU", "DNK", "ESP",
        "EST", "FIN", "FRA", "GBR", "GEO", "GRC", "HRV", "HUN", "IRL", "ISL", "ITA", "LIE", "LTU", "LUX", "LVA",
        "MCO", "MDA", "MKD", "MLT", "MNE", "NLD", "NOR", "POL", "PRT", "ROU", "SMR", "SRB", "SVK", "SVN", "SWE",
        "TUR", "UKR", "VAT",
    }
)
# fmt: on
#: European territories of participating states with ISO codes of their own (Greenland is not Europe).
EUROPEAN_TERRITORIES = frozenset({"ALA", "FRO", "GGY", "GIB", "IMN", "JEY", "SJM"})
#: Former European states, by their ISO 3166-3 codes: Czechoslovakia, the German Democratic Republic,
#: Yugoslavia, Serbia and Montenegro. The Soviet Union is in :data:`WEST_OF_URALS`.
FORMER_EUROPEAN = frozenset({"CSHH", "DDDE", "YUCS", "CSXX"})
#: What the document calls Europe here: every state wholly in it.
EUROPE = OSCE_EUROPE | EUROPEAN_TERRITORIES | FORMER_EUROPEAN
#: The Central Asian participating states, whose whole territories are in the zone.
CENTRAL_ASIA = frozenset({"KAZ", "KGZ", "TJK", "TKM", "UZB"})
#: States lying wholly inside the zone.
WHOLLY_IN = EUROPE | CENTRAL_ASIA
#: States lying partly inside: their places west of the Urals are in the zone; east of them, Russia's
#: are outside (False) and the Soviet Union's undetermined (None: Central Asia or Siberia).
WEST_OF_URALS = {"RUS": False, "SUHH": None}
#: States of which some part is in the zone.
REACHING_IN = WHOLLY_IN | frozenset(WEST_OF_URALS)


def correlated(rows) -> Q:
    """Exercises that some of ``rows`` (with an ``exercise`` column) belong to, as a correlated EXISTS."""
    return Q(Exists(rows.filter(exercise=OuterRef("pk"))))


# -- Troop claims ------------------------------------------------------------------------------------
def whole_exercise_claims():
    """The troop figures that claim a number for a whole exercise (no state)."""
    return TroopFigure.objects.filter(state__isnull=True)


def claims_at_or_above(threshold: int):
    """Whole-exercise claims that say the troops reached ``threshold``: their low end is at or above it."""
    return whole_exercise_claims().filter(low__gte=threshold)


def declarations_under(threshold: int):
    """Whole-exercise claims with basis *declared* whose high end is under ``threshold``."""
    return whole_exercise_claims().filter(basis=FigureBasis.DECLARED, high__lt=threshold)


def at_or_above_notification(related=correlated) -> Q:
    return related(claims_at_or_above(NOTIFICATION))


def at_or_above_observation(related=correlated) -> Q:
    return related(claims_at_or_above(OBSERVATION))


def declared_below_reported_above(related=correlated) -> Q:
    """A declaration under 13,000 and another claim at or above it, for the same exercise."""
    return related(declarations_under(OBSERVATION)) & related(claims_at_or_above(OBSERVATION))


# -- Zone of application -----------------------------------------------------------------------------
def _east_of_urals(verdict: bool | None) -> list[str]:
    return sorted(code for code, east in WEST_OF_URALS.items() if east is verdict)


PARTLY_IN = sorted(WEST_OF_URALS)
EAST = {"location__longitude__gte": URALS_LONGITUDE}

#: The three kinds of place (over rows of ``Exercise.locations.through``): each place is of exactly one,
#: as :func:`place_zone` tells.
PLACE_IN = Q(location__state__code__in=sorted(WHOLLY_IN)) | Q(
    location__state__code__in=PARTLY_IN, location__longitude__lt=URALS_LONGITUDE
)
PLACE_OUTSIDE = (Q(location__state__isnull=False) & ~Q(location__state__code__in=sorted(REACHING_IN))) | Q(
    location__state__code__in=_east_of_urals(False), **EAST
)
PLACE_UNDETERMINED = (
    Q(location__state__isnull=True)
    | Q(location__state__code__in=PARTLY_IN, location__longitude__isnull=True)
    | Q(location__state__code__in=_east_of_urals(None), **EAST)
)


def _places(condition: Q | None = None):
    places = Exercise.locations.through.objects.all()
    return places if condition is None else places.filter(condition)


def _actors():
    """Participations that say where troops exercised: every role but observer."""
    return Participation.objects.exclude(role=Role.OBSERVER)


def in_zone(related=correlated) -> Q:
    """Exercises held (in part) in the zone: by a place, or with no place, by participants all inside."""
    all_inside = related(_actors()) & ~related(_actors().exclude(state__code__in=sorted(WHOLLY_IN)))
    return related(_places(PLACE_IN)) | (~related(_places()) & all_inside)


def outside_zone(related=correlated) -> Q:
    """Exercises held outside the zone: every place outside, or with no place, every participant."""
    placed_outside = related(_places()) & ~related(_places(PLACE_IN)) & ~related(_places(PLACE_UNDETERMINED))
    all_outside = related(_actors()) & ~related(_actors().filter(state__code__in=sorted(REACHING_IN)))
    return placed_outside | (~related(_places()) & all_outside)


def place_zone(state_code: str | None, longitude) -> bool | None:
    """Whether a place of this state at this longitude is in the zone (None: undetermined)."""
    if state_code is None:
        return None
    if state_code in WEST_OF_URALS:
        if longitude is None:
            return None
        return True if longitude < URALS_LONGITUDE else WEST_OF_URALS[state_code]
    return state_code in WHOLLY_IN


def participant_zone(state_code: str) -> bool | None:
    """Whether a state lies wholly inside (True), wholly outside (False) or partly inside (None)."""
    return None if state_code in WEST_OF_URALS else state_code in WHOLLY_IN


def zone_of(places, participants) -> bool | None:
    """The exercise's zone from its places (``(state code or None, longitude or None)`` pairs) or, with
    none, from its participants (state codes of every role but observer)."""
    if places:
        verdicts = {place_zone(code, longitude) for code, longitude in places}
        return True if True in verdicts else (None if None in verdicts else False)
    verdicts = {participant_zone(code) for code in participants}
    return verdicts.pop() if len(verdicts) == 1 else None


# -- One exercise ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Assessment:
    """What the detail's ``vienna_document`` says of an exercise."""

    source: str
    notification: bool
    observation: bool
    declared_below_reported_above: bool
    zone: bool | None
    highest_claim: int | None
    declared: int | None


def lookups() -> list:
    """What :func:`assess` reads of an exercise (nothing already prefetched is read again)."""
    return [
        "troop_figures",
        Prefetch("locations", queryset=Location.objects.select_related("state")),
        Prefetch("participations", queryset=Participation.objects.select_related("state")),
    ]


def assess(exercise: Exercise) -> dict:
    """The thresholds and the zone for one exercise, from its troop figures, places and participations
    as read (:func:`lookups`): the same answers as the conditions above, no query per figure.

    ``highest_claim`` is the highest low end of its whole-exercise claims (what the thresholds compare),
    ``declared`` the lowest figure its whole-exercise declarations give, each by its high end (the most
    it admits; "at least N" by N): the declaration "declared below" reads.
    """
    claims = [figure for figure in exercise.troop_figures.all() if figure.state_id is None]
    highest = max((figure.low for figure in claims if figure.low is not None), default=None)
    declarations = [figure for figure in claims if figure.basis == FigureBasis.DECLARED]
    declared = min((f.high if f.high is not None else f.low for f in declarations), default=None)
    declared_under = any(f.high is not None and f.high < OBSERVATION for f in declarations)
    places = [(p.state.code if p.state_id else None, p.longitude) for p in exercise.locations.all()]
    actors = [p.state.code for p in exercise.participations.all() if p.role != Role.OBSERVER]
    observation = highest is not None and highest >= OBSERVATION
    return asdict(
        Assessment(
            source=SOURCE,
            notification=highest is not None and highest >= NOTIFICATION,
            observation=observation,
            declared_below_reported_above=declared_under and observation,
            zone=zone_of(places, actors),
            highest_claim=highest,
            declared=declared,
        )
    )


# -- Statistics --------------------------------------------------------------------------------------
def per_year(exercises) -> list[dict]:
    """Per year of ``exercises`` (a queryset without ordering): how many there are, how many are at or
    above each threshold, declared below and reported above, in and outside the zone. One query."""
    counts = {
        "exercises": Count("pk"),
        "notification": Count("pk", filter=at_or_above_notification()),
        "observation": Count("pk", filter=at_or_above_observation()),
        "declared_below_reported_above": Count("pk", filter=declared_below_reported_above()),
        "in_zone": Count("pk", filter=in_zone()),
        "outside_zone": Count("pk", filter=outside_zone()),
    }
    return list(exercises.values("year").annotate(**counts).order_by("year"))
