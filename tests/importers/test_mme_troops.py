"""Troop figures in MME's free text: what is extracted, and which figure is the exercise's reported one."""

import pytest

from exercises.choices import Qualifier
from exercises.importers.mme import extract_troop_figures
from exercises.importers.troops import mentions_troops
from tests.importers.mme_sample import exercise

pytestmark = pytest.mark.django_db


def test_troop_numbers_extracted_and_marked(sample):
    anorak = exercise("mme92")
    figure = anorak.troop_figures.get()
    assert (figure.low, figure.high, figure.qualifier) == (18000, None, Qualifier.AT_LEAST)
    assert (figure.basis, figure.is_extracted, figure.is_reported) == ("reported", True, True)
    assert anorak.reported_troops == 18000
    assert anorak.troops_text == "involved more than 18,000 soldiers"
    assert figure.citations.get().excerpt == "more than 18,000 soldiers"


def test_troop_figures_for_some_participants_are_not_reported(sample):
    kangaroo = exercise("mme3486")
    assert sorted(kangaroo.troop_figures.values_list("low", "is_reported")) == [(800, False), (3000, False)]
    assert kangaroo.reported_troops is None
    assert not exercise("mme650").troop_figures.get().is_reported  # "17,000 soviet and czechoslovak troops"


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("more than 1,000 personnel", [(Qualifier.AT_LEAST, 1000, True)]),
        ("about 5000 soldiers", [(Qualifier.ABOUT, 5000, True)]),
        ("involving 2,000 troops", [(Qualifier.EXACT, 2000, True)]),
        ("up to 2,000 u.s. marines", [(Qualifier.UP_TO, 2000, False)]),
        ("ABOUT 45 THOUSAND MILITARY PERSONNEL", [(Qualifier.ABOUT, 45000, True)]),
        ("some 8,000 army and amphibious ground troops", [(Qualifier.ABOUT, 8000, True)]),
        ("about 140 nz army and 120 air force personnel", [(Qualifier.EXACT, 120, False)]),
        ("some 50 armoured personnel carriers", []),
        ("40 ships and 80 aircraft", []),
        ("Three hundred people of 16 countries", []),
        ("The two countries sent 100 infantry men each", []),
    ],
)
def test_extract_troop_figures(phrase, expected):
    figures = extract_troop_figures(phrase, "FocusDescription")
    assert [(f.qualifier, f.value, f.whole) for f in figures] == expected


def test_troop_text_is_kept_where_no_figure_is_clear():
    assert mentions_troops("The approximate total number of troops taking part in the exercise is 14,000.")
    assert not mentions_troops("annual exercise")
