"""Exercises attested by several sources, for the tests of what each source says and where they disagree.

``witnessed()`` builds one exercise with records from two data sets, MME v7 (``mme-v7``, in the seeds)
and JME v3 (``jme-v3``, created here when the seeds do not have it), that disagree on its dates, places,
participants and troops; ``agreed()`` one that both attest alike. Both end with
``services.refresh_derived(..., fields=("sources",))``, as an import does.
"""

from exercises import services
from exercises.choices import SourceKind
from exercises.models import (
    Citation,
    ExternalIdentifier,
    Organisation,
    OrganisationParticipation,
    Source,
    State,
    TroopFigure,
)
from tests.factories import exercise

MME, JME, ARTICLE = "mme-v7", "jme-v3", "kucera-2011-csto-vision"


def source(key: str) -> Source:
    """The registered source ``key``, or a data set of that key created for the test."""
    found, _ = Source.objects.get_or_create(key=key, defaults={"title": f"Data set {key}", "kind": SourceKind.DATA_SET})
    return found


def record(created, key: str, identifier: str, **claims) -> ExternalIdentifier:
    return ExternalIdentifier.objects.create(
        exercise=created, source=source(key), identifier=identifier, locator=f"row of {identifier}", claims=claims
    )


def cite(key: str, **target) -> Citation:
    return Citation.objects.create(source=source(key), **target)


def participants(created, named: dict[str, list[str]]) -> None:
    """Cite each participation (by state code) to the sources that name it."""
    for participation in created.participations.select_related("state"):
        for key in named.get(participation.state.alpha2, []):
            cite(key, participation=participation)


def figure(created, value: int, key: str, reported=False) -> TroopFigure:
    made = TroopFigure.objects.create(exercise=created, low=value, high=value, qualifier="exact", is_reported=reported)
    cite(key, troop_figure=made)
    return made


def witnessed(identifiers=("mme3406", "jme77"), **fields):
    """MME (record ``mme3406``): 1991-05 to 1991-05-20, Chelyabinsk, Russia, Kazakhstan and Belarus,
    5,000 troops. JME (``jme77``): 1992-06, Murmansk, Russia, Kazakhstan and NATO as a body, 20,000
    troops (and 300 of Belarus)."""
    mme, jme = identifiers
    created = exercise(participants=["RU", "KZ", "BY"], **fields)
    record(created, MME, mme, name="Union Shield", start="1991-05", end="1991-05-20", places=["Chelyabinsk"])
    record(created, JME, jme, name="Union Shield-91", start="1992-06", places=["Murmansk"])
    participants(created, {"RU": [MME, JME], "KZ": [MME, JME], "BY": [MME]})
    nato = OrganisationParticipation.objects.create(
        exercise=created, organisation=Organisation.objects.get(acronym="NATO")
    )
    cite(JME, organisation_participation=nato)
    figure(created, 5000, MME, reported=True)
    figure(created, 20000, JME)
    state_figure = TroopFigure.objects.create(exercise=created, state=State.objects.lookup("BY"), low=300, high=300)
    cite(JME, troop_figure=state_figure)  # one state's contingent: not the exercise's troops
    services.refresh_derived([created.pk], fields=("sources",))
    created.refresh_from_db()
    return created


def agreed(**fields):
    """Both data sets: May 1995, Chelyabinsk, Russia and Kazakhstan."""
    created = exercise(participants=["RU", "KZ"], **fields)
    record(created, MME, f"mme-{created.pk}", start="1995-05", places=["Chelyabinsk"])
    record(created, JME, f"jme-{created.pk}", start="1995-05-12", places=["Chelyabinsk, Russia"])
    participants(created, {"RU": [MME, JME], "KZ": [MME, JME]})
    services.refresh_derived([created.pk], fields=("sources",))
    created.refresh_from_db()
    return created
