"""The series synthetic exercises belong to, and how often each value comes up (the weighted tables
the planner draws from).
"""

import random
from dataclasses import dataclass
from itertools import accumulate

from devtools.synthetic.vocabulary import THREATS, YEAR_FIRST, YEAR_LAST
from exercises.choices import DatePrecision, FigureBasis, Qualifier, SourceKind


@dataclass(frozen=True)
class Theme:
    """What an exercise is planned from: its series (or made-up name), organisation and usual cast."""

    name: str
    style: str  # "-": Zapad-2017; " ": Cobra Gold 2014; "yy": Trident Juncture 18; "": descriptive
    organisation: str | None
    core: tuple[str, ...]  # the lead or host first
    partners: tuple[str, ...]
    domains: tuple[str, ...]
    threats: tuple[str, ...]
    alternatives: tuple[tuple[str, str], ...] = ()  # (name, ISO 639-1 language)
    first: int = YEAR_FIRST
    last: int = YEAR_LAST


def series(name, years, style, organisation, core, partners, domains, threats, alternatives=()):
    """A real series: codes, domains as space-separated words; ``threats`` a key of ``THREATS``."""
    return Theme(
        name, style, organisation, tuple(core.split()), tuple(partners.split()), tuple(domains.split()),
        THREATS[threats], tuple(alternatives), *years,
    )  # fmt: skip


SERIES = [
    series("Zapad", (1962, 2030), "-", None, "RUS BLR", "KAZ ARM KGZ TJK", "land air cpx", "war", [("Запад", "ru")]),
    series("Vostok", (1972, 2030), "-", None, "RUS", "CHN MNG BLR KAZ TJK IND", "land air sea", "war",
           [("Восток", "ru")]),
    series("Tsentr", (1980, 2030), "-", "CSTO", "RUS KAZ", "KGZ TJK BLR ARM UZB", "land air", "terror",
           [("Центр", "ru"), ("Centre", "en"), ("Center", "en")]),
    series("Kavkaz", (1985, 2030), "-", None, "RUS ARM", "BLR KAZ", "land air sea", "war", [("Кавказ", "ru")]),
    series("Union Shield", (1999, 2030), " ", None, "RUS BLR", "", "land air cpx", "war", [("Щит Союза", "ru")]),
    series("Shield", (1969, 1990), "-", "WP", "SUHH POL", "DDDE CSHH HUN ROU BGR", "land air", "war", [("Щит", "ru")]),
    series("Soyuz", (1975, 1990), "-", "WP", "SUHH", "POL DDDE CSHH", "land air cpx", "war"),
    series("Okean", (1965, 1990), "-", None, "SUHH", "", "sea air", "sea", [("Океан", "ru")]),
    series("Peace Mission", (2005, 2030), " ", "SCO", "CHN RUS", "KAZ KGZ TJK UZB IND PAK", "land air", "terror"),
    series("Rubezh", (2004, 2030), "-", "CSTO", "RUS KGZ", "KAZ TJK ARM BLR", "land", "terror", [("Рубеж", "ru")]),
    series("Interaction", (2009, 2030), "-", "CSTO", "RUS BLR", "KAZ KGZ TJK ARM", "land air", "terror",
           [("Взаимодействие", "ru")]),
    series("Indra", (2003, 2030), " ", None, "IND RUS", "", "land sea air", "terror"),
    series("Joint Sea", (2012, 2030), "-", None, "CHN RUS", "", "sea air", "sea"),
    series("Cobra Gold", (1982, 2030), " ", None, "THA USA", "SGP IDN JPN KOR MYS CHN IND", "land sea air amphibious",
           "mixed"),
    series("Balikatan", (1991, 2030), " ", None, "PHL USA", "AUS JPN", "land sea amphibious", "mixed"),
    series("Keris Strike", (2010, 2030), " ", None, "MYS USA", "", "land", "terror"),
    series("Sea Breeze", (1997, 2030), " ", None, "UKR USA", "GBR TUR GEO MDA ROU BGR CAN", "sea amphibious", "sea"),
    series("RIMPAC", (1971, 2030), " ", None, "USA", "CAN AUS JPN KOR NZL CHL MEX IND FRA GBR SGP MYS IDN PER",
           "sea air amphibious", "sea"),
    series("Steadfast Jazz", (2013, 2013), " ", "NATO", "POL LVA", "USA DEU FRA GBR", "land air cpx", "war"),
    series("Steadfast Defender", (2021, 2030), " ", "NATO", "USA DEU", "GBR FRA POL", "land air sea cpx", "war"),
    series("Trident Juncture", (2015, 2030), "yy", "NATO", "NOR ESP", "USA GBR DEU ITA PRT", "land sea air", "war"),
    series("Saber Strike", (2010, 2030), " ", None, "USA LTU", "LVA EST POL GBR", "land", "war"),
    series("Saber Guardian", (2013, 2030), " ", None, "USA ROU", "BGR HUN UKR MDA", "land air", "war"),
    series("Flintlock", (2005, 2030), " ", None, "USA", "NER MLI TCD SEN NGA BFA MAR MRT", "land", "terror"),
    series("Malabar", (1992, 2030), " ", None, "IND USA", "JPN AUS", "sea air", "sea"),
    series("Talisman Sabre", (2005, 2030), " ", None, "AUS USA", "JPN NZL CAN GBR KOR", "land sea amphibious", "mixed"),
    series("Pitch Black", (1981, 2030), " ", None, "AUS", "USA SGP IND IDN JPN FRA", "air", "air"),
    series("Red Flag", (1975, 2030), " ", None, "USA", "GBR CAN AUS DEU IND", "air", "air"),
    series("Cold Response", (2006, 2030), " ", "NATO", "NOR", "USA GBR NLD SWE FIN", "land sea air", "war"),
    series("BALTOPS", (1971, 2030), " ", "NATO", "USA", "POL DEU DNK SWE FIN EST LVA LTU", "sea amphibious", "sea"),
    series("Anakonda", (2006, 2030), "-", None, "POL", "USA LTU EST LVA", "land", "war"),
    series("Noble Partner", (2015, 2030), " ", None, "GEO USA", "GBR DEU", "land", "peace"),
    series("Steppe Eagle", (2003, 2030), " ", None, "KAZ GBR", "USA KGZ TJK", "land", "peace"),
    series("Bersama Shield", (1981, 2030), " ", "FPDA", "MYS SGP", "GBR AUS NZL", "sea air", "sea"),
    series("Reforger", (1969, 1993), " ", "NATO", "USA DEU", "GBR NLD BEL CAN", "land cpx", "war"),
    series("Autumn Forge", (1975, 1989), " ", "NATO", "DEU USA", "GBR NLD BEL", "land air", "war"),
    series("Able Archer", (1983, 1983), " ", "NATO", "BEL USA", "GBR DEU", "cpx", "war"),
    series("Mainbrace", (1952, 1952), " ", "NATO", "GBR USA", "NOR DNK", "sea", "sea"),
    series("Strong Express", (1972, 1972), " ", "NATO", "NOR USA", "GBR", "sea amphibious", "sea"),
    series("Firmlink", (1956, 1975), " ", "SEATO", "THA USA", "PHL AUS NZL GBR", "land", "war"),
    series("Bright Star", (1980, 2030), " ", None, "EGY USA", "GBR FRA JOR KWT", "land air", "war"),
    series("African Lion", (2004, 2030), " ", None, "MAR USA", "TUN SEN GHA", "land air", "terror"),
    series("Eager Lion", (2011, 2030), " ", None, "JOR USA", "SAU ARE QAT GBR", "land", "terror"),
    series("Khaan Quest", (2003, 2030), " ", "UN", "MNG USA", "JPN KOR IND", "land", "peace"),
    series("Yudh Abhyas", (2004, 2030), " ", None, "IND USA", "", "land", "terror"),
    series("Hand-in-Hand", (2007, 2030), " ", None, "CHN IND", "", "land", "terror"),
    series("Cope Thunder", (1976, 2030), " ", None, "USA PHL", "JPN KOR", "air", "air"),
]  # fmt: skip

EXERCISE_KINDS = {
    "air": "air defence", "sea": "naval", "land": "land", "amphibious": "amphibious", "cyber": "cyber",
    "cpx": "command post",
}  # fmt: skip
YEARS = range(YEAR_FIRST, YEAR_LAST + 1)
D = DatePrecision  # a short name for the table below
#: How often each value comes up, relative to the others; a (low, high) value is a range to draw from.
TABLES = {
    "theme": [("series", 55), ("generic", 40), ("descriptive", 5)],
    # Most exercises have two to five participants; a few have up to forty.
    "participants": [(1, 7), (2, 25), (3, 20), (4, 15), (5, 10), ((6, 10), 13), ((11, 20), 7), ((21, 40), 3)],
    "scenarios": [(1, 45), (2, 25), (3, 13), (4, 8), (5, 5), (6, 4)],
    "episode_states": [(1, 55), (2, 35), (3, 10)],
    "forces": [(0, 40), (1, 45), (2, 15)],
    "locations": [(1, 45), (2, 27), (3, 13), (4, 8), (5, 4), (6, 3)],
    "start": [(D.DAY, 60), (D.MONTH, 20), (D.YEAR, 12), (D.UNKNOWN, 8)],
    "end": [(D.DAY, 60), (D.MONTH, 17), (D.YEAR, 10), (D.UNKNOWN, 13)],
    "duration": [(0, 8), (2, 10), (4, 15), (6, 20), (9, 15), (13, 12), (20, 10), (29, 6), (44, 4)],
    "claims": [(1, 50), (2, 30), (3, 13), (4, 7)],
    "qualifier": [
        (Qualifier.EXACT, 45), ("range", 10), (Qualifier.ABOUT, 25), (Qualifier.AT_LEAST, 12), (Qualifier.UP_TO, 8),
    ],
    "basis": [
        (FigureBasis.DECLARED, 35), (FigureBasis.REPORTED, 35), (FigureBasis.ESTIMATED, 20), (FigureBasis.OBSERVED, 10),
    ],
}  # fmt: skip
SOURCE_KINDS = [
    (SourceKind.NEWS_ARTICLE, 50), (SourceKind.OFFICIAL_STATEMENT, 20), (SourceKind.OFFICIAL_DOCUMENT, 8),
    (SourceKind.BROADCAST, 8), (SourceKind.DATA_SET, 4), (SourceKind.REFERENCE, 4),
    (SourceKind.LEAKED_DOCUMENT, 2), (SourceKind.OTHER, 4),
]  # fmt: skip


class Table:
    """Values with relative weights, drawn with ``Random.choices`` on precomputed cumulative weights."""

    def __init__(self, rows):
        values, weights = zip(*rows, strict=True)
        self.values, self.cumulative = list(values), list(accumulate(weights))

    def draw(self, rng: random.Random):
        return rng.choices(self.values, cum_weights=self.cumulative)[0]
