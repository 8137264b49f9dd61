"""The facts of the seed article (Kucera, Eurasianet, 2011), reached through the ORM."""

import datetime as dt

import pytest

from exercises.choices import AdversaryBasis, DatePrecision, ForceSide, SourceKind, ThreatType
from exercises.models import Exercise, Force, Location, Organisation, Participation, Scenario, TroopFigure

pytestmark = pytest.mark.django_db

SEED = "kucera-2011-csto-vision"


def participant_codes(slug):
    return set(Exercise.objects.get(slug=slug).participations.values_list("state__alpha2", flat=True))


def test_tsentr_2011_is_a_csto_exercise_of_four_states():
    tsentr = Exercise.objects.get(slug="tsentr-2011")
    assert tsentr.organisation.acronym == "CSTO"
    assert participant_codes("tsentr-2011") == {"RU", "KZ", "KG", "TJ"}


def test_tsentr_2011_reports_12000_troops_cited_to_the_seed():
    tsentr = Exercise.objects.get(slug="tsentr-2011")
    figure = tsentr.troop_figures.get(is_reported=True, state__isnull=True)
    assert (tsentr.reported_troops, figure.low, figure.high) == (12000, 12000, 12000)
    assert figure.citations.get().source.key == SEED


def test_tsentr_2011_wrapped_up_on_27_september_with_unknown_start():
    tsentr = Exercise.objects.get(slug="tsentr-2011")
    assert (tsentr.end_date, tsentr.end_precision) == (dt.date(2011, 9, 27), DatePrecision.DAY)
    assert (tsentr.start_date, tsentr.start_precision) == (None, DatePrecision.UNKNOWN)
    assert tsentr.citations.filter(field="end_date", excerpt__contains="September 27").exists()


def test_tsentr_2011_has_its_alternative_names():
    names = set(Exercise.objects.get(slug="tsentr-2011").alternative_names.values_list("name", flat=True))
    assert names == {"Centre-2011", "Center-2011", "Центр-2011"}


def test_tsentr_2011_runs_as_phases_in_kyrgyzstan_and_kazakhstan():
    phases = Exercise.objects.get(slug="tsentr-2011").phases.all()
    hosts = {p.participations.get(role="host").state.alpha2 for p in phases}
    assert hosts == {"KG", "KZ"}


def test_tsentr_2011_stated_purpose_is_cited_with_militants_and_uprisings():
    tsentr = Exercise.objects.get(slug="tsentr-2011")
    assert "Afghanistan" in tsentr.purpose and "uprisings" in tsentr.purpose
    excerpt = tsentr.citations.filter(field="purpose", attributed_to="").get().excerpt
    assert "militants infiltrating Central Asia from Afghanistan" in excerpt


def test_russia_belarus_exercise_is_concurrent_unnamed_and_12000_strong():
    exercise = Exercise.objects.get(slug="russia-belarus-2011")
    assert participant_codes("russia-belarus-2011") == {"RU", "BY"}
    assert (exercise.reported_troops, exercise.year, exercise.name_is_descriptive) == (12000, 2011, True)
    assert exercise.relations_to.get().from_exercise.slug == "tsentr-2011"


def test_csto_exercises_of_2010_had_1700_troops_from_all_members_of_2010():
    exercise = Exercise.objects.get(slug="csto-exercises-2010")
    members = set(Organisation.objects.get(acronym="CSTO").members_in(2010).values_list("alpha2", flat=True))
    assert (exercise.year, exercise.reported_troops) == (2010, 1700)
    assert participant_codes("csto-exercises-2010") == members


def test_kyrgyz_episode_is_militants_near_bishkek_reported_by_state_television():
    scenario = Scenario.objects.get(key="militants-valley-near-bishkek")
    assert scenario.threat_type == ThreatType.INSURGENT_INCURSION
    assert scenario.locations.get().state.alpha2 == "KG"
    citation = scenario.citations.get()
    assert (citation.source.key, citation.via.kind) == (SEED, SourceKind.BROADCAST)
    forces = {(f.state.alpha2 if f.state else None, f.kind) for f in scenario.forces.filter(side="exercising")}
    assert forces == {("KG", "ground_troops"), ("RU", "aircraft"), ("KG", "helicopter")}


def test_karaganda_episode_is_air_defence():
    scenario = Scenario.objects.get(key="air-defence-karaganda")
    assert scenario.threat_type == ThreatType.AIR_DEFENCE
    assert scenario.locations.get().slug == "karaganda-region"


def test_mangistau_landing_repelled_by_naval_coast_guard_helicopters_and_artillery():
    scenario = Scenario.objects.get(key="militant-landing-mangistau")
    assert scenario.threat_type == ThreatType.AMPHIBIOUS_LANDING
    repelling = {(f.state.alpha2 if f.state else None, f.kind) for f in scenario.forces.filter(side="exercising")}
    assert repelling == {
        ("RU", "naval"),
        ("KZ", "naval"),
        ("RU", "coast_guard"),
        ("KZ", "coast_guard"),
        (None, "helicopter"),
        (None, "artillery"),
    }
    assert set(scenario.locations.values_list("slug", flat=True)) == {"mangistau-region", "caspian-sea"}


def test_caspian_air_attack_suggests_iran_from_tabloid_documents():
    scenario = Scenario.objects.get(key="air-attack-southern-caspian")
    assert scenario.threat_type == ThreatType.AIR_ATTACK
    assert (scenario.adversary_state.alpha3, scenario.adversary_basis) == ("IRN", AdversaryBasis.INFERRED)
    jets = set(scenario.forces.filter(side=ForceSide.OPPOSING).values_list("name", flat=True))
    assert jets == {"F-4", "F-5", "Su-25"}
    vias = set(scenario.citations.values_list("via__publisher", flat=True))
    assert "Moskovsky Komsomolets" in vias


def test_whole_caspian_flotilla_took_part():
    flotilla = Force.objects.get(exercise__slug="tsentr-2011", key="caspian-flotilla")
    assert (flotilla.state.alpha2, flotilla.quantity) == ("RU", "entire")


def test_caspian_sea_belongs_to_no_state():
    assert Location.objects.get(slug="caspian-sea").state is None


def test_every_exercise_record_from_the_seed_is_cited():
    models = (Exercise, Participation, TroopFigure, Scenario, Force)
    assert all(model.objects.exists() for model in models)
    uncited = [str(obj) for model in models for obj in model.objects.filter(citations__isnull=True)]
    assert uncited == []
